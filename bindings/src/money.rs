//! `money`: the core's exact decimals for lib/money.js. Amounts cross as a JS number, or as
//! decimal text when they are not numbers; lists of text as one `'\n'`-joined string;
//! numbers in bulk as typed arrays (borrowed zero-copy on node, copied once into wasm
//! memory). Results go back as exact decimal text.

use crate::js::{self, Float64Array, Uint32Array, Uint8Array, View};
use hotpath_binding_macros::export;
use hotpath_core::money::{self as core, BalanceOptions, Columns, Decimal, Op};
use hotpath_core::{Error, Result};

/// A scalar operation (`moneyOp`, `moneyOpF64`).
#[export(mirror = "Op")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoneyOp {
    /// a + b
    Add = 0,
    /// a − b
    Sub = 1,
    /// a × b
    Mul = 2,
    /// a ÷ b
    Div = 3,
    /// a rounded
    Round = 4,
    /// −1, 0 or 1
    Compare = 5,
    /// a, exact
    Exact = 6,
}

/// How a result is rounded (lib/money.js maps `'half-even'`, `'half-up'`, … to these).
#[export(mirror = "core::Rounding")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rounding {
    /// To nearest, ties to even (the default).
    HalfEven = 0,
    /// To nearest, ties away from zero.
    HalfUp = 1,
    /// Toward zero.
    Down = 2,
    /// Away from zero.
    Up = 3,
    /// Toward −∞.
    Floor = 4,
    /// Toward +∞.
    Ceil = 5,
}

/// Exchange-rate arithmetic (`moneyRate`), to 12 significant digits.
#[export]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateKind {
    /// 1 / a
    Inverse = 0,
    /// a × b
    Cross = 1,
}

/// Balance input read from documents on the JS side (`balance`, `balanceFromGroups`): for
/// each counted (document, category) a currency index, a category index and the amount,
/// in the number columns (`cur`, `cat`, `values`) or, for amounts given as decimal text,
/// in the string columns (`scur`, `scat`, `strings`).
#[export(object)]
pub struct BalanceColumns {
    /// Category names in output order, `'\n'`-joined.
    pub categories: String,
    /// The distinct currency codes the currency indexes refer to, `'\n'`-joined.
    pub currencies: String,
    /// Currency index of each number amount.
    #[cfg_attr(wasm, serde(with = "serde_wasm_bindgen::preserve"))]
    pub cur: Uint32Array,
    /// Category index of each number amount.
    #[cfg_attr(wasm, serde(with = "serde_wasm_bindgen::preserve"))]
    pub cat: Uint8Array,
    /// The number amounts.
    #[cfg_attr(wasm, serde(with = "serde_wasm_bindgen::preserve"))]
    pub values: Float64Array,
    /// Currency index of each decimal-string amount.
    #[cfg_attr(wasm, serde(with = "serde_wasm_bindgen::preserve"))]
    pub scur: Uint32Array,
    /// Category index of each decimal-string amount.
    #[cfg_attr(wasm, serde(with = "serde_wasm_bindgen::preserve"))]
    pub scat: Uint8Array,
    /// The decimal-string amounts, `'\n'`-joined.
    pub strings: String,
}

/// The items of a `'\n'`-joined list (none for the empty string).
fn lines(text: &str) -> Vec<&str> {
    if text.is_empty() {
        Vec::new()
    } else {
        text.split('\n').collect()
    }
}

/// An amount as it crosses: the decimal `text` when given, else the JS number.
fn amount(num: f64, text: Option<&str>) -> Result<Decimal> {
    match text {
        Some(s) => Decimal::parse(s),
        None => Decimal::from_f64(num),
    }
}

/// A scale as it crosses: −1 (any negative) for none.
fn scale(s: i32) -> Option<u32> {
    u32::try_from(s).ok()
}

/// A result's text: with exactly `places` decimals, or exact (trailing zeros removed).
fn print(v: Decimal, places: Option<u32>) -> String {
    match places {
        Some(s) => v.to_fixed(s),
        None => v.to_string(),
    }
}

/// One scalar operation; each amount is `text` when given, else the number; `scale` −1 =
/// exact (a division keeps 12 places). The text has exactly `scale` decimals when one is
/// given.
#[export]
pub fn money_op(
    op: MoneyOp,
    a_num: f64,
    a_text: Option<String>,
    b_num: f64,
    b_text: Option<String>,
    scale: i32,
    rounding: Rounding,
) -> Result<String> {
    let a = amount(a_num, a_text.as_deref())?;
    let (v, places) = core::apply(
        op.into(),
        a,
        || amount(b_num, b_text.as_deref()),
        self::scale(scale),
        rounding.into(),
    )?;
    Ok(print(v, places))
}

/// One scalar operation on two numbers with a number result: the exact (or rounded)
/// decimal converted to the nearest number here, so no string crosses either way.
#[export]
pub fn money_op_f64(op: MoneyOp, a: f64, b: f64, scale: i32, rounding: Rounding) -> Result<f64> {
    let (v, _) = core::apply(
        op.into(),
        Decimal::from_f64(a)?,
        || Decimal::from_f64(b),
        self::scale(scale),
        rounding.into(),
    )?;
    Ok(v.to_f64())
}

