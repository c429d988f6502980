//! A cheaper pass over a front-matter block, for callers that read many files and need only a
//! few top-level strings (step detection on a cold start reads two blocks per skill). It runs
//! the same `serde-saphyr` parse with the same options as [`frontmatter::parse`], but keeps
//! no positions (no `Spanned` per entry), no tree and no value other than the asked-for
//! strings; nested mappings are still checked for repeated keys. It answers only when the
//! answer is certain to be the full reader's: anything it does not model (anchors, aliases,
//! tags, merge keys, a repeated key, a value under an asked-for key that is not a string,
//! any YAML error) gives `None`, and the caller asks the full reader, which reports
//! it exactly. It is not a second parser: both go through `serde-saphyr`.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use super::frontmatter::{self, MAX_FRONTMATTER_BYTES};

/// What the shallow pass found: the asked-for keys that hold a string, and the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shallow<'a> {
    /// In the order of the keys asked for; `None` for an absent key.
    pub values: Vec<Option<Cow<'a, str>>>,
    pub body: &'a str,
}

/// Reads `keys` (top-level string values) from the front-matter of `text`, or `None`
/// when only [`frontmatter::parse`] can tell (see the module doc).
pub fn peek<'a>(text: &'a str, keys: &[&str]) -> Option<Shallow<'a>> {
    let split = frontmatter::split(text).ok()?;
    // `&`, `*`, `!` and `<<` are where anchors, aliases, tags and merge keys start: such a
    // block is left to the full reader (a description with a `*` costs one slower parse).
    if split.yaml.len() > MAX_FRONTMATTER_BYTES || split.yaml.contains(['&', '*', '!']) || split.yaml.contains("<<") {
        return None;
    }
    let seed = Top { keys, values: vec![None; keys.len()] };
    let values = serde_saphyr::with_deserializer_from_str_with_options(split.yaml, frontmatter::yaml_options(), |de| {
        seed.deserialize(de)
    })
    .ok()?;
    Some(Shallow { values, body: split.body })
}

/// The whole document: nothing (empty front-matter) or a mapping.
struct Top<'k, 'a> {
    keys: &'k [&'k str],
    values: Vec<Option<Cow<'a, str>>>,
}

impl<'de> DeserializeSeed<'de> for Top<'_, 'de> {
    type Value = Vec<Option<Cow<'de, str>>>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_option(self)
    }
}

impl<'de> Visitor<'de> for Top<'_, 'de> {
    type Value = Vec<Option<Cow<'de, str>>>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a front-matter mapping")
    }

    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(self.values)
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(self.values)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut access: A) -> Result<Self::Value, A::Error> {
        let mut seen: Vec<String> = Vec::with_capacity(8);
        while let Some(key) = access.next_key::<String>()? {
            if seen.contains(&key) {
                return Err(de::Error::custom("a repeated key"));
            }
            match self.keys.iter().position(|k| *k == key) {
                Some(at) => self.values[at] = access.next_value::<Text<'de>>()?.0,
                None => {
                    access.next_value::<Nested>()?;
                }
            }
            seen.push(key);
        }
        Ok(self.values)
    }
}

/// A value that must be a string (a null one is left to the full reader, which tells it from
/// an absent key).
struct Text<'a>(Option<Cow<'a, str>>);

impl<'de> de::Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(TextVisitor)
    }
}

struct TextVisitor;

impl<'de> Visitor<'de> for TextVisitor {
    type Value = Text<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Text<'de>, E> {
        Ok(Text(Some(Cow::Borrowed(s))))
    }

    fn visit_str<E>(self, s: &str) -> Result<Text<'de>, E> {
        Ok(Text(Some(Cow::Owned(s.to_string()))))
    }

    fn visit_string<E>(self, s: String) -> Result<Text<'de>, E> {
        Ok(Text(Some(Cow::Owned(s))))
    }
}

/// Any other value, read as the full reader reads it (`deserialize_any`) and dropped; its
/// mappings are checked for repeated keys.
struct Nested;

impl<'de> de::Deserialize<'de> for Nested {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(NestedVisitor)
    }
}

struct NestedVisitor;

impl<'de> Visitor<'de> for NestedVisitor {
    type Value = Nested;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<Nested, E> {
        Ok(Nested)
    }

    fn visit_i64<E>(self, _: i64) -> Result<Nested, E> {
        Ok(Nested)
    }

    fn visit_u64<E>(self, _: u64) -> Result<Nested, E> {
        Ok(Nested)
    }

    fn visit_i128<E>(self, _: i128) -> Result<Nested, E> {
        Ok(Nested)
    }

    fn visit_u128<E>(self, _: u128) -> Result<Nested, E> {
        Ok(Nested)
    }

    fn visit_f64<E>(self, _: f64) -> Result<Nested, E> {
        Ok(Nested)
    }

    fn visit_str<E>(self, _: &str) -> Result<Nested, E> {
        Ok(Nested)
    }

    fn visit_unit<E>(self) -> Result<Nested, E> {
        Ok(Nested)
    }

    fn visit_none<E>(self) -> Result<Nested, E> {
        Ok(Nested)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Nested, D::Error> {
        de::Deserialize::deserialize(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Nested, A::Error> {
        while seq.next_element::<Nested>()?.is_some() {}
        Ok(Nested)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Nested, A::Error> {
        let mut seen: Vec<String> = Vec::new();
        while let Some(key) = access.next_key::<String>()? {
            if seen.contains(&key) {
                return Err(de::Error::custom("a repeated key"));
            }
            access.next_value::<Nested>()?;
            seen.push(key);
        }
        Ok(Nested)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shallow answer, checked against the full reader's on the same text.
    fn agrees(text: &str) -> Option<Vec<Option<String>>> {
        let keys = ["name", "description"];
        let shallow = peek(text, &keys)?;
        let full = frontmatter::parse(text).expect("the full reader accepts what the shallow one does");
        let values: Vec<Option<String>> = shallow.values.iter().map(|v| v.as_deref().map(str::to_string)).collect();
        for (key, value) in keys.iter().zip(&values) {
            assert_eq!(full.get(key).and_then(|v| v.as_str()).map(str::to_string), *value, "{key} in {text:?}");
        }
        assert_eq!(full.body(), shallow.body);
        Some(values)
    }

    #[test]
    fn reads_the_asked_strings_and_the_body() {
        let values = agrees("\u{feff}---\r\nname: a\r\ndescription: \"b: c\"\r\nother: [1, {x: y}]\r\n---\r\nbody\r\n");
        assert_eq!(values, Some(vec![Some("a".into()), Some("b: c".into())]));
        assert_eq!(agrees("---\n---\nbody"), Some(vec![None, None]), "empty front-matter");
        assert_eq!(agrees("---\nname: |\n  two\n  lines\n---\n").unwrap()[0].as_deref(), Some("two\nlines\n"));
    }

    #[test]
    fn leaves_to_the_full_reader_what_it_does_not_model() {
        for text in [
            "no front-matter",
            "---\nname: a\n",
            "---\nname: a\nname: b\n---\n",
            "---\nname: a\nnested: {k: 1, k: 2}\n---\n",
            "---\nname: a: b\n---\n",
            "---\nname: yes\n---\n",
            "---\nname:\n---\n",
            "---\nname: ~\n---\n",
            "---\nname: [a]\n---\n",
            "---\n- a\n---\n",
            "---\nbase: &b x\nname: *b\n---\n",
            "---\nname: !!str 1\n---\n",
            "---\n<<: {name: a}\n---\n",
        ] {
            assert_eq!(peek(text, &["name"]), None, "{text:?}");
        }
    }
}
