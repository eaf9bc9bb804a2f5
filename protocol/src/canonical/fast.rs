//! A one-pass check that bytes are already in the canonical form of `canonical` — RFC 8785 with
//! integers only — without building a value or re-encoding it.
//!
//! It exists for speed: re-encoding a 3 KB entry with a JCS serializer costs more than parsing
//! it, and every entry from every door is checked. It answers only yes or no; on "no" the
//! caller runs the reference path (parse, re-encode, compare), which names the cause. A property
//! test holds the two to the same verdicts.

/// How deep objects and arrays may nest (serde_json's own limit is 128).
const MAX_DEPTH: usize = 128;

/// True if `bytes` is exactly the canonical encoding of a JSON value with no float, no integer
/// outside ±(2^53 − 1), and valid UTF-8.
pub fn is_canonical(bytes: &[u8]) -> bool {
    let mut checker = Checker { bytes, pos: 0 };
    checker.value(0) && checker.pos == bytes.len()
}

struct Checker<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Checker<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn eat(&mut self, b: u8) -> bool {
        if self.peek() == Some(b) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn value(&mut self, depth: usize) -> bool {
        match self.peek() {
            Some(b'{') => depth < MAX_DEPTH && self.object(depth + 1),
            Some(b'[') => depth < MAX_DEPTH && self.array(depth + 1),
            Some(b'"') => self.string().is_some(),
            Some(b'-' | b'0'..=b'9') => self.integer(),
            Some(b't') => self.literal(b"true"),
            Some(b'f') => self.literal(b"false"),
            Some(b'n') => self.literal(b"null"),
            _ => false,
        }
    }

    fn literal(&mut self, word: &[u8]) -> bool {
        if self.bytes[self.pos..].starts_with(word) {
            self.pos += word.len();
            true
        } else {
            false
        }
    }

    fn object(&mut self, depth: usize) -> bool {
        self.pos += 1; // '{'
        if self.eat(b'}') {
            return true;
        }
        let mut previous: Option<(usize, usize)> = None;
        loop {
            let Some(key) = self.string() else {
                return false;
            };
            if let Some(prev) = previous
                && !key_less(&self.bytes[prev.0..prev.1], &self.bytes[key.0..key.1])
            {
                return false;
            }
            previous = Some(key);
            if !self.eat(b':') || !self.value(depth) {
                return false;
            }
            if self.eat(b'}') {
                return true;
            }
            if !self.eat(b',') {
                return false;
            }
        }
    }

    fn array(&mut self, depth: usize) -> bool {
        self.pos += 1; // '['
        if self.eat(b']') {
            return true;
        }
        loop {
            if !self.value(depth) {
                return false;
            }
            if self.eat(b']') {
                return true;
            }
            if !self.eat(b',') {
                return false;
            }
        }
    }

    /// A string in canonical form; returns the span of its raw contents (between the quotes).
    fn string(&mut self) -> Option<(usize, usize)> {
        if !self.eat(b'"') {
            return None;
        }
        let start = self.pos;
        loop {
            self.skip_plain();
            let b = self.peek()?;
            match b {
                b'"' => {
                    let end = self.pos;
                    self.pos += 1;
                    return Some((start, end));
                }
                b'\\' => {
                    let escaped = *self.bytes.get(self.pos + 1)?;
                    match escaped {
                        b'"' | b'\\' | b'b' | b'f' | b'n' | b'r' | b't' => self.pos += 2,
                        b'u' => {
                            // Only control characters without a short form are written \u00xx,
                            // in lowercase hexadecimal.
                            let hex = self.bytes.get(self.pos + 2..self.pos + 6)?;
                            let code = u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok();
                            let lower = hex.iter().all(|h| !h.is_ascii_uppercase());
                            match code {
                                Some(c)
                                    if hex.starts_with(b"00")
                                        && c < 0x20
                                        && lower
                                        && ![0x08, 0x09, 0x0a, 0x0c, 0x0d].contains(&c) =>
                                {
                                    self.pos += 6
                                }
                                _ => return None,
                            }
                        }
                        _ => return None,
                    }
                }
                0x00..=0x1f => return None,
                0x80..=0xff => {
                    // A whole UTF-8 sequence: validity was checked by the caller on the whole
                    // input, so only its length matters here.
                    let len = match b {
                        0xc0..=0xdf => 2,
                        0xe0..=0xef => 3,
                        0xf0..=0xf7 => 4,
                        _ => return None,
                    };
                    if self.pos + len > self.bytes.len() {
                        return None;
                    }
                    self.pos += len;
                }
                _ => self.pos += 1,
            }
        }
    }

