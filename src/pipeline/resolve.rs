//! Request parameters → [`Resolved`]: pagination, sort, allow-listed filter, fields and
//! cursor, validated and coerced.

use serde_json::Value;

use super::{
    cursor, parse_filter, parse_sort, with_tiebreak, Compiled, Cond, Node, SortKey, MAX_PAGE,
};
use crate::{Error, Result};

/// Request parameters after validation and coercion.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolved {
    /// 1-based page (1 in cursor mode).
    pub page: u64,
    /// Page size after clamping to `maxLimit`.
    pub limit: u64,
    /// Documents skipped (`(page - 1) * limit`, 0 in cursor mode).
    pub skip: u64,
    /// The sort, ending with the `_id` tiebreak.
    pub sort: Vec<SortKey>,
    /// The filter conditions.
    pub conds: Vec<Cond>,
    /// Selected fields, when `fields` was given.
    pub fields: Option<Vec<String>>,
    /// The decoded cursor values (one per sort key), in cursor mode.
    pub cursor: Option<Vec<Node>>,
    /// Paging backwards (`before`, or `fromEnd`): the stages seek and sort in the reversed
    /// order, cut the page, then sort it back; `sort` stays the forward sort.
    pub backward: bool,
}

impl Resolved {
    /// Keyset mode (a cursor, or `fromEnd`): no `$skip`, page 1.
    pub fn keyset(&self) -> bool {
        self.cursor.is_some() || self.backward
    }

    /// The sort the seek, `$sort` and `$limit` run under (reversed when backward).
    pub fn query_sort(&self) -> Vec<SortKey> {
        if !self.backward {
            return self.sort.clone();
        }
        self.sort
            .iter()
            .map(|k| SortKey {
                field: k.field.clone(),
                dir: -k.dir,
            })
            .collect()
    }
}

fn pag(msg: String) -> Error {
    Error::InvalidPagination(msg)
}

/// Parses `page` / `limit`: a positive integer number or a string of digits; absent or
/// null → None. A `page` above [`MAX_PAGE`] is an error; a huge `limit` saturates (it is
/// clamped to `maxLimit` by the caller).
pub fn parse_positive(name: &str, v: Option<&Value>) -> Result<Option<u64>> {
    let saturate = name == "limit";
    let too_large = |v: &Value| -> Result<Option<u64>> {
        if saturate {
            Ok(Some(MAX_PAGE))
        } else {
            Err(pag(format!(
                "{name} is too large (at most {MAX_PAGE}), got {v}"
            )))
        }
    };
    let v = match v {
        None | Some(Value::Null) => return Ok(None),
        Some(v) => v,
    };
    let n = match v {
        Value::Number(n) => {
            let x = n.as_f64().unwrap_or(f64::NAN);
            // JSON.stringify writes every integer below 2^53 without fraction or exponent,
            // and serde_json's parse may round a fraction away, so a number written with a
            // fraction or exponent below 2^53 is not an integer.
            let rounded = n.is_f64() && x.abs() < 9.007_199_254_740_992e15;
            if x.fract() != 0.0 || !x.is_finite() || rounded {
                return Err(pag(format!("{name} must be an integer, got {v}")));
            }
            if x < 1.0 {
                return Err(pag(format!("{name} must be at least 1, got {v}")));
            }
            if x > MAX_PAGE as f64 {
                return too_large(v);
            }
            x as u64
        }
        Value::String(s) => {
            if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
                return Err(pag(format!("{name} must be a positive integer, got {v}")));
            }
            let digits = s.trim_start_matches('0');
            if digits.is_empty() {
                return Err(pag(format!("{name} must be at least 1, got {v}")));
            }
            if digits.len() > 10 {
                return too_large(v);
            }
            let x: u64 = digits.parse().unwrap_or(u64::MAX);
            if x > MAX_PAGE {
                return too_large(v);
            }
            x
        }
        Value::Array(_) => {
            return Err(pag(format!(
                "{name} must be a single value, got an array {v}"
            )))
        }
        _ => return Err(pag(format!("{name} must be a positive integer, got {v}"))),
    };
    Ok(Some(n))
}

const PARAMS: [&str; 9] = [
    "filter", "page", "limit", "sort", "fields", "cursor", "after", "before", "fromEnd",
];

/// A token parameter: absent, null or `""` → None.
fn token<'a>(obj: &'a serde_json::Map<String, Value>, name: &str) -> Result<Option<&'a str>> {
    match obj.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(t)) if t.is_empty() => Ok(None),
        Some(Value::String(t)) => Ok(Some(t)),
        Some(other) => Err(Error::InvalidCursor(format!(
            "{name} must be a string, got {other}"
        ))),
    }
}

