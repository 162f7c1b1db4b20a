//! Keyset cursor tokens: base64url of the last sort values with their BSON types, bound to
//! the compiled spec, plus an HMAC-SHA256 signature when the spec has a `secret`.
//!
//! Token = `base64url(payload)` or `base64url(payload) "." base64url(hmac(payload_b64))`,
//! payload = `{"h":spec_key,"s":[[key,dir]…],"v":[[tag,value]…]}` with tags `oid`, `date`,
//! `num`, `long`, `bigint`, `str`, `bool`, `dec`, `null` (`long` / `bigint`: an Int64 held
//! as a bson `Long` / a JS `bigint`, its decimal text, exact). `h` ([`spec_key`]) names
//! the compiled spec, so a token made for one spec is refused by another, even one with
//! the same secret; `s` names the sort. Decoding checks the signature (constant time), that
//! the payload holds exactly `h`, `s` and `v` (one value per sort key, nothing more — also
//! without a secret), that `h` and the sort are the request's, and that every tag matches
//! the declared type.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::node::Node;
use super::sort::{parse_sort, SortKey};
use super::spec::{FieldType, Spec};
use super::values::{is_decimal, is_hex24};
use super::Compiled;
use crate::{Error, Result};

/// Longest token accepted.
pub const MAX_TOKEN: usize = 8192;

fn bad(msg: String) -> Error {
    Error::InvalidCursor(msg)
}

fn tag_of(n: &Node) -> &'static str {
    match n {
        Node::Oid(_) => "oid",
        Node::Date(_) => "date",
        Node::Num(_) => "num",
        Node::Str(_) => "str",
        Node::Bool(_) => "bool",
        Node::Decimal(_) => "dec",
        Node::Long(_) => "long",
        Node::BigInt(_) => "bigint",
        _ => "null",
    }
}

/// Whether a value tagged `tag` may stand for a field declared `t` (a `number` field may
/// hold Int64 values: the driver returns those above 2^53 as `Long` or `bigint`).
fn fits(t: FieldType, tag: &str) -> bool {
    match t {
        FieldType::ObjectId => tag == "oid",
        FieldType::Date => tag == "date",
        FieldType::Number => matches!(tag, "num" | "long" | "bigint"),
        FieldType::String => tag == "str",
        FieldType::Bool => tag == "bool",
        FieldType::Decimal => tag == "dec",
    }
}

/// An Int64 in its canonical decimal text (`-?[1-9][0-9]*` or `0`, within i64).
fn parse_i64(s: &str) -> Option<i64> {
    s.parse::<i64>().ok().filter(|n| n.to_string() == s)
}

/// The spec binding of a token: the first 9 bytes of SHA-256 over the canonical spec (the
/// secret left out, the default sort resolved, order-free lists sorted), base64url (12
/// characters). Computed once per compiled spec.
pub fn spec_key(spec: &Spec, default_sort: &[SortKey]) -> String {
    let mut canon = spec.clone();
    canon.secret = None;
    canon.default_sort = Some(Value::Array(
        default_sort
            .iter()
            .map(|k| json!([k.field, k.dir]))
            .collect(),
    ));
    canon.sortable.sort();
    if let Some(sel) = canon.selectable.as_mut() {
        sel.sort();
    }
    for ops in canon.filterable.values_mut() {
        ops.sort();
        ops.dedup();
    }
    let text = serde_json::to_string(&canon).unwrap_or_default();
    let digest = Sha256::new()
        .chain_update(b"hotpath cursor spec\0")
        .chain_update(text.as_bytes())
        .finalize();
    URL_SAFE_NO_PAD.encode(&digest[..9])
}

