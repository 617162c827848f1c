//! The model's JSON codec: one small, non-generic-heavy decoder and encoder per type instead of
//! serde's derived impls.
//!
//! Why not `#[derive(Serialize, Deserialize)]`: serde's derives generate a visitor, a field
//! identifier visitor and per-deserializer copies for each of the ~90 model structs, and that
//! code was the largest part of the browser download (about 600 KB of the 2.1 MB of wasm before
//! this codec). The model only ever travels as `serde_json::Value`, so a direct Value walker does
//! the same job in a fraction of the code, and it knows more: the path of a bad value and the
//! fields a document sets that the API does not know, without the search and round trip serde
//! needed for both.
//!
//! Semantics follow Go's `encoding/json` as the API server uses it: a field the document leaves
//! out keeps its zero value; a key the struct does not know is reported (strict field
//! validation) and dropped; a value of the wrong type is an error naming its path. The error
//! text keeps serde's wording (`invalid type: string "3", expected i32`) because the manifest
//! layer turns exactly that into the API server's Go message.
//!
//! `Serialize`/`Deserialize` are still implemented for every model type (through `Value`), so
//! `serde_json::to_value(&pod)` and friends keep working; the engine's hot paths call
//! `Codec::encode`/`from_value` directly.

use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::fmt;

/// One step of a path into a document.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Seg {
    Key(String),
    Index(usize),
}

/// A value of the wrong type or out of range, with where it is.
#[derive(Clone, Debug, PartialEq)]
pub struct DecodeError {
    /// From the document root to the bad value.
    pub path: Vec<Seg>,
    /// serde's wording: `invalid type: string "3", expected i32`.
    pub message: String,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DecodeError {}

/// State of one decode: where we are and which keys were not known.
#[derive(Default)]
pub struct DecodeCx {
    path: Vec<Seg>,
    unknown: Vec<Vec<Seg>>,
}

impl DecodeCx {
    pub fn new() -> Self {
        DecodeCx::default()
    }

    /// Paths of keys no struct knew, in the order the decoder met them.
    pub fn into_unknown(self) -> Vec<Vec<Seg>> {
        self.unknown
    }

    /// An error at the current path.
    pub fn error(&self, message: String) -> DecodeError {
        DecodeError {
            path: self.path.clone(),
            message,
        }
    }

    /// `invalid type: <what v is>, expected <expected>`.
    pub fn invalid_type(&self, v: &Value, expected: &str) -> DecodeError {
        self.error(format!(
            "invalid type: {}, expected {expected}",
            unexpected(v)
        ))
    }

    /// The object a struct decodes from.
    pub fn struct_map<'v>(
        &self,
        v: &'v Value,
        name: &str,
    ) -> Result<&'v Map<String, Value>, DecodeError> {
        match v {
            Value::Object(map) => Ok(map),
            _ => Err(self.invalid_type(v, &format!("struct {name}"))),
        }
    }

    /// Decodes the value under `key` of the current object.
    pub fn at_key<T: Codec>(&mut self, key: &str, v: &Value) -> Result<T, DecodeError> {
        self.path.push(Seg::Key(key.to_string()));
        let out = self.value(v)?;
        self.path.pop();
        Ok(out)
    }

    /// Decodes `v` at the current path. JSON `null` is Go's "leave the zero value" (a map entry
    /// `tier: null` is `""`); a type without a zero value reports it missing.
    fn value<T: Codec>(&mut self, v: &Value) -> Result<T, DecodeError> {
        if v.is_null() {
            return T::from_null().ok_or_else(|| {
                let name = match self.path.last() {
                    Some(Seg::Key(k)) => k.clone(),
                    _ => String::new(),
                };
                self.error(format!("missing field `{name}`"))
            });
        }
        T::decode(v, self)
    }

    /// Notes a key of the current object that the struct does not know.
    pub fn unknown_key(&mut self, key: &str) {
        let mut path = self.path.clone();
        path.push(Seg::Key(key.to_string()));
        self.unknown.push(path);
    }

    /// Decodes `map[key]` into `T`, or `T`'s zero value when the key is absent (for structs
    /// without `Default`, written out by hand).
    pub fn field<T: Codec>(
        &mut self,
        map: &Map<String, Value>,
        key: &str,
    ) -> Result<T, DecodeError> {
        match map.get(key) {
            Some(v) => self.at_key(key, v),
            None => T::absent().ok_or_else(|| self.error(format!("missing field `{key}`"))),
        }
    }

    fn enter(&mut self, seg: Seg) {
        self.path.push(seg);
    }

    fn leave(&mut self) {
        self.path.pop();
    }
}

