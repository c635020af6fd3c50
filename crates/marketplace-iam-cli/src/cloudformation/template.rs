//! A CloudFormation template (YAML or JSON: a YAML 1.2 parser reads both) as a tree whose every node and key knows
//! its line and column. saphyr-parser gives the events; this module builds the tree and refuses what
//! CloudFormation refuses: duplicate keys, tags other than its short forms (`!Ref`, `!Sub`, ...), keys that are
//! not strings, more than one document.

use std::borrow::Cow;
use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, Span, Tag};

/// Deeper nesting than this is refused, so that no recursion over the tree can exhaust the stack.
const MAX_DEPTH: usize = 200;
/// Nodes an alias may copy in all: a template of a few aliases cannot grow into millions of nodes.
const MAX_ALIAS_NODES: usize = 100_000;

/// A 1-based line and column (in characters) in the template.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Pos {
    /// 1-based line.
    pub(crate) line: usize,
    /// 1-based column, in characters.
    pub(crate) column: usize,
}

impl Pos {
    fn of(span: Span) -> Pos {
        Pos {
            line: span.start.line(),
            column: span.start.col() + 1,
        }
    }
}

/// A mapping key with its position.
#[derive(Debug, Clone)]
pub(crate) struct Key {
    /// The key's text.
    pub(crate) name: String,
    /// Where the key is written.
    pub(crate) pos: Pos,
}

/// What a node holds.
#[derive(Debug, Clone)]
pub(crate) enum Kind {
    /// `null`, `~` or nothing.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// A number, as written.
    Number(String),
    /// A string.
    String(String),
    /// A sequence.
    List(Vec<Node>),
    /// A mapping, in the order written. A short-form tag is a one-key mapping (`!Ref X` is `{"Ref": "X"}`).
    Map(Vec<(Key, Node)>),
}

/// A value of the template and where it starts.
#[derive(Debug, Clone)]
pub(crate) struct Node {
    /// The value.
    pub(crate) kind: Kind,
    /// Where it starts.
    pub(crate) pos: Pos,
}

impl Node {
    /// The value of `key` in a mapping.
    pub(crate) fn get(&self, key: &str) -> Option<&Node> {
        self.entries()?
            .iter()
            .find(|(k, _)| k.name == key)
            .map(|(_, v)| v)
    }

    /// The entries of a mapping.
    pub(crate) fn entries(&self) -> Option<&[(Key, Node)]> {
        match &self.kind {
            Kind::Map(entries) => Some(entries),
            _ => None,
        }
    }

    /// The text of a string.
    pub(crate) fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::String(s) => Some(s),
            _ => None,
        }
    }

    /// The items of a sequence.
    pub(crate) fn as_list(&self) -> Option<&[Node]> {
        match &self.kind {
            Kind::List(items) => Some(items),
            _ => None,
        }
    }

    /// The intrinsic function a one-key mapping calls (`Ref`, `Fn::Sub`, `Condition`, ...) and its argument.
    pub(crate) fn intrinsic(&self) -> Option<(&str, &Node)> {
        match self.entries()? {
            [(key, arg)]
                if key.name == "Ref" || key.name == "Condition" || key.name.starts_with("Fn::") =>
            {
                Some((key.name.as_str(), arg))
            }
            _ => None,
        }
    }

    fn count(&self) -> usize {
        1 + match &self.kind {
            Kind::List(items) => items.iter().map(Node::count).sum(),
            Kind::Map(entries) => entries.iter().map(|(_, v)| v.count()).sum(),
            _ => 0,
        }
    }
}

/// Why a template cannot be used, and where.
#[derive(Debug, Clone)]
pub(crate) struct TemplateError {
    /// Where the problem is.
    pub(crate) pos: Pos,
    /// What is wrong and what to do.
    pub(crate) message: String,
}

impl TemplateError {
    /// An error at `pos`.
    pub(crate) fn at(pos: Pos, message: impl Into<String>) -> TemplateError {
        TemplateError {
            pos,
            message: message.into(),
        }
    }

    /// The error as the command reports it: `file:line:column: message`, exit 2.
    pub(crate) fn in_file(self, file: &str) -> crate::Unusable {
        crate::Unusable(format!(
            "{file}:{}:{}: {}",
            self.pos.line, self.pos.column, self.message
        ))
    }
}

