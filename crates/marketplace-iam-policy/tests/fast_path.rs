//! The fast path of `Policy::parse` against the strict serde reader: on every document, the fast path either gives
//! up or returns exactly what the strict reader returns, and never accepts what the strict reader refuses.
//!
//! Documents: every policy document the tests use (the decision corpus `cases.json`, the bad inputs, the published
//! `docs/policies`, every JSON-looking string literal of the crate's tests and sources), random policies shaped like
//! the benchmark's, and the same with mutations at the boundary of the grammar (dropped, duplicated, misspelt or
//! unknown keys, wrong types, escapes, Unicode, control characters, numbers, `null`, whitespace, single bytes
//! changed, truncation).
//!
//! The comparison does not rest on `debug_assert`s of the readers: run it on a release build too,
//! `cargo test --release -p marketplace-iam-policy --test fast_path`.

use std::path::{Path, PathBuf};

use marketplace_iam_policy::__readers::{compare, strict};
use proptest::prelude::*;

/// Runs both readers on `text`; returns whether the fast path handled it. Fails when they disagree.
fn agree(text: &str) -> bool {
    compare(text).unwrap_or_else(|e| panic!("{e}, from:\n{text}"))
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

/// The Rust sources under `dir`, in its subdirectories too, in order.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut dirs = vec![dir.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// Every `"..."` and `r#"..."#` literal of a Rust source, decoded (literals with escapes this does not know are
/// left out).
fn string_literals(source: &str) -> Vec<String> {
    let mut out = Vec::new();
    let b = source.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i..].starts_with(b"r#\"") {
            let start = i + 3;
            match source[start..].find("\"#") {
                Some(end) => {
                    out.push(source[start..start + end].to_owned());
                    i = start + end + 2;
                }
                None => break,
            }
        } else if b[i] == b'"' && (i == 0 || b[i - 1] != b'\'') {
            let mut s = String::new();
            let mut j = i + 1;
            let mut known = true;
            let mut chars = source[j..].char_indices();
            loop {
                let Some((k, c)) = chars.next() else {
                    j = b.len();
                    break;
                };
                match c {
                    '"' => {
                        j += k + 1;
                        break;
                    }
                    '\\' => match chars.next().map(|(_, c)| c) {
                        Some('n') => s.push('\n'),
                        Some('t') => s.push('\t'),
                        Some('r') => s.push('\r'),
                        Some('0') => s.push('\0'),
                        Some('"') => s.push('"'),
                        Some('\\') => s.push('\\'),
                        Some('\'') => s.push('\''),
                        Some('\n') => {
                            // A line continuation: the next line's leading whitespace is skipped.
                            let rest = chars.as_str();
                            let skip = rest.len() - rest.trim_start().len();
                            for _ in 0..rest[..skip].chars().count() {
                                chars.next();
                            }
                        }
                        Some('u') => {
                            let rest = chars.as_str();
                            match rest.find('}').and_then(|end| {
                                u32::from_str_radix(rest.get(1..end)?, 16)
                                    .ok()
                                    .and_then(char::from_u32)
                                    .map(|c| (c, end))
                            }) {
                                Some((c, end)) => {
                                    s.push(c);
                                    for _ in 0..=end {
                                        chars.next();
                                    }
                                }
                                None => known = false,
                            }
                        }
                        Some('x') => {
                            let rest = chars.as_str();
                            match rest.get(..2).and_then(|h| u8::from_str_radix(h, 16).ok()) {
                                Some(v) if v < 0x80 => {
                                    s.push(v as char);
                                    chars.next();
                                    chars.next();
                                }
                                _ => known = false,
                            }
                        }
                        _ => known = false,
                    },
                    c => s.push(c),
                }
            }
            if known {
                out.push(s);
            }
            i = j;
        } else {
            i += 1;
        }
    }
    out
}

