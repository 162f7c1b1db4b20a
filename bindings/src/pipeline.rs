//! `pipeline`: a compiled spec held as a class. Parameters cross as JSON text and answers go
//! back as JSON text written by serde (one string each way per call; docs/pipeline.md has the
//! measurements that chose this over handing object trees across).

use hotpath_binding_macros::export;
use hotpath_core::pipeline::{self as core, parse_json, Compiled, Input};
use hotpath_core::Result;
use serde::Serialize;

/// The page/limit rules of a compiled spec, read once by lib/pipeline.js so that a request
/// differing only in `page` / `limit` need not cross.
#[export(object)]
pub struct PageRules {
    /// `limit` when none is given.
    pub default_limit: u32,
    /// The largest `limit`; a larger one is clamped to it.
    pub max_limit: u32,
    /// The largest `page`.
    pub max_page: u32,
}

impl From<core::PageRules> for PageRules {
    fn from(r: core::PageRules) -> PageRules {
        PageRules {
            default_limit: r.default_limit,
            max_limit: r.max_limit,
            max_page: r.max_page,
        }
    }
}

/// JSON text of a core answer.
fn json(v: &impl Serialize) -> String {
    serde_json::to_string(v).expect("pipeline answers serialise")
}

/// A spec compiled once; `build` is then one cheap call.
#[export]
pub struct CompiledPipeline {
    inner: Compiled,
}

/// Compiles a spec given as JSON text.
#[export]
pub fn pipeline_compile(spec: String) -> Result<CompiledPipeline> {
    Ok(CompiledPipeline {
        inner: Compiled::compile_json(&parse_json(Input::Spec, &spec)?)?,
    })
}

#[export]
impl CompiledPipeline {
    /// Per request: `[shapeKey, slotValues…]` as JSON text (see the core's `Prepared`).
    pub fn prepare(&self, params: String) -> Result<String> {
        Ok(json(
            &self.inner.prepare(&parse_json(Input::Params, &params)?)?,
        ))
    }

    /// The page/limit rules (read once per compiled spec).
    pub fn page_rules(&self) -> PageRules {
        self.inner.page_rules().into()
    }

    /// The template of the request's shape as JSON text (see the core's `Template`).
    pub fn template(&self, params: String) -> Result<String> {
        Ok(json(
            &self.inner.template(&parse_json(Input::Params, &params)?)?,
        ))
    }

    /// `filterFromQuery` → JSON text with typed markers.
    pub fn filter_from_query(&self, query: String) -> Result<String> {
        Ok(json(
            &self
                .inner
                .filter_from_query(&parse_json(Input::Query, &query)?)?,
        ))
    }

    /// Pagination metadata as JSON text.
    pub fn meta(&self, total: f64, params: String) -> Result<String> {
        Ok(json(
            &self
                .inner
                .meta(total, &parse_json(Input::Params, &params)?)?,
        ))
    }

    /// Index advice as JSON `[[field, dir]…]`.
    pub fn suggest_index(&self, params: String) -> Result<String> {
        Ok(json(
            &self
                .inner
                .suggest_index(&parse_json(Input::Params, &params)?)?,
        ))
    }

    /// A cursor token from `[[key, dir]…]` and `[[type, value]…]` (JSON texts).
    pub fn encode_cursor(&self, sort: String, values: String) -> Result<String> {
        self.inner.encode_cursor(
            &parse_json(Input::Cursor, &sort)?,
            &parse_json(Input::Cursor, &values)?,
        )
    }
}

/// The two other ways a pipeline could cross, kept for the measurement that chose the
/// template route (bench/pipeline.bench.js).
#[cfg(feature = "bench")]
#[export]
impl CompiledPipeline {
    /// The whole built result as JSON text (typed values as `$oid`/`$date` markers).
    pub fn build_json(&self, params: String) -> Result<String> {
        let built = self.inner.build(&parse_json(Input::Params, &params)?)?;
        Ok(json(&built.to_node()))
    }

    /// The whole built result converted to a JS object tree by serde.
    pub fn build_value(&self, params: String) -> Result<crate::js::Serde<core::Node>> {
        let built = self.inner.build(&parse_json(Input::Params, &params)?)?;
        Ok(crate::js::Serde(built.to_node()))
    }
}
