//! Filters: the `filter` parameter of `build` (MongoDB form, allow-listed) and
//! `filterFromQuery` (Express `req.query`, nested or flat). Both produce [`Cond`]s whose
//! values went through [`coerce`]; nothing the caller wrote becomes an object key except
//! allow-listed field names and operators the core spells itself.

use serde_json::Value;

use super::node::Node;
use super::spec::{Op, Spec, POISON};
use super::values::{coerce, prefix_literal_len, prefix_regex};
use crate::{Error, Result};

/// Most values `$in` / `$nin` accept.
pub const MAX_IN: usize = 1000;

/// One validated, coerced condition.
#[derive(Debug, Clone, PartialEq)]
pub struct Cond {
    /// The field path.
    pub field: String,
    /// The operator.
    pub op: Op,
    /// The coerced value (an array for `in` / `nin`).
    pub value: Node,
}

fn forbidden(msg: String) -> Error {
    Error::ForbiddenOperator(msg)
}

/// Refuses `$`-keys and reserved names (`__proto__`, `constructor`, `_bsontype`…).
fn check_key(where_: &str, key: &str) -> Result<()> {
    if key.starts_with('$') {
        return Err(forbidden(format!(
            "{where_}: operator {key:?} is not allowed"
        )));
    }
    if key.split('.').any(|s| POISON.contains(&s)) || key.contains('\0') {
        return Err(forbidden(format!("{where_}: key {key:?} is not allowed")));
    }
    Ok(())
}

fn allowed<'a>(spec: &'a Spec, where_: &str, field: &str) -> Result<&'a [Op]> {
    spec.filterable
        .get(field)
        .map(|v| v.as_slice())
        .ok_or_else(|| forbidden(format!("{where_}: field {field:?} is not filterable")))
}

fn check_op(where_: &str, field: &str, ops: &[Op], op: Op) -> Result<()> {
    if ops.contains(&op) {
        Ok(())
    } else {
        let list: Vec<&str> = ops.iter().map(|o| o.name()).collect();
        Err(forbidden(format!(
            "{where_}: operator {:?} is not allowed on {field:?} (allowed: {})",
            op.name(),
            list.join(", ")
        )))
    }
}

/// Builds the condition for `field op raw`, coercing by the declared type.
fn make_cond(
    spec: &Spec,
    where_: &str,
    field: &str,
    op: Op,
    raw: &Value,
    from_query: bool,
) -> Result<Cond> {
    let ty = spec.type_of(field);
    let val_err = |why: String| {
        forbidden(format!(
            "{where_}: value of {field:?} ({}): {why}",
            op.name()
        ))
    };
    let value = match op {
        Op::In | Op::Nin => {
            let items: Vec<Value> = match raw {
                Value::Array(a) => a.clone(),
                Value::String(s) if from_query => {
                    s.split(',').map(|p| Value::String(p.to_string())).collect()
                }
                other => return Err(val_err(format!("expected an array, got {other}"))),
            };
            if items.len() > MAX_IN {
                return Err(val_err(format!(
                    "{} values (at most {MAX_IN})",
                    items.len()
                )));
            }
            let mut out = Vec::with_capacity(items.len());
            for it in &items {
                out.push(coerce(ty, it).map_err(val_err)?);
            }
            Node::Arr(out)
        }
        Op::Exists => match raw {
            Value::Bool(b) => Node::Bool(*b),
            Value::String(s) if s == "true" || s == "1" => Node::Bool(true),
            Value::String(s) if s == "false" || s == "0" => Node::Bool(false),
            other => return Err(val_err(format!("expected a boolean, got {other}"))),
        },
        Op::Regex => match raw {
            Value::String(s) if prefix_literal_len(s) <= 256 => Node::Str(prefix_regex(s)),
            other => {
                return Err(val_err(format!(
                    "expected a string of at most 256 characters, got {other}"
                )))
            }
        },
        Op::Gt | Op::Gte | Op::Lt | Op::Lte => {
            if raw.is_null() {
                return Err(val_err("null cannot be compared".into()));
            }
            coerce(ty, raw).map_err(val_err)?
        }
        Op::Eq | Op::Ne => coerce(ty, raw).map_err(val_err)?,
    };
    Ok(Cond {
        field: field.to_string(),
        op,
        value,
    })
}

/// Parses the `filter` parameter of `build` (MongoDB form: `{ f: v }` or
/// `{ f: { $op: v, … } }`), allow-listed by `spec.filterable`.
pub fn parse_filter(spec: &Spec, filter: &Value) -> Result<Vec<Cond>> {
    const W: &str = "filter";
    let obj = match filter {
        Value::Null => return Ok(Vec::new()),
        Value::Object(m) => m,
        other => return Err(forbidden(format!("filter must be an object, got {other}"))),
    };
    let mut out = Vec::new();
    for (field, v) in obj {
        check_key(W, field)?;
        let ops = allowed(spec, W, field)?;
        match v {
            Value::Object(m) if !is_decimal_json(m) => {
                if m.is_empty() {
                    return Err(forbidden(format!(
                        "filter: {field:?} has an empty operator object"
                    )));
                }
                for (k, val) in m {
                    if POISON.contains(&k.as_str()) {
                        return Err(forbidden(format!("filter: key {k:?} is not allowed")));
                    }
                    let op = Op::from_mongo(k).ok_or_else(|| {
                        forbidden(format!(
                            "filter: operator {k:?} is not allowed on {field:?}"
                        ))
                    })?;
                    check_op(W, field, ops, op)?;
                    out.push(make_cond(spec, W, field, op, val, false)?);
                }
            }
            Value::Array(_) => {
                return Err(forbidden(format!(
                    "filter: {field:?} has an array value; use {{ \"$in\": [...] }}"
                )))
            }
            _ => {
                check_op(W, field, ops, Op::Eq)?;
                out.push(make_cond(spec, W, field, Op::Eq, v, false)?);
            }
        }
    }
    Ok(out)
}

