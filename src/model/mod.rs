//! Model stage: the normalized resource model every format is adapted into
//! (documented field by field in `docs/model.md`).
//!
//! An item is a [`Node`] map, so each normalized value keeps the span of the
//! text it came from: the provenance of `(item, path)` is the span of the node
//! at that path, found by [`Model::locate`].

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, OnceLock};

pub(crate) mod collections;
mod spans;

use crate::parse::{exact_str, exact_vec};
use crate::parse::{Entry, Map, Node, Value};
use crate::source::{FileId, Span};

/// The collections of the model, in the order they appear in policy input:
/// the names of the typed collections ([`collections::ALL`]), one list.
pub const COLLECTIONS: &[&str] = collections::NAMES;

/// Source format of a unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// A CloudFormation template without the SAM transform (JSON or YAML).
    CloudFormation,
    /// A SAM template (`Transform: AWS::Serverless-2016-10-31`).
    Sam,
    /// A Terraform module tree, or a plan or state file (`terraform show -json`).
    Terraform,
    /// A Serverless Framework service.
    Serverless,
}

impl Format {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Format::CloudFormation => "cloudformation",
            Format::Sam => "sam",
            Format::Terraform => "terraform",
            Format::Serverless => "serverless",
        }
    }
}

/// The model of one unit (a template, a module, a service).
#[derive(Debug, Clone)]
pub struct Model {
    pub(crate) format: Format,
    pub(crate) file: FileId,
    collections: BTreeMap<&'static str, Vec<Node>>,
    /// Things the adapter could not make sense of (a SAM policy template
    /// missing a parameter, ...), reported as warnings with their place.
    pub notes: Vec<(String, Span)>,
    /// Where each source resource (and parameter) is written: the suppress
    /// stage turns a comment on a header line into a resource-wide one.
    pub headers: Vec<Header>,
    /// Suppressions written into the template's structure (CloudFormation
    /// `Metadata.faasguard.ignore`), as written; the suppress stage checks them.
    pub ignores: Vec<Ignore>,
    /// Values that reached the model through a variable (Terraform
    /// `var.x`, module inputs, serverless `${self:...}`): the span the value
    /// carries and how it got there (`through var.timeout, used at
    /// main.tf:12`). A finding located at such a span says so.
    pub via: Vec<(Span, String)>,
    /// Logical id → the AWS CDK construct path that synthesized it
    /// (`Metadata."aws:cdk:path"` of templates in `cdk.out`).
    pub constructs: BTreeMap<String, String>,
    /// Where the items of each id are, `(collection, position)` in the order
    /// [`Model::locate`] tries them. Built on the first lookup and kept up to
    /// date by [`Model::push`], so finding an item costs the same in a model of
    /// ten items and of ten thousand (a linear scan per finding made large
    /// units quadratic).
    index: OnceLock<HashMap<Box<str>, Places>>,
    /// Properties the model leaves out although the source writes them (a
    /// Terraform argument whose value is null or means "not set", such as
    /// `retention_in_days = 0`, often from a variable): (item id, model path,
    /// where the value is written). A finding about such a property being
    /// missing points there rather than at the resource header.
    pub unset: Vec<(String, String, Span)>,
    /// Templates of the scan that a Serverless service includes through
    /// `${file()}`: they are part of its stack, so the scan drops their own
    /// results as templates and keeps the service's.
    pub fragments: Vec<FileId>,
    /// The items' keys and spans once [`Model::take_input`] has moved their
    /// values into the policy input: what placing findings needs (ADR 0045).
    spans: Option<Box<spans::Spans>>,
    /// The collection (its place in [`COLLECTIONS`]) of each item pushed,
    /// in push order: [`Model::take_input`] moves the items out in that
    /// order, so the memory they give back is whole pages, which go back
    /// to the system as the input grows (ADR 0048).
    order: Vec<u8>,
}

/// A source resource's place in its file.
#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    /// The logical id (`OrdersFunction`).
    pub id: String,
    /// The logical id key.
    pub key: Span,
    /// The whole definition (key to last value).
    pub body: Span,
}