/// Parses one `[tag, value]` pair into a typed node.
pub fn parse_tagged(field: &str, v: &Value) -> Result<Node> {
    let pair = v
        .as_array()
        .filter(|a| a.len() == 2 || (a.len() == 1 && a[0] == "null"))
        .ok_or_else(|| {
            bad(format!(
                "cursor value for {field:?} must be [type, value], got {v}"
            ))
        })?;
    let tag = pair[0].as_str().ok_or_else(|| {
        bad(format!(
            "cursor type for {field:?} must be a string, got {}",
            pair[0]
        ))
    })?;
    let val = pair.get(1).unwrap_or(&Value::Null);
    let wrong = || {
        bad(format!(
            "cursor value for {field:?} is not a valid {tag}: {val}"
        ))
    };
    Ok(match tag {
        "null" => Node::Null,
        "oid" => match val.as_str() {
            Some(s) if is_hex24(s) => Node::Oid(s.to_ascii_lowercase()),
            _ => return Err(wrong()),
        },
        "date" => match val.as_f64() {
            Some(x) if x.fract() == 0.0 && x.abs() <= 8.64e15 => Node::Date(x as i64),
            _ => return Err(wrong()),
        },
        "num" => match val.as_f64() {
            Some(x) if x.is_finite() => Node::Num(x),
            _ => return Err(wrong()),
        },
        "str" => match val.as_str() {
            Some(s) if s.len() <= 2048 => Node::Str(s.to_string()),
            _ => return Err(wrong()),
        },
        "bool" => match val.as_bool() {
            Some(b) => Node::Bool(b),
            None => return Err(wrong()),
        },
        "dec" => match val.as_str() {
            Some(s) if is_decimal(s) => Node::Decimal(s.to_string()),
            _ => return Err(wrong()),
        },
        "long" | "bigint" => match val.as_str().and_then(parse_i64) {
            Some(n) if tag == "long" => Node::Long(n),
            Some(n) => Node::BigInt(n),
            None => return Err(wrong()),
        },
        other => {
            return Err(bad(format!(
                "cursor value for {field:?} has unknown type {other:?}"
            )))
        }
    })
}

fn check_types(spec: &Spec, sort: &[SortKey], values: &[Node]) -> Result<()> {
    if values.len() != sort.len() {
        return Err(bad(format!(
            "cursor holds {} values for a sort of {} keys",
            values.len(),
            sort.len()
        )));
    }
    for (k, v) in sort.iter().zip(values) {
        let declared = if k.field == "_id" && spec.type_of("_id").is_none() {
            None
        } else {
            spec.type_of(&k.field)
        };
        if let (Some(t), false) = (declared, matches!(v, Node::Null)) {
            if !fits(t, tag_of(v)) {
                return Err(bad(format!(
                    "cursor value for {:?} has type {}, but the field is declared {}",
                    k.field,
                    tag_of(v),
                    t.name()
                )));
            }
        }
        if k.field == "_id" && matches!(v, Node::Null) {
            return Err(bad("cursor value for \"_id\" must not be null".into()));
        }
    }
    Ok(())
}

fn sign(secret: &str, data: &str) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("hmac takes any key");
    mac.update(data.as_bytes());
    mac.finalize().into_bytes().to_vec()
}

/// Encodes the sort values of the last document of a page for the spec whose
/// [`spec_key`] is `key`.
pub fn encode(spec: &Spec, key: &str, sort: &[SortKey], values: &[Node]) -> Result<String> {
    check_types(spec, sort, values)?;
    let s: Vec<Value> = sort.iter().map(|k| json!([k.field, k.dir])).collect();
    let v: Vec<Value> = values
        .iter()
        .map(|n| match n {
            Node::Null => json!(["null"]),
            Node::Oid(h) | Node::Decimal(h) | Node::Str(h) => json!([tag_of(n), h]),
            Node::Date(ms) => json!(["date", ms]),
            Node::Num(x) => json!(["num", x]),
            Node::Long(i) | Node::BigInt(i) => json!([tag_of(n), i.to_string()]),
            Node::Bool(b) => json!(["bool", b]),
            _ => json!(["null"]),
        })
        .collect();
    let payload = serde_json::to_string(&json!({ "h": key, "s": s, "v": v })).unwrap_or_default();
    let body = URL_SAFE_NO_PAD.encode(payload.as_bytes());
    let token = match &spec.secret {
        Some(secret) => format!("{body}.{}", URL_SAFE_NO_PAD.encode(sign(secret, &body))),
        None => body,
    };
    if token.len() > MAX_TOKEN {
        return Err(bad(format!(
            "cursor would be {} bytes (at most {MAX_TOKEN})",
            token.len()
        )));
    }
    Ok(token)
}