#[test]
fn both_readers_agree_on_every_document_the_tests_use() {
    let root = root();
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut documents: Vec<(String, String)> = Vec::new();

    // The decision corpus: each embedded document, compact and pretty-printed.
    let cases: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(crate_dir.join("tests/cases.json")).expect("cases.json"),
    )
    .expect("cases.json is JSON");
    for case in cases.as_array().expect("an array") {
        for part in ["identity", "scps"] {
            for p in case
                .get(part)
                .and_then(|v| v.as_array())
                .into_iter()
                .flatten()
            {
                documents.push(("cases.json".into(), p.to_string()));
                documents.push((
                    "cases.json".into(),
                    serde_json::to_string_pretty(p).expect("JSON"),
                ));
            }
        }
        if let Some(b) = case.get("boundary") {
            documents.push(("cases.json".into(), b.to_string()));
        }
    }
    for dir in [
        crate_dir.join("tests/bad-inputs"),
        root.join("docs/policies"),
    ] {
        for path in json_files(&dir) {
            let bytes = std::fs::read(&path).expect("readable");
            if let Ok(text) = String::from_utf8(bytes) {
                documents.push((path.display().to_string(), text));
            }
        }
    }
    for dir in [crate_dir.join("tests"), crate_dir.join("src")] {
        for path in rust_files(&dir) {
            let source = std::fs::read_to_string(&path).expect("readable");
            for literal in string_literals(&source) {
                if literal.trim_start().starts_with('{') || literal.contains("Statement") {
                    documents.push((path.display().to_string(), literal));
                }
            }
        }
    }

    let mut handled = 0;
    let mut published = 0;
    for (origin, text) in &documents {
        let h = agree(text);
        handled += usize::from(h);
        if origin.contains("docs/policies") {
            assert!(h, "the fast path should read the published policy {origin}");
            published += 1;
        }
    }
    assert!(documents.len() > 300, "{} documents", documents.len());
    assert!(published >= 9, "{published} published policies");
    // Most of the corpus is ordinary: the fast path must actually be taken for the comparison to mean something.
    assert!(
        handled * 3 > documents.len(),
        "the fast path read only {handled} of {} documents",
        documents.len()
    );
}

// ---------------------------------------------------------------------------------------------------------------
// Random documents at the boundary of the grammar.

const ACTIONS: &[&str] = &[
    "\"aws-marketplace:MeterUsage\"",
    "\"aws-marketplace:Get*\"",
    "\"AWS-Marketplace:batchmeterusage\"",
    "\"*\"",
    "\"s3:GetObject\"",
    "\"aws-marketplace:?eterUsage\"",
    "[\"aws-marketplace:MeterUsage\", \"aws-marketplace:ResolveCustomer\"]",
    "[\"s3:*\"]",
    // At the boundary.
    "\"aws-marketplace:Meter\\u0055sage\"",
    "\"aws-marketplace:Mètre\"",
    "\"aws-marketplace:Meter Usage\"",
    "\"a:b:c\"",
    "\"\"",
    "[]",
    "[\"s3:*\", 1]",
    "[\"s3:*\", null]",
    "[[\"s3:*\"]]",
    "null",
    "1",
    "true",
    "{}",
    "\"s3:\\\"x\"",
    "\"s3:x\u{1}\"",
    "\"s3:x\u{7f}\"",
    "\"arn:aws:s3:::b\"",
];

const RESOURCES: &[&str] = &[
    "\"*\"",
    "\"arn:aws:s3:::example-bucket/*\"",
    "[\"*\", \"arn:aws:s3:::example-bucket/*\"]",
    "\"arn:aws:s3:::caf\u{e9}\"",
    // At the boundary.
    "\"arn:aws:s3:::\\u00e9\"",
    "\"bucket\"",
    "\"\"",
    "[]",
    "null",
    "[\"*\",]",
    "3",
];

const OPERATORS: &[&str] = &[
    "StringEquals",
    "StringLike",
    "IpAddress",
    "Bool",
    "NumericLessThan",
    "DateGreaterThan",
    "Null",
    "ForAnyValue:StringLike",
    "StringEqualsIfExists",
    "ArnLike",
    // At the boundary.
    "stringequals",
    "Bogus",
    "String\\u0045quals",
    "",
];

const CONDITION_KEYS: &[&str] = &[
    "aws:SourceVpc",
    "aws:sourcevpc",
    "aws:SourceIp",
    "aws:CurrentTime",
    "aws:SecureTransport",
    "aws:PrincipalTag/team",
    "nokey",
    "aws:",
    "aws:Source\\u0049p",
    "aws:t\u{e9}",
];

const CONDITION_VALUES: &[&str] = &[
    "\"vpc-1a2b3c\"",
    "\"10.0.0.0/8\"",
    "\"203.0.113.0/24\"",
    "\"true\"",
    "true",
    "false",
    "\"2020-01-01T00:00:00Z\"",
    "\"arn:aws:iam::123456789012:root\"",
    "[\"a\", \"b\"]",
    "[true, \"false\"]",
    "\"5\"",
    // At the boundary.
    "3",
    "1.5",
    "-0",
    "1e3",
    "null",
    "[]",
    "{}",
    "[null]",
    "[[\"a\"]]",
    "\"not-an-ip\"",
    "\"\\u0061\"",
    "\"\"",
];

