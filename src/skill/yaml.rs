//! The parsed YAML of a front-matter block: an ordered tree of values that keeps each mapping
//! entry's source position and the kind YAML resolved its value to (`name: yes` is a boolean,
//! `version: 1.0` a number), because the validator reports exactly those (skill-format.md §2.7).
//! Built by a serde visitor over `serde-saphyr`, which does the parsing and enforces the budget.

use indexmap::IndexMap;
use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::{Location, Spanned};
use std::fmt;

/// A 1-based line and column (in characters) and a 0-based byte offset, in the whole file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Position {
    pub line: usize,
    pub column: usize,
    pub offset: usize,
}

impl Position {
    fn from_yaml(at: &Location) -> Self {
        let line = usize::try_from(at.line()).unwrap_or(0);
        let column = usize::try_from(at.column()).unwrap_or(0);
        let offset = at.span().byte_offset().and_then(|o| usize::try_from(o).ok()).unwrap_or(0);
        Position { line, column, offset }
    }

    /// Moves a position inside the YAML text to the file: the YAML starts at `line` (1-based)
    /// and byte `offset` of the file, always at the start of a line.
    pub(crate) fn shifted(self, line: usize, offset: usize) -> Self {
        Position { line: self.line + line - 1, column: self.column, offset: self.offset + offset }
    }
}

/// What YAML resolved a value to, as the validator names it ("`name` is read as a boolean").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    Null,
    Bool,
    Int,
    Float,
    String,
    List,
    Map,
}

impl ValueKind {
    pub fn name(self) -> &'static str {
        match self {
            ValueKind::Null => "null",
            ValueKind::Bool => "boolean",
            ValueKind::Int => "integer",
            ValueKind::Float => "number",
            ValueKind::String => "string",
            ValueKind::List => "list",
            ValueKind::Map => "mapping",
        }
    }
}

/// One YAML value. Timestamps stay strings (YAML 1.2 core schema).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    String(String),
    List(Vec<Value>),
    Map(Mapping),
}

impl Value {
    pub fn kind(&self) -> ValueKind {
        match self {
            Value::Null => ValueKind::Null,
            Value::Bool(_) => ValueKind::Bool,
            Value::Int(_) => ValueKind::Int,
            Value::Float(_) => ValueKind::Float,
            Value::String(_) => ValueKind::String,
            Value::List(_) => ValueKind::List,
            Value::Map(_) => ValueKind::Map,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(text) => Some(text),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Int(n) => Some(*n),
            _ => None,
        }
    }

    pub fn as_list(&self) -> Option<&[Value]> {
        match self {
            Value::List(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_map(&self) -> Option<&Mapping> {
        match self {
            Value::Map(map) => Some(map),
            _ => None,
        }
    }

    fn shift(&mut self, line: usize, offset: usize) {
        match self {
            Value::Map(map) => map.shift(line, offset),
            Value::List(items) => items.iter_mut().for_each(|v| v.shift(line, offset)),
            _ => {}
        }
    }
}

/// One `key: value` pair with where its key and value start.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub key_at: Position,
    pub value_at: Position,
    pub value: Value,
}

/// A repeated key of one mapping: where it first appeared and where again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Duplicate {
    pub key: String,
    pub first: Position,
    pub again: Position,
}

/// A mapping in source order. Non-string scalar keys (`1: x`) are kept by their text.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Mapping {
    entries: IndexMap<String, Entry>,
    /// Repeated keys found while reading (the first value is kept); the reader turns the first
    /// one into an error, so a caller never sees a mapping with duplicates.
    pub(crate) duplicates: Vec<Duplicate>,
}

impl Mapping {
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.entries.get(key).map(|e| &e.value)
    }

    pub fn entry(&self, key: &str) -> Option<&Entry> {
        self.entries.get(key)
    }

    /// Entries in source order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Entry)> {
        self.entries.iter().map(|(k, e)| (k.as_str(), e))
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.entries.keys().map(String::as_str)
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The first repeated key anywhere in the tree, in source order.
    pub(crate) fn first_duplicate(&self) -> Option<&Duplicate> {
        let nested = self.entries.values().filter_map(|e| first_duplicate_in(&e.value));
        self.duplicates.iter().chain(nested).min_by_key(|d| d.again.offset)
    }

    pub(crate) fn shift(&mut self, line: usize, offset: usize) {
        for entry in self.entries.values_mut() {
            entry.key_at = entry.key_at.shifted(line, offset);
            entry.value_at = entry.value_at.shifted(line, offset);
            entry.value.shift(line, offset);
        }
        for dup in &mut self.duplicates {
            dup.first = dup.first.shifted(line, offset);
            dup.again = dup.again.shifted(line, offset);
        }
    }
}

fn first_duplicate_in(value: &Value) -> Option<&Duplicate> {
    match value {
        Value::Map(map) => map.first_duplicate(),
        Value::List(items) => items.iter().filter_map(first_duplicate_in).min_by_key(|d| d.again.offset),
        _ => None,
    }
}

/// A mapping key as written: keys are read as strings, so `n:` or `1.0:` keep their spelling
/// instead of becoming a boolean or a number.
struct Key(String);

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Key)
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E>(self, b: bool) -> Result<Value, E> {
        Ok(Value::Bool(b))
    }

    fn visit_i64<E>(self, n: i64) -> Result<Value, E> {
        Ok(Value::Int(n))
    }

    fn visit_u64<E>(self, n: u64) -> Result<Value, E> {
        Ok(i64::try_from(n).map_or(Value::Float(n as f64), Value::Int))
    }

    fn visit_i128<E>(self, n: i128) -> Result<Value, E> {
        Ok(i64::try_from(n).map_or(Value::Float(n as f64), Value::Int))
    }

    fn visit_u128<E>(self, n: u128) -> Result<Value, E> {
        Ok(i64::try_from(n).map_or(Value::Float(n as f64), Value::Int))
    }

    fn visit_f64<E>(self, n: f64) -> Result<Value, E> {
        Ok(Value::Float(n))
    }

    fn visit_str<E>(self, s: &str) -> Result<Value, E> {
        Ok(Value::String(s.to_string()))
    }

    fn visit_string<E>(self, s: String) -> Result<Value, E> {
        Ok(Value::String(s))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        Value::deserialize(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Value>()? {
            items.push(item);
        }
        Ok(Value::List(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Value, A::Error> {
        let mut map = Mapping::default();
        while let Some(key) = access.next_key::<Spanned<Key>>()? {
            let value = access.next_value::<Spanned<Value>>()?;
            let key_at = Position::from_yaml(&key.referenced);
            let Key(key) = key.value;
            if let Some(first) = map.entries.get(&key) {
                map.duplicates.push(Duplicate { key, first: first.key_at, again: key_at });
                continue;
            }
            let entry = Entry { key_at, value_at: Position::from_yaml(&value.referenced), value: value.value };
            map.entries.insert(key, entry);
        }
        Ok(Value::Map(map))
    }
}