/// How serde names a value that has the wrong type (`string "x"`, `integer `3``, `map`).
pub fn unexpected(v: &Value) -> String {
    match v {
        Value::Null => "unit value".into(),
        Value::Bool(b) => format!("boolean `{b}`"),
        Value::Number(n) => {
            if let Some(u) = n.as_u64() {
                format!("integer `{u}`")
            } else if let Some(i) = n.as_i64() {
                format!("integer `{i}`")
            } else {
                format!("floating point `{}`", float_text(n.as_f64().unwrap_or(0.0)))
            }
        }
        Value::String(s) => format!("string {s:?}"),
        Value::Array(_) => "sequence".into(),
        Value::Object(_) => "map".into(),
    }
}

/// serde prints finite floats with a decimal point (`3.0`, not `3`).
fn float_text(f: f64) -> String {
    let s = f.to_string();
    if f.is_finite() && !s.contains('.') {
        format!("{s}.0")
    } else {
        s
    }
}

/// A model type's JSON form.
pub trait Codec: Sized {
    fn decode(v: &Value, cx: &mut DecodeCx) -> Result<Self, DecodeError>;
    fn encode(&self) -> Value;
    /// Go's `omitempty`: the zero value of a scalar, an empty list or map, a nil pointer.
    /// Structs are never empty.
    fn omit_empty(&self) -> bool {
        false
    }
    /// An empty list or map: Go's `omitempty` leaves those out even behind a pointer-like
    /// `Option` (`labels: {}` is never written back).
    fn empty_collection(&self) -> bool {
        false
    }
    /// The value of a field the document leaves out (Go's zero value); `None` makes the field
    /// required.
    fn absent() -> Option<Self>;
    /// What JSON `null` decodes to: Go leaves the zero value.
    fn from_null() -> Option<Self> {
        Self::absent()
    }
}

/// Decodes a whole value, ignoring unknown keys (the engine's own JSON: revisions, patches).
pub fn from_value<T: Codec>(v: &Value) -> Result<T, DecodeError> {
    T::decode(v, &mut DecodeCx::new())
}

/// Writes a field unless `omit` says an empty value stays out.
pub fn put<T: Codec>(map: &mut Map<String, Value>, key: &str, value: &T, omit: bool) {
    if omit && value.omit_empty() {
        return;
    }
    map.insert(key.to_string(), value.encode());
}

impl Codec for String {
    fn decode(v: &Value, cx: &mut DecodeCx) -> Result<Self, DecodeError> {
        match v {
            Value::String(s) => Ok(s.clone()),
            _ => Err(cx.invalid_type(v, "a string")),
        }
    }
    fn encode(&self) -> Value {
        Value::String(self.clone())
    }
    fn omit_empty(&self) -> bool {
        self.is_empty()
    }
    fn absent() -> Option<Self> {
        Some(String::new())
    }
}

impl Codec for bool {
    fn decode(v: &Value, cx: &mut DecodeCx) -> Result<Self, DecodeError> {
        match v {
            Value::Bool(b) => Ok(*b),
            _ => Err(cx.invalid_type(v, "a boolean")),
        }
    }
    fn encode(&self) -> Value {
        Value::Bool(*self)
    }
    fn omit_empty(&self) -> bool {
        !*self
    }
    fn absent() -> Option<Self> {
        Some(false)
    }
}

/// An integer of any width: checks the JSON number fits, in serde's words.
fn decode_int(
    v: &Value,
    cx: &DecodeCx,
    name: &str,
    min: i128,
    max: i128,
) -> Result<i128, DecodeError> {
    let Value::Number(n) = v else {
        return Err(cx.invalid_type(v, name));
    };
    let i = match (n.as_i64(), n.as_u64()) {
        (Some(i), _) => i128::from(i),
        (None, Some(u)) => i128::from(u),
        _ => return Err(cx.invalid_type(v, name)),
    };
    if i < min || i > max {
        return Err(cx.error(format!("invalid value: integer `{i}`, expected {name}")));
    }
    Ok(i)
}

macro_rules! int_codec {
    ($($t:ty => $name:literal),*) => {$(
        impl Codec for $t {
            fn decode(v: &Value, cx: &mut DecodeCx) -> Result<Self, DecodeError> {
                let i = decode_int(v, cx, $name, i128::from(<$t>::MIN), i128::from(<$t>::MAX))?;
                Ok(i as $t)
            }
            fn encode(&self) -> Value {
                Value::from(*self)
            }
            fn omit_empty(&self) -> bool {
                *self == 0
            }
            fn absent() -> Option<Self> {
                Some(0)
            }
        }
    )*};
}

int_codec!(i32 => "i32", i64 => "i64", u32 => "u32", u64 => "u64", u16 => "u16", u8 => "u8");

