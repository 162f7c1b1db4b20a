//! The `pipeline` hot path: MongoDB aggregation pipelines from a declarative [`Spec`].
//!
//! `compile(spec)` validates the spec once ([`Compiled::compile`]); every request then
//! resolves its parameters (pagination, sort, allow-listed filter, fields, cursor) into a
//! [`Resolved`] value and assembles stages in the work-minimal order:
//!
//! 1. `$match` first (coerced values + `softDelete`) so an index can serve it;
//! 2. when no filter or sort touches a joined field, `$sort → $skip → $limit` come before
//!    every `$lookup`: lookups are count-preserving by construction (an array lookup never
//!    changes the number of documents; a `single` lookup unwinds with
//!    `preserveNullAndEmptyArrays` and, on a foreign field other than `_id`, takes at most one
//!    match), so cutting the page first returns the same page while the lookups join
//!    `limit` documents instead of every match (MongoDB never moves `$sort/$skip/$limit`
//!    ahead of a `$lookup` by itself);
//! 3. otherwise only the lookups the joined filter or sort needs run before the cut, and
//!    [`Template::plan`] says which and why;
//! 4. `$project` (from `fields`, allow-listed) last; totals by `$facet`, a separate count
//!    pipeline, or none.
//!
//! ## Where the FFI crossing is (and why)
//!
//! A built pipeline is a tree of ~30 small objects. Handing it to JavaScript costs far more
//! than building it. Measured on the release build (`bench/pipeline.bench.js`, vagon-sale
//! spec with 3 lookups, 2 heavily loaded cores, tinybench means, median of 5 rounds): the
//! original design's JS object literal 1.3 µs; the core's built tree through napi's serde
//! conversion 67 µs (serde-wasm-bindgen 86 µs); as JSON text + `JSON.parse` + typed-value
//! revival 51 µs (wasm 48 µs); the template route below 10 µs native / 14 µs wasm by mean,
//! 4.4 µs / 4.6 µs p50 (the literal: 0.54 µs p50; before the page-rules route below). So the
//! core splits its answer in two:
//!
//! - [`Compiled::template`]: the stages for one request *shape* (which sort, which filter
//!   fields and operators, which fields, cursor or page) with [`Node::Slot`] placeholders and
//!   a [`SlotKind`] per slot. The JS side turns it once into a generated function that
//!   returns a fresh object literal and caches it by the shape key;
//! - [`Compiled::prepare`]: per request, validation + coercion only, returning the shape key
//!   and the slot values as a short JSON array.
//!
//! Page/limit changes do not cross at all: `page` and `limit` only fill slots 0 and 1 and
//! never change the shape, so the core exports its page rules once ([`Compiled::page_rules`])
//! and the JS side validates only the *rest* of a request (filter, sort, fields, cursor —
//! all allow-listing stays here), memoised, computing `$limit` / `$skip` itself when both are
//! absent or integer numbers in `1..=MAX_PAGE`; anything else crosses whole, so every
//! message still comes from [`parse_positive`]. Measured (same bench and binary, p50, loaded
//! machine, old vs new JS): page varying over 1000 values 4.8 µs (8.6× the literal) → 1.4 µs
//! (2.5×); a request that must cross (a new filter value each call) 4.7 µs (8.4×) → 3.8 µs
//! (7.0×), the gain there being the cheaper `JSON.stringify` of the parameters.
//!
//! Typed values (ObjectId, Date, Decimal128) cross as plain hex / milliseconds / strings in
//! slots whose kind comes from the spec's `types`; the generated function wraps them in the
//! caller's bson classes. A user value can never become a typed value or an object by
//! itself: user input only ever fills string/number/bool/null slots after coercion.
//! [`Compiled::build`] assembles the same result in Rust (typed leaves serialise as
//! `{"$oid"}`, `{"$date"}`, `{"$numberDecimal"}` markers) for Rust callers and tests.

mod cursor;
mod filter;
mod input;
mod node;
mod sort;
mod spec;
mod values;

#[cfg(test)]
mod tests;

use serde::ser::SerializeSeq;
use serde::{Serialize, Serializer};
use serde_json::Value;

