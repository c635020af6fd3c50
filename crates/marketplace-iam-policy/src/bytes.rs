//! Every byte-level routine of the crate, each beside the plain reference it must agree with.
//!
//! The strings of a policy (action names, patterns, ARNs) are short and nearly always ASCII. The routines here work
//! on them a word (8 bytes) or a vector (32 bytes) at a time, or by address within a buffer; the rest of the crate
//! calls them and does no byte tricks of its own. Each fast routine has a scalar reference in this file (`*_ref`, or
//! the plain function named in its documentation), and `mod tests` holds them to it with property tests, over any
//! byte values, lengths and alignments. What each routine assumes of its input is in its documentation. Measurements
//! are in docs/BENCHMARKS.md.

use wide::u8x32;

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;
const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;

/// `x`, eight bytes, with its ASCII capital letters in lower case and every other byte unchanged (bytes of 0x80 and
/// above included). Reference: [`u8::to_ascii_lowercase`] on each byte.
pub(crate) const fn lower_word(x: u64) -> u64 {
    let low = x & LOW7;
    let from_a = low + ONES * (0x80 - b'A' as u64);
    let past_z = low + ONES * (0x80 - b'Z' as u64 - 1);
    let capital = from_a & !past_z & !x & HIGH;
    x | (capital >> 2)
}

/// Writes `from` with its ASCII capital letters in lower case to the start of `to`, a word at a time read straight
/// from `from` (the last word overlapping the one before it when the length is not a multiple of 8; byte by byte
/// below 8 bytes), so that no word is read back from bytes just written. `None`, writing nothing, when `to` is
/// shorter than `from`. Any bytes; UTF-8 stays UTF-8. Reference: `from.to_ascii_lowercase()` copied to the start of
/// `to`.
pub(crate) fn lower_into(to: &mut [u8], from: &[u8]) -> Option<()> {
    let n = from.len();
    let to = to.get_mut(..n)?;
    if n < 8 {
        for (t, f) in to.iter_mut().zip(from) {
            *t = f.to_ascii_lowercase();
        }
        return Some(());
    }
    let lowered = |at: usize| {
        let mut w = [0; 8];
        w.copy_from_slice(&from[at..at + 8]);
        lower_word(u64::from_le_bytes(w)).to_le_bytes()
    };
    for at in (0..n - 8).step_by(8) {
        to[at..at + 8].copy_from_slice(&lowered(at));
    }
    to[n - 8..].copy_from_slice(&lowered(n - 8));
    Some(())
}

/// `a == b`, a word at a time: the last word first, then the others, the last two overlapping when the length is not
/// a multiple of 8; byte by byte below 8 bytes. Any bytes. Reference: `a == b`.
#[inline]
pub(crate) fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    same_words(a, b, |w| w, |c| c)
}

/// Whether `a` in ASCII lower case equals `lowered`, which the caller has lowered already (it is not folded): IAM's
/// comparison of action names in any letter case, against a name lowered once. Any bytes. Reference:
/// `a.to_ascii_lowercase() == lowered`.
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

/// What the readers need to know of a name or pattern: its colons, its wildcards (`*`, `?`), and whether it is all
/// printable ASCII. Found 32 bytes at a time with vector comparisons (`wide`'s `u8x32`, safe code). Reference:
/// `Scan::by_bytes` (in tests).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Scan {
    /// The offset of the first `:`, if any.
    pub(crate) first_colon: Option<u32>,
    /// Whether there is a `:` after the first.
    pub(crate) more_colons: bool,
    /// Whether every byte is printable ASCII (`!` to `~`: no space, control or non-ASCII byte).
    pub(crate) printable: bool,
    /// The offset of the first `*` or `?`, if any.
    pub(crate) first_wildcard: Option<u32>,
    /// The offset just after the last `*` or `?` (0 if none).
    pub(crate) end_wildcard: u32,
}

impl Scan {
    const WINDOW: usize = 32;

