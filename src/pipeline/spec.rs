//! The declarative spec ([`Spec`]) and its validation at compile time.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::sort::{parse_sort, SortKey};
use crate::{Error, Result};

/// The BSON type a field is coerced to before it reaches `$match` or a cursor predicate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum FieldType {
    /// 24 hex digits → ObjectId.
    ObjectId,
    /// ISO-8601 string or epoch milliseconds → Date.
    Date,
    /// A number or numeric string → double.
    Number,
    /// Kept as a string.
    String,
    /// `true`/`false` (also `"true"`, `"false"`, `"1"`, `"0"`).
    Bool,
    /// A decimal string → Decimal128.
    Decimal,
}

impl FieldType {
    /// The spelling used in specs and messages.
    pub fn name(self) -> &'static str {
        match self {
            FieldType::ObjectId => "objectId",
            FieldType::Date => "date",
            FieldType::Number => "number",
            FieldType::String => "string",
            FieldType::Bool => "bool",
            FieldType::Decimal => "decimal",
        }
    }
}

/// A filter operator a field may allow (`filterable`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Op {
    /// Equality (`{ f: v }`).
    Eq,
    /// `$ne`.
    Ne,
    /// `$in` (an array, or a comma-separated string from a query).
    In,
    /// `$nin`.
    Nin,
    /// `$gt`.
    Gt,
    /// `$gte`.
    Gte,
    /// `$lt`.
    Lt,
    /// `$lte`.
    Lte,
    /// `$exists` (boolean).
    Exists,
    /// `$regex`, only as an escaped prefix search (`^literal`).
    Regex,
}

impl Op {
    /// Every operator.
    pub const ALL: [Op; 10] = [
        Op::Eq,
        Op::Ne,
        Op::In,
        Op::Nin,
        Op::Gt,
        Op::Gte,
        Op::Lt,
        Op::Lte,
        Op::Exists,
        Op::Regex,
    ];

    /// The name without `$` (`gte`).
    pub fn name(self) -> &'static str {
        match self {
            Op::Eq => "eq",
            Op::Ne => "ne",
            Op::In => "in",
            Op::Nin => "nin",
            Op::Gt => "gt",
            Op::Gte => "gte",
            Op::Lt => "lt",
            Op::Lte => "lte",
            Op::Exists => "exists",
            Op::Regex => "regex",
        }
    }

    /// The MongoDB operator (`$gte`).
    pub fn mongo(self) -> &'static str {
        match self {
            Op::Eq => "$eq",
            Op::Ne => "$ne",
            Op::In => "$in",
            Op::Nin => "$nin",
            Op::Gt => "$gt",
            Op::Gte => "$gte",
            Op::Lt => "$lt",
            Op::Lte => "$lte",
            Op::Exists => "$exists",
            Op::Regex => "$regex",
        }
    }

    /// Parses a name without `$`.
    pub fn from_name(s: &str) -> Option<Op> {
        Op::ALL.iter().copied().find(|o| o.name() == s)
    }

    /// Parses a MongoDB operator (`$gte`).
    pub fn from_mongo(s: &str) -> Option<Op> {
        Op::ALL.iter().copied().find(|o| o.mongo() == s)
    }
}

/// How total counts are computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CountMode {
    /// `$facet { data, total }` in one round trip (the data branch cannot use an index).
    Facet,
    /// A second `countPipeline`, run in parallel by `paginate` (default: both use indexes).
    /// Also spelled `exact`.
    #[default]
    #[serde(alias = "exact")]
    Separate,
    /// No total.
    None,
    /// `estimatedDocumentCount` (collection metadata, no scan) when the request has no
    /// filter condition — the count then includes soft-deleted documents, an estimate —
    /// otherwise the `separate` count pipeline (`paginate` reports which in `countMode`).
    Estimated,
    /// A count pipeline that stops at `maxCount` (`$limit` before `$count`): at most
    /// `maxCount` documents are counted, and a total that reaches it is a lower bound.
    Capped,
}

/// How a `$lookup` with a projection is spelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum LookupForm {
    /// `localField`/`foreignField` + `pipeline` (MongoDB ≥ 5.0; the original design's form).
    #[default]
    LocalField,
    /// `let` + `$match: { $expr: { $eq } }` (any MongoDB ≥ 3.6, and mingo).
    Let,
}

/// One `$lookup` replacing a `populate()`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Lookup {
    /// The foreign collection.
    pub from: String,
    /// The local field holding the reference.
    pub local_field: String,
    /// The foreign field it matches (default `_id`).
    #[serde(default = "default_foreign")]
    pub foreign_field: String,
    /// The output field.
    #[serde(rename = "as")]
    pub as_field: String,
    /// Foreign fields to keep (empty: the whole document).
    #[serde(default)]
    pub project: Vec<String>,
    /// One document (`$unwind` with `preserveNullAndEmptyArrays: true`) instead of an array.
    #[serde(default)]
    pub single: bool,
}

