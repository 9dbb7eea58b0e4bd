//! What placing a finding needs of a model once its policy input is built
//! (ADR 0045): every item's keys and spans, without the values.
//!
//! [`crate::model::Model::take_input`] moves each item into the policy input
//! and leaves its shape here: one [`SpanNode`] of 36 bytes per node, where
//! the model held a node of 48 bytes or an entry of 88 plus its key's and
//! value's strings. Lookups walk it exactly as [`Node::find_path`] and
//! [`Node::key_span_of`] walk the item, so a finding is placed at the same
//! span either way (tests compare the two).

use std::collections::HashMap;

use crate::parse::exact_vec;
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
    /// `len` in the low 30 bits, the [`Kind`] in the top two (a map or
    /// list of a billion entries does not fit in memory anyway): 36 bytes
    /// a node rather than 40 (ADR 0048).
    len_kind: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Map,
    Seq,
    Leaf,
}

const LEN_BITS: u32 = 30;
const LEN_MASK: u32 = (1 << LEN_BITS) - 1;

impl SpanNode {
    fn leaf(span: Span, key_span: Span, key: u32) -> Self {
        SpanNode {
            span,
            key_span,
            key,
            first: 0,
            len_kind: Self::pack(Kind::Leaf, 0),
        }
    }

    fn pack(kind: Kind, len: u32) -> u32 {
        let k = match kind {
            Kind::Leaf => 0,
            Kind::Map => 1,
            Kind::Seq => 2,
        };
        (k << LEN_BITS) | len.min(LEN_MASK)
    }

    fn len(&self) -> u32 {
        self.len_kind & LEN_MASK
    }

    fn kind(&self) -> Kind {
        match self.len_kind >> LEN_BITS {
            1 => Kind::Map,
            2 => Kind::Seq,
            _ => Kind::Leaf,
        }
    }
}

/// Nodes in chunks of [`CHUNK`]: a unit of a million items adds chunk
/// after chunk as its items move into the input, never copying what it
/// holds into a vector twice the size (at 150k functions that copy alone
/// was a third of a gigabyte next to the model, ADR 0048).
#[derive(Debug, Clone, Default)]
struct Nodes {
    chunks: Vec<Vec<SpanNode>>,
    len: usize,
}

const CHUNK: usize = 1 << 16;

impl Nodes {
    fn len(&self) -> usize {
        self.len
    }

    fn push(&mut self, n: SpanNode) {
        match self.chunks.last_mut() {
            // The first chunk grows as a vector does (a small unit's
            // nodes stay small); later ones are made whole.
            Some(last) if last.len() < CHUNK => last.push(n),
            _ => {
                let mut chunk = if self.chunks.is_empty() {
                    Vec::new()
                } else {
                    Vec::with_capacity(CHUNK)
                };
                chunk.push(n);
                self.chunks.push(chunk);
            }
        }
        self.len += 1;
    }

    fn get(&self, at: usize) -> Option<&SpanNode> {
        self.chunks.get(at / CHUNK)?.get(at % CHUNK)
    }

    fn get_mut(&mut self, at: usize) -> Option<&mut SpanNode> {
        self.chunks.get_mut(at / CHUNK)?.get_mut(at % CHUNK)
    }

    fn shrink_to_fit(&mut self) {
        if let Some(last) = self.chunks.last_mut() {
            exact_vec(last);
        }
        exact_vec(&mut self.chunks);
    }
}

/// The shapes of a model's items, by collection and position.
#[derive(Debug, Clone, Default)]
pub(super) struct Spans {
    /// Each distinct key (and item type) once.
    texts: Vec<Box<str>>,
    nodes: Nodes,
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
        self.nodes
            .push(SpanNode::leaf(item.span, Span::default(), NONE));
        self.fill(root, item);
        self.items
            .entry(collection)
            .or_default()
            .push((index(root), type_));
    }

    /// Done adding: give back the room the building used.
    pub(super) fn finish(&mut self) {
        self.lookup = HashMap::new();
        exact_vec(&mut self.texts);
        self.nodes.shrink_to_fit();
        for v in self.items.values_mut() {
            exact_vec(v);
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
                    self.nodes
                        .push(SpanNode::leaf(e.value.span, e.key_span, key));
                }
                (Kind::Map, m.entries.len())
            }
            Value::Seq(items) => {
                for i in items {
                    self.nodes
                        .push(SpanNode::leaf(i.span, Span::default(), NONE));
                }
                (Kind::Seq, items.len())
            }
            _ => return,
        };
        if let Some(n) = self.nodes.get_mut(at) {
            n.first = index(first);
            n.len_kind = SpanNode::pack(kind, index(len));
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
            .unwrap_or(SpanNode::leaf(Span::default(), Span::default(), NONE))
    }

    fn span(&self) -> Span {
        self.node().span
    }

    fn children(&self) -> impl DoubleEndedIterator<Item = At<'a>> + 'a {
        let n = self.node();
        let spans = self.spans;
        (n.first..n.first.saturating_add(n.len())).map(move |at| At { spans, at })
    }

    fn key(&self) -> Option<&'a str> {
        let spans = self.spans;
        spans.texts.get(self.node().key as usize).map(|k| &**k)
    }

    /// [`crate::parse::Map::entry`]: the last child with `key`.
    fn entry(&self, key: &str) -> Option<At<'a>> {
        if self.node().kind() != Kind::Map {
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
            let next = match cur.node().kind() {
                Kind::Map => cur.map_step(path, depth),
                Kind::Seq => seg
                    .parse::<usize>()
                    .ok()
                    .filter(|&i| i < cur.node().len() as usize)
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
        assert_eq!(std::mem::size_of::<SpanNode>(), 36);
    }

    /// Items whose nodes run over a chunk's end answer as in one vector:
    /// a list longer than a chunk, then an item after it.
    #[test]
    fn nodes_across_chunks() {
        use crate::model::map_of;
        use crate::source::FileId;
        let sp = |a: usize| Span::new(FileId(0), a, a + 1);
        let n = CHUNK + 10;
        let list = Node::seq(
            (0..n).map(|i| Node::string("x", sp(i + 10))).collect(),
            sp(1),
        );
        let mut spans = Spans::default();
        spans.push("functions", &map_of(vec![("list", list)], sp(0)));
        let map = map_of(vec![("a", Node::string("b", sp(5)))], sp(2));
        spans.push("functions", &map_of(vec![("m", map)], sp(3)));
        spans.finish();
        assert_eq!(spans.nodes.len(), n + 5);
        assert_eq!(spans.nodes.chunks.len(), 2);
        let at = |p: usize, path: &[&str]| spans.locate("functions", p, path);
        assert_eq!(at(0, &["list", "0"]), Some((2, sp(10))));
        assert_eq!(at(0, &["list", &(n - 1).to_string()]), Some((2, sp(n + 9))));
        assert_eq!(at(0, &["list", &n.to_string()]), Some((1, sp(1))));
        assert_eq!(at(1, &["m", "a"]), Some((2, sp(5))));
        assert_eq!(at(1, &["m", "z"]), Some((1, sp(2))));
        assert_eq!(at(1, &[]), Some((0, sp(3))));
    }
}
