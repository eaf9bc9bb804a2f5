//! Canonical JSON (RFC 8785, "JCS"): the one encoding that is signed and hashed.
//!
//! Signed content never holds a floating-point number — decimals are strings, per the data
//! model — and integers stay within ±(2^53 − 1), the range every JSON implementation reads
//! exactly. Bytes that do not re-encode to themselves are refused, so an entry can never have
//! two encodings and an id never two byte strings.

use serde_json::Value;

mod fast;

/// The largest integer magnitude allowed in signed content (2^53 − 1).
pub const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

/// Why bytes or a value are not canonical JSON of signed content.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CanonicalError {
    #[error("not valid UTF-8 (byte {offset})")]
    Utf8 { offset: usize },
    #[error("not valid JSON: {0}")]
    Json(String),
    #[error(
        "{path}: floating-point numbers are not allowed in signed content; write a decimal as a string, e.g. \"48.8566\""
    )]
    Float { path: String },
    #[error("{path}: integer {value} is outside ±(2^53 − 1)")]
    IntegerRange { path: String, value: String },
    #[error(
        "not in canonical form (RFC 8785): keys must be sorted, no whitespace, minimal escapes"
    )]
    NotCanonical,
}

/// The canonical bytes of a value, after checking that it holds no float.
pub fn to_bytes(value: &Value) -> Result<Vec<u8>, CanonicalError> {
    check_numbers(value, &mut String::new())?;
    serde_json_canonicalizer::to_vec(value).map_err(|e| CanonicalError::Json(e.to_string()))
}

/// Parses bytes that must already be canonical JSON: valid UTF-8, valid JSON, no float, and
/// byte-for-byte equal to their own canonical encoding.
pub fn parse(bytes: &[u8]) -> Result<Value, CanonicalError> {
    if let Err(e) = std::str::from_utf8(bytes) {
        return Err(CanonicalError::Utf8 {
            offset: e.valid_up_to(),
        });
    }
    if fast::is_canonical(bytes) {
        return serde_json::from_slice(bytes).map_err(|e| CanonicalError::Json(e.to_string()));
    }
    // The reference path: slower, but it names the cause.
    let value: Value =
        serde_json::from_slice(bytes).map_err(|e| CanonicalError::Json(e.to_string()))?;
    let canonical = to_bytes(&value)?;
    if canonical != bytes {
        return Err(CanonicalError::NotCanonical);
    }
    Ok(value)
}

/// True if `bytes` is valid UTF-8 in canonical form, without parsing it into a value.
pub fn is_canonical(bytes: &[u8]) -> bool {
    std::str::from_utf8(bytes).is_ok() && fast::is_canonical(bytes)
}

/// Refuses floats and out-of-range integers anywhere in `value`, naming the field path
/// (`sources[0].accessed`, `place.lat`).
pub fn check_numbers(value: &Value, path: &mut String) -> Result<(), CanonicalError> {
    match value {
        Value::Number(n) => {
            let in_range = match (n.as_u64(), n.as_i64()) {
                (Some(u), _) => u <= MAX_SAFE_INTEGER,
                (None, Some(i)) => i.unsigned_abs() <= MAX_SAFE_INTEGER,
                (None, None) => {
                    return Err(CanonicalError::Float {
                        path: display_path(path),
                    });
                }
            };
            if in_range {
                Ok(())
            } else {
                Err(CanonicalError::IntegerRange {
                    path: display_path(path),
                    value: n.to_string(),
                })
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                check_numbers(item, path)?;
                path.truncate(len);
            }
            Ok(())
        }
        Value::Object(map) => {
            for (key, item) in map {
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
                check_numbers(item, path)?;
                path.truncate(len);
            }
            Ok(())
        }
        Value::Null | Value::Bool(_) | Value::String(_) => Ok(()),
    }
}

fn display_path(path: &str) -> String {
    if path.is_empty() {
        "(root)".to_owned()
    } else {
        path.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sorts_keys_and_drops_whitespace() {
        let value = json!({"b": 1, "a": {"d": [true, null], "c": "é\u{1}"}});
        let bytes = to_bytes(&value).unwrap();
        assert_eq!(
            String::from_utf8(bytes.clone()).unwrap(),
            "{\"a\":{\"c\":\"é\\u0001\",\"d\":[true,null]},\"b\":1}"
        );
        assert_eq!(parse(&bytes).unwrap(), value);
    }

    #[test]
    fn refuses_non_canonical_bytes() {
        assert_eq!(
            parse(b"{\"b\":1,\"a\":2}"),
            Err(CanonicalError::NotCanonical)
        );
        assert_eq!(parse(b"{\"a\": 2}"), Err(CanonicalError::NotCanonical));
        assert_eq!(
            parse(b"{\"a\":\"\\u00e9\"}"),
            Err(CanonicalError::NotCanonical)
        );
    }

    #[test]
    fn refuses_floats_naming_the_path() {
        let err = to_bytes(&json!({"place": {"lat": 48.85}})).unwrap_err();
        assert_eq!(
            err,
            CanonicalError::Float {
                path: "place.lat".into()
            }
        );
        let err = parse(b"{\"a\":[1,2.5]}").unwrap_err();
        assert_eq!(
            err,
            CanonicalError::Float {
                path: "a[1]".into()
            }
        );
        // 1.0 is a float too, even though its value is whole.
        assert!(matches!(
            parse(b"{\"a\":1.0}"),
            Err(CanonicalError::Float { .. })
        ));
    }

    #[test]
    fn refuses_unsafe_integers_and_invalid_utf8() {
        assert!(matches!(
            to_bytes(&json!({"n": 9007199254740992u64})),
            Err(CanonicalError::IntegerRange { .. })
        ));
        assert!(to_bytes(&json!({"n": -9007199254740991i64})).is_ok());
        assert_eq!(
            parse(b"{\"a\":\"\xff\"}"),
            Err(CanonicalError::Utf8 { offset: 6 })
        );
    }
}