/// The short-form tags of CloudFormation's YAML, each with the function it stands for.
const SHORT_TAGS: &[(&str, &str)] = &[
    ("Ref", "Ref"),
    ("Condition", "Condition"),
    ("Sub", "Fn::Sub"),
    ("GetAtt", "Fn::GetAtt"),
    ("Join", "Fn::Join"),
    ("If", "Fn::If"),
    ("Select", "Fn::Select"),
    ("Split", "Fn::Split"),
    ("Equals", "Fn::Equals"),
    ("Not", "Fn::Not"),
    ("And", "Fn::And"),
    ("Or", "Fn::Or"),
    ("FindInMap", "Fn::FindInMap"),
    ("ImportValue", "Fn::ImportValue"),
    ("Base64", "Fn::Base64"),
    ("Cidr", "Fn::Cidr"),
    ("GetAZs", "Fn::GetAZs"),
    ("Length", "Fn::Length"),
    ("ToJsonString", "Fn::ToJsonString"),
    ("Transform", "Fn::Transform"),
    // The rule functions of the `Rules` section.
    ("Contains", "Fn::Contains"),
    ("EachMemberEquals", "Fn::EachMemberEquals"),
    ("EachMemberIn", "Fn::EachMemberIn"),
    ("RefAll", "Fn::RefAll"),
    ("ValueOf", "Fn::ValueOf"),
    ("ValueOfAll", "Fn::ValueOfAll"),
];

/// A sequence or mapping being built.
enum Frame {
    List {
        items: Vec<Node>,
        pos: Pos,
        tag: Option<Tag>,
        anchor: usize,
    },
    Map {
        entries: Vec<(Key, Node)>,
        key: Option<Key>,
        pos: Pos,
        tag: Option<Tag>,
        anchor: usize,
    },
}

/// Reads a template. Errors carry the position CloudFormation's would, with what to do.
pub(crate) fn parse(text: &str) -> Result<Node, TemplateError> {
    let mut stack: Vec<Frame> = Vec::new();
    let mut anchors: HashMap<usize, Node> = HashMap::new();
    let mut root: Option<Node> = None;
    let mut copied = 0usize;
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|e| {
            let m = e.marker();
            TemplateError::at(
                Pos {
                    line: m.line(),
                    column: m.col() + 1,
                },
                format!("not valid YAML or JSON: {}", e.info()),
            )
        })?;
        let pos = Pos::of(span);
        let done = match event {
            Event::DocumentStart(_) if root.is_some() => {
                return Err(TemplateError::at(
                    pos,
                    "a second YAML document: a template is one document; remove the `---` and what follows",
                ));
            }
            Event::Scalar(value, style, anchor, tag) => {
                let node = scalar(value, style, tag.as_deref(), pos)?;
                if anchor > 0 {
                    anchors.insert(anchor, node.clone());
                }
                Some(node)
            }
            Event::SequenceStart(anchor, tag) => {
                depth_check(&stack, pos)?;
                stack.push(Frame::List {
                    items: Vec::new(),
                    pos,
                    tag: tag.map(Cow::into_owned),
                    anchor,
                });
                None
            }
            Event::MappingStart(anchor, tag) => {
                depth_check(&stack, pos)?;
                stack.push(Frame::Map {
                    entries: Vec::new(),
                    key: None,
                    pos,
                    tag: tag.map(Cow::into_owned),
                    anchor,
                });
                None
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (node, tag, anchor) = match stack.pop() {
                    Some(Frame::List {
                        items,
                        pos,
                        tag,
                        anchor,
                    }) => (
                        Node {
                            kind: Kind::List(items),
                            pos,
                        },
                        tag,
                        anchor,
                    ),
                    Some(Frame::Map {
                        entries,
                        pos,
                        tag,
                        anchor,
                        ..
                    }) => (
                        Node {
                            kind: Kind::Map(entries),
                            pos,
                        },
                        tag,
                        anchor,
                    ),
                    None => return Err(TemplateError::at(pos, "unbalanced YAML structure")),
                };
                let node = tagged(node, tag.as_ref())?;
                if anchor > 0 {
                    anchors.insert(anchor, node.clone());
                }
                Some(node)
            }
            Event::Alias(id) => {
                let node = anchors.get(&id).cloned().ok_or_else(|| {
                    TemplateError::at(pos, "an alias to an anchor that is not defined before it")
                })?;
                copied += node.count();
                if copied > MAX_ALIAS_NODES {
                    return Err(TemplateError::at(
                        pos,
                        "aliases expand to more than 100000 values: write the template without them",
                    ));
                }
                Some(node)
            }
            _ => None,
        };
        if let Some(node) = done {
            match stack.last_mut() {
                None => root = Some(node),
                Some(Frame::List { items, .. }) => items.push(node),
                Some(Frame::Map { entries, key, .. }) => match key.take() {
                    Some(k) => entries.push((k, node)),
                    None => {
                        let name = match node.kind {
                            Kind::String(s) | Kind::Number(s) => s,
                            Kind::Bool(b) => b.to_string(),
                            _ => {
                                return Err(TemplateError::at(
                                    node.pos,
                                    "a mapping key that is not a string: write the key as text",
                                ));
                            }
                        };
                        if let Some((first, _)) = entries.iter().find(|(k, _)| k.name == name) {
                            return Err(TemplateError::at(
                                node.pos,
                                format!(
                                    "duplicate key `{name}` (first at line {}, column {}): CloudFormation refuses a key given twice; keep one",
                                    first.pos.line, first.pos.column
                                ),
                            ));
                        }
                        *key = Some(Key {
                            name,
                            pos: node.pos,
                        });
                    }
                },
            }
        }
    }
    root.ok_or_else(|| {
        TemplateError::at(
            Pos { line: 1, column: 1 },
            "the file is empty: not a CloudFormation template",
        )
    })
}