impl Codec for f64 {
    fn decode(v: &Value, cx: &mut DecodeCx) -> Result<Self, DecodeError> {
        match v {
            Value::Number(n) => Ok(n.as_f64().unwrap_or(0.0)),
            _ => Err(cx.invalid_type(v, "f64")),
        }
    }
    fn encode(&self) -> Value {
        Value::from(*self)
    }
    fn omit_empty(&self) -> bool {
        *self == 0.0
    }
    fn absent() -> Option<Self> {
        Some(0.0)
    }
}

impl Codec for Value {
    fn decode(v: &Value, _: &mut DecodeCx) -> Result<Self, DecodeError> {
        Ok(v.clone())
    }
    fn encode(&self) -> Value {
        self.clone()
    }
    fn omit_empty(&self) -> bool {
        self.is_null()
    }
    fn absent() -> Option<Self> {
        Some(Value::Null)
    }
}

impl<T: Codec> Codec for Option<T> {
    fn decode(v: &Value, cx: &mut DecodeCx) -> Result<Self, DecodeError> {
        match v {
            Value::Null => Ok(None),
            _ => T::decode(v, cx).map(Some),
        }
    }
    fn encode(&self) -> Value {
        match self {
            Some(x) => x.encode(),
            None => Value::Null,
        }
    }
    fn omit_empty(&self) -> bool {
        self.as_ref().is_none_or(Codec::empty_collection)
    }
    fn absent() -> Option<Self> {
        Some(None)
    }
}

impl<T: Codec> Codec for Box<T> {
    fn decode(v: &Value, cx: &mut DecodeCx) -> Result<Self, DecodeError> {
        T::decode(v, cx).map(Box::new)
    }
    fn encode(&self) -> Value {
        (**self).encode()
    }
    fn omit_empty(&self) -> bool {
        (**self).omit_empty()
    }
    fn absent() -> Option<Self> {
        T::absent().map(Box::new)
    }
}

impl<T: Codec> Codec for Vec<T> {
    fn decode(v: &Value, cx: &mut DecodeCx) -> Result<Self, DecodeError> {
        let Value::Array(items) = v else {
            return Err(cx.invalid_type(v, "a sequence"));
        };
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            cx.enter(Seg::Index(i));
            out.push(cx.value(item)?);
            cx.leave();
        }
        Ok(out)
    }
    fn encode(&self) -> Value {
        Value::Array(self.iter().map(Codec::encode).collect())
    }
    fn omit_empty(&self) -> bool {
        self.is_empty()
    }
    fn empty_collection(&self) -> bool {
        self.is_empty()
    }
    fn absent() -> Option<Self> {
        Some(Vec::new())
    }
}

impl<T: Codec> Codec for BTreeMap<String, T> {
    fn decode(v: &Value, cx: &mut DecodeCx) -> Result<Self, DecodeError> {
        let Value::Object(map) = v else {
            return Err(cx.invalid_type(v, "a map"));
        };
        let mut out = BTreeMap::new();
        for (k, item) in map {
            cx.enter(Seg::Key(k.clone()));
            out.insert(k.clone(), cx.value(item)?);
            cx.leave();
        }
        Ok(out)
    }
    fn encode(&self) -> Value {
        Value::Object(self.iter().map(|(k, v)| (k.clone(), v.encode())).collect())
    }
    fn omit_empty(&self) -> bool {
        self.is_empty()
    }
    fn empty_collection(&self) -> bool {
        self.is_empty()
    }
    fn absent() -> Option<Self> {
        Some(BTreeMap::new())
    }
}

