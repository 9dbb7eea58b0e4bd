//! What placing a finding needs of a model once its policy input is built
//! (ADR 0045): every item's keys and spans, without the values.
//!
//! [`crate::model::Model::take_input`] moves each item into the policy input
//! and leaves its shape here: one [`SpanNode`] of 40 bytes per node, where
//! the model held a node of 48 bytes or an entry of 88 plus its key's and
//! value's strings. Lookups walk it exactly as [`Node::find_path`] and
//! [`Node::key_span_of`] walk the item, so a finding is placed at the same
//! span either way (tests compare the two).

use std::collections::HashMap;

use crate::parse::{Node, Value};
use crate::source::Span;

/// No key: a sequence element, or an item.
const NONE: u32 = u32::MAX;

/// One node of an item: its span, the key it sits under in its map (with
/// that key's span), and where its children are.
#[derive(Debug, Clone, Copy)]
struct SpanNode {
    span: Span,
    key_span: Span,
    /// Index of the key text in [`Spans::texts`], or [`NONE`].
    key: u32,
    /// The children are `first..first + len` of [`Spans::nodes`].
    first: u32,
    len: u32,
    kind: Kind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Map,
    Seq,
    Leaf,
}

/// The shapes of a model's items, by collection and position.
#[derive(Debug, Clone, Default)]
pub(super) struct Spans {
    /// Each distinct key (and item type) once.
    texts: Vec<Box<str>>,
    nodes: Vec<SpanNode>,
    /// Per collection, per position: the item's root node and its `type`
    /// (an index into `texts`, or [`NONE`] when it has no string type).
    items: HashMap<&'static str, Vec<(u32, u32)>>,
    /// Key text → index in `texts`, while items are added.
    lookup: HashMap<Box<str>, u32>,
}

/// A node as the walks below see it: the arena and an index into it.
#[derive(Clone, Copy)]
struct At<'a> {
    spans: &'a Spans,
    at: u32,
}

impl Spans {
    /// Add an item of `collection` (at the next position of it).
    pub(super) fn push(&mut self, collection: &'static str, item: &Node) {
        let type_ = item
            .get("type")
            .and_then(Node::as_str)
            .map_or(NONE, |t| self.text(t));
        let root = self.nodes.len();
        self.nodes.push(SpanNode {
            span: item.span,
            key_span: Span::default(),
            key: NONE,
            first: 0,
            len: 0,
            kind: Kind::Leaf,
        });
        self.fill(root, item);
        self.items
            .entry(collection)
            .or_default()
            .push((index(root), type_));
    }

    /// Done adding: give back the room the building used.
    pub(super) fn finish(&mut self) {
        self.lookup = HashMap::new();
        self.texts.shrink_to_fit();
        self.nodes.shrink_to_fit();
        for v in self.items.values_mut() {
            v.shrink_to_fit();
        }
        self.items.shrink_to_fit();
    }

    fn text(&mut self, s: &str) -> u32 {
        if let Some(&i) = self.lookup.get(s) {
            return i;
        }
        let i = index(self.texts.len());
        self.texts.push(s.into());
        self.lookup.insert(s.into(), i);
        i
    }

    /// Write `node`'s children after the nodes so far (contiguous), then
    /// theirs, depth first.
    fn fill(&mut self, at: usize, node: &Node) {
        let first = self.nodes.len();
        let (kind, len) = match &node.value {
            Value::Map(m) => {
                for e in &m.entries {
                    let key = self.text(&e.key);
                    self.nodes.push(SpanNode {
                        span: e.value.span,
                        key_span: e.key_span,
                        key,
                        first: 0,
                        len: 0,
                        kind: Kind::Leaf,
                    });
                }
                (Kind::Map, m.entries.len())
            }
            Value::Seq(items) => {
                for i in items {
                    self.nodes.push(SpanNode {
                        span: i.span,
                        key_span: Span::default(),
                        key: NONE,
                        first: 0,
                        len: 0,
                        kind: Kind::Leaf,
                    });
                }
                (Kind::Seq, items.len())
            }
            _ => return,
        };
        if let Some(n) = self.nodes.get_mut(at) {
            n.kind = kind;
            n.first = index(first);
            n.len = index(len);
        }
        match &node.value {
            Value::Map(m) => {
                for (i, e) in m.entries.iter().enumerate() {
                    self.fill(first + i, &e.value);
                }
            }
            Value::Seq(items) => {
                for (i, n) in items.iter().enumerate() {
                    self.fill(first + i, n);
                }
            }
            _ => {}
        }
    }

