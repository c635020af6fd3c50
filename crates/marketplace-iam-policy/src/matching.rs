//! IAM's wildcard matching: `*` matches any run of characters (including none and including `:` and `/`), `?`
//! matches exactly one character, everything else matches itself. There is no escape character.

use crate::bytes::{lower_into, same_bytes, same_lowered};
use crate::patterns::Compiled;

/// Whether `text` matches the IAM wildcard `pattern`.
///
/// With `ignore_case`, letters match in any case (ASCII case folding: action names and condition keys are ASCII),
/// the way IAM compares action names; without it, the comparison is exact, as for ARNs and `StringLike`.
///
/// The literal prefix, up to the first wildcard (the whole pattern if it has none), is compared first: most
/// comparisons end there (another service, another action name, a different length). Then the literal suffix after
/// the last wildcard, which must end the text. Each is compared exactly first (policies mostly spell names as AWS
/// does), then in any case if asked. Wildcards are ASCII and bytes of other characters compare only with
/// themselves, so what is left of both strings starts and ends on character boundaries.
///
/// ```
/// use marketplace_iam_policy::wildcard_match;
///
/// assert!(wildcard_match("aws-marketplace:*Usage", "AWS-Marketplace:MeterUsage", true));
/// assert!(wildcard_match("aws-marketplace:Get?ntitlements", "aws-marketplace:GetEntitlements", false));
/// assert!(!wildcard_match("aws-marketplace:Meter*", "aws-marketplace:BatchMeterUsage", true));
/// assert!(!wildcard_match("arn:aws:s3:::Bucket", "arn:aws:s3:::bucket", false));
/// ```
pub fn wildcard_match(pattern: &str, text: &str, ignore_case: bool) -> bool {
    let (p, t) = (pattern.as_bytes(), text.as_bytes());
    match memchr::memchr2(b'*', b'?', p) {
        None => p.len() == t.len() && same_text(p, t, ignore_case),
        Some(first) => Glob::new(p, first).matches(t, ignore_case),
    }
}

impl<'a> Compiled<'a> {
    /// The pattern cut at the wildcards its list found when it was read (`None`: it has none).
    pub(crate) fn glob(&self) -> Option<Glob<'a>> {
        Some(Glob::from_bounds(self.text, self.wildcard?, self.suffix))
    }
}

fn same_text(a: &[u8], b: &[u8], ignore_case: bool) -> bool {
    same_bytes(a, b) || (ignore_case && a.eq_ignore_ascii_case(b))
}

/// A pattern with wildcards, cut into its literal prefix (before the first wildcard), its middle (from the first
/// wildcard to the last) and its literal suffix: made once to match many texts.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Glob<'a> {
    prefix: &'a [u8],
    middle: &'a [u8],
    suffix: &'a [u8],
}

