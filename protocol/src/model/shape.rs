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
        match self.input.get(at) {
            Some(input) => value.serialize(Shape(input)),
            None => Ok(()),
        }
    }
}

/// The members of a struct or map, each checked against the input member of the same name when
/// the input has one.
struct Members<'a> {
    input: &'a serde_json::Map<String, Value>,
    /// The input member named by the last map key.
    pending: Option<&'a Value>,
}

impl<'a> Members<'a> {
    fn member<T: Serialize + ?Sized>(
        &self,
        input: Option<&'a Value>,
        value: &T,
    ) -> Result<(), Differs> {
        match input {
            Some(input) => value.serialize(Shape(input)),
            None => Ok(()),
        }
    }
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

    fn serialize_i8(self, _: i8) -> Result<(), Differs> {
        self.number()
    }

    fn serialize_i16(self, _: i16) -> Result<(), Differs> {
        self.number()
    }

    fn serialize_i32(self, _: i32) -> Result<(), Differs> {
        self.number()
    }

    fn serialize_i64(self, _: i64) -> Result<(), Differs> {
        self.number()
    }

    fn serialize_i128(self, _: i128) -> Result<(), Differs> {
        self.number()
    }

    fn serialize_u8(self, _: u8) -> Result<(), Differs> {
        self.number()
    }

    fn serialize_u16(self, _: u16) -> Result<(), Differs> {
        self.number()
    }

    fn serialize_u32(self, _: u32) -> Result<(), Differs> {
        self.number()
    }

    fn serialize_u64(self, _: u64) -> Result<(), Differs> {
        self.number()
    }

    fn serialize_u128(self, _: u128) -> Result<(), Differs> {
        self.number()
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

    fn serialize_bytes(self, _: &[u8]) -> Result<(), Differs> {
        Err(Differs)
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

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Differs> {
        Err(Differs)
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

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Differs> {
        Err(Differs)
    }
}

impl ser::SerializeSeq for Items<'_> {
    type Ok = ();
    type Error = Differs;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Differs> {
        self.item(value)
    }

    fn end(self) -> Result<(), Differs> {
        Ok(())
    }
}

impl ser::SerializeTuple for Items<'_> {
    type Ok = ();
    type Error = Differs;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Differs> {
        self.item(value)
    }

    fn end(self) -> Result<(), Differs> {
        Ok(())
    }
}

impl ser::SerializeTupleStruct for Items<'_> {
    type Ok = ();
    type Error = Differs;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Differs> {
        self.item(value)
    }

    fn end(self) -> Result<(), Differs> {
        Ok(())
    }
}

impl ser::SerializeMap for Members<'_> {
    type Ok = ();
    type Error = Differs;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Differs> {
        self.pending = key.serialize(Key(self.input))?;
        Ok(())
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Differs> {
        let input = self.pending.take();
        self.member(input, value)
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
        self.member(self.input.get(key), value)
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
    type SerializeSeq = Impossible<Option<&'a Value>, Differs>;
    type SerializeTuple = Impossible<Option<&'a Value>, Differs>;
    type SerializeTupleStruct = Impossible<Option<&'a Value>, Differs>;
    type SerializeTupleVariant = Impossible<Option<&'a Value>, Differs>;
    type SerializeMap = Impossible<Option<&'a Value>, Differs>;
    type SerializeStruct = Impossible<Option<&'a Value>, Differs>;
    type SerializeStructVariant = Impossible<Option<&'a Value>, Differs>;

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

    fn serialize_bool(self, _: bool) -> Result<Self::Ok, Differs> {
        Err(Differs)
    }
    fn serialize_i8(self, _: i8) -> Result<Self::Ok, Differs> {
        Err(Differs)
    }
    fn serialize_i16(self, _: i16) -> Result<Self::Ok, Differs> {
        Err(Differs)
    }
    fn serialize_i32(self, _: i32) -> Result<Self::Ok, Differs> {
        Err(Differs)
    }
    fn serialize_i64(self, _: i64) -> Result<Self::Ok, Differs> {
        Err(Differs)
    }
    fn serialize_u8(self, _: u8) -> Result<Self::Ok, Differs> {
        Err(Differs)
    }
    fn serialize_u16(self, _: u16) -> Result<Self::Ok, Differs> {
        Err(Differs)
    }
    fn serialize_u32(self, _: u32) -> Result<Self::Ok, Differs> {
        Err(Differs)
    }
    fn serialize_u64(self, _: u64) -> Result<Self::Ok, Differs> {
        Err(Differs)
    }
    fn serialize_f32(self, _: f32) -> Result<Self::Ok, Differs> {
        Err(Differs)
    }
    fn serialize_f64(self, _: f64) -> Result<Self::Ok, Differs> {
        Err(Differs)
    }
    fn serialize_char(self, _: char) -> Result<Self::Ok, Differs> {
        Err(Differs)
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<Self::Ok, Differs> {
        Err(Differs)
    }
    fn serialize_none(self) -> Result<Self::Ok, Differs> {
        Err(Differs)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<Self::Ok, Differs> {
        Err(Differs)
    }
    fn serialize_unit(self) -> Result<Self::Ok, Differs> {
        Err(Differs)
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<Self::Ok, Differs> {
        Err(Differs)
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
    ) -> Result<Self::Ok, Differs> {
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
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Differs> {
        Err(Differs)
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Differs> {
        Err(Differs)
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, Differs> {
        Err(Differs)
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Differs> {
        Err(Differs)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Differs> {
        Err(Differs)
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct, Differs> {
        Err(Differs)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Differs> {
        Err(Differs)
    }
}