pub use cursor::{
    decode as decode_cursor, encode as encode_cursor_values, spec_key as cursor_spec_key, MAX_TOKEN,
};
pub use filter::{parse_filter, parse_query, Cond, MAX_IN, RESERVED};
pub use input::{parse_json, Input};
pub use node::Node;
pub use sort::{parse_sort, with_tiebreak, SortKey};
pub use spec::{CountMode, FieldType, Lookup, LookupForm, Op, Spec};
pub use values::{escape_regex, is_escaped_prefix, parse_date, prefix_literal_len, prefix_regex};

use crate::{Error, Result};

/// Largest page number accepted.
pub const MAX_PAGE: u64 = (1 << 31) - 1;

/// `$in` with fewer values than this counts as an equality in index advice (ESR).
pub const IN_EQUALITY_MAX: usize = 200;

/// A validated spec, ready to build pipelines.
#[derive(Debug, Clone)]
pub struct Compiled {
    spec: Spec,
    default_sort: Vec<SortKey>,
    /// What binds a cursor token to this spec ([`cursor_spec_key`]).
    cursor_key: String,
}

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
}

/// How the JS side converts one slot value (serialised as its lowercase name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SlotKind {
    /// As it is (string, number, bool, null, or an array of those).
    Raw,
    /// Hex → ObjectId (null stays null).
    Oid,
    /// Milliseconds → Date.
    Date,
    /// String → Decimal128.
    Dec,
    /// Decimal text → bson Long (an Int64 cursor value).
    Long,
    /// Decimal text → bigint (an Int64 cursor value).
    BigInt,
    /// An array of ObjectIds.
    Oids,
    /// An array of Dates.
    Dates,
    /// An array of Decimal128s.
    Decs,
    /// An array of plain values (copied per build).
    Raws,
}

/// The stages for one request shape, with slots for the parameter values. Serialised with
/// camelCase names for the JS side, which turns it into a function per shape.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Template {
    /// The pipeline (with [`Node::Slot`]s).
    pub pipeline: Vec<Node>,
    /// The count pipeline (`count: 'separate'`).
    pub count_pipeline: Option<Vec<Node>>,
    /// Why the stages are in this order (`fast: …` or `slow: …`).
    pub plan: String,
    /// True when `$sort/$skip/$limit` precede every `$lookup`.
    pub fast: bool,
    /// One kind per slot.
    pub slots: Vec<SlotKind>,
    /// The resolved sort (for cursors).
    pub sort: Vec<SortKey>,
    /// How totals are computed (from the spec).
    pub count: CountMode,
}

/// A built pipeline (typed leaves in place of slots).
#[derive(Debug, Clone, PartialEq)]
pub struct Built {
    /// The pipeline.
    pub pipeline: Vec<Node>,
    /// The count pipeline (`count: 'separate'`).
    pub count_pipeline: Option<Vec<Node>>,
    /// Why the stages are in this order.
    pub plan: String,
}

impl Built {
    /// `{ pipeline, countPipeline?, plan }` as a node.
    pub fn to_node(&self) -> Node {
        let mut pairs = vec![("pipeline".to_string(), Node::Arr(self.pipeline.clone()))];
        if let Some(c) = &self.count_pipeline {
            pairs.push(("countPipeline".into(), Node::Arr(c.clone())));
        }
        pairs.push(("plan".into(), Node::Str(self.plan.clone())));
        Node::Obj(pairs)
    }
}

/// Pagination metadata, mongoose-paginate-v2's names where they overlap (serialised with
/// camelCase names, in this order).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Meta {
    /// Matching documents.
    pub total: u64,
    /// Page size.
    pub limit: u64,
    /// The page (None in cursor mode).
    pub current_page: Option<u64>,
    /// `max(1, ceil(total / limit))`, as mongoose-paginate-v2.
    pub total_pages: u64,
    /// Whether a later page exists.
    pub has_next_page: bool,
    /// Whether an earlier page exists.
    pub has_prev_page: bool,
    /// The next page number.
    pub next_page: Option<u64>,
    /// The previous page number.
    pub prev_page: Option<u64>,
}

/// The page/limit rules of a compiled spec (see [`Compiled::page_rules`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRules {
    /// `limit` when none is given.
    pub default_limit: u32,
    /// The largest `limit`; a larger one is clamped to it.
    pub max_limit: u32,
    /// The largest `page` ([`MAX_PAGE`]).
    pub max_page: u32,
}