impl<'a> Glob<'a> {
    /// `first`: the offset of the pattern's first wildcard.
    pub(crate) fn new(p: &'a [u8], first: usize) -> Glob<'a> {
        // Patterns are short and most end with their last wildcard: a scan from the end.
        let suffix = p
            .iter()
            .rposition(|&c| c == b'*' || c == b'?')
            .map_or(0, |i| i + 1);
        Glob::from_bounds(p, first, suffix)
    }

    /// `first`: the offset of the pattern's first wildcard; `suffix`: the offset just after its last.
    pub(crate) fn from_bounds(p: &'a [u8], first: usize, suffix: usize) -> Glob<'a> {
        let first = first.min(p.len());
        let suffix = suffix.clamp(first, p.len());
        Glob {
            prefix: &p[..first],
            middle: &p[first..suffix],
            suffix: &p[suffix..],
        }
    }

    pub(crate) fn matches(&self, t: &[u8], ignore_case: bool) -> bool {
        let Some(end) = t.len().checked_sub(self.suffix.len()) else {
            return false;
        };
        if end < self.prefix.len()
            || !same_text(self.prefix, &t[..self.prefix.len()], ignore_case)
            || !same_text(self.suffix, &t[end..], ignore_case)
        {
            return false;
        }
        // One `*` between the two (`Prefix*`, `*Suffix`, `*`): it takes whatever is left.
        if self.middle == b"*" {
            return true;
        }
        let (p, t) = (self.middle, &t[self.prefix.len()..end]);
        // ASCII (action names, ARNs, most values): match bytes, no allocation. Otherwise characters, so `?` is one
        // character however many bytes it takes.
        if p.is_ascii() && t.is_ascii() {
            let same = |a: u8, b: u8| {
                if ignore_case {
                    a.eq_ignore_ascii_case(&b)
                } else {
                    a == b
                }
            };
            glob(p, t, b'*', b'?', same)
        } else {
            let (Ok(p), Ok(t)) = (std::str::from_utf8(p), std::str::from_utf8(t)) else {
                return false;
            };
            let p: Vec<char> = p.chars().collect();
            let t: Vec<char> = t.chars().collect();
            let same = |a: char, b: char| {
                if ignore_case {
                    a.eq_ignore_ascii_case(&b)
                } else {
                    a == b
                }
            };
            glob(&p, &t, '*', '?', same)
        }
    }
}

/// Greedy matching with backtracking to the last `*`: linear in the common case, O(|p|·|t|) at worst, and no
/// recursion, so no input can exhaust the stack.
fn glob<T: Copy + PartialEq>(
    p: &[T],
    t: &[T],
    any: T,
    one: T,
    same: impl Fn(T, T) -> bool,
) -> bool {
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && p[pi] == any {
            if pi + 1 == p.len() {
                // A final `*` takes whatever is left (the common `Prefix*`, and `*` alone).
                return true;
            }
            star = Some((pi, ti));
            pi += 1;
        } else if pi < p.len() && (p[pi] == one || same(p[pi], t[ti])) {
            pi += 1;
            ti += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            // The `*` takes one more character; skip the positions where the literal after it cannot start (the
            // loop would fail there and come back here).
            let next = p[pi];
            if next != any && next != one {
                while ti < t.len() && !same(next, t[ti]) {
                    ti += 1;
                }
            }
            star = Some((sp, ti));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == any)
}

/// An action name in ASCII lower case, to match [`Patterns`](crate::Patterns) against in any letter case: only the
/// pattern's side is folded as it is compared. Made once per evaluated action, on the stack for names of up to 64
/// bytes (every catalog action). The name is lowered into a buffer that is already where it is used
/// ([`Lowered::of`]), so it is not copied after it is written: reading it back from a copy made just after the
/// writes stalls the processor.
pub(crate) struct Lowered {
    short: [u8; Lowered::SHORT],
    long: String,
}

impl Lowered {
    const SHORT: usize = 64;

    /// An empty buffer.
    pub(crate) fn new() -> Lowered {
        Lowered {
            short: [0; Lowered::SHORT],
            long: String::new(),
        }
    }

    /// `action` in ASCII lower case (UTF-8, as ASCII lower-casing keeps it), in the buffer.
    pub(crate) fn of(&mut self, action: &str) -> &[u8] {
        match lower_into(&mut self.short, action.as_bytes()) {
            Some(()) => &self.short[..action.len()],
            None => {
                self.long = action.to_ascii_lowercase();
                self.long.as_bytes()
            }
        }
    }
}

/// Whether an `Action`/`NotAction` pattern names an action given in lower case (see [`Lowered`]): IAM compares
/// action names in any letter case.
#[inline]
pub(crate) fn action_matches(pattern: &Compiled<'_>, lowered_action: &[u8]) -> bool {
    let (p, t) = (pattern.text, lowered_action);
    let Some(first) = pattern.wildcard else {
        return same_lowered(p, t);
    };
    // Most patterns with wildcards are `prefix*` (or `*suffix`): their literal ends decide, without globbing.
    let (Some(prefix), Some(suffix)) = (p.get(..first), p.get(pattern.suffix..)) else {
        return false;
    };
    let Some(end) = t.len().checked_sub(suffix.len()) else {
        return false;
    };
    if end < first || !same_lowered(prefix, &t[..first]) || !same_lowered(suffix, &t[end..]) {
        return false;
    }
    if pattern.suffix == first + 1 && p[first] == b'*' {
        return true;
    }
    // The literal ends matched: only the middle, from the first wildcard to the last, is left to glob. The action
    // is in lower case already, so only the pattern's letters are folded.
    let (Some(middle), Some(rest)) = (p.get(first..pattern.suffix), t.get(first..end)) else {
        return false;
    };
    if middle.is_ascii() && rest.is_ascii() {
        glob(middle, rest, b'*', b'?', |a, b| a.to_ascii_lowercase() == b)
    } else {
        Glob::from_bounds(p, first, pattern.suffix).matches(t, true)
    }
}

/// `ArnLike`/`ArnEquals`: the six colon-separated parts of the ARN are compared one by one (the last part, the
/// resource, may itself contain colons), each with wildcards, case-sensitively. A value that is not an ARN matches
/// no pattern.
pub(crate) fn arn_matches(pattern: &str, arn: &str) -> bool {
    let p: Vec<&str> = pattern.splitn(6, ':').collect();
    let a: Vec<&str> = arn.splitn(6, ':').collect();
    if p.len() != 6 || a.len() != 6 {
        // A pattern of fewer parts (`*`, `arn:aws:*`) is matched as a whole.
        return p.len() < 6 && a.len() == 6 && wildcard_match(pattern, arn, false);
    }
    p.iter().zip(&a).all(|(p, a)| wildcard_match(p, a, false))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn star_spans_separators_and_question_is_one_char() {
        assert!(wildcard_match("*", "", false));
        assert!(wildcard_match("a*b*c", "a:b/xc", false));
        assert!(!wildcard_match("?", "", false));
        assert!(wildcard_match("??", "é!", false));
        assert!(!wildcard_match("a?", "a", false));
        assert!(wildcard_match("*a*a*a*b", "aaaaaaaaaaaaaaaaaaaab", false));
        assert!(!wildcard_match("*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaa", false));
    }

    #[test]
    fn arn_parts_are_matched_separately() {
        assert!(arn_matches(
            "arn:aws:iam::*:role/Meter*",
            "arn:aws:iam::123456789012:role/MeterRole"
        ));
        assert!(!arn_matches(
            "arn:aws:iam::*:role/Meter*",
            "arn:aws:s3:::bucket/role/Meter"
        ));
        assert!(arn_matches("arn:aws:*", "arn:aws:s3:::bucket"));
        assert!(!arn_matches("arn:aws:s3:::bucket", "not-an-arn"));
        assert!(arn_matches(
            "arn:aws:s3:::bucket/a:b",
            "arn:aws:s3:::bucket/a:b"
        ));
    }
}