/// Decodes and validates a token against the compiled spec (its [`spec_key`] `key`) and the
/// request's resolved sort.
pub fn decode(spec: &Spec, key: &str, sort: &[SortKey], token: &str) -> Result<Vec<Node>> {
    let shown: String = token.chars().take(40).collect();
    if token.is_empty() || token.len() > MAX_TOKEN {
        return Err(bad(format!(
            "cursor must be 1 to {MAX_TOKEN} characters, got {} ({shown:?}…)",
            token.len()
        )));
    }
    let (body, sig) = match token.split_once('.') {
        Some((b, s)) => (b, Some(s)),
        None => (token, None),
    };
    match (&spec.secret, sig) {
        (Some(secret), Some(sig)) => {
            let sig = URL_SAFE_NO_PAD
                .decode(sig)
                .map_err(|_| bad(format!("cursor signature is not base64url: {shown:?}")))?;
            let mut mac =
                Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("hmac takes any key");
            mac.update(body.as_bytes());
            mac.verify_slice(&sig).map_err(|_| {
                bad(format!(
                    "cursor signature does not match (tampered?): {shown:?}"
                ))
            })?;
        }
        (Some(_), None) => return Err(bad(format!("cursor is not signed: {shown:?}"))),
        (None, Some(_)) => return Err(bad(format!("cursor is malformed: {shown:?}"))),
        (None, None) => {}
    }
    let bytes = URL_SAFE_NO_PAD
        .decode(body)
        .map_err(|_| bad(format!("cursor is not base64url: {shown:?}")))?;
    let payload: Value = serde_json::from_slice(&bytes)
        .map_err(|_| bad(format!("cursor payload is not valid: {shown:?}")))?;
    let shape = payload.as_object().filter(|m| m.len() == 3).and_then(|m| {
        Some((
            m.get("h")?.as_str()?,
            m.get("s")?.as_array()?,
            m.get("v")?.as_array()?,
        ))
    });
    let Some((h, s, v)) = shape else {
        return Err(bad(format!(
            "cursor payload has the wrong shape (a token of another version?): {shown:?}"
        )));
    };
    if h != key {
        return Err(bad(format!(
            "cursor was made for another spec, not this one: {shown:?}"
        )));
    }
    let same_sort = s.len() == sort.len()
        && s.iter().zip(sort).all(|(a, k)| {
            a.as_array().is_some_and(|p| p.len() == 2)
                && a.get(0).and_then(|f| f.as_str()) == Some(k.field.as_str())
                && a.get(1).and_then(|d| d.as_i64()) == Some(k.dir as i64)
        });
    if !same_sort {
        return Err(bad(format!(
            "cursor was made for another sort ({}), not this request's",
            Value::Array(s.clone())
        )));
    }
    if v.len() != sort.len() {
        return Err(bad(format!(
            "cursor holds {} values for a sort of {} keys",
            v.len(),
            sort.len()
        )));
    }
    let mut values = Vec::with_capacity(v.len());
    for (k, item) in sort.iter().zip(v) {
        values.push(parse_tagged(&k.field, item)?);
    }
    check_types(spec, sort, &values)?;
    Ok(values)
}

impl Compiled {
    /// A cursor token for the last document of a page: `sort` as `[key, dir]` pairs (the
    /// resolved sort, ending with `_id`) and its values as `[type, value]` pairs.
    pub fn encode_cursor(&self, sort: &Value, values: &Value) -> Result<String> {
        let keys = parse_sort(sort).map_err(|e| Error::InvalidCursor(e.message().to_string()))?;
        for k in &keys {
            if k.field != "_id" && !self.spec.sortable.contains(&k.field) {
                return Err(Error::InvalidCursor(format!(
                    "cursor sort key {:?} is not sortable",
                    k.field
                )));
            }
        }
        let items = values.as_array().ok_or_else(|| {
            Error::InvalidCursor(format!("cursor values must be an array, got {values}"))
        })?;
        if items.len() != keys.len() {
            return Err(Error::InvalidCursor(format!(
                "cursor has {} values for {} sort keys",
                items.len(),
                keys.len()
            )));
        }
        let mut vals = Vec::with_capacity(items.len());
        for (k, v) in keys.iter().zip(items) {
            vals.push(parse_tagged(&k.field, v)?);
        }
        encode(&self.spec, &self.cursor_key, &keys, &vals)
    }
}