const SIDS: &[&str] = &[
    "\"S1\"",
    "\"\"",
    "\"Caf\u{e9}\"",
    "\"\\u00e9\"",
    "\"a\\nb\"",
    "1",
    "null",
];

/// An extra member put into a statement or the document.
const ODD_MEMBERS: &[&str] = &[
    "\"Principal\": \"*\"",
    "\"NotPrincipal\": {\"AWS\": \"arn:aws:iam::123456789012:root\"}",
    "\"Principal\": {\"Service\": [\"ec2.amazonaws.com\"]}",
    "\"effect\": \"Allow\"",
    "\"Foo\": 1",
    "\"Eff\\u0065ct\": \"Allow\"",
    "\"Effect\": \"Deny\"",
    "\"Action\": \"s3:*\"",
    "\"NotAction\": \"s3:*\"",
    "\"Resource\": \"*\"",
    "\"NotResource\": \"*\"",
    "\"Condition\": {}",
    "\"Sid\": \"again\"",
    "\"Version\": \"2012-10-17\"",
    "\"Id\": \"x\"",
];

#[derive(Debug, Clone)]
struct Member(String, String);

fn pick(items: &'static [&'static str], valid: usize) -> impl Strategy<Value = String> {
    // Mostly the valid ones, so that the fast path is taken often.
    prop_oneof![
        12 => (0..valid).prop_map(move |i| items[i].to_owned()),
        1 => (0..items.len()).prop_map(move |i| items[i].to_owned()),
    ]
}

fn condition() -> impl Strategy<Value = String> {
    let entry = (pick(CONDITION_KEYS, 6), pick(CONDITION_VALUES, 11))
        .prop_map(|(k, v)| format!("\"{k}\": {v}"));
    let op = (pick(OPERATORS, 10), prop::collection::vec(entry, 0..3))
        .prop_map(|(o, entries)| format!("\"{o}\": {{{}}}", entries.join(", ")));
    prop::collection::vec(op, 0..3).prop_map(|ops| format!("{{{}}}", ops.join(", ")))
}

fn statement() -> impl Strategy<Value = Vec<Member>> {
    (
        prop::option::weighted(0.4, pick(SIDS, 3)),
        prop_oneof![
            24 => Just("\"Allow\"".to_owned()),
            8 => Just("\"Deny\"".to_owned()),
            1 => Just("\"allow\"".to_owned()),
            1 => Just("true".to_owned()),
        ],
        any::<bool>(),
        pick(ACTIONS, 8),
        0..3usize,
        pick(RESOURCES, 4),
        prop::option::weighted(0.3, condition()),
    )
        .prop_map(
            |(sid, effect, not_action, action, resource_kind, resource, condition)| {
                let mut members = Vec::new();
                if let Some(sid) = sid {
                    members.push(Member("Sid".into(), sid));
                }
                members.push(Member("Effect".into(), effect));
                let key = if not_action { "NotAction" } else { "Action" };
                members.push(Member(key.into(), action));
                match resource_kind {
                    0 => members.push(Member("Resource".into(), resource)),
                    1 => members.push(Member("NotResource".into(), resource)),
                    _ => {}
                }
                if let Some(c) = condition {
                    members.push(Member("Condition".into(), c));
                }
                members
            },
        )
}

/// What is done to a document's members before it is written.
#[derive(Debug, Clone)]
enum Edit {
    None,
    Drop(usize),
    Duplicate(usize),
    Swap(usize, usize),
    Odd(usize),
    KeyCase(usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        24 => Just(Edit::None),
        1 => (0..8usize).prop_map(Edit::Drop),
        1 => (0..8usize).prop_map(Edit::Duplicate),
        1 => (0..8usize, 0..8usize).prop_map(|(a, b)| Edit::Swap(a, b)),
        1 => (0..ODD_MEMBERS.len()).prop_map(Edit::Odd),
        1 => (0..8usize).prop_map(Edit::KeyCase),
    ]
}