    /// Skips string bytes that stand for themselves (printable ASCII other than `"` and `\`),
    /// eight at a time, stopping at the first other byte, which `string` then looks at.
    fn skip_plain(&mut self) {
        while let Some(chunk) = self.bytes.get(self.pos..self.pos + 8) {
            let Ok(word) = <[u8; 8]>::try_from(chunk) else {
                return;
            };
            let special = special_bytes(u64::from_le_bytes(word));
            if special != 0 {
                // Little-endian: the lowest flagged byte is the first in the input.
                self.pos += (special.trailing_zeros() / 8) as usize;
                return;
            }
            self.pos += 8;
        }
    }

    fn integer(&mut self) -> bool {
        let negative = self.eat(b'-');
        let digits_start = self.pos;
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => {
                while matches!(self.peek(), Some(b'0'..=b'9')) {
                    self.pos += 1;
                }
            }
            _ => return false,
        }
        if matches!(self.peek(), Some(b'.' | b'e' | b'E')) {
            return false; // a float: the reference path names it
        }
        let digits = &self.bytes[digits_start..self.pos];
        if negative && digits == b"0" {
            return false; // -0 is written 0
        }
        digits.len() <= 16
            && std::str::from_utf8(digits)
                .ok()
                .and_then(|d| d.parse::<u64>().ok())
                .is_some_and(|n| n <= super::MAX_SAFE_INTEGER)
    }
}

/// The high bit of each byte of `word` that is a control character, `"`, `\` or not ASCII.
/// Bytes above the first flagged one may be flagged wrongly (borrows carry upwards); the first
/// flagged byte is always exact, and none is missed.
fn special_bytes(word: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let zero_byte = |x: u64| x.wrapping_sub(ONES) & !x;
    let control = word.wrapping_sub(ONES * 0x20) & !word;
    let quote = zero_byte(word ^ (ONES * u64::from(b'"')));
    let backslash = zero_byte(word ^ (ONES * u64::from(b'\\')));
    (control | quote | backslash | word) & HIGH
}

/// Whether raw key `a` sorts strictly before raw key `b` by UTF-16 code units (RFC 8785 §3.2.3).
fn key_less(a: &[u8], b: &[u8]) -> bool {
    let plain = |k: &[u8]| !k.contains(&b'\\') && k.iter().all(|&c| c < 0xf0);
    if plain(a) && plain(b) {
        // Without escapes or characters outside the BMP, UTF-8 byte order is UTF-16 order.
        return a < b;
    }
    match (unescape(a), unescape(b)) {
        (Some(a), Some(b)) => a.encode_utf16().lt(b.encode_utf16()),
        _ => false,
    }
}

