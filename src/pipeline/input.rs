//! JSON text from the JS side, parsed with errors that name the parameter.
//!
//! Every value crosses the FFI as `JSON.stringify` text. A JS string may hold a lone
//! surrogate (a JSON body can carry `"\ud800"`); `JSON.stringify` writes it as a `\uD800`
//! escape, which no Rust `String` can hold, so serde_json refuses the whole text. That is
//! bad input, not a bug: [`parse_json`] finds the escape and returns the error the
//! parameter holding it gets for other bad values (a 4xx in HTTP), naming it. Any other
//! parse failure is a wrapper bug (`ERR_INTERNAL`). Valid text pays nothing extra: the
//! search runs only after serde_json has failed.

use serde_json::Value;

use crate::{Error, Result};

/// Which JSON text is being read (decides the error code and the names in the message).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    /// A spec (`compile`): `ERR_INVALID_SPEC` naming `spec.<field>`.
    Spec,
    /// Request parameters (`build`, `meta`, `suggestIndex`): by parameter — `page` / `limit`
    /// `ERR_INVALID_PAGINATION`, `cursor` `ERR_INVALID_CURSOR`, `filter` / `sort` / `fields`
    /// and unknown names `ERR_FORBIDDEN_OPERATOR`.
    Params,
    /// An Express `req.query` (`filterFromQuery`): the reserved keys as in [`Input::Params`],
    /// every other key is a filter field (`ERR_FORBIDDEN_OPERATOR`).
    Query,
    /// The sort or the values of a result document (`encodeCursor`): `ERR_INVALID_CURSOR`.
    Cursor,
}

impl Input {
    fn name(self) -> &'static str {
        match self {
            Input::Spec => "spec",
            Input::Params => "params",
            Input::Query => "query",
            Input::Cursor => "cursor",
        }
    }
}

/// Parses JSON text written by the JS wrapper.
pub fn parse_json(what: Input, text: &str) -> Result<Value> {
    serde_json::from_str(text).map_err(|e| match lone_surrogate(text) {
        Some(found) => refuse(what, &found),
        None => Error::Internal(format!(
            "{} is not valid JSON ({e}); the JS wrapper should have encoded it",
            what.name()
        )),
    })
}

/// Where the first lone-surrogate escape is.
#[derive(Debug, PartialEq)]
struct Found {
    /// The object keys leading to the string that holds it (outermost first).
    path: Vec<String>,
    /// The string holding it is itself a key (of the object at `path`).
    in_key: bool,
    /// The escape as written, e.g. `\ud800`.
    escape: String,
}

struct Frame {
    object: bool,
    expect_key: bool,
    /// The byte range of the last key read in this object (without the quotes).
    key: Option<(usize, usize)>,
}

fn hex4(text: &str, at: usize) -> Option<u32> {
    let h = text.get(at..at + 4)?;
    if !h.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u32::from_str_radix(h, 16).ok()
}

/// The first `\uD800`–`\uDFFF` escape not part of a high + low pair, in a string of `text`.
fn lone_surrogate(text: &str) -> Option<Found> {
    let b = text.as_bytes();
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            open @ (b'{' | b'[') => stack.push(Frame {
                object: open == b'{',
                expect_key: open == b'{',
                key: None,
            }),
            b'}' | b']' => {
                stack.pop();
            }
            b',' => {
                if let Some(f) = stack.last_mut() {
                    f.expect_key = f.object;
                }
            }
            b':' => {
                if let Some(f) = stack.last_mut() {
                    f.expect_key = false;
                }
            }
            b'"' => {
                let start = i + 1;
                let is_key = stack.last().is_some_and(|f| f.object && f.expect_key);
                let mut j = start;
                while j < b.len() && b[j] != b'"' {
                    if b[j] != b'\\' {
                        j += 1;
                        continue;
                    }
                    if b.get(j + 1) != Some(&b'u') {
                        j += 2;
                        continue;
                    }
                    let unit = hex4(text, j + 2)?;
                    let paired = (0xD800..0xDC00).contains(&unit)
                        && text.get(j + 6..j + 8) == Some("\\u")
                        && hex4(text, j + 8).is_some_and(|l| (0xDC00..0xE000).contains(&l));
                    if paired {
                        j += 12;
                    } else if (0xD800..0xE000).contains(&unit) {
                        return Some(found(text, &stack, is_key, &text[j..j + 6]));
                    } else {
                        j += 6;
                    }
                }
                if is_key {
                    if let Some(f) = stack.last_mut() {
                        f.key = Some((start, j));
                    }
                }
                i = j;
            }
            _ => {}
        }
        i += 1;
    }
    None
}

fn found(text: &str, stack: &[Frame], in_key: bool, escape: &str) -> Found {
    let n = stack.len();
    let path = stack
        .iter()
        .enumerate()
        .filter(|(d, f)| f.object && !(in_key && d + 1 == n))
        .filter_map(|(_, f)| f.key)
        .map(|(s, e)| {
            let raw = &text[s - 1..=e];
            serde_json::from_str::<String>(raw).unwrap_or_else(|_| text[s..e].to_string())
        })
        .collect();
    Found {
        path,
        in_key,
        escape: escape.to_string(),
    }
}