    /// The scan of the `len` bytes of `text` from `start`; `None` if they are not all in `text`. Reads whole windows
    /// of `text` past the string where there are (and pads past its end), counting only the string's bytes. Any
    /// bytes; offsets are `u32`, so the string must be shorter than 4 GiB (the readers refuse larger documents).
    pub(crate) fn of(text: &[u8], start: usize, len: usize) -> Option<Scan> {
        text.get(start..start.checked_add(len)?)?;
        // Most names and patterns fit in one window: found without a branch on what the bytes are.
        if len <= Scan::WINDOW
            && let Some(window) = text.get(start..start + Scan::WINDOW)
        {
            return Some(Scan::of_window(window.try_into().ok()?, len));
        }
        let mut scan = Scan {
            first_colon: None,
            more_colons: false,
            printable: true,
            first_wildcard: None,
            end_wildcard: 0,
        };
        let mut at = 0;
        while at < len {
            let window: [u8; Scan::WINDOW] = match text.get(start + at..start + at + Scan::WINDOW) {
                Some(window) => window.try_into().ok()?,
                // Near the end of the text: the rest, padded (the padding is outside the string).
                None => {
                    let rest = text.get(start + at..)?;
                    let mut window = [0; Scan::WINDOW];
                    window.get_mut(..rest.len())?.copy_from_slice(rest);
                    window
                }
            };
            let bytes = u8x32::new(window);
            let colons = bytes.simd_eq(u8x32::splat(b':')).to_bitmask();
            let wildcards = (bytes.simd_eq(u8x32::splat(b'*')) | bytes.simd_eq(u8x32::splat(b'?')))
                .to_bitmask();
            let printable = (bytes.simd_gt(u8x32::splat(b' ')) & bytes.simd_lt(u8x32::splat(0x7f)))
                .to_bitmask();
            let inside = match len - at {
                n if n >= Scan::WINDOW => u32::MAX,
                n => (1 << n) - 1,
            };
            let (colons, wildcards) = (colons & inside, wildcards & inside);
            let offset = |bit: u32| at as u32 + bit;
            if colons != 0 {
                scan.more_colons |= scan.first_colon.is_some() || colons & (colons - 1) != 0;
                scan.first_colon
                    .get_or_insert(offset(colons.trailing_zeros()));
            }
            scan.printable &= printable & inside == inside;
            if wildcards != 0 {
                scan.first_wildcard
                    .get_or_insert(offset(wildcards.trailing_zeros()));
                scan.end_wildcard = offset(32 - wildcards.leading_zeros());
            }
            at += Scan::WINDOW;
        }
        Some(scan)
    }

    /// The scan of the first `len` bytes (at most [`Scan::WINDOW`]) of `window`.
    #[inline]
    fn of_window(window: [u8; Scan::WINDOW], len: usize) -> Scan {
        let bytes = u8x32::new(window);
        let colons = bytes.simd_eq(u8x32::splat(b':')).to_bitmask();
        let wildcards =
            (bytes.simd_eq(u8x32::splat(b'*')) | bytes.simd_eq(u8x32::splat(b'?'))).to_bitmask();
        let printable =
            (bytes.simd_gt(u8x32::splat(b' ')) & bytes.simd_lt(u8x32::splat(0x7f))).to_bitmask();
        // The string's bits: `len` is at most 32, so the shift is within 64 bits.
        let inside = ((1u64 << len) - 1) as u32;
        let (colons, wildcards) = (colons & inside, wildcards & inside);
        Scan {
            first_colon: (colons != 0).then_some(colons.trailing_zeros()),
            more_colons: colons & colons.wrapping_sub(1) != 0,
            printable: printable & inside == inside,
            first_wildcard: (wildcards != 0).then_some(wildcards.trailing_zeros()),
            // 0 when there is none: 32 leading zeros.
            end_wildcard: 32 - wildcards.leading_zeros(),
        }
    }

