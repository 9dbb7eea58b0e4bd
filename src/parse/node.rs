//! The span-aware document tree. Every parser (YAML, JSON, later HCL) produces
//! it, adapters read it, and the normalized model is built from it, so a value
//! keeps the byte range it came from all the way to the report.

use crate::source::Span;

/// The text of a key or string value: inline up to 24 bytes (most keys and
/// many values), on the heap beyond; 24 bytes either way, like `String`
/// (ADR 0046).
pub type Str = compact_str::CompactString;

/// Give back a vector's spare room for real. `shrink_to_fit` reallocates,
/// and mimalloc keeps a block where it is when the new size is at least
/// half of it, so a vector grown by doubling (never less than half full)
/// gave nothing back that way; a fresh allocation of the exact size and a
/// copy does (ADR 0048).
pub(crate) fn exact_vec<T>(v: &mut Vec<T>) {
    if v.capacity() > v.len() {
        let mut fresh = Vec::with_capacity(v.len());
        fresh.append(v);
        *v = fresh;
    }
}

/// [`exact_vec`] for a string: inline when it fits, else a heap copy of
/// the exact length (a heap string is never less than 32 bytes).
pub(crate) fn exact_str(s: &mut Str) {
    if s.len() <= std::mem::size_of::<Str>() {
        s.shrink_to_fit();
    } else if s.capacity() > s.len().max(32) {
        *s = Str::from(s.as_str());
    }
}

/// A value with the span of the text it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// The value; a map's or list's nodes carry their own spans.
    pub value: Value,
    /// Byte range of the value's text in its source file: where a finding about the value points
    /// (a value an adapter made up carries the span of what it was made from).
    pub span: Span,
}

/// A document value. `Unknown` never comes out of a parser: adapters use it for
/// values that cannot be known statically (an `Fn::GetAtt`, an unresolved
/// variable), so rules can tell "not set" from "not knowable".
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// JSON `null`, YAML `null`/`~`/an empty value.
    Null,
    /// A boolean.
    Bool(bool),
    /// A number as the parser read it (integer or float).
    Number(serde_json::Number),
    /// A string, quoted or plain.
    String(Str),
    /// A list, in source order.
    Seq(Vec<Node>),
    /// A mapping, in source order.
    Map(Map),
    /// Boxed: the variant is rare, and inline it would make every value
    /// (and so every node of every tree and model) twice the size.
    Unknown(Box<Unknown>),
}

/// Why a value is unknown, and what it refers to when that is known
/// (`ref`/`attr` for `!GetAtt Bucket.Arn`), so rules can still link resources.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Unknown {
    pub(crate) reason: String,
    pub(crate) reference: Option<String>,
    pub(crate) attribute: Option<String>,
    /// Whether whoever deploys supplies the value, or a part of it, from
    /// outside the scanned files: a CloudFormation parameter without a
    /// default, a Terraform input variable without a value, a Serverless
    /// `${param:}`, `${ssm:}`, `${env:}`, `${opt:}` (ADR 0054). Such a value
    /// may be anything, `*` included; one the template computes (`!GetAtt
    /// Role.Arn`, `${AWS::AccountId}`, an attribute known after apply) is
    /// not. A value built from parts is supplied when any unknown part is.
    pub(crate) supplied: bool,
}

impl Unknown {
    /// An unknown for `reason`, naming no resource.
    pub(crate) fn new(reason: impl Into<String>, supplied: bool) -> Self {
        Unknown {
            reason: reason.into(),
            supplied,
            ..Unknown::default()
        }
    }

    /// The unknown as a value at `span`.
    pub(crate) fn at(self, span: Span) -> Node {
        Node::new(Value::Unknown(Box::new(self)), span)
    }
}

/// A mapping entry: the key keeps its own span, so a finding about a key
/// (`NotAction:`) can point at it.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    /// The key as written (quotes removed).
    pub key: Str,
    /// Byte range of the key's text: where a finding about the key itself points.
    pub key_span: Span,
    /// The key's value.
    pub value: Node,
}

