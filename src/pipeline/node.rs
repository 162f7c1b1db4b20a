//! [`Node`]: an order-preserving JSON-like tree for built stages.
//!
//! `serde_json::Map` sorts keys unless its `preserve_order` feature is on (a workspace-wide
//! switch); `$sort` depends on key order, so stages are built as this small tree instead.
//! Typed leaves ([`Node::Oid`], [`Node::Date`], [`Node::Decimal`], [`Node::Long`],
//! [`Node::BigInt`]) and [`Node::Slot`] can only be produced by the core; user input is only
//! ever copied into string, number, bool and null leaves.

use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};

/// One value of a built pipeline.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// `null`.
    Null,
    /// A boolean.
    Bool(bool),
    /// A number (integral values serialise without a fraction).
    Num(f64),
    /// A string.
    Str(String),
    /// An array.
    Arr(Vec<Node>),
    /// An object whose keys keep their insertion order.
    Obj(Vec<(String, Node)>),
    /// An ObjectId (24 lowercase hex digits); serialised as `{ "$oid": hex }`.
    Oid(String),
    /// A date in milliseconds since the epoch; serialised as `{ "$date": ms }`.
    Date(i64),
    /// A Decimal128 (its canonical decimal string); serialised as `{ "$numberDecimal": s }`.
    Decimal(String),
    /// An Int64 the JS side holds as a bson `Long`; serialised as `{ "$numberLong": "n" }`.
    Long(i64),
    /// An Int64 the JS side holds as a `bigint`; serialised as `{ "$numberLong": "n" }`.
    BigInt(i64),
    /// A template placeholder for parameter value number `n`; serialised as `{ "$slot": n }`.
    Slot(usize),
}

impl Node {
    /// An object from `(key, value)` pairs.
    pub fn obj<K: Into<String>>(pairs: Vec<(K, Node)>) -> Node {
        Node::Obj(pairs.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    /// A one-key object.
    pub fn one<K: Into<String>>(key: K, value: Node) -> Node {
        Node::Obj(vec![(key.into(), value)])
    }

    /// A string leaf.
    pub fn s(v: &str) -> Node {
        Node::Str(v.to_string())
    }

    /// The value under `key` when this is an object.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match self {
            Node::Obj(pairs) => pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// Replaces every [`Node::Slot`] by the corresponding value (cloned).
    pub fn fill(&self, values: &[Node]) -> Node {
        match self {
            Node::Slot(i) => values.get(*i).cloned().unwrap_or(Node::Null),
            Node::Arr(items) => Node::Arr(items.iter().map(|n| n.fill(values)).collect()),
            Node::Obj(pairs) => Node::Obj(
                pairs
                    .iter()
                    .map(|(k, v)| (k.clone(), v.fill(values)))
                    .collect(),
            ),
            other => other.clone(),
        }
    }

    /// Compact JSON text (the same as `serde_json::to_string`).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "null".to_string())
    }

    /// Converts plain JSON (no typed leaves) into a node, keeping serde_json's key order.
    pub fn from_json(v: &serde_json::Value) -> Node {
        match v {
            serde_json::Value::Null => Node::Null,
            serde_json::Value::Bool(b) => Node::Bool(*b),
            serde_json::Value::Number(n) => Node::Num(n.as_f64().unwrap_or(0.0)),
            serde_json::Value::String(s) => Node::Str(s.clone()),
            serde_json::Value::Array(a) => Node::Arr(a.iter().map(Node::from_json).collect()),
            serde_json::Value::Object(m) => Node::Obj(
                m.iter()
                    .map(|(k, v)| (k.clone(), Node::from_json(v)))
                    .collect(),
            ),
        }
    }
}

/// Serialises a finite f64 as an integer when it is one (so `20` is not `20.0`).
fn ser_num<S: Serializer>(n: f64, s: S) -> Result<S::Ok, S::Error> {
    if n.fract() == 0.0 && n.abs() < 9.007_199_254_740_992e15 {
        s.serialize_i64(n as i64)
    } else {
        s.serialize_f64(n)
    }
}

impl Serialize for Node {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Node::Null => s.serialize_unit(),
            Node::Bool(b) => s.serialize_bool(*b),
            Node::Num(n) => ser_num(*n, s),
            Node::Str(v) => s.serialize_str(v),
            Node::Arr(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for i in items {
                    seq.serialize_element(i)?;
                }
                seq.end()
            }
            Node::Obj(pairs) => {
                let mut map = s.serialize_map(Some(pairs.len()))?;
                for (k, v) in pairs {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
            Node::Oid(h) => {
                let mut map = s.serialize_map(Some(1))?;
                map.serialize_entry("$oid", h)?;
                map.end()
            }
            Node::Date(ms) => {
                let mut map = s.serialize_map(Some(1))?;
                map.serialize_entry("$date", ms)?;
                map.end()
            }
            Node::Decimal(d) => {
                let mut map = s.serialize_map(Some(1))?;
                map.serialize_entry("$numberDecimal", d)?;
                map.end()
            }
            Node::Long(n) | Node::BigInt(n) => {
                let mut map = s.serialize_map(Some(1))?;
                map.serialize_entry("$numberLong", &n.to_string())?;
                map.end()
            }
            Node::Slot(i) => {
                let mut map = s.serialize_map(Some(1))?;
                map.serialize_entry("$slot", i)?;
                map.end()
            }
        }
    }
}