/// The exact sum of numbers, `'\n'`-joined decimal strings and 16-byte Decimal128 groups;
/// rounded once to `scale` places (−1: exact).
#[export]
pub fn money_sum(
    numbers: &[f64],
    strings: String,
    decimal128: &[u8],
    scale: i32,
    rounding: Rounding,
) -> Result<String> {
    let acc = core::sum_mixed_acc(numbers, lines(&strings), decimal128)?;
    Ok(match self::scale(scale) {
        Some(s) => acc
            .rounded(core::check_scale(s)?, rounding.into())?
            .to_fixed(s),
        None => acc.value()?.to_string(),
    })
}

/// `amount` split by the `'\n'`-joined `ratios`; the parts `'\n'`-joined, each with exactly
/// `scale` decimals.
#[export]
pub fn money_allocate(
    a_num: f64,
    a_text: Option<String>,
    ratios: String,
    scale: u32,
    rounding: Rounding,
) -> Result<String> {
    let scale = core::check_scale(scale)?;
    let ratios = lines(&ratios)
        .into_iter()
        .enumerate()
        .map(|(i, r)| {
            Decimal::parse(r).map_err(|e| match e {
                Error::InvalidAmount(m) => Error::InvalidAmount(format!("ratios[{i}]: {m}")),
                other => other,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let amount = amount(a_num, a_text.as_deref())?;
    let parts = core::allocate(amount, &ratios, scale, rounding.into())?;
    Ok(parts
        .iter()
        .map(|p| p.to_fixed(scale))
        .collect::<Vec<_>>()
        .join("\n"))
}

/// Balances as JSON text: `[[currency, total per category…, balance]…]`, each figure exact
/// text with the currency's minor unit of decimals.
fn balances_json(b: &core::Balances, rounding: Rounding) -> Result<String> {
    let rows: Vec<Vec<String>> = b
        .rounded_rows(rounding.into())?
        .into_iter()
        .map(|r| {
            let mut row = vec![r.currency];
            row.extend(r.totals.iter().map(|t| t.to_fixed(r.minor_unit)));
            row.push(r.balance.to_fixed(r.minor_unit));
            row
        })
        .collect();
    Ok(serde_json::to_string(&rows).expect("strings serialise"))
}

/// Balances of the documents read into `columns` (see [`balances_json`] for the result).
#[export]
pub fn money_balance_columns(columns: BalanceColumns, rounding: Rounding) -> Result<String> {
    let (cur, cat, values) = (
        columns.cur.view(),
        columns.cat.view(),
        columns.values.view(),
    );
    let (scur, scat) = (columns.scur.view(), columns.scat.view());
    let balances = core::balance_columns(&Columns {
        categories: lines(&columns.categories)
            .into_iter()
            .map(str::to_string)
            .collect(),
        currencies: lines(&columns.currencies),
        cur: &cur,
        cat: &cat,
        values: &values,
        scur: &scur,
        scat: &scat,
        strings: lines(&columns.strings),
    })?;
    balances_json(&balances, rounding)
}

/// Balances of concatenated raw BSON documents; `lengths` are the byte lengths of the
/// caller's Buffers (empty: one Buffer); `options` is the core's `BalanceOptions` as JSON.
#[export]
pub fn money_balance_bson(
    buf: &[u8],
    lengths: &[u32],
    options: String,
    rounding: Rounding,
) -> Result<String> {
    let options: BalanceOptions = serde_json::from_str(&options)
        .map_err(|e| Error::InvalidSpec(format!("balanceFromBson options are malformed: {e}")))?;
    balances_json(&core::balance_bson(buf, lengths, &options)?, rounding)
}

/// The minor unit of a currency, −1 when it is unknown.
#[export]
pub fn money_minor_unit(code: String) -> i32 {
    core::lookup(&code).map_or(-1, |m| m as i32)
}

/// Registers (or overrides) a currency.
#[export]
pub fn money_register_currency(code: String, minor_unit: u32) -> Result<()> {
    core::register_currency(&code, minor_unit)
}

/// Rate arithmetic to 12 significant digits: `1 / a`, or `a × b`.
#[export]
pub fn money_rate(kind: RateKind, a: String, b: String) -> Result<String> {
    let a = Decimal::parse(&a)?;
    Ok(match kind {
        RateKind::Inverse => core::inverse_rate(a)?,
        RateKind::Cross => core::cross_rate(a, Decimal::parse(&b)?)?,
    }
    .to_string())
}

/// The 16 Decimal128 bytes of an amount, rounded to `scale` places first when `scale ≥ 0`
/// (at exactly that many places when the coefficient fits).
#[export]
pub fn money_to_decimal128(
    a_num: f64,
    a_text: Option<String>,
    scale: i32,
    rounding: Rounding,
) -> Result<Uint8Array> {
    let mut v = amount(a_num, a_text.as_deref())?;
    if let Some(s) = self::scale(scale) {
        let r = v.round(core::check_scale(s)?, rounding.into());
        v = r.rescale_up(s).unwrap_or(r);
    }
    Ok(js::u8s(v.to_decimal128_bytes()?.to_vec()))
}

/// The exact decimal text of 16 Decimal128 bytes.
#[export]
pub fn money_from_decimal128(bytes: &[u8]) -> Result<String> {
    let b: &[u8; 16] = bytes.try_into().map_err(|_| {
        Error::InvalidAmount(format!("Decimal128 must be 16 bytes, got {}", bytes.len()))
    })?;
    Ok(Decimal::from_decimal128_bytes(b)?.to_string())
}
