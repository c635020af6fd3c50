//! IAM wildcard matching against a reference built on the `regex` crate: `*` is `.*`, `?` is `.`, everything else
//! is literal, the whole text must match.

use marketplace_iam_policy::wildcard_match;
use proptest::prelude::*;

fn reference(pattern: &str, text: &str, ignore_case: bool) -> bool {
    let mut re = String::from(if ignore_case { "(?is)^" } else { "(?s)^" });
    for c in pattern.chars() {
        match c {
            '*' => re.push_str(".*"),
            '?' => re.push('.'),
            c => re.push_str(&regex::escape(&c.to_string())),
        }
    }
    re.push('$');
    regex::Regex::new(&re).expect("valid regex").is_match(text)
}

// Small alphabets make matches likely; ASCII letters in both cases exercise case folding.
fn pattern() -> impl Strategy<Value = String> {
    "[aAbB:*?/-]{0,12}"
}

fn text() -> impl Strategy<Value = String> {
    "[aAbB:/-]{0,16}"
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn agrees_with_regex_case_sensitive(p in pattern(), t in text()) {
        prop_assert_eq!(wildcard_match(&p, &t, false), reference(&p, &t, false), "pattern {:?} text {:?}", p, t);
    }

    #[test]
    fn agrees_with_regex_ignoring_case(p in pattern(), t in text()) {
        prop_assert_eq!(wildcard_match(&p, &t, true), reference(&p, &t, true), "pattern {:?} text {:?}", p, t);
    }

    #[test]
    fn agrees_on_any_unicode(p in "\\PC{0,8}", t in "\\PC{0,10}") {
        prop_assert_eq!(wildcard_match(&p, &t, false), reference(&p, &t, false));
    }

    #[test]
    fn a_text_matches_itself_and_star(t in text()) {
        let literal = t.replace(['*', '?'], "");
        prop_assert!(wildcard_match(&literal, &literal, false));
        prop_assert!(wildcard_match("*", &t, false));
        prop_assert!(wildcard_match(&literal.to_uppercase(), &literal.to_lowercase(), true));
    }
}

#[test]
fn long_adversarial_patterns_finish() {
    let text = "a".repeat(5_000);
    let pattern = format!("{}b", "*a".repeat(200));
    assert!(!wildcard_match(&pattern, &text, false));
    assert!(!reference(&pattern, &text, false));
}