/// An ordered mapping. Lookups return the last entry of a key, as most YAML and
/// JSON loaders (and CloudFormation) do with duplicates.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Map {
    /// Entries in source order; a duplicated key appears as many times as it is written.
    pub entries: Vec<Entry>,
}

impl Map {
    /// The value of `key`: the last entry of that key, as most loaders do; `None` when absent.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.value)
    }

    pub(crate) fn entry(&self, key: &str) -> Option<&Entry> {
        self.entries.iter().rev().find(|e| e.key == key)
    }

    pub(crate) fn get_mut(&mut self, key: &str) -> Option<&mut Node> {
        self.entries
            .iter_mut()
            .rev()
            .find(|e| e.key == key)
            .map(|e| &mut e.value)
    }

    /// Insert or replace (keeping the position of an existing key).
    pub fn insert(&mut self, key: impl Into<Str>, key_span: Span, value: Node) {
        let key = key.into();
        if let Some(e) = self.entries.iter_mut().rev().find(|e| e.key == key) {
            e.value = value;
            e.key_span = key_span;
        } else {
            self.entries.push(Entry {
                key,
                key_span,
                value,
            });
        }
    }

    pub(crate) fn remove(&mut self, key: &str) -> Option<Node> {
        let pos = self.entries.iter().rposition(|e| e.key == key)?;
        Some(self.entries.remove(pos).value)
    }

    pub(crate) fn contains_key(&self, key: &str) -> bool {
        self.entries.iter().any(|e| e.key == key)
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = (&str, &Node)> {
        self.entries.iter().map(|e| (e.key.as_str(), &e.value))
    }

    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

impl Node {
    pub(crate) fn new(value: Value, span: Span) -> Self {
        Node { value, span }
    }

    /// Give every node and key of this tree one span: a value parsed out of
    /// text that is not the scanned file's (a JSON document in a string, an
    /// included file, a `jsondecode` result), whose own positions mean
    /// nothing here, points at the place it is used.
    pub fn respan(&mut self, span: Span) {
        let mut stack = vec![self];
        while let Some(n) = stack.pop() {
            n.span = span;
            match &mut n.value {
                Value::Seq(items) => stack.extend(items.iter_mut()),
                Value::Map(m) => {
                    for e in &mut m.entries {
                        e.key_span = span;
                        stack.push(&mut e.value);
                    }
                }
                _ => {}
            }
        }
    }

    pub(crate) fn null(span: Span) -> Self {
        Node::new(Value::Null, span)
    }

    /// A string node, without spare room (a parser's scalar may have
    /// grown as it was read).
    pub(crate) fn string(s: impl Into<Str>, span: Span) -> Self {
        let mut s = s.into();
        exact_str(&mut s);
        Node::new(Value::String(s), span)
    }

    pub(crate) fn bool(b: bool, span: Span) -> Self {
        Node::new(Value::Bool(b), span)
    }

    pub(crate) fn number(n: impl Into<serde_json::Number>, span: Span) -> Self {
        Node::new(Value::Number(n.into()), span)
    }

    /// A map node. Its entries were pushed one by one: their vector gives
    /// back its spare room here (up to as much again), as every parsed tree
    /// and model item is built through this and [`Node::seq`].
    pub(crate) fn map(mut map: Map, span: Span) -> Self {
        exact_vec(&mut map.entries);
        Node::new(Value::Map(map), span)
    }

    /// A sequence node, its vector without spare room (see [`Node::map`]).
    pub(crate) fn seq(mut items: Vec<Node>, span: Span) -> Self {
        exact_vec(&mut items);
        Node::new(Value::Seq(items), span)
    }

    pub(crate) fn unknown(reason: impl Into<String>, span: Span) -> Self {
        Node::new(
            Value::Unknown(Box::new(Unknown {
                reason: reason.into(),
                ..Unknown::default()
            })),
            span,
        )
    }

    /// An unknown the deployer supplies ([`Unknown::supplied`]): a
    /// parameter, an input variable, a deploy-time variable source.
    pub(crate) fn supplied(reason: impl Into<String>, span: Span) -> Self {
        Node::unknown(reason, span).supplied_if(true)
    }

    /// The node, marked as supplied by the deployer when it is an unknown
    /// and `yes` (a value built from a supplied part); unchanged otherwise.
    #[must_use]
    pub(crate) fn supplied_if(mut self, yes: bool) -> Self {
        if let Value::Unknown(u) = &mut self.value {
            u.supplied |= yes;
        }
        self
    }

    /// The string, when the node is one (not a number or boolean written as text).
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The mapping, when the node is one.
    pub fn as_map(&self) -> Option<&Map> {
        match &self.value {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    pub(crate) fn as_map_mut(&mut self) -> Option<&mut Map> {
        match &mut self.value {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    /// The list's items, when the node is one.
    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Seq(s) => Some(s),
            _ => None,
        }
    }

    pub(crate) fn as_bool(&self) -> Option<bool> {
        match &self.value {
            Value::Bool(b) => Some(*b),
            Value::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
            Value::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
            _ => None,
        }
    }

    /// A number, also from a numeric string (CloudFormation accepts both).
    pub fn as_f64(&self) -> Option<f64> {
        match &self.value {
            Value::Number(n) => n.as_f64(),
            Value::String(s) => s.trim().parse::<f64>().ok().filter(|f| f.is_finite()),
            _ => None,
        }
    }

    pub(crate) fn is_unknown(&self) -> bool {
        matches!(self.value, Value::Unknown(_))
    }

    /// Whether the node is an unknown the deployer supplies.
    pub(crate) fn is_supplied(&self) -> bool {
        matches!(&self.value, Value::Unknown(u) if u.supplied)
    }

    /// Whether an unknown the deployer supplies is anywhere inside the node
    /// (the node itself included): what a value built from it inherits.
    pub(crate) fn has_supplied(&self) -> bool {
        self.first_supplied().is_some()
    }

    /// The first unknown the deployer supplies inside the node, in document
    /// order (the node itself first).
    pub(crate) fn first_supplied(&self) -> Option<&Unknown> {
        let mut stack = vec![self];
        while let Some(n) = stack.pop() {
            match &n.value {
                Value::Unknown(u) if u.supplied => return Some(u),
                Value::Seq(items) => stack.extend(items.iter().rev()),
                Value::Map(m) => stack.extend(m.entries.iter().rev().map(|e| &e.value)),
                _ => {}
            }
        }
        None
    }

    /// An unknown built from `parts` (itself made from the first unknown
    /// part, whose reference it keeps): when a part holds an unknown the
    /// deployer supplies, marked as supplied and giving that one's reason
    /// (`"${aws_iam_role.r.name}-${var.env}"`: "variable env has no value").
    /// Anything else is returned unchanged.
    #[must_use]
    pub(crate) fn supplied_from<'a>(mut self, parts: impl IntoIterator<Item = &'a Node>) -> Self {
        if let Value::Unknown(u) = &mut self.value {
            if !u.supplied {
                if let Some(s) = parts.into_iter().find_map(Node::first_supplied) {
                    u.supplied = true;
                    u.reason.clone_from(&s.reason);
                }
            }
        }
        self
    }

    pub(crate) fn is_null(&self) -> bool {
        matches!(self.value, Value::Null)
    }

    /// Map lookup that is `None` for non-maps.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.as_map().and_then(|m| m.get(key))
    }

    /// Follow a path of map keys.
    pub fn get_path(&self, path: &[&str]) -> Option<&Node> {
        path.iter().try_fold(self, |n, k| n.get(k))
    }

    /// The node reached by a model path (`a.b.0.c`: keys and sequence indexes),
    /// and how many segments were matched: callers fall back to the deepest
    /// node that exists when the rest of the path names something missing.
    pub fn find_path<'a>(&'a self, path: &[&str]) -> (&'a Node, usize) {
        let mut cur = self;
        let mut depth = 0;
        while depth < path.len() {
            let seg = path[depth];
            let next = match &cur.value {
                Value::Map(m) => Self::map_step(m, path, depth),
                Value::Seq(items) => seg
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| items.get(i))
                    .map(|n| (n, 1)),
                _ => None,
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

    /// The entry of `m` that `path[at..]` names, and how many segments its key
    /// takes. A path is dot-separated, but some keys hold dots themselves
    /// (condition keys such as `token.actions.githubusercontent.com:sub`): when
    /// one segment names no key, the following ones are joined back to it.
    fn map_step<'a>(m: &'a Map, path: &[&str], at: usize) -> Option<(&'a Node, usize)> {
        if let Some(n) = m.get(path[at]) {
            return Some((n, 1));
        }
        let mut key = path[at].to_string();
        for (used, seg) in path[at + 1..].iter().enumerate() {
            key.push('.');
            key.push_str(seg);
            if let Some(n) = m.get(&key) {
                return Some((n, used + 2));
            }
        }
        None
    }

    /// Span of the key under which `path` sits (for a finding about a key).
    /// The key may be several segments (a key holding dots).
    pub fn key_span_of(&self, path: &[&str]) -> Option<Span> {
        (1..=path.len()).find_map(|n| {
            let (parent_path, key) = path.split_at(path.len() - n);
            let (parent, matched) = self.find_path(parent_path);
            if matched != parent_path.len() {
                return None;
            }
            parent.as_map()?.entry(&key.join(".")).map(|e| e.key_span)
        })
    }

    /// Number of nodes in the tree (used to bound alias expansion).
    pub fn count(&self) -> usize {
        let mut n = 0usize;
        let mut stack = vec![self];
        while let Some(node) = stack.pop() {
            n += 1;
            match &node.value {
                Value::Seq(items) => stack.extend(items.iter()),
                Value::Map(m) => stack.extend(m.entries.iter().map(|e| &e.value)),
                _ => {}
            }
        }
        n
    }

    /// Plain JSON, dropping spans (`Unknown` becomes `{"unknown": true, ...}`,
    /// with `"supplied": true` only when it is).
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match &self.value {
            Value::Null => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Number(n) => J::Number(n.clone()),
            Value::String(s) => J::String(s.as_str().to_owned()),
            Value::Seq(items) => J::Array(items.iter().map(Node::to_json).collect()),
            Value::Map(m) => J::Object(
                m.entries
                    .iter()
                    .map(|e| (e.key.as_str().to_owned(), e.value.to_json()))
                    .collect(),
            ),
            Value::Unknown(u) => {
                let mut o = serde_json::Map::new();
                o.insert("unknown".into(), J::Bool(true));
                o.insert("reason".into(), J::String(u.reason.clone()));
                if let Some(r) = &u.reference {
                    o.insert("ref".into(), J::String(r.clone()));
                }
                if let Some(a) = &u.attribute {
                    o.insert("attr".into(), J::String(a.clone()));
                }
                if u.supplied {
                    o.insert("supplied".into(), J::Bool(true));
                }
                J::Object(o)
            }
        }
    }

    /// The same value as a regorus value, for policy input.
    pub fn to_rego(&self) -> regorus::Value {
        use regorus::Value as R;
        match &self.value {
            Value::Null => R::Null,
            Value::Bool(b) => R::from(*b),
            Value::Number(n) => {
                if let Some(i) = n.as_i64() {
                    R::from(i)
                } else if let Some(u) = n.as_u64() {
                    R::from(u)
                } else {
                    R::from(n.as_f64().unwrap_or(0.0))
                }
            }
            Value::String(s) => R::from(s.as_str()),
            Value::Seq(items) => R::from(items.iter().map(Node::to_rego).collect::<Vec<_>>()),
            Value::Map(m) => {
                let mut obj = std::collections::BTreeMap::new();
                for e in &m.entries {
                    obj.insert(R::from(e.key.as_str()), e.value.to_rego());
                }
                R::from(obj)
            }
            Value::Unknown(_) => {
                // Same shape as to_json; rarely hot, so go through JSON.
                R::from_json_str(&self.to_json().to_string()).unwrap_or(R::Null)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every parsed tree and model is made of these: a node of 48 bytes and
    /// an entry of 88 (they were 88 and 128 with `Unknown` inline), so the
    /// rare variant stays boxed.
    #[test]
    fn nodes_stay_small() {
        assert_eq!(std::mem::size_of::<Value>(), 32);
        assert_eq!(std::mem::size_of::<Node>(), 48);
        assert_eq!(std::mem::size_of::<Entry>(), 88);
    }
}