fn is_decimal_json(m: &serde_json::Map<String, Value>) -> bool {
    m.len() == 1 && m.get("$numberDecimal").is_some_and(|v| v.is_string())
}

/// Query keys that are pagination parameters, not filters.
pub const RESERVED: [&str; 8] = [
    "page", "limit", "sort", "fields", "cursor", "after", "before", "fromEnd",
];

/// Parses an Express `req.query` (extended `{ price: { gte: '5' } }` or flat
/// `{ 'price[gte]': '5' }`) into conditions. Reserved keys (page, limit, sort, fields, cursor, after, before, fromEnd)
/// are skipped.
pub fn parse_query(spec: &Spec, query: &Value) -> Result<Vec<Cond>> {
    const W: &str = "query";
    let obj = match query {
        Value::Null => return Ok(Vec::new()),
        Value::Object(m) => m,
        other => return Err(forbidden(format!("query must be an object, got {other}"))),
    };
    let mut out = Vec::new();
    for (key, v) in obj {
        if RESERVED.contains(&key.as_str()) {
            continue;
        }
        check_key(W, key)?;
        // Flat form: `price[gte]`.
        if let Some(open) = key.find('[') {
            let field = &key[..open];
            let rest = &key[open..];
            let op_name = rest
                .strip_prefix('[')
                .and_then(|r| r.strip_suffix(']'))
                .filter(|o| !o.contains(['[', ']']))
                .ok_or_else(|| forbidden(format!("query: key {key:?} is not allowed")))?;
            check_key(W, field)?;
            check_key(W, op_name)?;
            let ops = allowed(spec, W, field)?;
            let op = Op::from_name(op_name).ok_or_else(|| {
                forbidden(format!(
                    "query: operator {op_name:?} is not allowed on {field:?}"
                ))
            })?;
            check_op(W, field, ops, op)?;
            out.push(query_cond(spec, field, op, v)?);
            continue;
        }
        let ops = allowed(spec, W, key)?;
        match v {
            Value::Object(m) => {
                if m.is_empty() {
                    return Err(forbidden(format!("query: {key:?} has no operator")));
                }
                for (op_name, val) in m {
                    check_key(W, op_name)?;
                    let op = Op::from_name(op_name).ok_or_else(|| {
                        forbidden(format!(
                            "query: operator {op_name:?} is not allowed on {key:?}"
                        ))
                    })?;
                    check_op(W, key, ops, op)?;
                    out.push(query_cond(spec, key, op, val)?);
                }
            }
            Value::Array(_) => {
                // `?status=a&status=b`: a list means `in`.
                check_op(W, key, ops, Op::In)?;
                out.push(query_cond(spec, key, Op::In, v)?);
            }
            _ => {
                check_op(W, key, ops, Op::Eq)?;
                out.push(query_cond(spec, key, Op::Eq, v)?);
            }
        }
    }
    check_dupes(W, &out)?;
    Ok(out)
}

/// Refuses one operator given twice on one field (`price[gte]` and `price: { gte }`).
fn check_dupes(where_: &str, conds: &[Cond]) -> Result<()> {
    for (i, c) in conds.iter().enumerate() {
        if conds[..i]
            .iter()
            .any(|d| d.field == c.field && d.op == c.op)
        {
            return Err(forbidden(format!(
                "{where_}: operator {:?} is given twice on {:?}",
                c.op.name(),
                c.field
            )));
        }
    }
    Ok(())
}

fn query_cond(spec: &Spec, field: &str, op: Op, v: &Value) -> Result<Cond> {
    // A query value is a string or (for in/nin) a list of strings; nested objects are
    // operators on operators and are refused.
    match v {
        Value::Object(m) => {
            if let Some(k) = m
                .keys()
                .find(|k| k.starts_with('$') || POISON.contains(&k.as_str()))
            {
                return Err(forbidden(format!("query: operator {k:?} is not allowed")));
            }
            return Err(forbidden(format!(
                "query: value of {field:?} ({}) must be a string, got an object",
                op.name()
            )));
        }
        Value::Array(a) if !matches!(op, Op::In | Op::Nin) => {
            let _ = a;
            return Err(forbidden(format!(
                "query: value of {field:?} ({}) must be a single value, got a list",
                op.name()
            )));
        }
        Value::Array(a) => {
            for it in a {
                if it.is_object() || it.is_array() {
                    return Err(forbidden(format!(
                        "query: values of {field:?} ({}) must be strings",
                        op.name()
                    )));
                }
            }
        }
        _ => {}
    }
    make_cond(spec, "query", field, op, v, true)
}
