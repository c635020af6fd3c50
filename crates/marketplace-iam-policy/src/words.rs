//! Word-at-a-time byte work on the short strings of policies (names, patterns): eight bytes per step, with no
//! branch per byte. For strings of 20 to 50 bytes, a loop over bytes or a call to `memchr`/`memcmp` costs more than
//! the work itself.

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;
const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;

/// `x` with its ASCII capital letters in lower case.
pub(crate) const fn lower_word(x: u64) -> u64 {
    let low = x & LOW7;
    let from_a = low + ONES * (0x80 - b'A' as u64);
    let past_z = low + ONES * (0x80 - b'Z' as u64 - 1);
    let capital = from_a & !past_z & !x & HIGH;
    x | (capital >> 2)
}

/// `a == b`, for the short strings matching compares (names, their literal prefixes and suffixes): a word at a time,
/// the last word first (it tells most different names apart), overlapping the others at the end. A call to
/// `memcmp` costs more than the comparison itself.
#[inline]
pub(crate) fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    same_words(a, b, |w| w, |c| c)
}

/// [`same_bytes`] of `a` in ASCII lower case and `lowered`, which is: IAM's comparison of action names, in any
/// letter case, against a name already lowered.
#[inline]
pub(crate) fn same_lowered(a: &[u8], lowered: &[u8]) -> bool {
    same_words(a, lowered, lower_word, |c| c.to_ascii_lowercase())
}

/// Whether `a`, folded word by word (or byte by byte when shorter than a word), equals `b`.
#[inline]
fn same_words(a: &[u8], b: &[u8], fold: impl Fn(u64) -> u64, fold_byte: impl Fn(u8) -> u8) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    if n < 8 {
        return a.iter().zip(b).all(|(&x, &y)| fold_byte(x) == y);
    }
    let word = |s: &[u8], at: usize| {
        let mut w = [0; 8];
        w.copy_from_slice(&s[at..at + 8]);
        u64::from_le_bytes(w)
    };
    fold(word(a, n - 8)) == word(b, n - 8)
        && (0..n - 8)
            .step_by(8)
            .all(|at| fold(word(a, at)) == word(b, at))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lower_word_lowers_ascii_capitals_only() {
        // Every byte value in every position of a word, with its neighbours varied.
        for b in 0..=255u8 {
            for at in 0..8 {
                for fill in [0u8, b'@', b'A', b'Z', b'[', b'z', 0x7f, 0x80, 0xc1, 0xff] {
                    let mut bytes = [fill; 8];
                    bytes[at] = b;
                    let lowered = bytes.map(|c| c.to_ascii_lowercase());
                    assert_eq!(
                        lower_word(u64::from_le_bytes(bytes)),
                        u64::from_le_bytes(lowered),
                        "{bytes:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn same_lowered_folds_the_first_only() {
        let texts = [
            "",
            "A",
            "a",
            "aws-marketplace:",
            "AWS-Marketplace:",
            "aws-marketplace;",
            "aws-marketplace:MeterUsage",
            "aws-marketplace:meterusage",
            "aws-marketplace:meterusagf",
            "Aws-Marketplace:MeterUsagE",
            "s3:GetObject",
            "s3:getobject",
        ];
        for a in texts {
            for b in texts {
                let lowered = b.to_ascii_lowercase();
                assert_eq!(
                    same_lowered(a.as_bytes(), lowered.as_bytes()),
                    a.eq_ignore_ascii_case(b),
                    "{a:?} {lowered:?}"
                );
            }
        }
        assert!(
            !same_lowered(b"AB", b"AB"),
            "the second is taken as lowered"
        );
    }

    #[test]
    fn same_bytes_is_equality() {
        let texts = [
            "",
            "a",
            "aws-marketplace:",
            "aws-marketplace;",
            "aws-marketplace:meterusage",
            "aws-marketplace:meterusagf",
            "bws-marketplace:meterusage",
        ];
        for a in texts {
            for b in texts {
                assert_eq!(
                    same_bytes(a.as_bytes(), b.as_bytes()),
                    a == b,
                    "{a:?} {b:?}"
                );
            }
        }
    }
}