/// One entry of a resource's `Metadata.faasguard.ignore` list, unchecked:
/// missing or mistyped fields are `None` (the suppress stage reports them).
#[derive(Debug, Clone, PartialEq)]
pub struct Ignore {
    /// The logical id of the resource carrying the metadata.
    pub resource: String,
    /// `id`: one rule id, or several comma-separated.
    pub rules: Option<(String, Span)>,
    pub(crate) reason: Option<String>,
    /// `until` as written (`YYYY-MM-DD` when valid).
    pub until: Option<(String, Span)>,
    /// Keys other than `id`, `reason` and `until` (typos such as `untill`).
    pub unknown_keys: Vec<(String, Span)>,
    /// The entry.
    pub span: Span,
}

impl Model {
    /// An empty model of a unit of `format` read from `file` (a module's first file).
    pub fn new(format: Format, file: FileId) -> Self {
        Model {
            format,
            file,
            collections: BTreeMap::new(),
            notes: Vec::new(),
            headers: Vec::new(),
            ignores: Vec::new(),
            via: Vec::new(),
            constructs: BTreeMap::new(),
            index: OnceLock::new(),
            unset: Vec::new(),
            fragments: Vec::new(),
            spans: None,
            order: Vec::new(),
        }
    }

    pub(crate) fn push(&mut self, collection: &'static str, mut item: Node) {
        debug_assert!(COLLECTIONS.contains(&collection), "{collection}");
        let c = COLLECTIONS.iter().position(|c| *c == collection);
        // Built by pushing, its vectors hold up to twice their length: give
        // that back now rather than at [`Model::compact`], so a large unit's
        // model never holds it all at once next to its parsed tree.
        compact_node(&mut item);
        let items = self.collections.entry(collection).or_default();
        let place = c.and_then(|c| Place::new(c, items.len()));
        if let (Some(index), Some(id), Some(place)) = (self.index.get_mut(), item_id(&item), place)
        {
            match index.get_mut(id) {
                Some(places) => places.insert(place),
                None => {
                    index.insert(id.into(), Places::One(place));
                }
            }
        }
        items.push(item);
        if let Some(place) = place {
            self.order.push(place.collection);
        }
    }

    /// `(collection, position)` of every item with `id`.
    fn places(&self, id: &str) -> &[Place] {
        let index = self.index.get_or_init(|| {
            // Room for every item at once: a table grown by doubling holds
            // the old one and the new one while it moves (ADR 0048).
            let mut index: HashMap<Box<str>, Places> =
                HashMap::with_capacity(self.collections.values().map(Vec::len).sum());
            for (name, items) in &self.collections {
                let Some(c) = COLLECTIONS.iter().position(|c| c == name) else {
                    continue;
                };
                for (i, item) in items.iter().enumerate() {
                    let (Some(id), Some(place)) = (item_id(item), Place::new(c, i)) else {
                        continue;
                    };
                    match index.get_mut(id) {
                        Some(places) => places.insert(place),
                        None => {
                            index.insert(id.into(), Places::One(place));
                        }
                    }
                }
            }
            index
        });
        index.get(id).map_or(&[], Places::as_slice)
    }

    /// The items of a collection (none once [`Model::take_input`] has
    /// moved them into the policy input).
    pub fn items(&self, collection: &str) -> &[Node] {
        self.collections.get(collection).map_or(&[], Vec::as_slice)
    }

    /// The items of a collection, to change in place. Any change may move or
    /// rename items, so the id index is rebuilt on the next lookup.
    pub fn items_mut(&mut self, collection: &'static str) -> &mut Vec<Node> {
        self.index = OnceLock::new();
        self.collections.entry(collection).or_default()
    }

    /// The CDK construct path of an item: its own logical id's, or, for an
    /// item synthesized from a resource (`OrdersFunction/Url`), its owner's.
    pub fn construct_of(&self, id: &str) -> Option<String> {
        self.constructs
            .get(id)
            .or_else(|| {
                id.split_once('/')
                    .and_then(|(owner, _)| self.constructs.get(owner))
            })
            .cloned()
    }

    /// Find an item of a collection by id (to complete it; its id must not
    /// change, or lookups go stale).
    pub fn item_mut(&mut self, collection: &str, id: &str) -> Option<&mut Node> {
        let at = self
            .places(id)
            .iter()
            .find(|p| p.name() == collection)
            .map(|p| p.at())?;
        self.collections.get_mut(collection)?.get_mut(at)
    }

    pub(crate) fn item(&self, collection: &str, id: &str) -> Option<&Node> {
        let p = self.places(id).iter().find(|p| p.name() == collection)?;
        self.collections.get(p.name())?.get(p.at())
    }

