//! The flat, binding-shaped surface both bindings forward to (plain numbers, strings and
//! slices in, text out), so that native and wasm behave byte for byte the same.

use super::balance::{balance_bson, balance_columns, BalanceOptions};
use super::decimal::{Decimal, Rounding, MAX_SCALE};
use super::sum::sum_mixed_acc;
use super::{allocate, cross_rate, currency, inverse_rate};
use crate::{Error, Result};

/// Operation codes of [`op_text`].
pub mod ops {
    /// a + b
    pub const ADD: u32 = 0;
    /// a − b
    pub const SUB: u32 = 1;
    /// a × b
    pub const MUL: u32 = 2;
    /// a ÷ b (needs a scale)
    pub const DIV: u32 = 3;
    /// round a (b ignored)
    pub const ROUND: u32 = 4;
    /// compare a with b: "-1", "0" or "1"
    pub const COMPARE: u32 = 5;
    /// a itself, exact (b ignored)
    pub const EXACT: u32 = 6;
}

/// An amount from a binding: the decimal `text` when given, else the JS number `num`.
pub fn read_amount(num: f64, text: Option<&str>) -> Result<Decimal> {
    match text {
        Some(s) => Decimal::parse(s),
        None => Decimal::from_f64(num),
    }
}

fn scale_of(scale: i32) -> Result<Option<u32>> {
    if scale < 0 {
        Ok(None)
    } else if scale as u32 > MAX_SCALE {
        Err(Error::InvalidAmount(format!(
            "scale must be an integer from 0 to {MAX_SCALE}, got {scale}"
        )))
    } else {
        Ok(Some(scale as u32))
    }
}

/// One scalar operation (see [`ops`]) on already-read amounts: the result, and the scale
/// it is to be printed at (`None`: exact, trailing zeros removed). Every result is computed
/// exactly and rounded once.
fn scalar(
    op: u32,
    a: Decimal,
    b: impl Fn() -> Result<Decimal>,
    scale: i32,
    mode: Rounding,
) -> Result<(Decimal, Option<u32>)> {
    let to = scale_of(scale)?.map(|s| (s, mode));
    let places = to.map(|t| t.0);
    Ok(match op {
        ops::ADD => (a.add_rounded(b()?, to)?, places),
        ops::SUB => (a.sub_rounded(b()?, to)?, places),
        ops::MUL => (a.mul_rounded(b()?, to)?, places),
        ops::DIV => {
            let s = places.unwrap_or(12);
            (a.div_to_scale(b()?, s, mode)?, Some(s))
        }
        ops::ROUND | ops::EXACT => (a.round_to(to), places),
        ops::COMPARE => (Decimal::from(a.compare(&b()?) as i8), None),
        _ => return Err(Error::Internal(format!("unknown money op {op}"))),
    })
}

/// The text of a result: with exactly `places` decimals, or exact with trailing zeros
/// removed.
fn text(v: Decimal, places: Option<u32>) -> String {
    match places {
        Some(s) => v.to_fixed(s),
        None => v.to_string(),
    }
}

/// One scalar operation (see [`ops`]); `scale < 0` means exact (division defaults to 12
/// places). The text has exactly `scale` decimals when one is given.
pub fn op_text(
    op: u32,
    a_num: f64,
    a_text: Option<&str>,
    b_num: f64,
    b_text: Option<&str>,
    scale: i32,
    rounding: u32,
) -> Result<String> {
    let mode = Rounding::from_code(rounding)?;
    let a = read_amount(a_num, a_text)?;
    let (v, places) = scalar(op, a, || read_amount(b_num, b_text), scale, mode)?;
    Ok(text(v, places))
}

/// [`op_text`] for two JS numbers with a number result: the exact (or rounded) decimal
/// converted to the nearest `f64` in Rust, so neither side builds or parses a string.
pub fn op_f64(op: u32, a: f64, b: f64, scale: i32, rounding: u32) -> Result<f64> {
    let mode = Rounding::from_code(rounding)?;
    let a = Decimal::from_f64(a)?;
    let (v, _) = scalar(op, a, || Decimal::from_f64(b), scale, mode)?;
    Ok(v.to_f64())
}

