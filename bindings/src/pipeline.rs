//! `pipeline`: a compiled spec held as a class; parameters cross as JSON text (one string
//! each way per call; see the core module doc for the measurements).

use hotpath_binding_macros::export;
use hotpath_core::pipeline::{parse_json, Compiled, Input};
use hotpath_core::Result;

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
    /// Per request: `[shapeKey, slotValues…]` as JSON text.
    pub fn prepare(&self, params: String) -> Result<String> {
        self.inner.prepare(&parse_json(Input::Params, &params)?)
    }

    /// `[defaultLimit, maxLimit, maxPage]` as JSON text (read once per compiled spec).
    pub fn page_rules(&self) -> String {
        let [d, m, p] = self.inner.page_rules();
        format!("[{d},{m},{p}]")
    }

    /// The template of the request's shape as JSON text.
    pub fn template(&self, params: String) -> Result<String> {
        Ok(self
            .inner
            .template(&parse_json(Input::Params, &params)?)?
            .to_json())
    }

    /// `filterFromQuery` → JSON text with typed markers.
    pub fn filter_from_query(&self, query: String) -> Result<String> {
        Ok(self
            .inner
            .filter_from_query(&parse_json(Input::Query, &query)?)?
            .to_json())
    }

    /// Pagination metadata as JSON text.
    pub fn meta(&self, total: f64, params: String) -> Result<String> {
        Ok(self
            .inner
            .meta(total, &parse_json(Input::Params, &params)?)?
            .to_json_text())
    }

    /// Index advice as JSON `[[field, dir]…]`.
    pub fn suggest_index(&self, params: String) -> Result<String> {
        let idx = self
            .inner
            .suggest_index(&parse_json(Input::Params, &params)?)?;
        Ok(serde_json::to_string(&idx).unwrap_or_default())
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
        Ok(self
            .inner
            .build(&parse_json(Input::Params, &params)?)?
            .to_node()
            .to_json())
    }

    /// The whole built result converted to a JS object tree by serde.
    pub fn build_value(
        &self,
        params: String,
    ) -> Result<crate::js::Serde<hotpath_core::pipeline::Node>> {
        let built = self.inner.build(&parse_json(Input::Params, &params)?)?;
        Ok(crate::js::Serde(built.to_node()))
    }
}
