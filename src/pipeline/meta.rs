//! Pagination metadata ([`Meta`]) and the page/limit rules handed to JS ([`PageRules`]).

use serde::Serialize;
use serde_json::Value;

use super::{Compiled, MAX_PAGE};
use crate::{Error, Result};

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

impl Compiled {
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

    /// Pagination metadata for `total` matching documents.
    pub fn meta(&self, total: f64, params: &Value) -> Result<Meta> {
        if !(total.is_finite() && total >= 0.0 && total.fract() == 0.0 && total < 9.007e15) {
            return Err(Error::InvalidPagination(format!(
                "total must be a non-negative integer, got {total}"
            )));
        }
        let total = total as u64;
        let (page, limit) = self.limits(params)?;
        let cursor_mode = ["cursor", "after", "before"]
            .iter()
            .any(|k| matches!(params.get(*k), Some(Value::String(s)) if !s.is_empty()))
            || matches!(params.get("fromEnd"), Some(Value::Bool(true)));
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
}