    /// The reference of [`Scan::of`]: the same facts of `s`, one byte at a time.
    #[cfg(test)]
    pub(crate) fn by_bytes(s: &[u8]) -> Scan {
        let colons: Vec<usize> = (0..s.len()).filter(|&i| s[i] == b':').collect();
        let wildcards: Vec<usize> = (0..s.len())
            .filter(|&i| matches!(s[i], b'*' | b'?'))
            .collect();
        let offset = |i: usize| u32::try_from(i).expect("a short string");
        Scan {
            first_colon: colons.first().copied().map(offset),
            more_colons: colons.len() > 1,
            printable: s.iter().all(u8::is_ascii_graphic),
            first_wildcard: wildcards.first().copied().map(offset),
            end_wildcard: wildcards.last().map_or(0, |&i| offset(i + 1)),
        }
    }
}

/// Where `part` starts in the buffer of `len` bytes at address `start`: `Some(offset)` when `part` lies wholly
/// inside it, by address arithmetic (no byte is read). For strings that a tokenizer left in place in its copy of a
/// document: the caller still checks that the document has `part` at that offset before it relies on it.
/// Reference: `offset_within_ref` (in tests).
pub(crate) fn offset_within(start: *const u8, len: usize, part: &[u8]) -> Option<usize> {
    let offset = part.as_ptr().addr().checked_sub(start.addr())?;
    (offset.checked_add(part.len())? <= len).then_some(offset)
}

/// The reference of [`offset_within`]: tries every offset of the buffer in turn.
#[cfg(test)]
fn offset_within_ref(start: *const u8, len: usize, part: &[u8]) -> Option<usize> {
    (0..=len).find(|&i| start.wrapping_add(i) == part.as_ptr() && i + part.len() <= len)
}

/// A prefilter for a set of names compared in any letter case: for each length below 64, the set of the names' last
/// bytes, lowered and reduced to their low five bits. A name it says `false` for is not in the set; `true` means
/// "compare the names". The empty name and names of 64 bytes or more are never filtered out. Reference:
/// `LastLetters::may_hold_ref` (in tests).
pub(crate) struct LastLetters([u32; 64]);