/// Which way a keyset request pages: `(token, backward)`, from `cursor` / `after`
/// (forwards), `before` (backwards) or `fromEnd: true` (backwards from the end, no token).
/// At most one of them.
fn direction(obj: &serde_json::Map<String, Value>) -> Result<(Option<&str>, bool)> {
    let from_end = match obj.get("fromEnd") {
        None | Some(Value::Null) | Some(Value::Bool(false)) => false,
        Some(Value::Bool(true)) => true,
        Some(Value::String(s)) if s == "true" || s == "1" => true,
        Some(Value::String(s)) if s == "false" || s == "0" || s.is_empty() => false,
        Some(other) => {
            return Err(Error::InvalidCursor(format!(
                "fromEnd must be true or false, got {other}"
            )))
        }
    };
    let given: Vec<(&str, &str)> = ["cursor", "after", "before"]
        .into_iter()
        .map(|n| Ok(token(obj, n)?.map(|t| (n, t))))
        .collect::<Result<Vec<_>>>()?
        .into_iter()
        .flatten()
        .collect();
    let mut names: Vec<&str> = given.iter().map(|(n, _)| *n).collect();
    if from_end {
        names.push("fromEnd");
    }
    if names.len() > 1 {
        return Err(Error::InvalidCursor(format!(
            "give one of cursor, after, before and fromEnd, got {}",
            names.join(" and ")
        )));
    }
    Ok(match given.first() {
        Some(&(name, t)) => (Some(t), name == "before"),
        None => (None, from_end),
    })
}

impl Compiled {
    fn resolve_sort(&self, v: Option<&Value>) -> Result<Vec<SortKey>> {
        // `default_sort` already ends with the tiebreak.
        let keys = match v {
            None | Some(Value::Null) => return Ok(self.default_sort.clone()),
            Some(Value::String(s)) if s.trim().is_empty() => return Ok(self.default_sort.clone()),
            Some(v) => {
                let keys = parse_sort(v)?;
                for k in &keys {
                    if k.field.starts_with('$') {
                        return Err(Error::ForbiddenOperator(format!(
                            "sort: operator {:?} is not allowed",
                            k.field
                        )));
                    }
                    if k.field != "_id" && !self.spec.sortable.contains(&k.field) {
                        return Err(Error::ForbiddenOperator(format!(
                            "sort: field {:?} is not sortable",
                            k.field
                        )));
                    }
                }
                if keys.is_empty() {
                    return Ok(self.default_sort.clone());
                }
                keys
            }
        };
        Ok(with_tiebreak(keys))
    }

    fn resolve_fields(&self, v: Option<&Value>) -> Result<Option<Vec<String>>> {
        let list: Vec<String> = match v {
            None | Some(Value::Null) => return Ok(None),
            Some(Value::String(s)) => s
                .split(',')
                .map(|p| p.trim().to_string())
                .filter(|p| !p.is_empty())
                .collect(),
            Some(Value::Array(a)) => {
                let mut out = Vec::new();
                for it in a {
                    match it.as_str() {
                        Some(s) => out.push(s.trim().to_string()),
                        None => {
                            return Err(Error::ForbiddenOperator(format!(
                                "fields must be names, got {it}"
                            )))
                        }
                    }
                }
                out
            }
            Some(other) => {
                return Err(Error::ForbiddenOperator(format!(
                    "fields must be a comma-separated string or an array, got {other}"
                )))
            }
        };
        if list.is_empty() {
            return Ok(None);
        }
        let Some(sel) = &self.spec.selectable else {
            return Err(Error::ForbiddenOperator(format!(
                "fields: field {:?} is not selectable (spec.selectable is not set)",
                list[0]
            )));
        };
        for f in &list {
            if f.starts_with('$') {
                return Err(Error::ForbiddenOperator(format!(
                    "fields: operator {f:?} is not allowed"
                )));
            }
            if !sel.contains(f) {
                return Err(Error::ForbiddenOperator(format!(
                    "fields: field {f:?} is not selectable"
                )));
            }
        }
        Ok(Some(list))
    }

    /// Validates and coerces request parameters `{ filter, page, limit, sort, fields, cursor }`.
    pub fn resolve(&self, params: &Value) -> Result<Resolved> {
        let empty = serde_json::Map::new();
        let obj = match params {
            Value::Null => &empty,
            Value::Object(m) => m,
            other => {
                return Err(Error::InvalidPagination(format!(
                    "params must be an object, got {other}"
                )))
            }
        };
        if let Some(k) = obj.keys().find(|k| !PARAMS.contains(&k.as_str())) {
            return Err(Error::ForbiddenOperator(format!(
                "parameter {k:?} is not allowed (known: {})",
                PARAMS.join(", ")
            )));
        }
        let (page, limit) = self.limits(params)?;
        let sort = self.resolve_sort(obj.get("sort"))?;
        let conds = parse_filter(&self.spec, obj.get("filter").unwrap_or(&Value::Null))?;
        let fields = self.resolve_fields(obj.get("fields"))?;
        let (token, backward) = direction(obj)?;
        let cursor = match token {
            Some(t) => Some(cursor::decode(&self.spec, &self.cursor_key, &sort, t)?),
            None => None,
        };
        let (page, skip) = if cursor.is_some() || backward {
            (1, 0)
        } else {
            (page, (page - 1) * limit)
        };
        Ok(Resolved {
            page,
            limit,
            skip,
            sort,
            conds,
            fields,
            cursor,
            backward,
        })
    }
}