/// Declares a Go string type with named constants (`type TaintEffect string`) as an enum: one
/// variant per constant the engine acts on, plus `Other` for any other text.
///
/// The API server decodes such a field as a plain string and leaves judging it to validation
/// (`spec.taints[0].effect: Unsupported value: "Sometimes": supported values: ...`), so the
/// decoder accepts any string too and keeps it in `Other` for validation to quote. `Other`
/// never holds a known name (`from_text` maps those to their variant), so comparing with a
/// variant is exact. An empty string is Go's zero value, the same as leaving the field out:
/// both decode to `zero` (`Other(String::new())` where the API requires the field, so
/// validation reports it missing).
macro_rules! string_enum {
    (
        $(#[$attr:meta])*
        pub enum $name:ident {
            $( $(#[$vattr:meta])* $variant:ident = $text:literal, )+
        }
        zero = $zero:expr;
    ) => {
        $(#[$attr])*
        #[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name {
            $( $(#[$vattr])* $variant, )+
            /// Any other text, as the document wrote it; only validation looks at it.
            Other(String),
        }

        impl $name {
            /// The known values' names, in the order the API server lists them in
            /// `supported values: ...`.
            pub const KNOWN: &'static [&'static str] = &[$($text),+];

            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => $text, )+
                    $name::Other(s) => s,
                }
            }

            /// The known value spelled `s` (client-side parsers, which refuse the rest).
            pub fn parse(s: &str) -> Option<$name> {
                match s {
                    $( $text => Some($name::$variant), )+
                    _ => None,
                }
            }

            /// Any text as the API server decodes it: a known name, Go's zero value for `""`,
            /// anything else kept in `Other`.
            pub fn from_text(s: &str) -> $name {
                if s.is_empty() {
                    return <$name as Default>::default();
                }
                $name::parse(s).unwrap_or_else(|| $name::Other(s.to_string()))
            }

            /// One of the named constants (what validation accepts).
            pub fn is_known(&self) -> bool {
                !matches!(self, $name::Other(_))
            }
        }

        impl Default for $name {
            fn default() -> Self {
                $zero
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl $crate::engine::model::codec::Codec for $name {
            fn decode(
                v: &serde_json::Value,
                cx: &mut $crate::engine::model::codec::DecodeCx,
            ) -> Result<Self, $crate::engine::model::codec::DecodeError> {
                match v {
                    serde_json::Value::String(s) => Ok($name::from_text(s)),
                    _ => Err(cx.invalid_type(v, "a string")),
                }
            }
            fn encode(&self) -> serde_json::Value {
                serde_json::Value::from(self.as_str())
            }
            fn omit_empty(&self) -> bool {
                self.as_str().is_empty()
            }
            fn absent() -> Option<Self> {
                Some(<$name as Default>::default())
            }
        }
        $crate::engine::model::codec::serde_via_codec!($name);
    };
}
pub(crate) use string_enum;

/// `Serialize` and `Deserialize` through `Value` and `Codec`, so code that hands model types to
/// serde keeps working; one tiny function per serializer instead of serde's derived state
/// machines.
macro_rules! serde_via_codec {
    ($ty:ty) => {
        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                serde::Serialize::serialize(&$crate::engine::model::codec::Codec::encode(self), s)
            }
        }
        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let v = <serde_json::Value as serde::Deserialize>::deserialize(d)?;
                $crate::engine::model::codec::from_value(&v).map_err(serde::de::Error::custom)
            }
        }
    };
}
pub(crate) use serde_via_codec;

/// Declares a model struct and its codec. Each field is written
/// `"jsonName" [mode] pub rust_name: Type,` where mode is `[omit]` (Go's omitempty: left out
/// when empty), `[skip]` (read, never written) or nothing (always written). A field the document
/// leaves out gets its zero value (`Codec::absent`). Field order is the JSON output order.
macro_rules! codec_struct {
    (
        $(#[$sattr:meta])*
        pub struct $name:ident {
            $(
                $(#[$fattr:meta])*
                $json:literal $([$mode:ident])? pub $field:ident : $fty:ty
            ),* $(,)?
        }
    ) => {
        $(#[$sattr])*
        pub struct $name {
            $( $(#[$fattr])* pub $field: $fty, )*
        }

        impl $crate::engine::model::codec::Codec for $name {
            fn decode(
                v: &serde_json::Value,
                cx: &mut $crate::engine::model::codec::DecodeCx,
            ) -> Result<Self, $crate::engine::model::codec::DecodeError> {
                // Entries in document order, so the first bad value and the unknown keys are
                // reported in the order the user wrote them (as Go's decoder does).
                let map = cx.struct_map(v, stringify!($name))?;
                let mut out = <Self as Default>::default();
                for (key, value) in map {
                    match key.as_str() {
                        $( $json => out.$field = cx.at_key(key, value)?, )*
                        _ => cx.unknown_key(key),
                    }
                }
                Ok(out)
            }
            fn encode(&self) -> serde_json::Value {
                let mut map = serde_json::Map::new();
                $( $crate::engine::model::codec::codec_struct!(@put map, self, $json, $field $(, $mode)?); )*
                serde_json::Value::Object(map)
            }
            fn absent() -> Option<Self> {
                Some(<Self as Default>::default())
            }
        }
        $crate::engine::model::codec::serde_via_codec!($name);
    };
    (@put $map:ident, $self:ident, $json:literal, $field:ident) => {
        $crate::engine::model::codec::put(&mut $map, $json, &$self.$field, false)
    };
    (@put $map:ident, $self:ident, $json:literal, $field:ident, omit) => {
        $crate::engine::model::codec::put(&mut $map, $json, &$self.$field, true)
    };
    (@put $map:ident, $self:ident, $json:literal, $field:ident, skip) => {
        let _ = &$self.$field;
    };
}
pub(crate) use codec_struct;
