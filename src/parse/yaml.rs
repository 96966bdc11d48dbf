//! A bounded YAML tree with byte spans, built from saphyr-parser's events.
//!
//! saphyr-parser is a maintained YAML 1.2 parser whose events carry start/end markers; it never
//! expands aliases itself. We build the tree and expand aliases under a node budget, and refuse
//! nesting beyond a depth limit, so an alias bomb or a 10 000-deep document costs bounded time
//! and memory and yields one diagnostic.

use std::borrow::Cow;
use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle};

use crate::source::Span;

pub use crate::facts::yaml::Style;
#[cfg(test)]
use crate::facts::yaml::scalar_offset;

pub const MAX_DEPTH: usize = 200;
pub const MAX_NODES: usize = 200_000;

#[derive(Debug, Clone)]
pub enum Node {
    Scalar {
        value: String,
        style: Style,
        span: Span,
    },
    Seq {
        items: Vec<Node>,
        span: Span,
    },
    Map {
        entries: Vec<(Node, Node)>,
        span: Span,
    },
}

impl Node {
    pub fn span(&self) -> Span {
        match self {
            Node::Scalar { span, .. } | Node::Seq { span, .. } | Node::Map { span, .. } => *span,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Node::Scalar { value, .. } => Some(value),
            _ => None,
        }
    }

    /// Value under a string key of a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|(_, v)| v)
    }

    pub fn entry(&self, key: &str) -> Option<(&Node, &Node)> {
        match self {
            Node::Map { entries, .. } => entries
                .iter()
                .find(|(k, _)| k.as_str() == Some(key))
                .map(|(k, v)| (k, v)),
            _ => None,
        }
    }

    pub fn entries(&self) -> &[(Node, Node)] {
        match self {
            Node::Map { entries, .. } => entries,
            _ => &[],
        }
    }

    pub fn items(&self) -> &[Node] {
        match self {
            Node::Seq { items, .. } => items,
            _ => &[],
        }
    }

    fn count(&self) -> usize {
        match self {
            Node::Scalar { .. } => 1,
            Node::Seq { items, .. } => 1 + items.iter().map(Node::count).sum::<usize>(),
            Node::Map { entries, .. } => {
                1 + entries
                    .iter()
                    .map(|(k, v)| k.count() + v.count())
                    .sum::<usize>()
            }
        }
    }
}

#[derive(Debug, Clone)]
pub struct YamlError {
    pub span: Span,
    pub message: String,
}

/// Maps saphyr's character indices to byte offsets.
struct CharMap {
    /// byte offset of every char boundary; empty when the text is ASCII (identity)
    offsets: Vec<u32>,
    len: usize,
}

impl CharMap {
    fn new(text: &str) -> Self {
        let offsets = if text.is_ascii() {
            Vec::new()
        } else {
            text.char_indices().map(|(i, _)| i as u32).collect()
        };
        CharMap {
            offsets,
            len: text.len(),
        }
    }

    fn byte(&self, char_index: usize) -> usize {
        if self.offsets.is_empty() {
            char_index.min(self.len)
        } else {
            self.offsets
                .get(char_index)
                .map_or(self.len, |&b| b as usize)
        }
    }
}

enum Frame {
    Seq {
        items: Vec<Node>,
        start: usize,
        anchor: usize,
    },
    Map {
        entries: Vec<(Node, Node)>,
        pending: Option<Node>,
        start: usize,
        anchor: usize,
    },
}