fn default_foreign() -> String {
    "_id".to_string()
}

/// The declarative description of one paginated listing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Spec {
    /// The collection (documentation and index advice).
    pub collection: String,
    /// Field → BSON type for coercion (filters and cursors).
    #[serde(default)]
    pub types: BTreeMap<String, FieldType>,
    /// `$lookup`s, in order.
    #[serde(default)]
    pub lookups: Vec<Lookup>,
    /// Fields a caller may sort by (`_id` always may).
    #[serde(default)]
    pub sortable: Vec<String>,
    /// The sort when none is given (default `_id` descending), as a string
    /// (`"-createdAt"`) or `[key, direction]` pairs.
    #[serde(default)]
    pub default_sort: Option<serde_json::Value>,
    /// Field → operators a filter may use on it.
    #[serde(default)]
    pub filterable: BTreeMap<String, Vec<Op>>,
    /// Fields `fields` may select (absent: `fields` is refused).
    #[serde(default)]
    pub selectable: Option<Vec<String>>,
    /// Page size when none is given (default 20).
    #[serde(default = "default_limit")]
    pub default_limit: u32,
    /// Larger limits are clamped to this (default 100).
    #[serde(default = "max_limit")]
    pub max_limit: u32,
    /// How totals are computed (default `separate`).
    #[serde(default)]
    pub count: CountMode,
    /// Conditions added to every `$match`, e.g. `{ "isDeleted": false }` (scalars, or
    /// `{ "$ne": scalar }`).
    #[serde(default)]
    pub soft_delete: Option<serde_json::Map<String, serde_json::Value>>,
    /// HMAC-SHA256 key for cursor tokens (unsigned tokens when absent).
    #[serde(default)]
    pub secret: Option<String>,
    /// How lookups are spelled (default `localField`).
    #[serde(default)]
    pub lookup_form: LookupForm,
    /// The most documents `count: 'capped'` counts (required with it, 1..=10^9).
    #[serde(default)]
    pub max_count: Option<u64>,
}

fn default_limit() -> u32 {
    20
}
fn max_limit() -> u32 {
    100
}

/// The largest `maxCount`.
pub const MAX_COUNT: u64 = 1_000_000_000;

/// Keys that must never appear as a field or path segment.
pub(crate) const POISON: [&str; 4] = ["__proto__", "constructor", "prototype", "_bsontype"];

/// Checks a field path (`a.b`) for the spec: no `$`, no empty or poisoned segment, not an
/// integer-like name (JavaScript would reorder it in an object, breaking `$sort`).
pub(crate) fn check_path(what: &str, path: &str) -> Result<()> {
    let bad = |why: &str| Err(Error::InvalidSpec(format!("{what}: field {path:?} {why}")));
    if path.is_empty() || path.len() > 200 {
        return bad("must be 1 to 200 characters");
    }
    if path.contains('\0') {
        return bad("must not contain NUL");
    }
    for seg in path.split('.') {
        if seg.is_empty() {
            return bad("has an empty path segment");
        }
        if seg.starts_with('$') {
            return bad("must not start a segment with '$'");
        }
        if POISON.contains(&seg) {
            return bad("uses a reserved name");
        }
        if seg.bytes().all(|b| b.is_ascii_digit()) {
            return bad("must not be an integer-like name (JavaScript reorders such keys)");
        }
    }
    Ok(())
}

impl Spec {
    /// Parses a spec from JSON, naming the offending field in the error.
    pub fn from_json(v: &serde_json::Value) -> Result<Spec> {
        let obj = v
            .as_object()
            .ok_or_else(|| Error::InvalidSpec(format!("spec must be an object, got {v}")))?;
        const KNOWN: [&str; 14] = [
            "collection",
            "types",
            "lookups",
            "sortable",
            "defaultSort",
            "filterable",
            "selectable",
            "defaultLimit",
            "maxLimit",
            "count",
            "softDelete",
            "secret",
            "lookupForm",
            "maxCount",
        ];
        for (k, val) in obj {
            if !KNOWN.contains(&k.as_str()) {
                return Err(Error::InvalidSpec(format!(
                    "spec.{k} is not a spec field (known: {})",
                    KNOWN.join(", ")
                )));
            }
            // Parse each field on its own so a type error names it.
            let mut m = serde_json::Map::new();
            if k != "collection" {
                m.insert("collection".into(), serde_json::Value::String("x".into()));
            }
            m.insert(k.clone(), val.clone());
            let one = serde_json::Value::Object(m);
            if let Err(e) = serde_json::from_value::<Spec>(one) {
                return Err(Error::InvalidSpec(format!("spec.{k}: {e} (got {val})")));
            }
        }
        let spec: Spec = serde_json::from_value(v.clone())
            .map_err(|e| Error::InvalidSpec(format!("spec: {e}")))?;
        Ok(spec)
    }

