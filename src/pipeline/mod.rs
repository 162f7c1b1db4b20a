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
//! ## Where the FFI crossing is
//!
//! A built pipeline is a tree of ~30 small objects, and handing a tree to JavaScript costs
//! far more than building it (docs/pipeline.md has the measurements). So the core splits
//! its answer in two:
//!
//! - [`Compiled::template`]: the stages for one request *shape* (which sort, which filter
//!   fields and operators, which fields, cursor or page) with [`Node::Slot`] placeholders and
//!   a [`SlotKind`] per slot. The JS side turns it once into a generated function that
//!   returns a fresh object literal and caches it by the shape key;
//! - [`Compiled::prepare`]: per request, validation + coercion only: the shape key and the
//!   slot values ([`Prepared`], a short JSON array).
//!
//! Page/limit changes do not cross at all: `page` and `limit` only fill slots 0 and 1 and
//! never change the shape, so the core exports its page rules once ([`Compiled::page_rules`])
//! and the JS side validates only the *rest* of a request (filter, sort, fields, cursor —
//! all allow-listing stays here), memoised, computing `$limit` / `$skip` itself when both are
//! absent or integer numbers in `1..=MAX_PAGE`; anything else crosses whole, so every
//! message still comes from [`parse_positive`].
//!
//! Typed values (ObjectId, Date, Decimal128) cross as plain hex / milliseconds / strings in
//! slots whose kind comes from the spec's `types`; the generated function wraps them in the
//! caller's bson classes. A user value can never become a typed value or an object by
//! itself: user input only ever fills string/number/bool/null slots after coercion.
//! [`Compiled::build`] assembles the same result in Rust (typed leaves serialise as
//! `{"$oid"}`, `{"$date"}`, `{"$numberDecimal"}` markers) for Rust callers and tests.
//!
//! ## Files
//!
//! `spec` (the spec and its validation), `resolve` (request parameters → [`Resolved`]),
//! `filter` and `values` (allow-listed filters and value coercion), `sort`, `template` (a
//! shape's [`Template`], its [`Prepared`] slot values, the [`Built`] result), `stages` (the
//! stage writers), `meta` ([`Meta`], [`PageRules`]), `advice` (index advice), `cursor`
//! (keyset tokens), `node` (the order-keeping value tree), `input` (JSON input limits).

mod advice;
mod cursor;
mod filter;
mod input;
mod meta;
mod node;
mod resolve;
mod sort;
mod spec;
mod stages;
mod template;
mod values;

#[cfg(test)]
mod tests;

use serde_json::Value;

pub use cursor::{
    decode as decode_cursor, encode as encode_cursor_values, spec_key as cursor_spec_key, MAX_TOKEN,
};
pub use filter::{parse_filter, parse_query, Cond, MAX_IN, RESERVED};
pub use input::{parse_json, Input};
pub use meta::{Meta, PageRules};
pub use node::Node;
pub use resolve::{parse_positive, Resolved};
pub use sort::{parse_sort, with_tiebreak, SortKey};
pub use spec::{CountMode, FieldType, Lookup, LookupForm, Op, Spec};
pub use template::{Built, Prepared, SlotKind, Template};
pub use values::{escape_regex, is_escaped_prefix, parse_date, prefix_literal_len, prefix_regex};

use crate::Result;

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

    fn is_joined(&self, field: &str) -> bool {
        self.spec.lookup_of(field).is_some()
    }
}