impl LastLetters {
    /// The prefilter of `names`.
    pub(crate) fn of<'a>(names: impl IntoIterator<Item = &'a str>) -> LastLetters {
        let mut sets = [0u32; 64];
        for name in names {
            if let (Some(set), Some(last)) = (sets.get_mut(name.len()), name.bytes().last()) {
                *set |= 1 << (last.to_ascii_lowercase() & 31);
            }
        }
        LastLetters(sets)
    }

    /// Whether `name` may be one of the names (in any letter case).
    pub(crate) fn may_hold(&self, name: &str) -> bool {
        match (self.0.get(name.len()), name.bytes().last()) {
            (Some(set), Some(last)) => set & (1 << (last.to_ascii_lowercase() & 31)) != 0,
            _ => true,
        }
    }

    /// The reference of [`LastLetters::may_hold`]: some name has `name`'s length and a last byte equal to
    /// `name`'s in the low five bits of its lower case; the empty name and names of 64 bytes or more always.
    #[cfg(test)]
    fn may_hold_ref(names: &[&str], name: &str) -> bool {
        let key = |s: &str| s.bytes().last().map(|b| b.to_ascii_lowercase() & 31);
        name.len() >= 64
            || name.is_empty()
            || names
                .iter()
                .any(|n| n.len() == name.len() && key(n) == key(name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Strings near what the routines see (names, patterns), and any bytes.
    fn text() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![
            "[a-zA-Z:*?~! \t\u{1}\u{7f}é@\\[\\]`{-]{0,70}".prop_map(String::into_bytes),
            prop::collection::vec(any::<u8>(), 0..70),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

        #[test]
        fn lower_word_agrees_with_bytes(bytes in any::<[u8; 8]>()) {
            let lowered = bytes.map(|c| c.to_ascii_lowercase());
            prop_assert_eq!(lower_word(u64::from_le_bytes(bytes)), u64::from_le_bytes(lowered));
        }

        /// Into a buffer as long as the text, longer, and shorter.
        #[test]
        fn lower_into_agrees_with_bytes(bytes in text(), fill in any::<u8>(), extra in 0..20usize, short in 1..10usize) {
            let reference = bytes.to_ascii_lowercase();
            let mut to = vec![fill; bytes.len() + extra];
            prop_assert_eq!(lower_into(&mut to, &bytes), Some(()));
            prop_assert_eq!(&to[..bytes.len()], &reference[..]);
            prop_assert!(to[bytes.len()..].iter().all(|&b| b == fill));
            if bytes.len() >= short {
                let mut to = vec![fill; bytes.len() - short];
                prop_assert_eq!(lower_into(&mut to, &bytes), None);
                prop_assert!(to.iter().all(|&b| b == fill));
            }
        }

        /// Equal strings, strings differing in one byte, and unrelated ones.
        #[test]
        fn same_bytes_and_same_lowered_agree_with_their_references(
            a in text(),
            other in text(),
            at in any::<prop::sample::Index>(),
            flip in 1..=255u8,
            which in 0..3usize,
        ) {
            let b = match which {
                0 => a.clone(),
                1 if !a.is_empty() => {
                    let mut b = a.clone();
                    b[at.index(a.len())] ^= flip;
                    b
                }
                _ => other,
            };
            prop_assert_eq!(same_bytes(&a, &b), a == b);
            for b in [b.to_ascii_lowercase(), b] {
                prop_assert_eq!(same_lowered(&a, &b), a.to_ascii_lowercase() == b);
            }
        }

        /// Whatever surrounds the string, wherever it falls in its windows and however near the end of the text.
        #[test]
        fn scan_agrees_with_bytes(before in text(), s in text(), after in text()) {
            let text = [&before[..], &s, &after].concat();
            let scan = Scan::of(&text, before.len(), s.len()).expect("the string is in the text");
            prop_assert_eq!(scan, Scan::by_bytes(&s));
        }

        #[test]
        fn offset_within_agrees_with_its_reference(
            buffer in prop::collection::vec(any::<u8>(), 0..100),
            a in any::<prop::sample::Index>(),
            b in any::<prop::sample::Index>(),
            short in 0..100usize,
        ) {
            let (i, j) = (a.index(buffer.len() + 1), b.index(buffer.len() + 1));
            let part = &buffer[i.min(j)..i.max(j)];
            // The whole buffer, and a buffer that ends early (the part may then reach past it).
            for len in [buffer.len(), short.min(buffer.len())] {
                prop_assert_eq!(
                    offset_within(buffer.as_ptr(), len, part),
                    offset_within_ref(buffer.as_ptr(), len, part)
                );
            }
            let elsewhere = vec![0u8; 3];
            prop_assert_eq!(
                offset_within(buffer.as_ptr(), buffer.len(), &elsewhere),
                offset_within_ref(buffer.as_ptr(), buffer.len(), &elsewhere)
            );
        }

        #[test]
        fn last_letters_agree_with_their_reference(
            names in prop::collection::vec("[a-zA-Z:_\\[\\]@`{~-]{0,70}", 0..8),
            name in "[a-zA-Z:_\\[\\]@`{~-]{0,70}",
        ) {
            let names: Vec<&str> = names.iter().map(String::as_str).collect();
            let filter = LastLetters::of(names.iter().copied());
            prop_assert_eq!(filter.may_hold(&name), LastLetters::may_hold_ref(&names, &name));
            for n in &names {
                prop_assert!(filter.may_hold(&n.to_ascii_uppercase()));
            }
        }
    }

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
        assert!(same_lowered(
            b"AWS-Marketplace:MeterUsage",
            b"aws-marketplace:meterusage"
        ));
        assert!(
            !same_lowered(b"AB", b"AB"),
            "the second is taken as lowered"
        );
    }
}
