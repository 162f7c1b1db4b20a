//! `#[export]`: the one attribute that makes an item of the binding visible to JavaScript.
//!
//! The binding (`bindings/src`) is one source compiled twice: with napi-rs for the native
//! addon (`cfg(node)`) and with wasm-bindgen for the WebAssembly module (`cfg(wasm)`; see
//! `bindings/build.rs`). `#[export]` writes the attribute of each toolkit, so no item of the
//! binding names either of them:
//!
//! - on a `fn`, and on every `pub fn` of an `impl`: the JS name is the camelCase of the
//!   Rust name (`js_name = "…"` overrides it) and **the body runs inside `crate::js::call`**,
//!   which turns the core's error, and any panic, into the JS error with its stable code. The
//!   body is written as core code: it returns `hotpath_core::Result<T>` (or a plain `T`, or
//!   nothing), and the generated function returns `crate::js::Result<T>` — except a body that
//!   cannot fail on wasm, which keeps its plain `T` (`crate::js::call_plain`: a panic traps
//!   there anyway, and a `Result` costs every call an array). The binding's
//!   build script refuses a source that names either toolkit's attribute itself, so no
//!   export can skip `call`. With `start`, a wasm module's start function (wasm only).
//! - on a `struct`: a JS class (napi `#[napi]`, wasm-bindgen `#[wasm_bindgen]`); with
//!   `object`, a plain JS object converted field by field (napi `object`; on wasm through
//!   serde and serde-wasm-bindgen, camelCase names: `crate::js::wasm_object!`).
//! - on a fieldless `enum`: a numeric enum, exported by both toolkits as an object of
//!   names → numbers that `lib/` reads instead of copying numbers. With
//!   `mirror = "path::CoreEnum"`, the `From` conversions both ways with the core's
//!   fieldless enum of the same variant names, so the variants are written once.
//!
//! Method options: `#[export(constructor)]`, `#[export(getter)]`, `#[export(js_name = "…")]`.
//! Methods that are not `pub` are refused: helpers go in a plain `impl` block.

use proc_macro::TokenStream;
use proc_macro2::TokenStream as Tokens;
use quote::{quote, ToTokens};
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{
    parse_quote, Attribute, Block, Error, Expr, ExprLit, GenericArgument, ImplItem, Item, Lit,
    Meta, PathArguments, ReturnType, Signature, Token, Type, Visibility,
};

/// See the crate documentation.
#[proc_macro_attribute]
pub fn export(attr: TokenStream, item: TokenStream) -> TokenStream {
    expand(attr.into(), item.into())
        .unwrap_or_else(Error::into_compile_error)
        .into()
}

#[derive(Default)]
struct Opts {
    constructor: bool,
    getter: bool,
    object: bool,
    start: bool,
    js_name: Option<String>,
    mirror: Option<syn::Path>,
}

fn parse_opts(tokens: Tokens) -> syn::Result<Opts> {
    let mut opts = Opts::default();
    for meta in Punctuated::<Meta, Token![,]>::parse_terminated.parse2(tokens)? {
        match &meta {
            Meta::Path(p) if p.is_ident("constructor") => opts.constructor = true,
            Meta::Path(p) if p.is_ident("getter") => opts.getter = true,
            Meta::Path(p) if p.is_ident("object") => opts.object = true,
            Meta::Path(p) if p.is_ident("start") => opts.start = true,
            Meta::NameValue(nv) if nv.path.is_ident("js_name") => match &nv.value {
                Expr::Lit(ExprLit {
                    lit: Lit::Str(s), ..
                }) => opts.js_name = Some(s.value()),
                other => return Err(Error::new(other.span(), "js_name must be a string")),
            },
            Meta::NameValue(nv) if nv.path.is_ident("mirror") => match &nv.value {
                Expr::Lit(ExprLit {
                    lit: Lit::Str(s), ..
                }) => opts.mirror = Some(s.parse()?),
                other => {
                    return Err(Error::new(
                        other.span(),
                        "mirror must be a string naming the core enum",
                    ))
                }
            },
            other => {
                return Err(Error::new(
                    other.span(),
                    "expected `constructor`, `getter`, `object`, `start`, `js_name = \"…\"` or `mirror = \"…\"`",
                ))
            }
        }
    }
    Ok(opts)
}

