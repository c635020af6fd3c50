//! A JSON file as a tree whose every node and key knows its line and column, for findings located in the plan.
//! serde_json checks the text first (its errors carry the line and column, and its recursion limit bounds the
//! depth); this module then only walks text known to be valid JSON.

use crate::cloudformation::template::{Key, Kind, Node, Pos, TemplateError};

/// Reads `text` as JSON into a tree with positions.
pub(crate) fn parse(text: &str) -> Result<Node, TemplateError> {
    serde_json::from_str::<serde::de::IgnoredAny>(text).map_err(|e| {
        TemplateError::at(
            Pos {
                line: e.line().max(1),
                column: e.column().max(1),
            },
            format!("not JSON ({e}): a plan is the output of `terraform show -json <planfile>`"),
        )
    })?;
    let mut reader = Reader {
        text,
        at: 0,
        line: 1,
        column: 1,
    };
    Ok(reader.value())
}

/// A cursor over valid JSON text.
struct Reader<'t> {
    /// The whole text.
    text: &'t str,
    /// The byte offset of the next byte.
    at: usize,
    /// The 1-based line of the next byte.
    line: usize,
    /// The 1-based column, in characters, of the next byte.
    column: usize,
}

impl Reader<'_> {
    /// The next byte (0 at the end).
    fn peek(&self) -> u8 {
        self.text.as_bytes().get(self.at).copied().unwrap_or(0)
    }

    /// Moves over one byte, counting lines and characters.
    fn bump(&mut self) {
        let b = self.peek();
        self.at += 1;
        if b == b'\n' {
            self.line += 1;
            self.column = 1;
        } else if b & 0xC0 != 0x80 {
            self.column += 1;
        }
    }

    /// Moves over JSON whitespace.
    fn skip_space(&mut self) {
        while matches!(self.peek(), b' ' | b'\t' | b'\n' | b'\r') {
            self.bump();
        }
    }

    /// The position of the next byte.
    fn pos(&self) -> Pos {
        Pos {
            line: self.line,
            column: self.column,
        }
    }

    /// A string's text (the reader is on its opening quote).
    fn string(&mut self) -> String {
        let start = self.at;
        self.bump();
        while self.at < self.text.len() {
            match self.peek() {
                b'\\' => {
                    self.bump();
                    self.bump();
                }
                b'"' => {
                    self.bump();
                    break;
                }
                _ => self.bump(),
            }
        }
        serde_json::from_str(&self.text[start..self.at]).unwrap_or_default()
    }

    /// The value starting at the next non-blank byte, with its position.
    fn value(&mut self) -> Node {
        self.skip_space();
        let pos = self.pos();
        let kind = match self.peek() {
            b'{' => {
                self.bump();
                let mut entries = Vec::new();
                loop {
                    self.skip_space();
                    match self.peek() {
                        b'"' => {
                            let key_pos = self.pos();
                            let name = self.string();
                            self.skip_space();
                            self.bump(); // `:`
                            let value = self.value();
                            entries.push((Key { name, pos: key_pos }, value));
                        }
                        b',' => self.bump(),
                        _ => {
                            self.bump(); // `}`
                            break;
                        }
                    }
                }
                Kind::Map(entries)
            }
            b'[' => {
                self.bump();
                let mut items = Vec::new();
                loop {
                    self.skip_space();
                    match self.peek() {
                        b']' | 0 => {
                            self.bump();
                            break;
                        }
                        b',' => self.bump(),
                        _ => items.push(self.value()),
                    }
                }
                Kind::List(items)
            }
            b'"' => Kind::String(self.string()),
            _ => {
                let start = self.at;
                while self.at < self.text.len()
                    && !matches!(
                        self.peek(),
                        b',' | b']' | b'}' | b' ' | b'\t' | b'\n' | b'\r'
                    )
                {
                    self.bump();
                }
                match &self.text[start..self.at] {
                    "null" => Kind::Null,
                    "true" => Kind::Bool(true),
                    "false" => Kind::Bool(false),
                    number => Kind::Number(number.to_owned()),
                }
            }
        };
        Node { kind, pos }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_lines_and_characters() {
        let root = parse("{\"a\": [1, \"é\\\"x\", {\"b\": null}],\n  \"c\": true}").unwrap();
        let a = root.get("a").unwrap().as_list().unwrap();
        assert_eq!(a[1].as_str(), Some("é\"x"));
        assert_eq!((a[2].pos.line, a[2].pos.column), (1, 19));
        let c = root.get("c").unwrap();
        assert!(matches!(c.kind, Kind::Bool(true)));
        assert_eq!((c.pos.line, c.pos.column), (2, 8));
        let e = parse("{\"a\": }").unwrap_err();
        assert_eq!((e.pos.line, e.pos.column), (1, 7));
    }
}
