//! `pipeline` bindings: a compiled spec held as a class; parameters cross as JSON text
//! (one string each way per call; see the core module doc for the measurements).

use napi::bindgen_prelude::*;
use napi_derive::napi;

use crate::{call, Result};
use hotpath_core::pipeline::{parse_json, Compiled, Input};

/// A spec compiled once; `build` is then one cheap call.
#[napi]
pub struct CompiledPipeline {
    inner: Compiled,
}

/// Compiles a spec given as JSON text.
// napi registers the export only outside `cfg(test)`, where nothing else calls it.
#[cfg_attr(test, allow(dead_code))]
#[napi(js_name = "pipelineCompile")]
pub fn pipeline_compile(spec: String) -> Result<CompiledPipeline> {
    call(|| {
        Ok(CompiledPipeline {
            inner: Compiled::compile_json(&parse_json(Input::Spec, &spec)?)?,
        })
    })
}

#[napi]
impl CompiledPipeline {
    /// Per request: `[shapeKey, slotValues…]` as JSON text.
    #[napi]
    pub fn prepare(&self, params: String) -> Result<String> {
        call(|| self.inner.prepare(&parse_json(Input::Params, &params)?))
    }

    /// `[defaultLimit, maxLimit, maxPage]` as JSON text (read once per compiled spec).
    #[napi(js_name = "pageRules")]
    pub fn page_rules(&self) -> Result<String> {
        call(|| {
            Ok({
                let [d, m, p] = self.inner.page_rules();
                format!("[{d},{m},{p}]")
            })
        })
    }

    /// The template of the request's shape as JSON text.
    #[napi]
    pub fn template(&self, params: String) -> Result<String> {
        call(|| {
            Ok(self
                .inner
                .template(&parse_json(Input::Params, &params)?)?
                .to_json())
        })
    }

    /// The whole built result as JSON text (typed values as `$oid`/`$date` markers).
    #[napi(js_name = "buildJson")]
    pub fn build_json(&self, params: String) -> Result<String> {
        call(|| {
            Ok(self
                .inner
                .build(&parse_json(Input::Params, &params)?)?
                .to_node()
                .to_json())
        })
    }

    /// The whole built result converted by napi's serde support (for the measurement).
    #[napi(js_name = "buildValue", ts_return_type = "any")]
    pub fn build_value(&self, env: Env, params: String) -> Result<Unknown<'_>> {
        let built = call(|| self.inner.build(&parse_json(Input::Params, &params)?))?;
        env.to_js_value(&built.to_node())
            .map_err(|e| napi::Error::new("ERR_INTERNAL".to_string(), e.reason.clone()))
    }

    /// `filterFromQuery` → JSON text with typed markers.
    #[napi(js_name = "filterFromQuery")]
    pub fn filter_from_query(&self, query: String) -> Result<String> {
        call(|| {
            Ok(self
                .inner
                .filter_from_query(&parse_json(Input::Query, &query)?)?
                .to_json())
        })
    }

    /// Pagination metadata as JSON text.
    #[napi]
    pub fn meta(&self, total: f64, params: String) -> Result<String> {
        call(|| {
            Ok(self
                .inner
                .meta(total, &parse_json(Input::Params, &params)?)?
                .to_json_text())
        })
    }

    /// Index advice as JSON `[[field, dir]…]`.
    #[napi(js_name = "suggestIndex")]
    pub fn suggest_index(&self, params: String) -> Result<String> {
        call(|| {
            let idx = self
                .inner
                .suggest_index(&parse_json(Input::Params, &params)?)?;
            Ok(serde_json::to_string(&idx).unwrap_or_default())
        })
    }

    /// A cursor token from `[[key, dir]…]` and `[[type, value]…]` (JSON texts).
    #[napi(js_name = "encodeCursor")]
    pub fn encode_cursor(&self, sort: String, values: String) -> Result<String> {
        call(|| {
            self.inner.encode_cursor(
                &parse_json(Input::Cursor, &sort)?,
                &parse_json(Input::Cursor, &values)?,
            )
        })
    }

    /// Panics inside a `&self` method on purpose (hidden; `js-tests/reliability/panics.test.js`).
    #[napi(js_name = "__testPanic")]
    pub fn test_panic(&self, message: String) -> Result<()> {
        call(|| hotpath_core::test_panic(&message))
    }
}