/// Per request: the shape key (which template) and the slot values in slot order (limit,
/// skip, each condition value, each non-null cursor value). Serialised for the JS side as
/// the array `[shape, v0, v1, …]` with typed values in their plain form (ObjectId as hex,
/// Date as ms, Decimal128 and Int64 as text), which the template's slot kinds revive.
#[derive(Debug, Clone, PartialEq)]
pub struct Prepared {
    /// The shape key ([`Compiled::shape_key`]).
    pub shape: String,
    /// The slot values ([`Compiled::slot_values`]).
    pub values: Vec<Node>,
}

impl Serialize for Prepared {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(1 + self.values.len()))?;
        seq.serialize_element(&self.shape)?;
        for v in &self.values {
            seq.serialize_element(&Plain(v))?;
        }
        seq.end()
    }
}

/// A slot value in its plain JS form: typed leaves as hex / ms / text.
struct Plain<'a>(&'a Node);

impl Serialize for Plain<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self.0 {
            Node::Oid(h) | Node::Decimal(h) => s.serialize_str(h),
            Node::Long(n) | Node::BigInt(n) => s.collect_str(n),
            Node::Date(ms) => s.serialize_i64(*ms),
            Node::Arr(a) => s.collect_seq(a.iter().map(Plain)),
            other => other.serialize(s),
        }
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

const PARAMS: [&str; 6] = ["filter", "page", "limit", "sort", "fields", "cursor"];

impl Compiled {
    /// Validates a spec (`ERR_INVALID_SPEC` naming the field).
    pub fn compile(spec: Spec) -> Result<Compiled> {
        let default_sort = with_tiebreak(spec.validate()?);
        let cursor_key = cursor::spec_key(&spec, &default_sort);
        Ok(Compiled {
            spec,
            default_sort,
            cursor_key,
        })
    }

    /// Parses and validates a spec given as JSON.
    pub fn compile_json(v: &Value) -> Result<Compiled> {
        Compiled::compile(Spec::from_json(v)?)
    }

    /// The spec.
    pub fn spec(&self) -> &Spec {
        &self.spec
    }

