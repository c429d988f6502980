//! A borrowed, shallow JSON tree for step detection. Detection asks a few questions of each
//! artifact (its `schema`, `version`, how many questions or decisions), yet reading it as a
//! `serde_json::Value` allocates every key and string and builds a map per object, then frees
//! them all: that was half of a cold reconciliation's time. This tree borrows strings from the
//! file and keeps containers only down to the depth asked for; deeper values are still parsed
//! and validated by serde_json exactly as for a `Value` (the same parser, `deserialize_any`
//! everywhere), only not kept, so a file is valid JSON here exactly when it is for `Value`.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};

/// A JSON value as detection reads it.
#[derive(Debug, Clone, PartialEq)]
pub enum Lite<'a> {
    Null,
    Bool(bool),
    /// What `serde_json::Value::as_u64` gives: non-negative integers only.
    Number(Option<u64>),
    Str(Cow<'a, str>),
    /// The length, and the items when the array is within the kept depth.
    Array(usize, Vec<Lite<'a>>),
    /// Key-value pairs in file order (a repeated key: the last one counts, as for `Value`).
    Object(Vec<(Cow<'a, str>, Lite<'a>)>),
    /// An object below the kept depth: validated, not kept.
    Deep,
}

impl<'a> Lite<'a> {
    /// Parses `text` (one JSON value, nothing after it but whitespace), keeping `depth` levels
    /// of containers: 1 keeps the top object's members, whose arrays only count their items.
    pub fn parse(text: &'a str, depth: usize) -> Result<Lite<'a>, serde_json::Error> {
        let mut de = serde_json::Deserializer::from_str(text);
        let value = Seed(depth + 1).deserialize(&mut de)?;
        de.end()?;
        Ok(value)
    }

    /// The member `key` of an object (the last, if repeated), as `Value::get`.
    pub fn get(&self, key: &str) -> Option<&Lite<'a>> {
        match self {
            Lite::Object(members) => members.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Lite::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Lite::Number(n) => *n,
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Lite::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Lite::Null)
    }

    /// The length of an array, kept or not.
    pub fn array_len(&self) -> Option<usize> {
        match self {
            Lite::Array(len, _) => Some(*len),
            _ => None,
        }
    }

    /// The items of a kept array.
    pub fn items(&self) -> Option<&[Lite<'a>]> {
        match self {
            Lite::Array(_, items) => Some(items),
            _ => None,
        }
    }
}

/// Parses one value, keeping containers while the count is above zero.
struct Seed(usize);

impl<'de> DeserializeSeed<'de> for Seed {
    type Value = Lite<'de>;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Lite<'de>, D::Error> {
        deserializer.deserialize_any(LiteVisitor(self.0))
    }
}

struct LiteVisitor(usize);

impl<'de> Visitor<'de> for LiteVisitor {
    type Value = Lite<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Lite<'de>, E> {
        Ok(Lite::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Lite<'de>, E> {
        Ok(Lite::Number(u64::try_from(v).ok()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Lite<'de>, E> {
        Ok(Lite::Number(Some(v)))
    }

    fn visit_f64<E>(self, _: f64) -> Result<Lite<'de>, E> {
        Ok(Lite::Number(None))
    }

    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Lite<'de>, E> {
        Ok(Lite::Str(Cow::Borrowed(v)))
    }

    fn visit_str<E>(self, v: &str) -> Result<Lite<'de>, E> {
        Ok(Lite::Str(Cow::Owned(v.to_string())))
    }

    fn visit_unit<E>(self) -> Result<Lite<'de>, E> {
        Ok(Lite::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Lite<'de>, A::Error> {
        let mut items = Vec::new();
        let mut len = 0;
        if self.0 > 1 {
            while let Some(item) = seq.next_element_seed(Seed(self.0 - 1))? {
                items.push(item);
            }
            len = items.len();
        } else {
            while seq.next_element_seed(Seed(0))?.is_some() {
                len += 1;
            }
        }
        Ok(Lite::Array(len, items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Lite<'de>, A::Error> {
        if self.0 <= 1 {
            while map.next_key_seed(Seed(0))?.is_some() {
                map.next_value_seed(Seed(0))?;
            }
            return Ok(Lite::Deep);
        }
        let mut members = Vec::new();
        while let Some(key) = map.next_key_seed(Seed(0))? {
            let Lite::Str(key) = key else { return Err(de::Error::custom("a key that is not a string")) };
            members.push((key, map.next_value_seed(Seed(self.0 - 1))?));
        }
        Ok(Lite::Object(members))
    }
}
