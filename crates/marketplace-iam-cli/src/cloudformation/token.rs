//! The tokens that stand for values unknown offline inside resolved strings: a private-use character pair around
//! the index of the reason ([`super::intrinsic::Resolver::reasons`]) and the widest value the part could take.
//! Reading them needs no resolver: widen a string to what the checker evaluates ([`widen`]), show it in a message
//! ([`display`]), find whether it has unknown parts ([`has_unknown`]).

/// Opens a token of an unknown value (a private-use character: templates do not contain it).
pub(crate) const OPEN: char = '\u{E000}';
/// Closes a token of an unknown value.
pub(crate) const CLOSE: char = '\u{E001}';
/// Separates a token's index from the widest value it stands for (`*`, or `arn:*` for an ARN attribute).
pub(crate) const WIDEST: char = '\u{E002}';

/// `s` with every unknown part widened to `*`: the widest value it could take.
pub(crate) fn widen(s: &str) -> String {
    replace_tokens(s, None)
}

/// `s` as a message shows it: each unknown part as `<unknown>`.
pub(crate) fn display(s: &str) -> String {
    replace_tokens(s, Some("<unknown>"))
}

/// `s` with each token replaced by `with`, or by its widest value.
fn replace_tokens(s: &str, with: Option<&str>) -> String {
    let mut out = String::with_capacity(s.len());
    // Outside a token, in its index, or in its widest value.
    let mut state = 0u8;
    for c in s.chars() {
        match (c, state) {
            (OPEN, _) => {
                state = 1;
                out.push_str(with.unwrap_or(""));
            }
            (WIDEST, 1) => state = 2,
            (CLOSE, _) => state = 0,
            (_, 0) => out.push(c),
            (_, 2) if with.is_none() => out.push(c),
            _ => {}
        }
    }
    out
}

/// Takes out of a mapping the keys that are tokens (a mapping under an `Fn::If` whose condition is unknown
/// offline carries one), and returns them.
pub(crate) fn take_condition_keys(
    map: &mut serde_json::Map<String, serde_json::Value>,
) -> Vec<String> {
    let keys: Vec<String> = map
        .keys()
        .filter(|k| k.starts_with(OPEN) && k.ends_with(CLOSE))
        .cloned()
        .collect();
    for k in &keys {
        map.remove(k);
    }
    keys
}

/// Whether `s` holds an unknown part.
pub(crate) fn has_unknown(s: &str) -> bool {
    s.contains(OPEN)
}

/// The indices of the tokens in `s`.
pub(crate) fn tokens(s: &str) -> impl Iterator<Item = usize> + '_ {
    s.split(OPEN)
        .skip(1)
        .filter_map(|part| part.split_once(WIDEST)?.0.parse().ok())
}

/// What reading tokens needs from whoever made them: why each unknown part is unknown, and the account the roles
/// are created in. The CloudFormation resolver and the Terraform plan reader each answer it.
pub(crate) trait Unknowns {
    /// Why the unknown parts of `s` are unknown, one reason per token, each once.
    fn reasons(&self, s: &str) -> Vec<String>;
    /// The account the roles are created in, when known.
    fn account_id(&self) -> Option<&str>;
}