    fn limits(&self, params: &Value) -> Result<(u64, u64)> {
        let page = parse_positive("page", params.get("page"))?.unwrap_or(1);
        let limit = parse_positive("limit", params.get("limit"))?
            .unwrap_or(self.spec.default_limit as u64)
            .min(self.spec.max_limit as u64);
        Ok((page, limit))
    }

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
        let cursor = match obj.get("cursor") {
            None | Some(Value::Null) => None,
            Some(Value::String(t)) if t.is_empty() => None,
            Some(Value::String(t)) => Some(cursor::decode(&self.spec, &self.cursor_key, &sort, t)?),
            Some(other) => {
                return Err(Error::InvalidCursor(format!(
                    "cursor must be a string, got {other}"
                )))
            }
        };
        let (page, skip) = if cursor.is_some() {
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
        })
    }

    fn is_joined(&self, field: &str) -> bool {
        self.spec.lookup_of(field).is_some()
    }

    fn cond_slot_kind(&self, c: &Cond) -> SlotKind {
        let ty = self.spec.type_of(&c.field);
        let one = match ty {
            Some(FieldType::ObjectId) => SlotKind::Oid,
            Some(FieldType::Date) => SlotKind::Date,
            Some(FieldType::Decimal) => SlotKind::Dec,
            _ => SlotKind::Raw,
        };
        match c.op {
            Op::Exists | Op::Regex => SlotKind::Raw,
            Op::In | Op::Nin => match one {
                SlotKind::Oid => SlotKind::Oids,
                SlotKind::Date => SlotKind::Dates,
                SlotKind::Dec => SlotKind::Decs,
                _ => SlotKind::Raws,
            },
            _ => one,
        }
    }

    /// The shape key: everything the template depends on, nothing it does not (field names
    /// quoted as JSON strings, so no name can run into the next part).
    pub fn shape_key(&self, r: &Resolved) -> String {
        let mut s: Vec<u8> = Vec::with_capacity(64);
        let quoted = |s: &mut Vec<u8>, text: &str| {
            serde_json::to_writer(s, text).expect("a string serialises");
        };
        s.push(if r.cursor.is_some() { b'c' } else { b'p' });
        for k in &r.sort {
            s.extend_from_slice(if k.dir < 0 { b"|-" } else { b"|+" });
            quoted(&mut s, &k.field);
        }
        s.push(b'#');
        for c in &r.conds {
            quoted(&mut s, &c.field);
            s.push(b':');
            s.extend_from_slice(c.op.name().as_bytes());
            s.push(b';');
        }
        if let Some(f) = &r.fields {
            s.push(b'@');
            serde_json::to_writer(&mut s, f).expect("strings serialise");
        }
        if let Some(cur) = &r.cursor {
            s.push(b'~');
            for v in cur {
                s.push(match v {
                    Node::Null => b'n',
                    Node::Oid(_) => b'o',
                    Node::Date(_) => b'd',
                    Node::Decimal(_) => b'm',
                    Node::Long(_) => b'l',
                    Node::BigInt(_) => b'b',
                    _ => b'r',
                });
            }
        }
        String::from_utf8(s).expect("JSON text and ASCII")
    }

    /// The slot values (typed leaves), in slot order: limit, skip, each condition, each
    /// non-null cursor value.
    pub fn slot_values(&self, r: &Resolved) -> Vec<Node> {
        let mut out = Vec::with_capacity(2 + r.conds.len());
        out.push(Node::Num(r.limit as f64));
        out.push(Node::Num(r.skip as f64));
        for c in &r.conds {
            out.push(c.value.clone());
        }
        if let Some(cur) = &r.cursor {
            out.extend(cur.iter().filter(|v| !matches!(v, Node::Null)).cloned());
        }
        out
    }

    fn lookup_stages(&self, i: usize, out: &mut Vec<Node>) {
        let l = &self.spec.lookups[i];
        let mut sub = Vec::new();
        if self.spec.lookup_form == LookupForm::Let {
            sub.push(Node::one(
                "$match",
                Node::one(
                    "$expr",
                    Node::one(
                        "$eq",
                        Node::Arr(vec![
                            Node::Str(format!("${}", l.foreign_field)),
                            Node::s("$$lf"),
                        ]),
                    ),
                ),
            ));
        }
        if !l.project.is_empty() {
            sub.push(Node::one(
                "$project",
                Node::Obj(
                    l.project
                        .iter()
                        .map(|p| (p.clone(), Node::Num(1.0)))
                        .collect(),
                ),
            ));
        }
        if l.single && l.foreign_field != "_id" {
            sub.push(Node::one("$limit", Node::Num(1.0)));
        }
        let mut body = vec![("from".to_string(), Node::s(&l.from))];
        match self.spec.lookup_form {
            LookupForm::LocalField => {
                body.push(("localField".into(), Node::s(&l.local_field)));
                body.push(("foreignField".into(), Node::s(&l.foreign_field)));
                body.push(("as".into(), Node::s(&l.as_field)));
                if !sub.is_empty() {
                    body.push(("pipeline".into(), Node::Arr(sub)));
                }
            }
            LookupForm::Let => {
                body.push((
                    "let".into(),
                    Node::one("lf", Node::Str(format!("${}", l.local_field))),
                ));
                body.push(("pipeline".into(), Node::Arr(sub)));
                body.push(("as".into(), Node::s(&l.as_field)));
            }
        }
        out.push(Node::one("$lookup", Node::Obj(body)));
        if l.single {
            out.push(Node::one(
                "$unwind",
                Node::obj(vec![
                    ("path", Node::Str(format!("${}", l.as_field))),
                    ("preserveNullAndEmptyArrays", Node::Bool(true)),
                ]),
            ));
        }
    }

    fn match_object(
        &self,
        r: &Resolved,
        joined: bool,
        soft_delete: bool,
        value_of: &dyn Fn(usize) -> Node,
    ) -> Vec<(String, Node)> {
        let mut out: Vec<(String, Node)> = Vec::new();
        for (i, c) in r.conds.iter().enumerate() {
            if self.is_joined(&c.field) != joined {
                continue;
            }
            let val = value_of(2 + i);
            let lone_eq =
                c.op == Op::Eq && r.conds.iter().filter(|d| d.field == c.field).count() == 1;
            if lone_eq {
                out.push((c.field.clone(), val));
                continue;
            }
            let entry = (c.op.mongo().to_string(), val);
            if let Some((_, Node::Obj(pairs))) = out.iter_mut().find(|(k, _)| *k == c.field) {
                pairs.push(entry);
            } else {
                out.push((c.field.clone(), Node::Obj(vec![entry])));
            }
        }
        if !joined && soft_delete {
            if let Some(sd) = &self.spec.soft_delete {
                let sd: Vec<(String, Node)> = sd
                    .iter()
                    .map(|(k, v)| (k.clone(), Node::from_json(v)))
                    .collect();
                if sd.iter().any(|(k, _)| out.iter().any(|(o, _)| o == k)) {
                    out = vec![(
                        "$and".into(),
                        Node::Arr(vec![Node::Obj(sd), Node::Obj(out)]),
                    )];
                } else {
                    out.extend(sd);
                }
            }
        }
        out
    }

    fn seek(&self, r: &Resolved, cur: &[Node]) -> Node {
        // Slot numbers of the non-null cursor values.
        let base = 2 + r.conds.len();
        let mut slot_of = Vec::with_capacity(cur.len());
        let mut next = base;
        for v in cur {
            if matches!(v, Node::Null) {
                slot_of.push(None);
            } else {
                slot_of.push(Some(next));
                next += 1;
            }
        }
        let val = |j: usize| slot_of[j].map(Node::Slot).unwrap_or(Node::Null);
        let mut ors = Vec::new();
        for (i, k) in r.sort.iter().enumerate() {
            let mut conj: Vec<(String, Node)> =
                (0..i).map(|j| (r.sort[j].field.clone(), val(j))).collect();
            let after = match (slot_of[i].is_some(), k.dir > 0) {
                (true, true) => Some((k.field.clone(), Node::one("$gt", val(i)))),
                (true, false) => Some((
                    "$or".to_string(),
                    Node::Arr(vec![
                        Node::one(k.field.clone(), Node::one("$lt", val(i))),
                        Node::one(k.field.clone(), Node::Null),
                    ]),
                )),
                (false, true) => Some((k.field.clone(), Node::one("$ne", Node::Null))),
                (false, false) => None,
            };
            if let Some(a) = after {
                conj.push(a);
                ors.push(Node::Obj(conj));
            }
        }
        Node::one("$match", Node::one("$or", Node::Arr(ors)))
    }

    fn projection(&self, r: &Resolved, fields: &[String]) -> Node {
        let mut paths: Vec<String> = Vec::new();
        let mut add = |p: &str| {
            let covered = paths
                .iter()
                .any(|q| q == p || p.starts_with(&format!("{q}.")));
            if covered {
                return;
            }
            paths.retain(|q| !q.starts_with(&format!("{p}.")));
            paths.push(p.to_string());
        };
        for f in fields {
            add(f);
        }
        for k in &r.sort {
            add(&k.field);
        }
        Node::one(
            "$project",
            Node::Obj(paths.into_iter().map(|p| (p, Node::Num(1.0))).collect()),
        )
    }

    /// The stages for the shape of `r`, with slots.
    pub fn template_for(&self, r: &Resolved) -> Template {
        let spec = &self.spec;
        let slot = |i: usize| Node::Slot(i);
        let mut need_filter: Vec<usize> = Vec::new();
        let mut joined_filter_fields: Vec<&str> = Vec::new();
        for c in &r.conds {
            if let Some(li) = spec.lookup_of(&c.field) {
                if !need_filter.contains(&li) {
                    need_filter.push(li);
                }
                joined_filter_fields.push(&c.field);
            }
        }
        need_filter.sort_unstable();
        let mut need_sort: Vec<usize> = Vec::new();
        let mut joined_sort_fields: Vec<&str> = Vec::new();
        for k in &r.sort {
            if let Some(li) = spec.lookup_of(&k.field) {
                if !need_filter.contains(&li) && !need_sort.contains(&li) {
                    need_sort.push(li);
                }
                joined_sort_fields.push(&k.field);
            }
        }
        need_sort.sort_unstable();
        let rest: Vec<usize> = (0..spec.lookups.len())
            .filter(|i| !need_filter.contains(i) && !need_sort.contains(i))
            .collect();

        let mut pre = Vec::new();
        let local = self.match_object(r, false, true, &slot);
        if !local.is_empty() {
            pre.push(Node::one("$match", Node::Obj(local)));
        }
        for &i in &need_filter {
            self.lookup_stages(i, &mut pre);
        }
        if !need_filter.is_empty() {
            pre.push(Node::one(
                "$match",
                Node::Obj(self.match_object(r, true, false, &slot)),
            ));
        }
        let mut data = Vec::new();
        for &i in &need_sort {
            self.lookup_stages(i, &mut data);
        }
        if let Some(cur) = &r.cursor {
            data.push(self.seek(r, cur));
        }
        data.push(Node::one(
            "$sort",
            Node::Obj(
                r.sort
                    .iter()
                    .map(|k| (k.field.clone(), Node::Num(k.dir as f64)))
                    .collect(),
            ),
        ));
        if r.cursor.is_none() {
            data.push(Node::one("$skip", Node::Slot(1)));
        }
        data.push(Node::one("$limit", Node::Slot(0)));
        for &i in &rest {
            self.lookup_stages(i, &mut data);
        }
        if let Some(f) = &r.fields {
            data.push(self.projection(r, f));
        }

        let count_stage = Node::one("$count", Node::s("n"));
        let (pipeline, count_pipeline) = match spec.count {
            CountMode::Facet => {
                let mut p = pre;
                p.push(Node::one(
                    "$facet",
                    Node::obj(vec![
                        ("data", Node::Arr(data)),
                        ("total", Node::Arr(vec![count_stage])),
                    ]),
                ));
                (p, None)
            }
            CountMode::Separate => {
                let mut c = pre.clone();
                c.push(count_stage);
                let mut p = pre;
                p.extend(data);
                (p, Some(c))
            }
            CountMode::None => {
                let mut p = pre;
                p.extend(data);
                (p, None)
            }
        };

        let n = spec.lookups.len();
        let fast = need_filter.is_empty() && need_sort.is_empty();
        let plan = if n == 0 {
            "fast: no $lookup; $match, then $sort/$skip/$limit".to_string()
        } else if fast {
            format!(
                "fast: $match, then $sort/$skip/$limit before all {n} $lookup stage(s), so each lookup joins one page, not every match"
            )
        } else {
            let mut why = Vec::new();
            for f in &joined_filter_fields {
                why.push(format!(
                    "filter on joined field {f:?} needs its $lookup before $match"
                ));
            }
            for f in &joined_sort_fields {
                why.push(format!(
                    "sort key {f:?} is a joined field, so its $lookup runs before $sort"
                ));
            }
            format!(
                "slow: {}; {} of {n} $lookup stage(s) run for every match, the other {} after $limit",
                why.join("; "),
                need_filter.len() + need_sort.len(),
                rest.len()
            )
        };

        let mut slots = vec![SlotKind::Raw, SlotKind::Raw];
        for c in &r.conds {
            slots.push(self.cond_slot_kind(c));
        }
        if let Some(cur) = &r.cursor {
            for v in cur {
                match v {
                    Node::Null => {}
                    Node::Oid(_) => slots.push(SlotKind::Oid),
                    Node::Date(_) => slots.push(SlotKind::Date),
                    Node::Decimal(_) => slots.push(SlotKind::Dec),
                    Node::Long(_) => slots.push(SlotKind::Long),
                    Node::BigInt(_) => slots.push(SlotKind::BigInt),
                    _ => slots.push(SlotKind::Raw),
                }
            }
        }
        Template {
            pipeline,
            count_pipeline,
            plan,
            fast,
            slots,
            sort: r.sort.clone(),
            count: spec.count,
        }
    }

    /// The template for these parameters (validates them first).
    pub fn template(&self, params: &Value) -> Result<Template> {
        Ok(self.template_for(&self.resolve(params)?))
    }

    /// The built pipeline (typed leaves in place of slots).
    pub fn build(&self, params: &Value) -> Result<Built> {
        let r = self.resolve(params)?;
        let t = self.template_for(&r);
        let vals = self.slot_values(&r);
        let fill =
            |stages: &Vec<Node>| -> Vec<Node> { stages.iter().map(|s| s.fill(&vals)).collect() };
        Ok(Built {
            pipeline: fill(&t.pipeline),
            count_pipeline: t.count_pipeline.as_ref().map(fill),
            plan: t.plan,
        })
    }

    /// The page/limit rules as data, handed to JS once per compiled spec: when only `page` /
    /// `limit` differ from a request the core already validated, and both are absent or
    /// integer numbers in `1..=MAX_PAGE`, the JS side computes the two slots
    /// (`limit = min(limit ?? defaultLimit, maxLimit)`, `skip = (page - 1) * limit`, 0 in
    /// cursor mode) without crossing. Anything else (strings, fractions, out of range) still
    /// goes through [`parse_positive`] here. No allow-listing depends on these numbers.
    pub fn page_rules(&self) -> PageRules {
        PageRules {
            default_limit: self.spec.default_limit,
            max_limit: self.spec.max_limit,
            max_page: MAX_PAGE as u32,
        }
    }

    /// Per request: validation and coercion only, giving the shape key and the slot values.
    pub fn prepare(&self, params: &Value) -> Result<Prepared> {
        let r = self.resolve(params)?;
        Ok(Prepared {
            shape: self.shape_key(&r),
            values: self.slot_values(&r),
        })
    }

    /// `filterFromQuery`: a typed MongoDB filter from an Express `req.query`.
    pub fn filter_from_query(&self, query: &Value) -> Result<Node> {
        let conds = parse_query(&self.spec, query)?;
        let r = Resolved {
            page: 1,
            limit: 1,
            skip: 0,
            sort: Vec::new(),
            conds,
            fields: None,
            cursor: None,
        };
        let vals = self.slot_values(&r);
        let mut pairs = self.match_object(&r, false, false, &|i| vals[i].clone());
        pairs.extend(self.match_object(&r, true, false, &|i| vals[i].clone()));
        Ok(Node::Obj(pairs))
    }

    /// Pagination metadata for `total` matching documents.
    pub fn meta(&self, total: f64, params: &Value) -> Result<Meta> {
        if !(total.is_finite() && total >= 0.0 && total.fract() == 0.0 && total < 9.007e15) {
            return Err(Error::InvalidPagination(format!(
                "total must be a non-negative integer, got {total}"
            )));
        }
        let total = total as u64;
        let (page, limit) = self.limits(params)?;
        let cursor_mode = matches!(params.get("cursor"), Some(Value::String(s)) if !s.is_empty());
        let total_pages = total.div_ceil(limit).max(1);
        if cursor_mode {
            return Ok(Meta {
                total,
                limit,
                current_page: None,
                total_pages,
                has_next_page: false,
                has_prev_page: true,
                next_page: None,
                prev_page: None,
            });
        }
        let has_next = page < total_pages;
        let has_prev = page > 1;
        Ok(Meta {
            total,
            limit,
            current_page: Some(page),
            total_pages,
            has_next_page: has_next,
            has_prev_page: has_prev,
            next_page: has_next.then_some(page + 1),
            prev_page: has_prev.then_some(page - 1),
        })
    }

    /// A compound index for these parameters by the ESR rule: equality fields (including
    /// `softDelete` equalities and `$in` with fewer than 200 values), then the sort keys in
    /// their directions (ending with `_id`), then range fields. Joined fields are left out.
    pub fn suggest_index(&self, params: &Value) -> Result<Vec<(String, i32)>> {
        let r = self.resolve(params)?;
        let mut out: Vec<(String, i32)> = Vec::new();
        let push = |f: &str, d: i32, out: &mut Vec<(String, i32)>| {
            if !out.iter().any(|(g, _)| g == f) {
                out.push((f.to_string(), d));
            }
        };
        if let Some(sd) = &self.spec.soft_delete {
            for (k, v) in sd {
                if !v.is_object() {
                    push(k, 1, &mut out);
                }
            }
        }
        let is_eq = |c: &Cond| match (c.op, &c.value) {
            (Op::Eq, _) => true,
            (Op::In, Node::Arr(a)) => a.len() < IN_EQUALITY_MAX,
            _ => false,
        };
        for c in r.conds.iter().filter(|c| !self.is_joined(&c.field)) {
            if is_eq(c) {
                push(&c.field, 1, &mut out);
            }
        }
        if !r.sort.iter().any(|k| self.is_joined(&k.field)) {
            for k in &r.sort {
                push(&k.field, k.dir, &mut out);
            }
        }
        for c in r.conds.iter().filter(|c| !self.is_joined(&c.field)) {
            if !is_eq(c) {
                push(&c.field, 1, &mut out);
            }
        }
        if let Some(sd) = &self.spec.soft_delete {
            for (k, v) in sd {
                if v.is_object() {
                    push(k, 1, &mut out);
                }
            }
        }
        Ok(out)
    }

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
            vals.push(cursor::parse_tagged(&k.field, v)?);
        }
        cursor::encode(&self.spec, &self.cursor_key, &keys, &vals)
    }
}