/// Parses the first document of `text`. An empty document is an empty mapping.
pub fn parse(text: &str) -> Result<Node, YamlError> {
    let map = CharMap::new(text);
    let mut stack: Vec<Frame> = Vec::new();
    let mut anchors: HashMap<usize, Node> = HashMap::new();
    let mut budget = MAX_NODES;
    let mut root: Option<Node> = None;
    let err = |span: Span, message: String| YamlError { span, message };
    for ev in Parser::new_from_str(text) {
        let (ev, sp) = ev.map_err(|e| {
            let at = map.byte(e.marker().index());
            err(Span::new(at, at), e.info().to_string())
        })?;
        let span = Span::new(
            map.byte(sp.start.index()),
            map.byte(sp.end.index()).max(map.byte(sp.start.index())),
        );
        let node = match ev {
            Event::StreamStart | Event::DocumentStart(_) | Event::Nothing => continue,
            Event::DocumentEnd | Event::StreamEnd => break,
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(err(span, format!("nesting deeper than {MAX_DEPTH} levels")));
                }
                let start = span.start as usize;
                stack.push(if matches!(ev, Event::SequenceStart(..)) {
                    Frame::Seq {
                        items: Vec::new(),
                        start,
                        anchor,
                    }
                } else {
                    Frame::Map {
                        entries: Vec::new(),
                        pending: None,
                        start,
                        anchor,
                    }
                });
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let frame = stack
                    .pop()
                    .ok_or_else(|| err(span, "unbalanced collection".into()))?;
                let (node, anchor) = match frame {
                    Frame::Seq {
                        items,
                        start,
                        anchor,
                    } => (
                        Node::Seq {
                            items,
                            span: Span::new(start, span.end as usize),
                        },
                        anchor,
                    ),
                    Frame::Map {
                        entries,
                        start,
                        anchor,
                        ..
                    } => (
                        Node::Map {
                            entries,
                            span: Span::new(start, span.end as usize),
                        },
                        anchor,
                    ),
                };
                if anchor > 0 {
                    anchors.insert(anchor, node.clone());
                }
                node
            }
            Event::Scalar(value, style, anchor, _) => {
                let style = match style {
                    ScalarStyle::Plain => Style::Plain,
                    ScalarStyle::Literal => Style::Literal,
                    ScalarStyle::Folded => Style::Folded,
                    _ => Style::Quoted,
                };
                let node = Node::Scalar {
                    value: Cow::into_owned(value),
                    style,
                    span,
                };
                if anchor > 0 {
                    anchors.insert(anchor, node.clone());
                }
                node
            }
            Event::Alias(id) => {
                let target = anchors
                    .get(&id)
                    .ok_or_else(|| err(span, "alias to an unknown anchor".into()))?;
                let cost = target.count();
                if cost > budget {
                    return Err(err(
                        span,
                        format!("alias expansion exceeds {MAX_NODES} nodes (an alias bomb?)"),
                    ));
                }
                budget -= cost;
                target.clone()
            }
        };
        budget = budget
            .checked_sub(1)
            .ok_or_else(|| err(span, format!("more than {MAX_NODES} nodes")))?;
        match stack.last_mut() {
            None => {
                root = Some(node);
            }
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map {
                entries, pending, ..
            }) => match pending.take() {
                None => *pending = Some(node),
                Some(key) => entries.push((key, node)),
            },
        }
    }
    Ok(root.unwrap_or(Node::Map {
        entries: Vec::new(),
        span: Span::new(0, 0),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_are_bytes() {
        let text = "a: é\nb:\n  - x\n  - \"y\"\nc: |\n  line1\n  echo $K\n";
        let n = parse(text).expect("parses");
        let b = n.get("b").expect("b");
        let y = &b.items()[1];
        assert_eq!(&text[y.span().range()], "\"y\"");
        let c = n.get("c").expect("c");
        let Node::Scalar { value, style, span } = c else {
            panic!("scalar")
        };
        let off = value.find("$K").expect("$K");
        assert_eq!(
            &text[scalar_offset(text, value, *style, *span, off)..][..2],
            "$K"
        );
        let a = n.get("a").expect("a");
        assert_eq!(&text[a.span().range()], "é");
    }

    #[test]
    fn bombs_and_depth_are_bounded() {
        let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 0..12 {
            let prev = if i == 0 {
                "a".to_string()
            } else {
                format!("l{}", i - 1)
            };
            bomb.push_str(&format!("l{i}: &l{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
        }
        assert!(parse(&bomb).expect_err("bounded").message.contains("alias"));
        let deep = "[".repeat(10_000);
        assert!(parse(&deep).is_err());
        assert!(parse("a: [unclosed").is_err());
    }
}