/// Exact sum of numbers, `'\n'`-joined decimal strings and 16-byte Decimal128 groups.
pub fn sum_text(
    numbers: &[f64],
    strings: &str,
    decimal128: &[u8],
    scale: i32,
    rounding: u32,
) -> Result<String> {
    let mode = Rounding::from_code(rounding)?;
    let acc = sum_mixed_acc(numbers, strings, decimal128)?;
    Ok(match scale_of(scale)? {
        Some(s) => acc.rounded(s, mode)?.to_fixed(s),
        None => acc.value()?.to_string(),
    })
}

/// Allocation: parts `'\n'`-joined, each with exactly `scale` decimals.
pub fn allocate_text(
    a_num: f64,
    a_text: Option<&str>,
    ratios: &str,
    scale: u32,
    rounding: u32,
) -> Result<String> {
    let mode = Rounding::from_code(rounding)?;
    scale_of(scale as i32)?;
    let amount = read_amount(a_num, a_text)?;
    let rs = if ratios.is_empty() {
        Vec::new()
    } else {
        ratios
            .split('\n')
            .enumerate()
            .map(|(i, r)| {
                Decimal::parse(r).map_err(|e| match e {
                    Error::InvalidAmount(m) => Error::InvalidAmount(format!("ratios[{i}]: {m}")),
                    o => o,
                })
            })
            .collect::<Result<Vec<_>>>()?
    };
    let parts = allocate(amount, &rs, scale, mode)?;
    Ok(parts
        .iter()
        .map(|p| p.to_fixed(scale))
        .collect::<Vec<_>>()
        .join("\n"))
}

/// Balances from JS-extracted columns (see [`balance_columns`]); text as
/// [`super::Balances::to_text`].
#[allow(clippy::too_many_arguments)]
pub fn balance_columns_text(
    categories: &str,
    currencies: &str,
    cur: &[u32],
    cat: &[u8],
    values: &[f64],
    scur: &[u32],
    scat: &[u8],
    strings: &str,
    rounding: u32,
) -> Result<String> {
    let mode = Rounding::from_code(rounding)?;
    let cats = categories.split('\n').map(str::to_string).collect();
    balance_columns(cats, currencies, cur, cat, values, scur, scat, strings)?.to_text(mode)
}

/// Balances of concatenated raw BSON documents; `lengths` are the byte lengths of the
/// caller's buffers (empty: one buffer); `options` is [`BalanceOptions`] as JSON.
pub fn balance_bson_text(
    buf: &[u8],
    lengths: &[u32],
    options: &str,
    rounding: u32,
) -> Result<String> {
    let mode = Rounding::from_code(rounding)?;
    let opts: BalanceOptions = serde_json::from_str(options)
        .map_err(|e| Error::InvalidSpec(format!("balanceFromBson options are malformed: {e}")))?;
    balance_bson(buf, lengths, &opts)?.to_text(mode)
}

/// The minor unit of `code`, or −1 when unknown.
pub fn minor_unit_or_unknown(code: &str) -> i32 {
    currency::lookup(code).map(|m| m as i32).unwrap_or(-1)
}

/// Rates: kind 0 = `1 / a`, kind 1 = `a × b`, both to 12 significant digits.
pub fn rate_text(kind: u32, a: &str, b: &str) -> Result<String> {
    let a = Decimal::parse(a)?;
    let v = match kind {
        0 => inverse_rate(a)?,
        _ => cross_rate(a, Decimal::parse(b)?)?,
    };
    Ok(v.to_string())
}

/// The 16 Decimal128 bytes of an amount, rounded to `scale` first when `scale ≥ 0`.
pub fn to_decimal128(
    a_num: f64,
    a_text: Option<&str>,
    scale: i32,
    rounding: u32,
) -> Result<[u8; 16]> {
    let mut v = read_amount(a_num, a_text)?;
    if let Some(s) = scale_of(scale)? {
        // At exactly `s` places when the coefficient fits; else the same value, shorter.
        let r = v.round(s, Rounding::from_code(rounding)?);
        v = r.rescale_up(s).unwrap_or(r);
    }
    v.to_decimal128_bytes()
}

/// The exact decimal text of 16 Decimal128 bytes.
pub fn from_decimal128(bytes: &[u8]) -> Result<String> {
    let b: &[u8; 16] = bytes.try_into().map_err(|_| {
        Error::InvalidAmount(format!("Decimal128 must be 16 bytes, got {}", bytes.len()))
    })?;
    Ok(Decimal::from_decimal128_bytes(b)?.to_string())
}