    /// Number of items across collections (not counting raw `resources`).
    pub fn item_count(&self) -> usize {
        self.collections
            .iter()
            .filter(|(k, _)| **k != "resources")
            .map(|(_, v)| v.len())
            .sum()
    }

    /// Give back the room the adapters' growing vectors and strings left
    /// unused (a vector that grew by pushing holds up to twice what it
    /// needs): the model stays alive while its unit's rules run, next to the
    /// policy input.
    pub fn compact(&mut self) {
        for items in self.collections.values_mut() {
            exact_vec(items);
            items.iter_mut().for_each(compact_node);
        }
        exact_vec(&mut self.headers);
        exact_vec(&mut self.notes);
        exact_vec(&mut self.via);
        exact_vec(&mut self.unset);
        exact_vec(&mut self.order);
        if let Some(index) = self.index.get_mut() {
            index.shrink_to_fit();
        }
    }

    /// Whether an item has this id.
    pub fn has_id(&self, id: &str) -> bool {
        !self.places(id).is_empty()
    }

    /// The `type` of the first item with this id that has one, collections
    /// in input order (what a finding on `id` names as its resource type).
    pub fn type_of(&self, id: &str) -> Option<String> {
        COLLECTIONS.iter().find_map(|c| {
            let at = self.places(id).iter().find(|p| p.name() == *c)?.at();
            match &self.spans {
                Some(spans) => spans.type_of(c, at).map(str::to_string),
                None => self
                    .collections
                    .get(c)?
                    .get(at)?
                    .get("type")
                    .and_then(Node::as_str)
                    .map(str::to_string),
            }
        })
    }

    /// The policy input, as [`Model::to_input`] builds it, made by moving
    /// each item out of the model: an item's values are let go as soon as
    /// they are in the input, and only its keys and spans stay (for
    /// [`Model::locate`]), so the unit is never held twice (ADR 0045).
    /// Afterwards [`Model::items`] is empty; ids, types and places answer
    /// as before.
    pub fn take_input(&mut self, display: &str) -> regorus::Value {
        // The id index is built from the items: before they go.
        let _ = self.places("");
        let mut spans = Box::<spans::Spans>::default();
        let mut shared = Shared::default();
        // Each collection's items, taken in position order, and their values.
        let mut taken: Vec<(std::vec::IntoIter<Node>, Vec<regorus::Value>)> = COLLECTIONS
            .iter()
            .map(|name| {
                let items = self.collections.remove(name).unwrap_or_default();
                let values = Vec::with_capacity(items.len());
                (items.into_iter(), values)
            })
            .collect();
        let mut convert = |c: usize, spans: &mut spans::Spans| -> bool {
            let (Some(name), Some((items, values))) = (COLLECTIONS.get(c), taken.get_mut(c)) else {
                return false;
            };
            let Some(item) = items.next() else {
                return false;
            };
            spans.push(name, &item);
            values.push(shared.item(&item));
            true
        };
        // Items in the order they were pushed (each collection's still in
        // its own order), so that what is let go is memory allocated
        // together; then whatever the log does not name (items added or
        // moved through `items_mut`).
        for c in std::mem::take(&mut self.order) {
            convert(usize::from(c), &mut spans);
        }
        for c in 0..COLLECTIONS.len() {
            while convert(c, &mut spans) {}
        }
        let mut obj = input_head(self.format, display);
        for (name, (_, values)) in COLLECTIONS.iter().zip(taken) {
            obj.insert(regorus::Value::from(*name), regorus::Value::from(values));
        }
        spans.finish();
        self.spans = Some(spans);
        regorus::Value::from(obj)
    }

    /// The policy input document.
    pub fn to_input(&self, display: &str) -> regorus::Value {
        let mut obj = input_head(self.format, display);
        // One regorus string per distinct text, one value per distinct
        // array or object below an item's top: keys (`type`, `runtime`),
        // common values and whole statements repeat in every item, and
        // each would otherwise be an allocation of its own (ADRs 0044, 0045).
        let mut shared = Shared::default();
        for name in COLLECTIONS {
            let items: Vec<regorus::Value> =
                self.items(name).iter().map(|n| shared.item(n)).collect();
            obj.insert(regorus::Value::from(*name), regorus::Value::from(items));
        }
        regorus::Value::from(obj)
    }