fn write_object(mut members: Vec<Member>, edit: &Edit, odd: &mut Vec<String>, ws: &str) -> String {
    let n = members.len();
    match *edit {
        Edit::None => {}
        Edit::Drop(i) if n > 0 => {
            members.remove(i % n);
        }
        Edit::Duplicate(i) if n > 0 => {
            let m = members[i % n].clone();
            members.insert(i % n, m);
        }
        Edit::Swap(a, b) if n > 0 => members.swap(a % n, b % n),
        Edit::KeyCase(i) if n > 0 => {
            let m = &mut members[i % n];
            m.0 = m.0.to_lowercase();
        }
        Edit::Odd(i) => odd.push(ODD_MEMBERS[i].to_owned()),
        _ => {}
    }
    let mut parts: Vec<String> = members
        .into_iter()
        .map(|Member(k, v)| format!("\"{k}\":{ws}{v}"))
        .collect();
    parts.append(odd);
    format!("{{{ws}{}{ws}}}", parts.join(&format!(",{ws}")))
}

fn document() -> impl Strategy<Value = String> {
    (
        prop::collection::vec((statement(), edit()), 1..4),
        any::<bool>(),
        prop_oneof![
            20 => Just("\"2012-10-17\"".to_owned()),
            1 => Just("\"2008-10-17\"".to_owned()),
            1 => Just("\"2012-10-18\"".to_owned()),
            1 => Just("null".to_owned()),
        ],
        prop::option::weighted(0.9, Just(())),
        prop::option::weighted(0.2, pick(SIDS, 3)),
        edit(),
        prop_oneof![
            Just(" "),
            Just(""),
            Just("\n  "),
            Just("\t"),
            Just("\r\n"),
            Just("\u{a0}"),
            Just("\u{c}")
        ],
    )
        .prop_map(
            |(statements, as_object, version, has_version, id, doc_edit, ws)| {
                let mut odd = Vec::new();
                let written: Vec<String> = statements
                    .into_iter()
                    .map(|(s, e)| write_object(s, &e, &mut odd, ws))
                    .collect();
                let statement = if as_object && written.len() == 1 {
                    written[0].clone()
                } else {
                    format!("[{ws}{}{ws}]", written.join(&format!(",{ws}")))
                };
                let mut members = Vec::new();
                if has_version.is_some() {
                    members.push(Member("Version".into(), version));
                }
                if let Some(id) = id {
                    members.push(Member("Id".into(), id));
                }
                members.push(Member("Statement".into(), statement));
                write_object(members, &doc_edit, &mut Vec::new(), ws)
            },
        )
}

/// A byte-level change: insert, replace or delete one character at a position, or cut the text there.
fn byte_edit(text: &str, at: usize, kind: usize, with: char) -> String {
    let mut cut = (at % (text.len() + 1)).min(text.len());
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    let (head, tail) = text.split_at(cut);
    let mut rest = tail.chars();
    match kind {
        0 => format!("{head}{with}{tail}"),
        1 => {
            rest.next();
            format!("{head}{with}{}", rest.as_str())
        }
        2 => {
            rest.next();
            format!("{head}{}", rest.as_str())
        }
        _ => head.to_owned(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    #[test]
    fn both_readers_agree_on_random_documents(doc in document(), bom in prop::bool::weighted(0.05)) {
        let text = if bom { format!("\u{feff}{doc}") } else { doc };
        agree(&text);
    }

    #[test]
    fn both_readers_agree_on_documents_with_a_character_changed(
        doc in document(),
        at in any::<usize>(),
        kind in 0..4usize,
        with in prop::sample::select(vec![
            '\\', '"', ',', '}', ']', '{', '[', ':', ' ', '\u{1}', '\u{1f}', 'é', '\u{2028}', '0', '-',
            'n', 't', 'A', 'a', '*', '/',
        ]),
    ) {
        agree(&byte_edit(&doc, at, kind, with));
    }
}

#[test]
fn the_random_documents_reach_both_sides_of_the_boundary() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let (mut handled, mut refused, mut valid_but_not_handled) = (0, 0, 0);
    for _ in 0..2000 {
        let doc = document()
            .new_tree(&mut runner)
            .expect("a document")
            .current();
        if agree(&doc) {
            handled += 1;
        } else if strict("t.json", &doc).is_err() {
            refused += 1;
        } else {
            valid_but_not_handled += 1;
        }
    }
    eprintln!(
        "handled {handled}, refused {refused}, valid but left to the strict reader {valid_but_not_handled}"
    );
    assert!(handled > 400, "handled {handled}");
    assert!(refused > 400, "refused {refused}");
    assert!(
        valid_but_not_handled > 20,
        "fallen back {valid_but_not_handled}"
    );
}

#[test]
fn what_simd_json_and_serde_json_may_read_differently_is_left_to_the_strict_reader() {
    let cases = [
        // A raw control character in a string: JSON forbids it.
        "{\"Statement\": {\"Sid\": \"a\u{1}b\", \"Effect\": \"Allow\", \"Action\": \"s3:*\", \"Resource\": \"*\"}}",
        // Escapes, including a lone surrogate, which serde_json refuses.
        r#"{"Statement": {"Sid": "\ud800", "Effect": "Allow", "Action": "s3:*", "Resource": "*"}}"#,
        r#"{"Statement": {"Sid": "\u0041", "Effect": "Allow", "Action": "s3:*", "Resource": "*"}}"#,
        // A duplicate key.
        r#"{"Statement": {"Effect": "Allow", "Effect": "Allow", "Action": "s3:*", "Resource": "*"}}"#,
        // Something after the document.
        r#"{"Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}} {}"#,
        // A number as a condition value.
        r#"{"Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*",
            "Condition": {"NumericLessThan": {"s3:max-keys": 10}}}}"#,
    ];
    for text in cases {
        assert!(!agree(text), "the fast path read {text}");
    }
    let ordinary = r#"{"Version": "2012-10-17", "Statement": [{"Sid": "Meter", "Effect": "Allow",
        "Action": ["aws-marketplace:MeterUsage", "aws-marketplace:Get*"], "Resource": "*",
        "Condition": {"Bool": {"aws:SecureTransport": true}, "StringLike": {"aws:PrincipalTag/team": ["a*", "b"]}}}]}"#;
    assert!(agree(ordinary), "the fast path gave up on {ordinary}");
}

