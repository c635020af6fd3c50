//! IAM's wildcard matching: `*` matches any run of characters (including none and including `:` and `/`), `?`
//! matches exactly one character, everything else matches itself. There is no escape character.

/// Whether `text` matches the IAM wildcard `pattern`.
///
/// With `ignore_case`, letters match in any case (ASCII case folding: action names and condition keys are ASCII),
/// the way IAM compares action names; without it, the comparison is exact, as for ARNs and `StringLike`.
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
    // The literal prefix, up to the first wildcard (the whole pattern if it has none), compared first: most
    // comparisons end there (another service, another action name, a different length). It is compared exactly
    // first (policies mostly spell names as AWS does), then in any case if asked. Wildcards are ASCII and bytes of
    // other characters compare only with themselves, so the prefix ends on a character boundary in both strings.
    let (p, t) = (pattern.as_bytes(), text.as_bytes());
    let Some(i) = memchr::memchr2(b'*', b'?', p) else {
        return p == t || (ignore_case && p.eq_ignore_ascii_case(t));
    };
    let (Some(prefix), Some(start)) = (p.get(..i), t.get(..i)) else {
        return false;
    };
    if prefix != start && !(ignore_case && prefix.eq_ignore_ascii_case(start)) {
        return false;
    }
    let (Some(pattern), Some(text)) = (pattern.get(i..), text.get(i..)) else {
        return false;
    };
    // ASCII (action names, ARNs, most values): match bytes, no allocation. Otherwise characters, so `?` is one
    // character however many bytes it takes.
    if pattern.is_ascii() && text.is_ascii() {
        let same = |a: u8, b: u8| {
            if ignore_case {
                a.eq_ignore_ascii_case(&b)
            } else {
                a == b
            }
        };
        glob(pattern.as_bytes(), text.as_bytes(), b'*', b'?', same)
    } else {
        let p: Vec<char> = pattern.chars().collect();
        let t: Vec<char> = text.chars().collect();
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
            star = Some((pi, ti));
            pi += 1;
        } else if pi < p.len() && (p[pi] == one || same(p[pi], t[ti])) {
            pi += 1;
            ti += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == any)
}

/// Whether an `Action`/`NotAction` pattern names `action` (IAM compares action names in any letter case).
pub(crate) fn action_matches(pattern: &str, action: &str) -> bool {
    wildcard_match(pattern, action, true)
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