/// `__test_panic` → `__testPanic`, `take_matches_into` → `takeMatchesInto`.
fn camel(name: &str) -> String {
    let rest = name.trim_start_matches('_');
    let mut out = "_".repeat(name.len() - rest.len());
    let mut upper = false;
    for c in rest.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

fn expand(attr: Tokens, item: Tokens) -> syn::Result<Tokens> {
    let opts = parse_opts(attr)?;
    match syn::parse2::<Item>(item)? {
        Item::Fn(mut f) if opts.start => {
            *f.block = wrap(&mut f.sig, &f.block, None, Backend::Wasm)?;
            Ok(quote! {
                #[cfg(wasm)] #[wasm_bindgen::prelude::wasm_bindgen(start)] #f
            })
        }
        Item::Fn(f) => {
            let args = toolkit_args(&opts, &f.sig.ident.to_string());
            let (mut node, mut wasm) = (f.clone(), f);
            *node.block = wrap(&mut node.sig, &node.block, None, Backend::Node)?;
            *wasm.block = wrap(&mut wasm.sig, &wasm.block, None, Backend::Wasm)?;
            Ok(quote! {
                #[cfg(node)] #[napi_derive::napi(#args)] #node
                #[cfg(wasm)] #[wasm_bindgen::prelude::wasm_bindgen(#args)] #wasm
            })
        }
        Item::Impl(imp) => {
            let self_ty = imp.self_ty.clone();
            let (mut node_items, mut wasm_items) = (Vec::new(), Vec::new());
            for item in &imp.items {
                let ImplItem::Fn(m) = item else {
                    return Err(Error::new(
                        item.span(),
                        "an #[export] impl holds functions only",
                    ));
                };
                if !matches!(m.vis, Visibility::Public(_)) {
                    return Err(Error::new(
                        m.sig.ident.span(),
                        "every fn of an #[export] impl is exported and must be `pub` (helpers go in a plain impl block)",
                    ));
                }
                let mut m = m.clone();
                let opts = take_opts(&mut m.attrs)?;
                let args = toolkit_args(&opts, &m.sig.ident.to_string());
                let (mut node, mut wasm) = (m.clone(), m);
                node.block = wrap(&mut node.sig, &node.block, Some(&self_ty), Backend::Node)?;
                wasm.block = wrap(&mut wasm.sig, &wasm.block, Some(&self_ty), Backend::Wasm)?;
                node_items.push(quote! { #[napi(#args)] #node });
                wasm_items.push(quote! { #[wasm_bindgen(#args)] #wasm });
            }
            let attrs = &imp.attrs;
            Ok(quote! {
                #[cfg(node)] #[napi_derive::napi] #(#attrs)* impl #self_ty { #(#node_items)* }
                #[cfg(wasm)] #[wasm_bindgen::prelude::wasm_bindgen] #(#attrs)* impl #self_ty { #(#wasm_items)* }
            })
        }
        Item::Struct(s) if opts.object => {
            let name = &s.ident;
            Ok(quote! {
                #[cfg_attr(node, napi_derive::napi(object))]
                #[cfg_attr(wasm, derive(serde::Serialize, serde::Deserialize), serde(rename_all = "camelCase"))]
                #s
                #[cfg(wasm)] crate::js::wasm_object!(#name);
            })
        }
        Item::Struct(s) => Ok(quote! {
            #[cfg_attr(node, napi_derive::napi)]
            #[cfg_attr(wasm, wasm_bindgen::prelude::wasm_bindgen)]
            #s
        }),
        Item::Enum(e) => {
            let conversions = match &opts.mirror {
                Some(core) => mirror(&e, core)?,
                None => Tokens::new(),
            };
            Ok(quote! {
                #[cfg_attr(node, napi_derive::napi)]
                #[cfg_attr(wasm, wasm_bindgen::prelude::wasm_bindgen)]
                #e
                #conversions
            })
        }
        other => Err(Error::new(
            other.span(),
            "#[export] goes on a fn, an impl, a struct or an enum",
        )),
    }
}

/// The `From` conversions both ways between the exported enum `e` and the core's fieldless
/// enum `core` with the same variant names.
fn mirror(e: &syn::ItemEnum, core: &syn::Path) -> syn::Result<Tokens> {
    let name = &e.ident;
    let mut variants = Vec::new();
    for v in &e.variants {
        if !matches!(v.fields, syn::Fields::Unit) {
            return Err(Error::new(v.span(), "a mirrored enum is fieldless"));
        }
        variants.push(&v.ident);
    }
    Ok(quote! {
        impl From<#name> for #core {
            fn from(v: #name) -> Self {
                match v { #(#name::#variants => #core::#variants,)* }
            }
        }
        impl From<#core> for #name {
            fn from(v: #core) -> Self {
                match v { #(#core::#variants => #name::#variants,)* }
            }
        }
    })
}

/// Removes the method's `#[export(…)]` attributes and returns their options.
fn take_opts(attrs: &mut Vec<Attribute>) -> syn::Result<Opts> {
    let mut tokens = Tokens::new();
    let mut err = None;
    attrs.retain(|a| {
        if !a.path().is_ident("export") {
            return true;
        }
        match &a.meta {
            Meta::Path(_) => {}
            Meta::List(l) => {
                if !tokens.is_empty() {
                    tokens.extend(quote!(,));
                }
                tokens.extend(l.tokens.clone());
            }
            Meta::NameValue(nv) => err = Some(Error::new(nv.span(), "use #[export(…)]")),
        }
        false
    });
    match err {
        Some(e) => Err(e),
        None => parse_opts(tokens),
    }
}

/// The arguments both toolkits accept, in their shared syntax.
fn toolkit_args(opts: &Opts, rust_name: &str) -> Tokens {
    if opts.constructor {
        return quote!(constructor);
    }
    let js_name = opts.js_name.clone().unwrap_or_else(|| camel(rust_name));
    if opts.getter {
        quote!(getter, js_name = #js_name)
    } else {
        quote!(js_name = #js_name)
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Backend {
    Node,
    Wasm,
}

/// Rewrites `sig` and returns the body that runs the original one inside `crate::js::call`.
///
/// A body that returns `Result<T>` (the core's) gets `crate::js::Result<T>` on both backends.
/// A body that cannot fail (a plain `T`, or nothing) gets `crate::js::Result<T>` on node,
/// where `call` catches a panic, and keeps its plain `T` on wasm (`crate::js::call_plain`):
/// there a panic traps whatever the signature says (lib/errors.js maps the trap), and a
/// `Result` return costs every call an array for the multi-value return (bench/ffi.bench.js:
/// `add` 34 → 62 ns).
fn wrap(
    sig: &mut Signature,
    body: &Block,
    self_ty: Option<&Type>,
    backend: Backend,
) -> syn::Result<Block> {
    // The closure returns what the body returns: the `Result<T>` as written (the core's), or
    // the core's `Result` of a plain `T`.
    let (ok, closure_ty, core_body, fallible): (Type, Tokens, Tokens, bool) = match &sig.output {
        ReturnType::Default => (
            parse_quote!(()),
            quote!(hotpath_core::Result<()>),
            quote!({ #body; Ok(()) }),
            false,
        ),
        ReturnType::Type(_, ty) => match result_arg(ty) {
            Some(t) => (t, ty.to_token_stream(), body.to_token_stream(), true),
            None => (
                (**ty).clone(),
                quote!(hotpath_core::Result<#ty>),
                quote!({ Ok(#body) }),
                false,
            ),
        },
    };
    let ok = match (self_ty, &ok) {
        (Some(s), Type::Path(p)) if p.path.is_ident("Self") => s.clone(),
        _ => ok,
    };
    if !fallible && backend == Backend::Wasm {
        sig.output = parse_quote!(-> #ok);
        return Ok(parse_quote!({
            crate::js::call_plain(move || -> #ok #body)
        }));
    }
    sig.output = parse_quote!(-> crate::js::Result<#ok>);
    Ok(parse_quote!({
        crate::js::call(move || -> #closure_ty #core_body)
    }))
}

/// `T` when `ty` is `Result<T>` (any path ending in `Result`).
fn result_arg(ty: &Type) -> Option<Type> {
    let Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    if last.ident != "Result" {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first()? {
        GenericArgument::Type(t) => Some(t.clone()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::camel;

    #[test]
    fn js_names_are_camel_case() {
        assert_eq!(camel("take_matches_into"), "takeMatchesInto");
        assert_eq!(camel("__test_panic"), "__testPanic");
        assert_eq!(camel("version"), "version");
        assert_eq!(camel("heap_bytes"), "heapBytes");
    }
}