/// The error for a lone surrogate at `f` in a text of kind `what`.
fn refuse(what: Input, f: &Found) -> Error {
    let mut at = String::from(match what {
        Input::Spec => "spec",
        Input::Cursor => "cursor",
        Input::Query => "query",
        Input::Params => "",
    });
    for k in &f.path {
        if !at.is_empty() {
            at.push('.');
        }
        at.push_str(k);
    }
    let holder = if f.in_key { "a key" } else { "the value" };
    let msg = if at.is_empty() {
        format!(
            "parameter names must be well-formed Unicode: {holder} holds a lone surrogate \"{}\"",
            f.escape
        )
    } else {
        format!(
            "{at}: {holder} holds a lone surrogate \"{}\" (not well-formed Unicode)",
            f.escape
        )
    };
    match what {
        Input::Spec => Error::InvalidSpec(msg),
        Input::Cursor => Error::InvalidCursor(msg),
        Input::Params | Input::Query => match f.path.first().map(String::as_str) {
            Some("page" | "limit") => Error::InvalidPagination(msg),
            Some("cursor") => Error::InvalidCursor(msg),
            _ => Error::ForbiddenOperator(msg),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(what: Input, text: &str) -> (String, String) {
        let e = parse_json(what, text).unwrap_err();
        (e.code().to_string(), e.message().to_string())
    }

    #[test]
    fn valid_text_parses_pairs_included() {
        let v = parse_json(Input::Params, r#"{"filter":{"a":"\ud83d\ude00\\ud800"}}"#).unwrap();
        assert_eq!(v["filter"]["a"], "😀\\ud800");
    }

    #[test]
    fn lone_surrogates_name_the_parameter_with_its_code() {
        let cases = [
            (
                r#"{"filter":{"status":"a\ud800"}}"#,
                "ERR_FORBIDDEN_OPERATOR",
                "filter.status: the value",
            ),
            (
                r#"{"filter":{"name":{"$in":["x","\udc00"]}}}"#,
                "ERR_FORBIDDEN_OPERATOR",
                "filter.name.$in: the value",
            ),
            (
                r#"{"filter":{"st\ud800":1}}"#,
                "ERR_FORBIDDEN_OPERATOR",
                "filter: a key",
            ),
            (
                r#"{"sort":[["a\udfff",1]]}"#,
                "ERR_FORBIDDEN_OPERATOR",
                "sort: the value",
            ),
            (r#"{"page":"\ud800"}"#, "ERR_INVALID_PAGINATION", "page:"),
            (r#"{"limit":"1\ud800"}"#, "ERR_INVALID_PAGINATION", "limit:"),
            (r#"{"cursor":"e\ud800"}"#, "ERR_INVALID_CURSOR", "cursor:"),
            (
                r#"{"x\ud800":1}"#,
                "ERR_FORBIDDEN_OPERATOR",
                "parameter names must",
            ),
            // A high surrogate followed by another high one, or by a non-escape.
            (
                r#"{"fields":"\ud800\ud800"}"#,
                "ERR_FORBIDDEN_OPERATOR",
                "fields:",
            ),
            (r#"{"sort":"\ud800x"}"#, "ERR_FORBIDDEN_OPERATOR", "sort:"),
        ];
        for (text, code, start) in cases {
            let (c, m) = err(Input::Params, text);
            assert_eq!(c, code, "{text}: {m}");
            assert!(m.starts_with(start), "{text}: {m}");
            assert!(m.contains("\"\\u"), "{text}: {m}");
        }
    }

    #[test]
    fn other_inputs() {
        let (c, m) = err(Input::Spec, r#"{"collection":"c\ud800"}"#);
        assert_eq!(
            (c.as_str(), m.starts_with("spec.collection:")),
            ("ERR_INVALID_SPEC", true)
        );
        let (c, m) = err(Input::Query, r#"{"amount[gte]":"\udc00"}"#);
        assert_eq!(c, "ERR_FORBIDDEN_OPERATOR");
        assert!(m.starts_with("query.amount[gte]:"), "{m}");
        let (c, _) = err(Input::Query, r#"{"page":"\udc00"}"#);
        assert_eq!(c, "ERR_INVALID_PAGINATION");
        let (c, _) = err(Input::Cursor, r#"[["str","\udc00"]]"#);
        assert_eq!(c, "ERR_INVALID_CURSOR");
    }

    #[test]
    fn other_syntax_errors_stay_internal() {
        assert_eq!(err(Input::Params, "{").0, "ERR_INTERNAL");
        assert_eq!(err(Input::Params, r#"{"a":"\u12"}"#).0, "ERR_INTERNAL");
        assert_eq!(lone_surrogate(r#"{"a":"\\ud800"}"#), None);
    }
}
