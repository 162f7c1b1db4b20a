//! Exports the wasm shadow-stack pointer (`__stack_pointer`) from the module, so the JS
//! wrapper can put it back after a trap (see bindings/wasm/src/error.rs).
fn main() {
    if std::env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("wasm32") {
        println!("cargo:rustc-link-arg-cdylib=--export=__stack_pointer");
    }
}
