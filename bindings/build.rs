//! Picks the backend from the target: wasm32 builds the wasm-bindgen module (`cfg(wasm)`),
//! every other target the napi-rs addon (`cfg(node)`). One source, two backends, no flag.
//!
//! It also refuses a source that names napi-rs's or wasm-bindgen's export attribute itself:
//! every export goes through `#[export]` (bindings/macros), which runs it inside `js::call`
//! (the error and panic mapping), so none can skip it.

use std::path::Path;

/// What only `#[export]` may write.
const TOOLKIT_ATTRIBUTES: [&str; 4] = [
    "#[napi",
    "napi_derive",
    "#[wasm_bindgen",
    "prelude::wasm_bindgen",
];

fn check_sources(dir: &Path) {
    for entry in std::fs::read_dir(dir).expect("bindings/src is readable") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            check_sources(&path);
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("a source file is readable");
        for (n, line) in text.lines().enumerate() {
            let code = line.trim_start();
            if code.starts_with("//") {
                continue;
            }
            if let Some(a) = TOOLKIT_ATTRIBUTES.iter().find(|a| code.contains(*a)) {
                panic!(
                    "{}:{}: `{a}` — export with #[export] (bindings/macros), which runs the body inside js::call",
                    path.display(),
                    n + 1
                );
            }
        }
    }
}

fn main() {
    println!("cargo:rerun-if-changed=src");
    check_sources(Path::new("src"));
    println!("cargo::rustc-check-cfg=cfg(node)");
    println!("cargo::rustc-check-cfg=cfg(wasm)");
    let family = std::env::var("CARGO_CFG_TARGET_FAMILY").unwrap_or_default();
    if family.split(',').any(|f| f == "wasm") {
        println!("cargo:rustc-cfg=wasm");
        // Exports the wasm shadow-stack pointer (`__stack_pointer`), so the JS wrapper can
        // put it back after a trap (see src/js.rs and lib/errors.js).
        println!("cargo:rustc-link-arg-cdylib=--export=__stack_pointer");
    } else {
        println!("cargo:rustc-cfg=node");
        napi_build::setup();
    }
}