    /// Validates the spec; returns the resolved default sort.
    pub(crate) fn validate(&self) -> Result<Vec<SortKey>> {
        let c = &self.collection;
        if c.is_empty() || c.starts_with('$') || c.contains('\0') || c.len() > 120 {
            return Err(Error::InvalidSpec(format!(
                "spec.collection must be a collection name, got {c:?}"
            )));
        }
        for k in self.types.keys() {
            check_path("spec.types", k)?;
        }
        let mut seen_as = Vec::new();
        for (i, l) in self.lookups.iter().enumerate() {
            let what = format!("spec.lookups[{i}]");
            if l.from.is_empty() || l.from.starts_with('$') || l.from.contains('\0') {
                return Err(Error::InvalidSpec(format!(
                    "{what}.from must be a collection name, got {:?}",
                    l.from
                )));
            }
            check_path(&format!("{what}.localField"), &l.local_field)?;
            check_path(&format!("{what}.foreignField"), &l.foreign_field)?;
            check_path(&format!("{what}.as"), &l.as_field)?;
            if l.as_field.contains('.') {
                return Err(Error::InvalidSpec(format!(
                    "{what}.as must be a top-level field, got {:?}",
                    l.as_field
                )));
            }
            if seen_as.contains(&l.as_field) {
                return Err(Error::InvalidSpec(format!(
                    "{what}.as {:?} is used by another lookup",
                    l.as_field
                )));
            }
            seen_as.push(l.as_field.clone());
            for p in &l.project {
                check_path(&format!("{what}.project"), p)?;
            }
        }
        for s in &self.sortable {
            check_path("spec.sortable", s)?;
        }
        for (f, ops) in &self.filterable {
            check_path("spec.filterable", f)?;
            if ops.is_empty() {
                return Err(Error::InvalidSpec(format!(
                    "spec.filterable.{f} must list at least one operator"
                )));
            }
        }
        if let Some(sel) = &self.selectable {
            for s in sel {
                check_path("spec.selectable", s)?;
            }
        }
        if self.max_limit < 1 || self.max_limit > 10_000 {
            return Err(Error::InvalidSpec(format!(
                "spec.maxLimit must be 1..=10000, got {}",
                self.max_limit
            )));
        }
        if self.default_limit < 1 || self.default_limit > self.max_limit {
            return Err(Error::InvalidSpec(format!(
                "spec.defaultLimit must be 1..=maxLimit ({}), got {}",
                self.max_limit, self.default_limit
            )));
        }
        if let Some(sd) = &self.soft_delete {
            for (k, v) in sd {
                check_path("spec.softDelete", k)?;
                let ok = match v {
                    serde_json::Value::Object(m) => {
                        m.len() == 1
                            && m.get("$ne")
                                .is_some_and(|x| !x.is_object() && !x.is_array())
                    }
                    serde_json::Value::Array(_) => false,
                    _ => true,
                };
                if !ok {
                    return Err(Error::InvalidSpec(format!(
                        "spec.softDelete.{k} must be a scalar or {{ \"$ne\": scalar }}, got {v}"
                    )));
                }
            }
        }
        match (self.count, self.max_count) {
            (CountMode::Capped, None) => {
                return Err(Error::InvalidSpec(
                    "spec.maxCount is required with count: 'capped'".into(),
                ))
            }
            (CountMode::Capped, Some(n)) if !(1..=MAX_COUNT).contains(&n) => {
                return Err(Error::InvalidSpec(format!(
                    "spec.maxCount must be 1..={MAX_COUNT}, got {n}"
                )))
            }
            (CountMode::Capped, Some(_)) | (_, None) => {}
            (_, Some(_)) => {
                return Err(Error::InvalidSpec(
                    "spec.maxCount is only used with count: 'capped'".into(),
                ))
            }
        }
        if let Some(s) = &self.secret {
            if s.is_empty() {
                return Err(Error::InvalidSpec(
                    "spec.secret must be a non-empty string".into(),
                ));
            }
        }
        let sort = match &self.default_sort {
            None => vec![SortKey {
                field: "_id".into(),
                dir: -1,
            }],
            Some(v) => parse_sort(v)
                .map_err(|e| Error::InvalidSpec(format!("spec.defaultSort: {}", e.message())))?,
        };
        for k in &sort {
            if k.field != "_id" && !self.sortable.contains(&k.field) {
                return Err(Error::InvalidSpec(format!(
                    "spec.defaultSort: {:?} is not in spec.sortable",
                    k.field
                )));
            }
        }
        Ok(sort)
    }

    /// The lookup a path belongs to (`clientInfo.name` → the lookup `as: clientInfo`).
    pub fn lookup_of(&self, path: &str) -> Option<usize> {
        let head = path.split('.').next().unwrap_or(path);
        self.lookups.iter().position(|l| l.as_field == head)
    }

    /// The declared type of a field.
    pub fn type_of(&self, field: &str) -> Option<FieldType> {
        self.types.get(field).copied()
    }
}