    /// The root of the item at `position` of `collection`.
    fn item(&self, collection: &str, position: usize) -> Option<At<'_>> {
        let (root, _) = self.items.get(collection)?.get(position)?;
        Some(At {
            spans: self,
            at: *root,
        })
    }

    /// The `type` of the item at `position` of `collection`, when a string.
    pub(super) fn type_of(&self, collection: &str, position: usize) -> Option<&str> {
        let (_, t) = self.items.get(collection)?.get(position)?;
        self.texts.get(*t as usize).map(|t| &**t)
    }

    /// [`crate::model::Model::locate`]'s answer for one item: the span, and
    /// how many segments of the path it matched.
    pub(super) fn locate(
        &self,
        collection: &str,
        position: usize,
        segments: &[&str],
    ) -> Option<(usize, Span)> {
        let item = self.item(collection, position)?;
        let (node, matched) = item.find_path(segments);
        let span = if matched == segments.len() && node.span() == Span::default() {
            item.key_span_of(segments).unwrap_or(item.span())
        } else if matched == 0 {
            item.span()
        } else {
            node.span()
        };
        Some((matched, span))
    }
}

fn index(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(NONE)
}

impl<'a> At<'a> {
    fn node(&self) -> SpanNode {
        self.spans
            .nodes
            .get(self.at as usize)
            .copied()
            .unwrap_or(SpanNode {
                span: Span::default(),
                key_span: Span::default(),
                key: NONE,
                first: 0,
                len: 0,
                kind: Kind::Leaf,
            })
    }

    fn span(&self) -> Span {
        self.node().span
    }

    fn children(&self) -> impl DoubleEndedIterator<Item = At<'a>> + 'a {
        let n = self.node();
        let spans = self.spans;
        (n.first..n.first.saturating_add(n.len)).map(move |at| At { spans, at })
    }

    fn key(&self) -> Option<&'a str> {
        let spans = self.spans;
        spans.texts.get(self.node().key as usize).map(|k| &**k)
    }

    /// [`crate::parse::Map::entry`]: the last child with `key`.
    fn entry(&self, key: &str) -> Option<At<'a>> {
        if self.node().kind != Kind::Map {
            return None;
        }
        self.children().rev().find(|c| c.key() == Some(key))
    }

    /// [`Node::find_path`].
    fn find_path(&self, path: &[&str]) -> (At<'a>, usize) {
        let mut cur = *self;
        let mut depth = 0;
        while depth < path.len() {
            let seg = path[depth];
            let next = match cur.node().kind {
                Kind::Map => cur.map_step(path, depth),
                Kind::Seq => seg
                    .parse::<usize>()
                    .ok()
                    .filter(|&i| i < cur.node().len as usize)
                    .map(|i| {
                        (
                            At {
                                spans: cur.spans,
                                at: cur.node().first + index(i),
                            },
                            1,
                        )
                    }),
                Kind::Leaf => None,
            };
            match next {
                Some((n, used)) => {
                    cur = n;
                    depth += used;
                }
                None => return (cur, depth),
            }
        }
        (cur, path.len())
    }

    /// [`Node::map_step`]: keys that hold dots take several segments.
    fn map_step(&self, path: &[&str], at: usize) -> Option<(At<'a>, usize)> {
        if let Some(n) = self.entry(path[at]) {
            return Some((n, 1));
        }
        let mut key = path[at].to_string();
        for (used, seg) in path[at + 1..].iter().enumerate() {
            key.push('.');
            key.push_str(seg);
            if let Some(n) = self.entry(&key) {
                return Some((n, used + 2));
            }
        }
        None
    }

    /// [`Node::key_span_of`].
    fn key_span_of(&self, path: &[&str]) -> Option<Span> {
        (1..=path.len()).find_map(|n| {
            let (parent_path, key) = path.split_at(path.len() - n);
            let (parent, matched) = self.find_path(parent_path);
            if matched != parent_path.len() {
                return None;
            }
            parent.entry(&key.join(".")).map(|e| e.node().key_span)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One per node of every item kept while its unit's rules run.
    #[test]
    fn span_nodes_stay_small() {
        assert_eq!(std::mem::size_of::<SpanNode>(), 40);
    }
}