#[test]
fn a_document_larger_than_any_policy_is_left_to_the_strict_reader() {
    let padding = " ".repeat(70 * 1024);
    let text = format!(
        r#"{{"Statement": {{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}}}}{padding}"#
    );
    assert!(!agree(&text));
    assert!(strict("t.json", &text).is_ok());
}

/// `Principal` / `NotPrincipal` values, valid and not, for both readers.
const PRINCIPALS: &[&str] = &[
    "\"*\"",
    "{\"AWS\": \"arn:aws:iam::123456789012:root\"}",
    "{\"AWS\": [\"arn:aws:iam::123456789012:root\", \"*\"], \"Service\": \"ecs-tasks.amazonaws.com\"}",
    "{\"Federated\": \"cognito-identity.amazonaws.com\", \"CanonicalUser\": [\"79a59df900b949e5\"]}",
    "\"x\"",
    "{}",
    "{\"AWS\": []}",
    "{\"AWS\": \"\"}",
    "{\"Aws\": \"x\"}",
    "{\"AWS\": \"a\", \"AWS\": \"b\"}",
    "{\"AWS\": [\"a\", 1]}",
    "{\"AWS\": {\"x\": \"y\"}}",
    "{\"AWS\": \"\\u0061\"}",
    "null",
    "1",
    "[\"*\"]",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    /// The fast path reads `Principal` and `NotPrincipal` as the strict reader does, alone or together.
    #[test]
    fn both_readers_agree_on_principals(
        principal in prop::option::of(prop::sample::select(PRINCIPALS)),
        not_principal in prop::option::weighted(0.2, prop::sample::select(PRINCIPALS)),
        first in any::<bool>(),
    ) {
        let mut members = vec!["\"Effect\": \"Allow\"".to_owned(), "\"Action\": \"sts:AssumeRole\"".to_owned()];
        let mut add = |key: &str, value: Option<&str>| {
            if let Some(value) = value {
                let member = format!("\"{key}\": {value}");
                if first { members.insert(0, member) } else { members.push(member) }
            }
        };
        add("Principal", principal);
        add("NotPrincipal", not_principal);
        agree(&format!("{{\"Statement\": [{{{}}}]}}", members.join(", ")));
    }
}

#[test]
fn the_fast_path_reads_principals() {
    for principal in &PRINCIPALS[..4] {
        let text = format!(
            "{{\"Statement\": {{\"Effect\": \"Allow\", \"Principal\": {principal}, \"Action\": \"sts:AssumeRole\"}}}}"
        );
        assert!(agree(&text), "the fast path gave up on {text}");
    }
}