    /// Same as [`Model::to_input`] as plain JSON (for `--dump-model` and tests).
    pub fn to_json(&self, display: &str) -> serde_json::Value {
        let mut obj = serde_json::Map::new();
        obj.insert("format".into(), self.format.as_str().into());
        obj.insert("file".into(), display.into());
        for name in COLLECTIONS {
            let items: Vec<serde_json::Value> =
                self.items(name).iter().map(Node::to_json).collect();
            obj.insert((*name).into(), items.into());
        }
        serde_json::Value::Object(obj)
    }

    /// The source span of `path` (dot-separated) in the item `id`. Every item
    /// with that id is tried (a typed item and its raw resource share one); the
    /// one matching most of the path wins. When the path names something
    /// missing, the deepest existing node answers; at worst the item itself.
    pub fn locate(&self, id: &str, path: &str) -> Option<Span> {
        let segments: Vec<&str> = if path.is_empty() {
            Vec::new()
        } else {
            path.split('.').collect()
        };
        let mut best: Option<(usize, Span)> = None;
        for place in self.places(id) {
            let (collection, at) = (place.name(), place.at());
            if let Some(spans) = &self.spans {
                if let Some((matched, span)) = spans.locate(collection, at, &segments) {
                    if best.is_none_or(|(m, _)| matched > m) {
                        best = Some((matched, span));
                    }
                }
                continue;
            }
            let Some(item) = self.collections.get(collection).and_then(|v| v.get(at)) else {
                continue;
            };
            {
                let (node, matched) = item.find_path(&segments);
                // A path ending at a key whose value is synthesized (spanless
                // defaults) still has a key span worth pointing at.
                let span = if matched == segments.len() && node.span == Span::default() {
                    item.key_span_of(&segments).unwrap_or(item.span)
                } else if matched == 0 {
                    item.span
                } else {
                    node.span
                };
                if best.is_none_or(|(m, _)| matched > m) {
                    best = Some((matched, span));
                }
            }
        }
        if best.is_some_and(|(m, _)| m < segments.len()) {
            if let Some((_, _, s)) = self.unset.iter().find(|(i, p, _)| i == id && p == path) {
                return Some(*s);
            }
        }
        best.map(|(_, s)| s)
    }
}

/// Where an item is: its collection (the index of its name in
/// [`COLLECTIONS`]) and its position there. 8 bytes, where a name and a
/// position took 24 (ADR 0048).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Place {
    collection: u8,
    at: u32,
}

impl Place {
    fn new(collection: usize, at: usize) -> Option<Self> {
        Some(Place {
            collection: u8::try_from(collection).ok()?,
            at: u32::try_from(at).ok()?,
        })
    }

    fn name(self) -> &'static str {
        COLLECTIONS
            .get(usize::from(self.collection))
            .copied()
            .unwrap_or("")
    }

    fn at(self) -> usize {
        self.at as usize
    }

    /// The order of a fresh build of the index: collection name, then position.
    fn key(self) -> (&'static str, u32) {
        (self.name(), self.at)
    }
}

/// The places of one id: nearly always one (a typed item, or a raw
/// resource), sometimes two or more, kept in [`Place::key`] order.
#[derive(Debug, Clone)]
enum Places {
    One(Place),
    Many(Box<[Place]>),
}

impl Places {
    fn as_slice(&self) -> &[Place] {
        match self {
            Places::One(p) => std::slice::from_ref(p),
            Places::Many(ps) => ps,
        }
    }

    fn insert(&mut self, place: Place) {
        let mut all = Vec::with_capacity(self.as_slice().len() + 1);
        all.extend_from_slice(self.as_slice());
        let at = all.partition_point(|p| p.key() < place.key());
        all.insert(at, place);
        *self = Places::Many(all.into_boxed_slice());
    }
}

/// The policy input's `format` and `file`.
fn input_head(format: Format, display: &str) -> BTreeMap<regorus::Value, regorus::Value> {
    let mut obj = BTreeMap::new();
    obj.insert(
        regorus::Value::from("format"),
        regorus::Value::from(format.as_str()),
    );
    obj.insert(regorus::Value::from("file"), regorus::Value::from(display));
    obj
}

