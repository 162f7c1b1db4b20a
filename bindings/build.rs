//! Picks the backend from the target: wasm32 builds the wasm-bindgen module (`cfg(wasm)`),
//! every other target the napi-rs addon (`cfg(node)`). One source, two backends, no flag.
fn main() {
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
