//! The intrinsic functions and the reference graph on small templates.

use super::graph::check_cycles;
use super::intrinsic::{Resolver, Settings, Value};
use super::template::{Node, parse};
use super::token::{has_unknown, widen};

/// A template with one of each section.
const TEMPLATE: &str = r#"
Parameters:
  Stage: {Type: String, Default: live}
  Flag: {Type: String, Default: "true"}
  Queue: {Type: String}
  Names: {Type: CommaDelimitedList, Default: "a, b,c"}
Mappings:
  Calls: {live: {Action: MeterUsage}}
Conditions:
  IsLive: !Equals [!Ref Stage, live]
  Flagged: !Equals [!Ref Flag, true]
  HasQueue: !Not [!Equals [!Ref Queue, ""]]
  Both: !And [!Condition IsLive, !Condition HasQueue]
  Either: !Or [!Condition IsLive, !Condition HasQueue]
  Neither: !And [!Not [!Condition IsLive], !Condition HasQueue]
Resources:
  Role: {Type: AWS::IAM::Role}
  Policy: {Type: AWS::IAM::ManagedPolicy}
"#;

/// `yaml` resolved in `resolver`'s template.
fn value(resolver: &Resolver<'_>, yaml: &str) -> Value {
    let node: Node = parse(yaml).unwrap();
    resolver.resolve(&node).unwrap()
}

/// The string a value is.
fn text(v: Value) -> String {
    match v {
        Value::Str(s) => s,
        other => panic!("not a string: {other:?}"),
    }
}

#[test]
fn functions_resolve_offline_and_unknown_parts_keep_their_reason() {
    let root = parse(TEMPLATE).unwrap();
    let settings = Settings {
        region: Some("eu-west-1".to_owned()),
        ..Settings::default()
    };
    let r = Resolver::new(&root, &settings);
    assert_eq!(
        text(value(
            &r,
            "!Sub 'arn:${AWS::Partition}:sqs:${AWS::Region}:${!Literal}'"
        )),
        "arn:aws:sqs:eu-west-1:${Literal}"
    );
    assert_eq!(
        text(value(
            &r,
            "!Sub ['${A}-${Stage}', {A: !Select [1, !Ref Names]}]"
        )),
        "b-live"
    );
    assert_eq!(
        text(value(
            &r,
            "!Join [':', [aws-marketplace, !FindInMap [Calls, !Ref Stage, Action]]]"
        )),
        "aws-marketplace:MeterUsage"
    );
    assert_eq!(
        value(&r, "!Split [',', 'x,y']"),
        Value::List(vec![Value::Str("x".into()), Value::Str("y".into())])
    );
    assert_eq!(text(value(&r, "!If [IsLive, yes, no]")), "yes");
    // How many pieces an unknown value has is unknown: selecting one is unknown, not an error.
    let stack = text(value(&r, "!Select [2, !Split ['/', !Ref AWS::StackId]]"));
    assert!(
        r.reasons(&stack)[0].starts_with("`AWS::StackId`"),
        "{stack}"
    );
    assert_eq!(
        value(&r, "[a, !Ref AWS::NoValue]"),
        Value::List(vec![Value::Str("a".into())])
    );

    let queue = text(value(&r, "!Sub 'arn:aws:sqs:::${Queue}'"));
    assert!(has_unknown(&queue));
    assert_eq!(widen(&queue), "arn:aws:sqs:::*");
    assert_eq!(
        r.reasons(&queue),
        vec!["parameter `Queue` without a default (`--parameter Queue=...` gives it)"]
    );
    let account = text(value(&r, "!Ref AWS::AccountId"));
    assert!(r.reasons(&account)[0].starts_with("`AWS::AccountId`"));
    let arn = text(value(&r, "!GetAtt Role.Arn"));
    assert!(widen(&arn).starts_with("arn:aws:iam::*:role/"), "{arn}");
    assert_eq!(
        r.resource_ref(&text(value(&r, "!Ref Policy"))).as_deref(),
        Some("Policy")
    );
    assert_eq!(
        r.resource_ref(&text(value(&r, "!GetAtt Policy.PolicyArn")))
            .as_deref(),
        Some("Policy")
    );
    assert!(!has_unknown(&text(value(&r, "!Ref AWS::URLSuffix"))));
}

#[test]
fn conditions_are_three_valued() {
    let root = parse(TEMPLATE).unwrap();
    let settings = Settings::default();
    let r = Resolver::new(&root, &settings);
    let at = root.pos;
    assert_eq!(r.condition("IsLive", at).unwrap(), Some(true));
    // A YAML boolean compares equal to the string a parameter holds.
    assert_eq!(r.condition("Flagged", at).unwrap(), Some(true));
    assert_eq!(r.condition("HasQueue", at).unwrap(), None);
    assert_eq!(r.condition("Both", at).unwrap(), None);
    assert_eq!(r.condition("Either", at).unwrap(), Some(true));
    assert_eq!(r.condition("Neither", at).unwrap(), Some(false));
    assert!(r.condition("Missing", at).is_err());
    let unknown = text(value(&r, "!If [HasQueue, a, b]"));
    assert!(
        r.reasons(&unknown)[0].contains("parameter `Queue`"),
        "{:?}",
        r.reasons(&unknown)
    );
}

#[test]
fn cycles_through_ref_getatt_sub_and_depends_on_are_refused_with_the_chain() {
    let root = parse(
        "Resources:\n  A: {Type: T, DependsOn: B}\n  B: {Type: T, Properties: {X: !Sub '${C.Arn}'}}\n  C: {Type: T, Properties: {Y: !Ref A}}\n",
    )
    .unwrap();
    let e = check_cycles(root.get("Resources").unwrap()).unwrap_err();
    assert!(e.message.contains("A → B → C → A"), "{}", e.message);
    assert_eq!(e.pos.line, 4);
    let root =
        parse("Resources:\n  A: {Type: T, Properties: {X: !Ref B}}\n  B: {Type: T}\n").unwrap();
    assert!(check_cycles(root.get("Resources").unwrap()).is_ok());
}