/// Give back the unused room of a node's vectors and strings.
fn compact_node(n: &mut Node) {
    match &mut n.value {
        Value::String(s) => exact_str(s),
        Value::Seq(items) => {
            exact_vec(items);
            items.iter_mut().for_each(compact_node);
        }
        Value::Map(m) => {
            exact_vec(&mut m.entries);
            for e in &mut m.entries {
                exact_str(&mut e.key);
                compact_node(&mut e.value);
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) | Value::Unknown(_) => {}
    }
}

pub(crate) fn item_id(node: &Node) -> Option<&str> {
    node.get("id").and_then(Node::as_str)
}

/// Builds one model item: a map whose every entry keeps a span. Private to
/// the model: adapters build items through the typed structs of
/// [`collections`], which write their fields here.
#[derive(Debug, Clone)]
struct Item {
    map: Map,
    span: Span,
}

impl Item {
    /// A new item; `span` is its header (the logical id, the block label),
    /// where findings about missing properties point.
    fn new(id: &str, name: &str, type_: &str, cloud: &str, span: Span) -> Self {
        let mut item = Item {
            map: Map::default(),
            span,
        };
        item.set("id", Node::string(id, span));
        item.set("name", Node::string(name, span));
        item.set("type", Node::string(type_, span));
        item.set("cloud", Node::string(cloud, span));
        item
    }

    fn set(&mut self, key: &str, value: Node) {
        let key_span = value.span;
        self.map.insert(key, key_span, value);
    }

    fn set_opt(&mut self, key: &str, value: Option<Node>) {
        if let Some(v) = value {
            self.set(key, v);
        }
    }

    fn into_node(self) -> Node {
        Node::map(self.map, self.span)
    }
}

/// Set a field on an existing item node (used when a later resource, such as
/// an `AWS::Lambda::EventInvokeConfig`, completes an earlier one): only
/// through [`Model::complete`] and friends, which check the field.
fn set_field(item: &mut Node, key: &str, value: Node) {
    if let Value::Map(m) = &mut item.value {
        let span = value.span;
        // The item was pushed without spare room: grow it by the one entry
        // rather than doubling it (every function completed once would
        // otherwise hold up to twice its entries until `compact`).
        if !m.contains_key(key) {
            m.entries.reserve_exact(1);
        }
        let mut value = value;
        compact_node(&mut value);
        m.insert(key, span, value);
    }
}

/// A map node from key/value pairs, every key spanned like its value.
pub fn map_of(pairs: Vec<(&str, Node)>, span: Span) -> Node {
    let entries = pairs
        .into_iter()
        .map(|(k, v)| Entry {
            key: k.to_string().into(),
            key_span: v.span,
            value: v,
        })
        .collect();
    Node::map(Map { entries }, span)
}

/// What one input value is, for finding equal values cheaply: a scalar by
/// its value, anything else by its allocation (equal strings, and the
/// arrays and objects [`Shared`] already shares, have one). Only a hash:
/// a value is shared after it compares equal.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Atom {
    Null,
    Bool(bool),
    Int(i64),
    UInt(u64),
    Float(u64),
    At(usize),
}

fn hash_of(shape: &impl std::hash::Hash) -> u64 {
    use std::hash::{BuildHasher, BuildHasherDefault};
    BuildHasherDefault::<std::collections::hash_map::DefaultHasher>::default().hash_one(shape)
}

/// The atom of a string, array or object: its allocation.
fn atom_of(v: &regorus::Value) -> Atom {
    match v {
        regorus::Value::String(s) => Atom::At(Arc::as_ptr(s).cast::<u8>() as usize),
        regorus::Value::Array(a) => Atom::At(Arc::as_ptr(a).cast::<u8>() as usize),
        regorus::Value::Object(o) => Atom::At(Arc::as_ptr(o).cast::<u8>() as usize),
        regorus::Value::Set(s) => Atom::At(Arc::as_ptr(s).cast::<u8>() as usize),
        regorus::Value::Bool(b) => Atom::Bool(*b),
        // Numbers get their atom from the node (below).
        regorus::Value::Null | regorus::Value::Undefined | regorus::Value::Number(_) => Atom::Null,
    }
}

/// One regorus value per distinct string, and per distinct array or object
/// below an item's top (ADR 0044, ADR 0045): regorus values are
/// reference-counted, so a copy is a count, not an allocation. Arrays and
/// objects are found by the hash of their children's atoms and shared only
/// when equal (a comparison that stops at shared children), so the values
/// are those of [`Node::to_rego`] whatever the hash says.
#[derive(Default)]
struct Shared {
    strings: HashSet<Arc<str>>,
    values: HashMap<u64, regorus::Value>,
}

