//! `money`: numbers, strings and typed arrays in, text out. Typed arrays arrive as borrowed
//! slices (`&[f64]`, `&[u8]`, `&[u32]`): zero-copy views of the JS memory on node, copied
//! once into wasm memory by wasm-bindgen.

use crate::js::U8s;
use hotpath_binding_macros::export;
use hotpath_core::money::api;
use hotpath_core::Result;

/// One scalar operation (add 0, sub 1, mul 2, div 3, round 4, compare 5, exact 6); each
/// amount is `text` when given, else the number. `scale` −1 = exact.
#[export]
pub fn money_op(
    op: u32,
    a_num: f64,
    a_text: Option<String>,
    b_num: f64,
    b_text: Option<String>,
    scale: i32,
    rounding: u32,
) -> Result<String> {
    api::op_text(
        op,
        a_num,
        a_text.as_deref(),
        b_num,
        b_text.as_deref(),
        scale,
        rounding,
    )
}

/// One scalar operation on two numbers with a number result (no strings cross).
#[export]
pub fn money_op_f64(op: u32, a: f64, b: f64, scale: i32, rounding: u32) -> Result<f64> {
    api::op_f64(op, a, b, scale, rounding)
}

/// Exact sum of a Float64Array, newline-joined strings and Decimal128 bytes.
#[export]
pub fn money_sum(
    numbers: &[f64],
    strings: String,
    decimal128: &[u8],
    scale: i32,
    rounding: u32,
) -> Result<String> {
    api::sum_text(numbers, &strings, decimal128, scale, rounding)
}

/// Allocation by newline-joined ratios; parts newline-joined.
#[export]
pub fn money_allocate(
    a_num: f64,
    a_text: Option<String>,
    ratios: String,
    scale: u32,
    rounding: u32,
) -> Result<String> {
    api::allocate_text(a_num, a_text.as_deref(), &ratios, scale, rounding)
}

/// Balances from extracted columns.
#[export]
#[allow(clippy::too_many_arguments)]
pub fn money_balance_columns(
    categories: String,
    currencies: String,
    cur: &[u32],
    cat: &[u8],
    values: &[f64],
    scur: &[u32],
    scat: &[u8],
    strings: String,
    rounding: u32,
) -> Result<String> {
    api::balance_columns_text(
        &categories,
        &currencies,
        cur,
        cat,
        values,
        scur,
        scat,
        &strings,
        rounding,
    )
}

/// Balances of concatenated raw BSON documents; `lengths` are the byte lengths of the
/// caller's Buffers (empty: one Buffer); options as JSON.
#[export]
pub fn money_balance_bson(
    buf: &[u8],
    lengths: &[u32],
    options: String,
    rounding: u32,
) -> Result<String> {
    api::balance_bson_text(buf, lengths, &options, rounding)
}

/// Minor unit of a currency, −1 when unknown.
#[export]
pub fn money_minor_unit(code: String) -> i32 {
    api::minor_unit_or_unknown(&code)
}

/// Registers (or overrides) a currency.
#[export]
pub fn money_register_currency(code: String, minor_unit: u32) -> Result<()> {
    hotpath_core::money::register_currency(&code, minor_unit)
}

/// Rate arithmetic: kind 0 = 1/a, kind 1 = a×b, 12 significant digits.
#[export]
pub fn money_rate(kind: u32, a: String, b: String) -> Result<String> {
    api::rate_text(kind, &a, &b)
}

/// Decimal128 bytes of an amount (rounded to `scale` when ≥ 0).
#[export]
pub fn money_to_decimal128(
    a_num: f64,
    a_text: Option<String>,
    scale: i32,
    rounding: u32,
) -> Result<U8s> {
    Ok(api::to_decimal128(a_num, a_text.as_deref(), scale, rounding)?
        .to_vec()
        .into())
}

/// Exact text of Decimal128 bytes.
#[export]
pub fn money_from_decimal128(bytes: &[u8]) -> Result<String> {
    api::from_decimal128(bytes)
}
