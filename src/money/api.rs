//! The flat, binding-shaped surface both bindings forward to (plain numbers, strings and
//! slices in, text out), so that native and wasm behave byte for byte the same.

use super::balance::{balance_bson, balance_columns, BalanceOptions};
use super::decimal::{Decimal, Rounding, MAX_SCALE};
use super::{allocate, cross_rate, currency, inverse_rate, sum_mixed};
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

/// The text of a result: rounded to `scale` and printed with exactly that many decimals, or
/// (scale < 0) exact with trailing zeros removed.
pub fn finish(v: Decimal, scale: i32, rounding: u32) -> Result<String> {
    match scale_of(scale)? {
        Some(s) => Ok(v.round(s, Rounding::from_code(rounding)?).to_fixed(s)),
        None => Ok(v.to_string()),
    }
}

/// One scalar operation (see [`ops`]); `scale < 0` means exact (division requires a scale).
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
    let b = || read_amount(b_num, b_text);
    let v = match op {
        ops::ADD => a.checked_add(b()?)?,
        ops::SUB => a.checked_sub(b()?)?,
        ops::MUL => a.checked_mul(b()?)?,
        ops::DIV => {
            let s = scale_of(scale)?.unwrap_or(12);
            return Ok(a.div_to_scale(b()?, s, mode)?.to_fixed(s));
        }
        ops::ROUND | ops::EXACT => a,
        ops::COMPARE => return Ok((a.compare(&b()?) as i8).to_string()),
        _ => return Err(Error::Internal(format!("unknown money op {op}"))),
    };
    finish(v, scale, rounding)
}

/// [`op_text`] for two JS numbers with a number result: the exact (or rounded) decimal
/// converted to the nearest `f64` in Rust, so neither side builds or parses a string.
pub fn op_f64(op: u32, a: f64, b: f64, scale: i32, rounding: u32) -> Result<f64> {
    let mode = Rounding::from_code(rounding)?;
    let a = Decimal::from_f64(a)?;
    let b = || Decimal::from_f64(b);
    let v = match op {
        ops::ADD => a.checked_add(b()?)?,
        ops::SUB => a.checked_sub(b()?)?,
        ops::MUL => a.checked_mul(b()?)?,
        ops::DIV => {
            let s = scale_of(scale)?.unwrap_or(12);
            return Ok(a.div_to_scale(b()?, s, mode)?.to_f64());
        }
        ops::ROUND | ops::EXACT => a,
        ops::COMPARE => return Ok(a.compare(&b()?) as i8 as f64),
        _ => return Err(Error::Internal(format!("unknown money op {op}"))),
    };
    Ok(match scale_of(scale)? {
        Some(s) => v.round(s, mode).to_f64(),
        None => v.to_f64(),
    })
}

/// Exact sum of numbers, `'\n'`-joined decimal strings and 16-byte Decimal128 groups.
pub fn sum_text(
    numbers: &[f64],
    strings: &str,
    decimal128: &[u8],
    scale: i32,
    rounding: u32,
) -> Result<String> {
    Rounding::from_code(rounding)?;
    finish(sum_mixed(numbers, strings, decimal128)?, scale, rounding)
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

/// Balances of concatenated raw BSON documents; `options` is [`BalanceOptions`] as JSON.
pub fn balance_bson_text(buf: &[u8], options: &str, rounding: u32) -> Result<String> {
    let mode = Rounding::from_code(rounding)?;
    let opts: BalanceOptions = serde_json::from_str(options)
        .map_err(|e| Error::InvalidSpec(format!("balanceFromBson options are malformed: {e}")))?;
    balance_bson(buf, &opts)?.to_text(mode)
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
        v = v.round(s, Rounding::from_code(rounding)?).rescale_up(s)?;
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