impl Shared {
    /// `v`, or the equal value already in the input.
    fn share(&mut self, v: regorus::Value, hash: u64) -> regorus::Value {
        match self.values.entry(hash) {
            std::collections::hash_map::Entry::Occupied(e) => {
                if *e.get() == v {
                    return e.get().clone();
                }
                v
            }
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(v.clone());
                v
            }
        }
    }

    fn string(&mut self, s: &str) -> regorus::Value {
        if let Some(shared) = self.strings.get(s) {
            return regorus::Value::String(shared.clone());
        }
        let shared: Arc<str> = Arc::from(s);
        self.strings.insert(shared.clone());
        regorus::Value::String(shared)
    }

    /// An item: its own object is never another's (it has its id), so only
    /// what is below it is looked up.
    fn item(&mut self, node: &Node) -> regorus::Value {
        self.value(node, false).0
    }

    /// [`Node::to_rego`], equal values shared when `share`.
    fn value(&mut self, node: &Node, share: bool) -> (regorus::Value, Atom) {
        match &node.value {
            Value::String(s) => {
                let v = self.string(s);
                let a = atom_of(&v);
                (v, a)
            }
            Value::Seq(items) => {
                let (values, shape): (Vec<regorus::Value>, Vec<Atom>) =
                    items.iter().map(|i| self.value(i, true)).unzip();
                let mut v = regorus::Value::from(values);
                if share {
                    v = self.share(v, hash_of(&(0u8, shape)));
                }
                let a = atom_of(&v);
                (v, a)
            }
            Value::Map(m) => {
                let mut entries: Vec<(regorus::Value, (regorus::Value, Atom, Atom))> =
                    Vec::with_capacity(m.entries.len());
                for e in &m.entries {
                    let k = self.string(&e.key);
                    let ka = atom_of(&k);
                    let (v, va) = self.value(&e.value, true);
                    entries.push((k, (v, ka, va)));
                }
                // As a map built by inserting them in order: sorted by key,
                // the last of equal keys kept.
                let obj: BTreeMap<regorus::Value, (regorus::Value, Atom, Atom)> =
                    entries.into_iter().collect();
                let shape: Vec<(Atom, Atom)> = if share {
                    obj.values().map(|(_, ka, va)| (*ka, *va)).collect()
                } else {
                    Vec::new()
                };
                let mut v = regorus::Value::from(
                    obj.into_iter()
                        .map(|(k, (v, _, _))| (k, v))
                        .collect::<BTreeMap<_, _>>(),
                );
                if share {
                    v = self.share(v, hash_of(&(1u8, shape)));
                }
                let a = atom_of(&v);
                (v, a)
            }
            Value::Unknown(u) => {
                // The shape `Node::to_json` gives it, shared like any object.
                let mut pairs = vec![
                    ("unknown", Node::bool(true, node.span)),
                    ("reason", Node::string(u.reason.as_str(), node.span)),
                ];
                if let Some(r) = &u.reference {
                    pairs.push(("ref", Node::string(r.as_str(), node.span)));
                }
                if let Some(a) = &u.attribute {
                    pairs.push(("attr", Node::string(a.as_str(), node.span)));
                }
                if u.supplied {
                    pairs.push(("supplied", Node::bool(true, node.span)));
                }
                self.value(&map_of(pairs, node.span), share)
            }
            Value::Null => (regorus::Value::Null, Atom::Null),
            Value::Bool(b) => (regorus::Value::from(*b), Atom::Bool(*b)),
            Value::Number(n) => {
                let atom = if let Some(i) = n.as_i64() {
                    Atom::Int(i)
                } else if let Some(u) = n.as_u64() {
                    Atom::UInt(u)
                } else {
                    Atom::Float(n.as_f64().unwrap_or(0.0).to_bits())
                };
                (node.to_rego(), atom)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sp(a: usize, b: usize) -> Span {
        Span::new(FileId(0), a, b)
    }

    /// One per id of a unit, kept while its rules run.
    #[test]
    fn places_stay_small() {
        assert_eq!(std::mem::size_of::<Place>(), 8);
        assert_eq!(std::mem::size_of::<Places>(), 16);
    }

    #[test]
    fn locate_prefers_the_deepest_match() {
        let mut m = Model::new(Format::Sam, FileId(0));
        let mut f = Item::new("Fn", "Fn", "AWS::Serverless::Function", "aws", sp(0, 2));
        f.set("timeout", Node::number(901, sp(10, 13)));
        m.push("functions", f.into_node());
        let mut raw = Item::new("Fn", "Fn", "AWS::Serverless::Function", "aws", sp(0, 2));
        raw.set(
            "properties",
            map_of(vec![("Timeout", Node::number(901, sp(10, 13)))], sp(5, 13)),
        );
        m.push("resources", raw.into_node());
        assert_eq!(m.locate("Fn", "timeout"), Some(sp(10, 13)));
        assert_eq!(m.locate("Fn", "properties.Timeout"), Some(sp(10, 13)));
        assert_eq!(m.locate("Fn", "tracing"), Some(sp(0, 2)));
        assert_eq!(m.locate("Nope", "x"), None);
    }

    /// Sharing equal strings changes no value: the input is what each item's
    /// own conversion gives, duplicate keys (last wins) and unknowns too.
    #[test]
    fn the_input_shares_strings_without_changing_values() {
        let mut m = Model::new(Format::Sam, FileId(0));
        for (id, runtime) in [
            ("A", "python3.12"),
            ("B", "python3.12"),
            ("C", "nodejs20.x"),
        ] {
            let mut f = Item::new(id, id, "AWS::Serverless::Function", "aws", sp(0, 2));
            f.set("runtime", Node::string(runtime, sp(3, 4)));
            f.set(
                "env",
                map_of(
                    vec![
                        ("K", Node::string("one", sp(5, 6))),
                        ("K", Node::string("two", sp(7, 8))),
                        ("U", Node::unknown("not known", sp(9, 10))),
                        ("S", Node::supplied("parameter P has no default", sp(9, 10))),
                    ],
                    sp(5, 10),
                ),
            );
            m.push("functions", f.into_node());
        }
        let input = m.to_input("t.yaml");
        let plain: Vec<regorus::Value> = m.items("functions").iter().map(Node::to_rego).collect();
        assert_eq!(input["functions"], regorus::Value::from(plain));
        assert_eq!(
            input["functions"][1]["env"]["K"],
            regorus::Value::from("two")
        );
        assert_eq!(input["file"], regorus::Value::from("t.yaml"));
        // `supplied` only where it is true.
        assert_eq!(
            input["functions"][0]["env"]["S"]["supplied"],
            regorus::Value::from(true)
        );
        assert_eq!(
            input["functions"][0]["env"]["U"]["supplied"],
            regorus::Value::Undefined
        );
    }

    /// Moving the items into the input gives the input [`Model::to_input`]
    /// gives, and leaves every id, type and place answering as before.
    #[test]
    fn taking_the_input_keeps_places_types_and_values() {
        let mut m = Model::new(Format::Sam, FileId(0));
        let mut f = Item::new("Fn", "Fn", "AWS::Serverless::Function", "aws", sp(0, 2));
        f.set("timeout", Node::number(901, sp(10, 13)));
        // A synthesized default: no span of its own, its key's answers.
        f.map.insert(
            "tracing",
            sp(14, 16),
            Node::string("PassThrough", Span::default()),
        );
        f.set(
            "events",
            Node::seq(
                vec![map_of(
                    vec![
                        ("type", Node::string("Api", sp(20, 23))),
                        ("type", Node::string("Sqs", sp(24, 27))),
                    ],
                    sp(18, 27),
                )],
                sp(17, 27),
            ),
        );
        m.push("functions", f.into_node());
        let mut raw = Item::new("Fn", "Fn", "AWS::Serverless::Function", "aws", sp(0, 2));
        raw.set(
            "properties",
            map_of(
                vec![
                    ("Timeout", Node::number(901, sp(10, 13))),
                    ("a.b", Node::unknown("not known", sp(30, 33))),
                ],
                sp(5, 33),
            ),
        );
        m.push("resources", raw.into_node());
        let mut r = Item::new("Role", "Role", "AWS::IAM::Role", "aws", sp(40, 44));
        r.set("implicit", Node::bool(true, sp(45, 46)));
        m.push("roles", r.into_node());
        m.push(
            "resources",
            map_of(
                vec![("name", Node::string("no id", sp(50, 52)))],
                sp(50, 52),
            ),
        );
        m.unset.push(("Role".into(), "boundary".into(), sp(47, 48)));
        let paths = [
            "",
            "timeout",
            "tracing",
            "events",
            "events.0",
            "events.0.type",
            "events.1.type",
            "events.x",
            "properties.Timeout",
            "properties.a.b",
            "properties.a.b.c",
            "properties.a",
            "implicit",
            "implicit.deeper",
            "boundary",
            "nope",
        ];
        let ids = ["Fn", "Role", "Nope", "no id", ""];
        let before: Vec<Option<Span>> = ids
            .iter()
            .flat_map(|id| paths.iter().map(|p| m.locate(id, p)))
            .collect();
        let types: Vec<Option<String>> = ids.iter().map(|id| m.type_of(id)).collect();
        let has: Vec<bool> = ids.iter().map(|id| m.has_id(id)).collect();
        let plain = m.to_input("t.yaml");
        let taken = m.take_input("t.yaml");
        assert_eq!(taken, plain);
        assert!(m.items("functions").is_empty());
        let after: Vec<Option<Span>> = ids
            .iter()
            .flat_map(|id| paths.iter().map(|p| m.locate(id, p)))
            .collect();
        assert_eq!(after, before);
        assert_eq!(
            before[2],
            Some(sp(14, 16)),
            "a spanless value: its key's span"
        );
        assert_eq!(
            before[paths.len() + 14],
            Some(sp(47, 48)),
            "an unset property"
        );
        assert_eq!(
            ids.iter().map(|id| m.type_of(id)).collect::<Vec<_>>(),
            types
        );
        assert_eq!(types[0].as_deref(), Some("AWS::Serverless::Function"));
        assert_eq!(ids.iter().map(|id| m.has_id(id)).collect::<Vec<_>>(), has);
        assert_eq!(has, [true, true, false, false, false]);
    }

    /// Equal arrays and objects below an item's top are one allocation in
    /// the input (what keeps a large repetitive unit's input small); items
    /// themselves, and values that merely look alike, are not merged.
    #[test]
    fn the_input_shares_equal_arrays_and_objects() {
        let mut m = Model::new(Format::Sam, FileId(0));
        for (id, reason) in [("A", "same"), ("B", "same"), ("C", "other")] {
            let mut f = Item::new(id, "same", "AWS::Serverless::Function", "aws", sp(0, 2));
            f.set(
                "events",
                Node::seq(
                    vec![map_of(
                        vec![
                            ("type", Node::string("Api", sp(3, 4))),
                            ("n", Node::number(1, sp(5, 6))),
                        ],
                        sp(3, 6),
                    )],
                    sp(3, 6),
                ),
            );
            f.set("role", Node::unknown(reason, sp(7, 8)));
            m.push("functions", f.into_node());
        }
        let plain = m.to_input("t.yaml");
        let input = m.take_input("t.yaml");
        assert_eq!(input, plain);
        let same = |a: &regorus::Value, b: &regorus::Value| match (a, b) {
            (regorus::Value::Array(a), regorus::Value::Array(b)) => Arc::ptr_eq(a, b),
            (regorus::Value::Object(a), regorus::Value::Object(b)) => Arc::ptr_eq(a, b),
            _ => false,
        };
        let f = &input["functions"];
        assert!(same(&f[0]["events"], &f[1]["events"]));
        assert!(same(&f[0]["events"], &f[2]["events"]));
        assert!(same(&f[0]["role"], &f[1]["role"]));
        assert!(!same(&f[0]["role"], &f[2]["role"]));
        assert!(!same(&f[0], &f[1]));
        assert_eq!(f[2]["role"]["reason"], regorus::Value::from("other"));
    }

    #[test]
    fn locate_reads_keys_that_hold_dots() {
        let mut m = Model::new(Format::CloudFormation, FileId(0));
        let mut r = Item::new("Role", "Role", "AWS::IAM::Role", "aws", sp(0, 4));
        let sub = map_of(
            vec![(
                "token.actions.githubusercontent.com:sub",
                Node::seq(vec![Node::string("repo:*", sp(40, 46))], sp(40, 46)),
            )],
            sp(20, 46),
        );
        r.set("condition", map_of(vec![("StringLike", sub)], sp(10, 46)));
        m.push("roles", r.into_node());
        assert_eq!(
            m.locate(
                "Role",
                "condition.StringLike.token.actions.githubusercontent.com:sub.0"
            ),
            Some(sp(40, 46))
        );
        // A dotted key that is not there: the deepest existing node answers.
        assert_eq!(
            m.locate("Role", "condition.StringLike.token.actions.gitlab:sub.0"),
            Some(sp(20, 46))
        );
    }
}
