//! Sort parameters: `"-createdAt name"`, `"createdAt:desc"`, `[["createdAt", -1]]`, or a
//! one-key object. (A several-key object loses its order in JSON → Rust, so the JS wrapper
//! passes objects as `Object.entries`.)

use crate::{Error, Result};

/// One sort key; serialised as `[field, dir]`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SortKey {
    /// The field path.
    pub field: String,
    /// 1 (ascending) or -1 (descending).
    pub dir: i32,
}

impl serde::Serialize for SortKey {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        (&self.field, self.dir).serialize(s)
    }
}

fn bad(msg: String) -> Error {
    Error::InvalidPagination(msg)
}

fn parse_dir(field: &str, v: &serde_json::Value) -> Result<i32> {
    let d = match v {
        serde_json::Value::Number(n) => {
            let x = n.as_f64().unwrap_or(0.0);
            if x == 1.0 {
                Some(1)
            } else if x == -1.0 {
                Some(-1)
            } else {
                None
            }
        }
        serde_json::Value::String(s) => match s.to_ascii_lowercase().as_str() {
            "1" | "asc" | "ascending" => Some(1),
            "-1" | "desc" | "descending" => Some(-1),
            _ => None,
        },
        _ => None,
    };
    d.ok_or_else(|| {
        bad(format!(
            "sort direction of {field:?} must be 1, -1, 'asc' or 'desc', got {v}"
        ))
    })
}

/// Parses a sort parameter (without the `_id` tiebreak).
pub fn parse_sort(v: &serde_json::Value) -> Result<Vec<SortKey>> {
    let mut out: Vec<SortKey> = Vec::new();
    match v {
        serde_json::Value::String(s) => {
            for tok in s.split(|c: char| c == ',' || c.is_whitespace()) {
                if tok.is_empty() {
                    continue;
                }
                let (field, dir) = if let Some((f, d)) = tok.split_once(':') {
                    (f, parse_dir(f, &serde_json::Value::String(d.into()))?)
                } else if let Some(f) = tok.strip_prefix('-') {
                    (f, -1)
                } else if let Some(f) = tok.strip_prefix('+') {
                    (f, 1)
                } else {
                    (tok, 1)
                };
                out.push(SortKey {
                    field: field.to_string(),
                    dir,
                });
            }
        }
        serde_json::Value::Array(items) => {
            for it in items {
                match it {
                    serde_json::Value::Array(pair) if pair.len() == 2 => {
                        let f = pair[0].as_str().ok_or_else(|| {
                            bad(format!("sort key must be a string, got {}", pair[0]))
                        })?;
                        out.push(SortKey {
                            field: f.to_string(),
                            dir: parse_dir(f, &pair[1])?,
                        });
                    }
                    other => {
                        return Err(bad(format!(
                            "sort as an array must hold [key, direction] pairs, got {other}"
                        )))
                    }
                }
            }
        }
        serde_json::Value::Object(m) => {
            if m.len() > 1 {
                return Err(bad(
                    "sort with several keys must be a string or [key, direction] pairs (object key order is lost)".into(),
                ));
            }
            for (k, d) in m {
                out.push(SortKey {
                    field: k.clone(),
                    dir: parse_dir(k, d)?,
                });
            }
        }
        other => {
            return Err(bad(format!(
                "sort must be a string, [key, direction] pairs or an object, got {other}"
            )))
        }
    }
    for (i, k) in out.iter().enumerate() {
        if out[..i].iter().any(|p| p.field == k.field) {
            return Err(bad(format!("sort names {:?} twice", k.field)));
        }
    }
    if out.len() > 32 {
        return Err(bad(format!("sort has {} keys (at most 32)", out.len())));
    }
    Ok(out)
}

/// Appends the `_id` tiebreak in the direction of the last key (unless `_id` is a key).
pub fn with_tiebreak(mut keys: Vec<SortKey>) -> Vec<SortKey> {
    if !keys.iter().any(|k| k.field == "_id") {
        let dir = keys.last().map(|k| k.dir).unwrap_or(-1);
        keys.push(SortKey {
            field: "_id".into(),
            dir,
        });
    }
    keys
}
