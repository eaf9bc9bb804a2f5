//! Whether a typed value has the JSON shape of the value it was read from, without building it
//! again.
//!
//! serde reads a struct from a list and a word from a one-key table, which a draft may not do, so
//! validation compares each typed struct with its input (`deser::Session::check_shape` does it by
//! serializing the struct to a `serde_json::Value` and walking both). For the drafts that have no
//! problem — every entry received from a peer — [`matches`] walks the typed value through
//! `Serialize` beside the input instead, allocating nothing, and stops at the first difference.
//! It answers the same question as `check_shape` for the model's types, and answers "no" for any
//! form it does not follow (bytes, variants with data, maps with keys other than strings), so
//! that its caller takes the full path, which names the problem, whenever it is unsure.

use serde::Serialize;
use serde::ser::{self, Impossible};
use serde_json::Value;

/// True when every part of `typed` that is present in `input` has the same JSON type there
/// (object, list, string, number, boolean, null), as `check_shape` requires.
pub(crate) fn matches<T: Serialize + ?Sized>(typed: &T, input: &Value) -> bool {
    typed.serialize(Shape(input)).is_ok()
}

/// The walk stopped: the shapes differ, or the form is one this walk does not follow.
#[derive(Debug)]
pub(crate) struct Differs;

impl std::fmt::Display for Differs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the typed value differs in shape from its input")
    }
}

impl std::error::Error for Differs {}

impl ser::Error for Differs {
    fn custom<M: std::fmt::Display>(_: M) -> Self {
        Differs
    }
}

/// Checks one typed value against `.0`, the input at the same place.
struct Shape<'a>(&'a Value);

impl Shape<'_> {
    fn expect(&self, ok: bool) -> Result<(), Differs> {
        if ok { Ok(()) } else { Err(Differs) }
    }

    fn number(&self) -> Result<(), Differs> {
        self.expect(self.0.is_number())
    }
}

/// The items of a list, checked against the input list's items at the same index (the extra
/// items of either side are not compared, as `check_shape` zips them).
struct Items<'a> {
    input: &'a [Value],
    next: usize,
}

impl Items<'_> {
    fn item<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Differs> {
        let at = self.next;
        self.next += 1;
        against(self.input.get(at), value)
    }
}

/// The members of a struct or map, each checked against the input member of the same name when
/// the input has one.
struct Members<'a> {
    input: &'a serde_json::Map<String, Value>,
    /// The input member named by the last map key.
    pending: Option<&'a Value>,
}

/// Checks `value` against the input at the same place, if the input has anything there.
fn against<T: Serialize + ?Sized>(input: Option<&Value>, value: &T) -> Result<(), Differs> {
    match input {
        Some(input) => value.serialize(Shape(input)),
        None => Ok(()),
    }
}

/// Serializer methods that refuse their value (`Err(Differs)`), by name and argument types.
macro_rules! refuse {
    ($($method:ident($($arg:ty),*) -> $out:ty;)*) => {$(
        fn $method(self, $(_: $arg),*) -> Result<$out, Differs> {
            Err(Differs)
        }
    )*};
}

/// Serializer methods for integers, which must stand where the input has a number.
macro_rules! numbers {
    ($($method:ident($arg:ty);)*) => {$(
        fn $method(self, _: $arg) -> Result<(), Differs> {
            self.number()
        }
    )*};
}

impl<'a> ser::Serializer for Shape<'a> {
    type Ok = ();
    type Error = Differs;
    type SerializeSeq = Items<'a>;
    type SerializeTuple = Items<'a>;
    type SerializeTupleStruct = Items<'a>;
    type SerializeTupleVariant = Impossible<(), Differs>;
    type SerializeMap = Members<'a>;
    type SerializeStruct = Members<'a>;
    type SerializeStructVariant = Impossible<(), Differs>;

    fn serialize_bool(self, _: bool) -> Result<(), Differs> {
        self.expect(self.0.is_boolean())
    }

    numbers! {
        serialize_i8(i8);
        serialize_i16(i16);
        serialize_i32(i32);
        serialize_i64(i64);
        serialize_i128(i128);
        serialize_u8(u8);
        serialize_u16(u16);
        serialize_u32(u32);
        serialize_u64(u64);
        serialize_u128(u128);
    }

    // A float that is not finite becomes `null` in a `Value`: not followed here.
    fn serialize_f32(self, v: f32) -> Result<(), Differs> {
        self.expect(v.is_finite() && self.0.is_number())
    }

    fn serialize_f64(self, v: f64) -> Result<(), Differs> {
        self.expect(v.is_finite() && self.0.is_number())
    }

    fn serialize_char(self, _: char) -> Result<(), Differs> {
        self.expect(self.0.is_string())
    }

    fn serialize_str(self, _: &str) -> Result<(), Differs> {
        self.expect(self.0.is_string())
    }