/// Refuses nesting deeper than [`MAX_DEPTH`].
fn depth_check(stack: &[Frame], pos: Pos) -> Result<(), TemplateError> {
    if stack.len() >= MAX_DEPTH {
        return Err(TemplateError::at(
            pos,
            format!("nested more than {MAX_DEPTH} levels deep"),
        ));
    }
    Ok(())
}

/// A scalar as CloudFormation reads it: plain `true`, `null`, `12` are a boolean, null and number; quoted text
/// is a string.
fn scalar(
    value: Cow<'_, str>,
    style: ScalarStyle,
    tag: Option<&Tag>,
    pos: Pos,
) -> Result<Node, TemplateError> {
    let kind = if style != ScalarStyle::Plain || tag.is_some() {
        Kind::String(value.into_owned())
    } else {
        match value.as_ref() {
            "" | "~" | "null" | "Null" | "NULL" => Kind::Null,
            "true" | "True" | "TRUE" => Kind::Bool(true),
            "false" | "False" | "FALSE" => Kind::Bool(false),
            v if is_number(v) => Kind::Number(value.into_owned()),
            _ => Kind::String(value.into_owned()),
        }
    };
    tagged(Node { kind, pos }, tag)
}

/// Whether a plain scalar reads as a number (YAML 1.2 core schema, roughly).
fn is_number(v: &str) -> bool {
    let digits = v.strip_prefix(['-', '+']).unwrap_or(v);
    !digits.is_empty()
        && digits.starts_with(|c: char| c.is_ascii_digit())
        && digits.parse::<f64>().is_ok()
}

/// A node under its tag: a short form becomes its one-key mapping (`!GetAtt A.B` becomes
/// `{"Fn::GetAtt": ["A", "B"]}`); the core schema's `!!str` etc. are kept as written; any other tag is an error.
fn tagged(node: Node, tag: Option<&Tag>) -> Result<Node, TemplateError> {
    let Some(tag) = tag else { return Ok(node) };
    if tag.is_yaml_core_schema() {
        return Ok(node);
    }
    let function = (tag.handle == "!")
        .then(|| SHORT_TAGS.iter().find(|(short, _)| *short == tag.suffix))
        .flatten()
        .map(|(_, long)| *long)
        .ok_or_else(|| {
            TemplateError::at(
                node.pos,
                format!(
                    "unknown tag `{}{}`: CloudFormation knows only its short forms (!Ref, !Sub, !GetAtt, !Join, !If, !Select, !Split, ...); write the function in full (`Fn::Name:`) or fix the spelling",
                    tag.handle, tag.suffix
                ),
            )
        })?;
    let pos = node.pos;
    let arg = match (&node.kind, function) {
        (Kind::String(s), "Fn::GetAtt") => match s.split_once('.') {
            Some((resource, attribute)) => Node {
                kind: Kind::List(vec![
                    Node {
                        kind: Kind::String(resource.to_owned()),
                        pos,
                    },
                    Node {
                        kind: Kind::String(attribute.to_owned()),
                        pos,
                    },
                ]),
                pos,
            },
            None => node,
        },
        _ => node,
    };
    Ok(Node {
        kind: Kind::Map(vec![(
            Key {
                name: function.to_owned(),
                pos,
            },
            arg,
        )]),
        pos,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_tags_become_functions_with_positions() {
        let t = parse("A:\n  B: !GetAtt Role.Arn\n  C: !Ref X\n").unwrap();
        let b = t.get("A").unwrap().get("B").unwrap();
        let (f, arg) = b.intrinsic().unwrap();
        assert_eq!(f, "Fn::GetAtt");
        assert_eq!(arg.as_list().unwrap()[1].as_str(), Some("Arn"));
        assert_eq!(b.pos, Pos { line: 2, column: 6 });
    }

    #[test]
    fn duplicate_keys_and_unknown_tags_are_refused_with_their_position() {
        let e = parse("A: 1\nB: 2\nA: 3\n").unwrap_err();
        assert_eq!((e.pos.line, e.pos.column), (3, 1));
        assert!(e.message.contains("duplicate key `A`"), "{}", e.message);
        let e = parse("{\"A\": 1,\n \"A\": 2}").unwrap_err();
        assert_eq!(e.pos.line, 2);
        let e = parse("A: !Reff X\n").unwrap_err();
        assert!(e.message.contains("unknown tag `!Reff`"), "{}", e.message);
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let text = "[".repeat(10_000);
        assert!(parse(&text).is_err());
    }
}