fn unescape(raw: &[u8]) -> Option<String> {
    let quoted = [b"\"".as_slice(), raw, b"\""].concat();
    serde_json::from_slice(&quoted).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_canonical_and_refuses_near_misses() {
        for ok in [
            "{}",
            "[]",
            "{\"a\":[1,-2,0,true,false,null,\"x\\n\\u001f\"],\"b\":{\"c\":\"é\"}}",
            "9007199254740991",
            "\"\u{10000}\"",
        ] {
            assert!(is_canonical(ok.as_bytes()), "{ok}");
        }
        for bad in [
            "{\"b\":1,\"a\":2}",
            "{\"a\":1,\"a\":2}",
            "{\"a\": 1}",
            " {}",
            "{}\n",
            "[1.0]",
            "[1e3]",
            "[-0]",
            "[01]",
            "[9007199254740992]",
            "[\"\\u00e9\"]",
            "[\"\\u000A\"]",
            "[\"\\u000a\"]",
            "[\"\\/\"]",
            "[\"\u{1}\"]",
            "[tru]",
            "{\"a\":1,}",
            "[1,]",
        ] {
            assert!(!is_canonical(bad.as_bytes()), "{bad}");
        }
    }

    #[test]
    fn the_word_scan_stops_at_the_first_special_byte_wherever_it_is() {
        for special in [b'"', b'\\', 0x00, 0x1f, 0x80, 0xc3, 0xff] {
            for at in 0..8 {
                let mut word = *b"abcdefgh";
                word[at] = special;
                let flagged = special_bytes(u64::from_le_bytes(word));
                assert_eq!(
                    flagged.trailing_zeros() / 8,
                    at as u32,
                    "{special:#x} at {at}"
                );
            }
        }
        assert_eq!(special_bytes(u64::from_le_bytes(*b" ~!#[]{}")), 0);
        // A long plain run, then each special byte at every offset of a 16-byte window.
        for at in 0..16 {
            let mut text = vec![b'x'; 16];
            text[at] = b'\n';
            let quoted = [b"[\"".as_slice(), &text, b"\"]"].concat();
            assert!(!is_canonical(&quoted), "raw newline at {at}");
        }
    }

    #[test]
    fn orders_keys_by_utf16_code_units() {
        // U+10000 is a surrogate pair (0xD800 …) in UTF-16: it sorts before U+E000.
        assert!(is_canonical("{\"\u{10000}\":1,\"\u{e000}\":2}".as_bytes()));
        assert!(!is_canonical("{\"\u{e000}\":2,\"\u{10000}\":1}".as_bytes()));
    }
}

#[cfg(test)]
mod properties {
    use proptest::prelude::*;
    use serde_json::Value;

    use super::is_canonical;

    fn json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            (-(1i64 << 53) + 1..(1i64 << 53)).prop_map(Value::from),
            "[ -~é\u{1}\u{1f}\u{7f}\u{2028}\u{10000}\u{e000}\"\\\\/\n\t]{0,24}"
                .prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 48, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::btree_map("[a-zé\u{10000}\u{e000}\n]{0,4}", inner, 0..6)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    /// The reference verdict: parse, re-encode with the JCS serializer, compare.
    fn reference(bytes: &[u8]) -> bool {
        std::str::from_utf8(bytes).is_ok()
            && serde_json::from_slice::<Value>(bytes)
                .ok()
                .and_then(|v| crate::canonical::to_bytes(&v).ok())
                .is_some_and(|c| c == bytes)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn canonical_encodings_pass(value in json()) {
            let bytes = crate::canonical::to_bytes(&value).unwrap();
            prop_assert!(is_canonical(&bytes), "{}", String::from_utf8_lossy(&bytes));
        }

        #[test]
        fn any_one_byte_change_gets_the_reference_verdict(
            value in json(),
            at in any::<prop::sample::Index>(),
            byte in prop_oneof![Just(b' '), Just(b'.'), Just(b'0'), Just(b'"'), Just(b'\\'), Just(b'u'), Just(b'E'), Just(b','), any::<u8>()],
            insert in any::<bool>(),
        ) {
            let mut bytes = crate::canonical::to_bytes(&value).unwrap();
            let i = at.index(bytes.len());
            if insert { bytes.insert(i, byte) } else { bytes[i] = byte }
            let fast = std::str::from_utf8(&bytes).is_ok() && is_canonical(&bytes);
            prop_assert_eq!(fast, reference(&bytes), "{}", String::from_utf8_lossy(&bytes));
        }
    }
}