    fn serialize_none(self) -> Result<(), Differs> {
        self.expect(self.0.is_null())
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Differs> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<(), Differs> {
        self.expect(self.0.is_null())
    }

    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Differs> {
        self.expect(self.0.is_null())
    }

    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
    ) -> Result<(), Differs> {
        self.expect(self.0.is_string())
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), Differs> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), Differs> {
        Err(Differs)
    }

    fn serialize_seq(self, _: Option<usize>) -> Result<Items<'a>, Differs> {
        match self.0 {
            Value::Array(input) => Ok(Items { input, next: 0 }),
            _ => Err(Differs),
        }
    }

    fn serialize_tuple(self, len: usize) -> Result<Items<'a>, Differs> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<Items<'a>, Differs> {
        self.serialize_seq(Some(len))
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Members<'a>, Differs> {
        match self.0 {
            Value::Object(input) => Ok(Members {
                input,
                pending: None,
            }),
            _ => Err(Differs),
        }
    }

    fn serialize_struct(self, _: &'static str, len: usize) -> Result<Members<'a>, Differs> {
        self.serialize_map(Some(len))
    }

    // Forms the model does not use: the full way judges them.
    refuse! {
        serialize_bytes(&[u8]) -> ();
        serialize_tuple_variant(&'static str, u32, &'static str, usize) -> Self::SerializeTupleVariant;
        serialize_struct_variant(&'static str, u32, &'static str, usize) -> Self::SerializeStructVariant;
    }
}

/// The three ways serde writes a list, each an item at a time.
macro_rules! items {
    ($($trait:ident :: $method:ident),*) => {$(
        impl ser::$trait for Items<'_> {
            type Ok = ();
            type Error = Differs;

            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Differs> {
                self.item(value)
            }

            fn end(self) -> Result<(), Differs> {
                Ok(())
            }
        }
    )*};
}

items!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field
);

impl ser::SerializeMap for Members<'_> {
    type Ok = ();
    type Error = Differs;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Differs> {
        self.pending = key.serialize(Key(self.input))?;
        Ok(())
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Differs> {
        let input = self.pending.take();
        against(input, value)
    }

    fn end(self) -> Result<(), Differs> {
        Ok(())
    }
}

impl ser::SerializeStruct for Members<'_> {
    type Ok = ();
    type Error = Differs;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Differs> {
        against(self.input.get(key), value)
    }

    fn end(self) -> Result<(), Differs> {
        Ok(())
    }
}

/// A map key, which must be a string to be followed: the input member it names.
struct Key<'a>(&'a serde_json::Map<String, Value>);

impl<'a> ser::Serializer for Key<'a> {
    type Ok = Option<&'a Value>;
    type Error = Differs;
    type SerializeSeq = Impossible<Self::Ok, Differs>;
    type SerializeTuple = Impossible<Self::Ok, Differs>;
    type SerializeTupleStruct = Impossible<Self::Ok, Differs>;
    type SerializeTupleVariant = Impossible<Self::Ok, Differs>;
    type SerializeMap = Impossible<Self::Ok, Differs>;
    type SerializeStruct = Impossible<Self::Ok, Differs>;
    type SerializeStructVariant = Impossible<Self::Ok, Differs>;

    fn serialize_str(self, v: &str) -> Result<Self::Ok, Differs> {
        Ok(self.0.get(v))
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<Self::Ok, Differs> {
        value.serialize(self)
    }

    fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<Self::Ok, Differs> {
        Err(Differs)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<Self::Ok, Differs> {
        Err(Differs)
    }

    refuse! {
        serialize_bool(bool) -> Self::Ok;
        serialize_i8(i8) -> Self::Ok;
        serialize_i16(i16) -> Self::Ok;
        serialize_i32(i32) -> Self::Ok;
        serialize_i64(i64) -> Self::Ok;
        serialize_u8(u8) -> Self::Ok;
        serialize_u16(u16) -> Self::Ok;
        serialize_u32(u32) -> Self::Ok;
        serialize_u64(u64) -> Self::Ok;
        serialize_f32(f32) -> Self::Ok;
        serialize_f64(f64) -> Self::Ok;
        serialize_char(char) -> Self::Ok;
        serialize_bytes(&[u8]) -> Self::Ok;
        serialize_none() -> Self::Ok;
        serialize_unit() -> Self::Ok;
        serialize_unit_struct(&'static str) -> Self::Ok;
        serialize_unit_variant(&'static str, u32, &'static str) -> Self::Ok;
        serialize_seq(Option<usize>) -> Self::SerializeSeq;
        serialize_tuple(usize) -> Self::SerializeTuple;
        serialize_tuple_struct(&'static str, usize) -> Self::SerializeTupleStruct;
        serialize_tuple_variant(&'static str, u32, &'static str, usize) -> Self::SerializeTupleVariant;
        serialize_map(Option<usize>) -> Self::SerializeMap;
        serialize_struct(&'static str, usize) -> Self::SerializeStruct;
        serialize_struct_variant(&'static str, u32, &'static str, usize) -> Self::SerializeStructVariant;
    }
}
