//! `pipeline` bindings: the same surface as bindings/node (JSON text in and out).

use wasm_bindgen::prelude::*;

use crate::{call, Result};
use hotpath_core::pipeline::{parse_json, Compiled, Input};

/// A spec compiled once; `build` is then one cheap call.
#[wasm_bindgen]
pub struct CompiledPipeline {
    inner: Compiled,
}

/// Compiles a spec given as JSON text.
#[wasm_bindgen(js_name = "pipelineCompile")]
pub fn pipeline_compile(spec: String) -> Result<CompiledPipeline> {
    call(|| {
        Ok(CompiledPipeline {
            inner: Compiled::compile_json(&parse_json(Input::Spec, &spec)?)?,
        })
    })
}

#[wasm_bindgen]
impl CompiledPipeline {
    /// Per request: `[shapeKey, slotValues…]` as JSON text.
    pub fn prepare(&self, params: String) -> Result<String> {
        call(|| self.inner.prepare(&parse_json(Input::Params, &params)?))
    }

    /// `[defaultLimit, maxLimit, maxPage]` as JSON text (read once per compiled spec).
    #[wasm_bindgen(js_name = "pageRules")]
    pub fn page_rules(&self) -> Result<String> {
        call(|| {
            Ok({
                let [d, m, p] = self.inner.page_rules();
                format!("[{d},{m},{p}]")
            })
        })
    }

    /// The template of the request's shape as JSON text.
    pub fn template(&self, params: String) -> Result<String> {
        call(|| {
            Ok(self
                .inner
                .template(&parse_json(Input::Params, &params)?)?
                .to_json())
        })
    }

    /// The whole built result as JSON text (typed values as `$oid`/`$date` markers).
    #[wasm_bindgen(js_name = "buildJson")]
    pub fn build_json(&self, params: String) -> Result<String> {
        call(|| {
            Ok(self
                .inner
                .build(&parse_json(Input::Params, &params)?)?
                .to_node()
                .to_json())
        })
    }

    /// The whole built result converted by serde_wasm_bindgen (for the measurement).
    #[wasm_bindgen(js_name = "buildValue")]
    pub fn build_value(&self, params: String) -> Result<JsValue> {
        let built = call(|| self.inner.build(&parse_json(Input::Params, &params)?))?;
        let ser = serde_wasm_bindgen::Serializer::new().serialize_maps_as_objects(true);
        serde::Serialize::serialize(&built.to_node(), &ser)
            .map_err(|e| crate::error::map_error(hotpath_core::Error::Internal(e.to_string())))
    }

    /// `filterFromQuery` → JSON text with typed markers.
    #[wasm_bindgen(js_name = "filterFromQuery")]
    pub fn filter_from_query(&self, query: String) -> Result<String> {
        call(|| {
            Ok(self
                .inner
                .filter_from_query(&parse_json(Input::Query, &query)?)?
                .to_json())
        })
    }

    /// Pagination metadata as JSON text.
    pub fn meta(&self, total: f64, params: String) -> Result<String> {
        call(|| {
            Ok(self
                .inner
                .meta(total, &parse_json(Input::Params, &params)?)?
                .to_json_text())
        })
    }

    /// Index advice as JSON `[[field, dir]…]`.
    #[wasm_bindgen(js_name = "suggestIndex")]
    pub fn suggest_index(&self, params: String) -> Result<String> {
        call(|| {
            let idx = self
                .inner
                .suggest_index(&parse_json(Input::Params, &params)?)?;
            Ok(serde_json::to_string(&idx).unwrap_or_default())
        })
    }

    /// A cursor token from `[[key, dir]…]` and `[[type, value]…]` (JSON texts).
    #[wasm_bindgen(js_name = "encodeCursor")]
    pub fn encode_cursor(&self, sort: String, values: String) -> Result<String> {
        call(|| {
            self.inner.encode_cursor(
                &parse_json(Input::Cursor, &sort)?,
                &parse_json(Input::Cursor, &values)?,
            )
        })
    }

    /// Panics inside a `&self` method on purpose (hidden; `js-tests/reliability/panics.test.js`).
    #[wasm_bindgen(js_name = "__testPanic")]
    pub fn test_panic(&self, message: String) -> Result<()> {
        call(|| hotpath_core::test_panic(&message))
    }
}
