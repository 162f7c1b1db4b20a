//! Balances by currency: exact per-(currency, category) sums from extracted columns or from
//! raw BSON documents read in one pass.

use super::currency::minor_unit;
use super::decimal::{Decimal, Rounding};
use super::exact::Exact;
use super::sum::{at_index, Accumulator};
use crate::{Error, Result};
use bson::{RawBsonRef, RawDocument};
use serde::Deserialize;
use std::collections::HashMap;

/// How documents map to balance categories, and where the fields are.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct BalanceOptions {
    /// `[category, [type, …]]` pairs, in output order. Default (the original design):
    /// income = client_payment + debt_payment, expense = expense + vagon_expense,
    /// debt = debt_sale.
    pub types: Vec<(String, Vec<String>)>,
    /// Field holding the currency code. Default `currency`.
    pub currency_field: String,
    /// Field holding the document type. Default `type`.
    pub type_field: String,
    /// Field holding the amount. Default `amount`.
    pub amount_field: String,
    /// Field marking a deleted document (skipped when it is `true`). Default `isDeleted`.
    pub deleted_field: String,
}

impl Default for BalanceOptions {
    fn default() -> Self {
        let s = |v: &[&str]| v.iter().map(|t| t.to_string()).collect::<Vec<_>>();
        BalanceOptions {
            types: vec![
                ("income".into(), s(&["client_payment", "debt_payment"])),
                ("expense".into(), s(&["expense", "vagon_expense"])),
                ("debt".into(), s(&["debt_sale"])),
            ],
            currency_field: "currency".into(),
            type_field: "type".into(),
            amount_field: "amount".into(),
            deleted_field: "isDeleted".into(),
        }
    }
}

/// One currency's result: a total per category (in [`BalanceOptions::types`] order) and
/// `balance = income − expense` (a missing category counts as 0).
#[derive(Debug, Clone, PartialEq)]
pub struct BalanceRow {
    /// The currency code.
    pub currency: String,
    /// Minor unit of the currency.
    pub minor_unit: u32,
    /// Exact total per category.
    pub totals: Vec<Decimal>,
    /// income − expense, exact.
    pub balance: Decimal,
}

/// Exact per-(currency, category) accumulators.
#[derive(Debug, Clone)]
pub struct Balances {
    categories: Vec<String>,
    income: Option<usize>,
    expense: Option<usize>,
    rows: Vec<(String, u32, Vec<Accumulator>)>,
}

impl Balances {
    /// Empty balances over these category names (`income` and `expense` make `balance`).
    pub fn new(categories: Vec<String>) -> Balances {
        let income = categories.iter().position(|c| c == "income");
        let expense = categories.iter().position(|c| c == "expense");
        Balances {
            categories,
            income,
            expense,
            rows: Vec::new(),
        }
    }

    /// The category names, in order.
    pub fn categories(&self) -> &[String] {
        &self.categories
    }

    /// The row index of `currency`, adding it (validated against the currency table) when new.
    pub fn currency(&mut self, currency: &str) -> Result<usize> {
        if let Some(i) = self.rows.iter().position(|(c, _, _)| c == currency) {
            return Ok(i);
        }
        let minor = minor_unit(currency)?;
        self.rows.push((
            currency.to_string(),
            minor,
            vec![Accumulator::new(); self.categories.len()],
        ));
        Ok(self.rows.len() - 1)
    }

    /// Adds `amount` to category `cat` of row `row`.
    #[inline]
    pub fn add(&mut self, row: usize, cat: usize, amount: Decimal) -> Result<()> {
        self.rows[row].2[cat].add(amount)
    }

    /// Adds a JS number to category `cat` of row `row`.
    #[inline]
    pub fn add_f64(&mut self, row: usize, cat: usize, amount: f64) -> Result<()> {
        self.rows[row].2[cat].add_f64(amount)
    }

    /// The exact results, one row per currency in first-seen order; `Error::Overflow` when
    /// an exact total does not fit a [`Decimal`] ([`Balances::rounded_rows`] rounds first).
    pub fn rows(&self) -> Result<Vec<BalanceRow>> {
        self.rows
            .iter()
            .map(|(currency, minor, accs)| {
                let totals = accs.iter().map(|a| a.value()).collect::<Result<Vec<_>>>()?;
                let pick = |i: Option<usize>| i.map(|i| totals[i]).unwrap_or(Decimal::ZERO);
                let balance = pick(self.income).checked_sub(pick(self.expense))?;
                Ok(BalanceRow {
                    currency: currency.clone(),
                    minor_unit: *minor,
                    totals,
                    balance,
                })
            })
            .collect()
    }

    /// The results rounded for output, one row per currency in first-seen order: each total
    /// and the balance computed exactly, then rounded once to the currency's minor unit with
    /// `mode`. `Error::Overflow` only when a rounded figure does not fit.
    pub fn rounded_rows(&self, mode: Rounding) -> Result<Vec<BalanceRow>> {
        self.rows
            .iter()
            .map(|(currency, minor, accs)| {
                let exact: Vec<Exact> = accs.iter().map(Accumulator::exact).collect();
                let pick = |i: Option<usize>| i.map(|i| exact[i]).unwrap_or(Exact::ZERO);
                let balance = pick(self.income).checked_add(-pick(self.expense));
                let round = |v: Option<Exact>| {
                    v.map(|v| v.round(*minor, mode))
                        .and_then(Exact::to_decimal)
                        .ok_or_else(|| {
                            Error::Overflow(format!(
                                "a {currency} balance total does not fit the exact decimal range (38 significant digits)"
                            ))
                        })
                };
                Ok(BalanceRow {
                    currency: currency.clone(),
                    minor_unit: *minor,
                    totals: exact.iter().map(|&t| round(Some(t))).collect::<Result<_>>()?,
                    balance: round(balance)?,
                })
            })
            .collect()
    }
}

/// Balance input whose fields were read on the JS side: for each counted (document,
/// category), the currency index, the category index and the amount — a JS number in
/// `values`, or a decimal string in `strings` (the `s*` columns).
#[derive(Debug, Clone, Default)]
pub struct Columns<'a> {
    /// Category names, in output order (`income` and `expense` make `balance`).
    pub categories: Vec<String>,
    /// The distinct currency codes the currency indexes refer to.
    pub currencies: Vec<&'a str>,
    /// Currency index of each number amount.
    pub cur: &'a [u32],
    /// Category index of each number amount.
    pub cat: &'a [u8],
    /// The number amounts.
    pub values: &'a [f64],
    /// Currency index of each decimal-string amount.
    pub scur: &'a [u32],
    /// Category index of each decimal-string amount.
    pub scat: &'a [u8],
    /// The decimal-string amounts.
    pub strings: Vec<&'a str>,
}

/// Balances from [`Columns`]; an index out of range or columns of unequal lengths are
/// `Error::InvalidAmount`, an unknown currency `Error::UnknownCurrency`.
pub fn balance_columns(c: &Columns) -> Result<Balances> {
    let mut b = Balances::new(c.categories.clone());
    let rows = c
        .currencies
        .iter()
        .map(|code| b.currency(code))
        .collect::<Result<Vec<_>>>()?;
    let ncat = b.categories.len();
    let check = |ci: u32, k: u8, i: usize| -> Result<(usize, usize)> {
        let r = *rows.get(ci as usize).ok_or_else(|| {
            Error::InvalidAmount(format!(
                "balance column: currency index {ci} out of range at {i}"
            ))
        })?;
        if (k as usize) >= ncat {
            return Err(Error::InvalidAmount(format!(
                "balance column: category index {k} out of range at {i}"
            )));
        }
        Ok((r, k as usize))
    };
    if c.cur.len() != c.values.len()
        || c.cat.len() != c.values.len()
        || c.scur.len() != c.strings.len()
        || c.scat.len() != c.strings.len()
    {
        return Err(Error::InvalidAmount(
            "balance columns must have equal lengths".into(),
        ));
    }
    for i in 0..c.values.len() {
        let (r, k) = check(c.cur[i], c.cat[i], i)?;
        b.add_f64(r, k, c.values[i]).map_err(|e| at_index(e, i))?;
    }
    for (i, s) in c.strings.iter().enumerate() {
        let (r, k) = check(c.scur[i], c.scat[i], i)?;
        b.add(r, k, Decimal::parse(s)?)?;
    }
    Ok(b)
}

fn bson_error(i: usize, e: impl std::fmt::Display) -> Error {
    Error::InvalidAmount(format!("documents[{i}] is not a valid BSON document: {e}"))
}

/// Reads the amount of a raw BSON value: double (as the JS number it is), int32, int64,
/// Decimal128 (from its 16 bytes) or a decimal string (also as the deprecated BSON Symbol,
/// which the Node driver promotes to a string).
fn bson_amount(v: RawBsonRef<'_>, i: usize, field: &str) -> Result<Decimal> {
    let named = |e: Error| match e {
        Error::InvalidAmount(m) => Error::InvalidAmount(format!("documents[{i}].{field}: {m}")),
        Error::Overflow(m) => Error::Overflow(format!("documents[{i}].{field}: {m}")),
        o => o,
    };
    match v {
        RawBsonRef::Double(x) => Decimal::from_f64(x).map_err(named),
        RawBsonRef::Int32(x) => Ok(Decimal::new(x as i128, 0)?),
        RawBsonRef::Int64(x) => Ok(Decimal::new(x as i128, 0)?),
        RawBsonRef::Decimal128(d) => Decimal::from_decimal128_bytes(&d.bytes()).map_err(named),
        RawBsonRef::String(s) | RawBsonRef::Symbol(s) => Decimal::parse(s).map_err(named),
        other => Err(Error::InvalidAmount(format!(
            "documents[{i}].{field} must be a double, int32, int64, Decimal128 or decimal string, got BSON {:?}",
            other.element_type()
        ))),
    }
}

/// Balances of raw BSON documents laid end to end in `buf` (what the driver returns with
/// `raw: true`, concatenated). `lengths` are the byte lengths of the caller's buffers laid
/// end to end in `buf` (empty: `buf` is one buffer): a document must end inside the buffer
/// it starts in — one split across two buffers is `Error::InvalidAmount` naming
/// `buffers[k]`, never read as one document. One pass over each document's elements picks
/// the four fields; documents whose deleted field is `true` are skipped; a type outside every
/// category is not counted (its currency still gets a row). A string field may also be a
/// BSON Symbol (the driver promotes Symbols to strings, so `balance` sees the same).
pub fn balance_bson(buf: &[u8], lengths: &[u32], options: &BalanceOptions) -> Result<Balances> {
    let mut b = Balances::new(options.types.iter().map(|(c, _)| c.clone()).collect());
    let mut type_map: HashMap<&str, Vec<usize>> = HashMap::new();
    for (k, (_, types)) in options.types.iter().enumerate() {
        for t in types {
            type_map.entry(t.as_str()).or_default().push(k);
        }
    }
    let declared: usize = lengths.iter().map(|&l| l as usize).sum();
    if !lengths.is_empty() && declared != buf.len() {
        return Err(Error::InvalidAmount(format!(
            "buffers: lengths add up to {declared} bytes, got {}",
            buf.len()
        )));
    }
    // The buffer holding `off`: index `part`, ending at byte `end`.
    let mut part = 0usize;
    let mut end = lengths.first().map_or(buf.len(), |&l| l as usize);
    let mut off = 0usize;
    let mut i = 0usize;
    let mut last_currency: Option<(&str, usize)> = None;
    while off < buf.len() {
        while off >= end {
            part += 1;
            end += lengths[part] as usize;
        }
        let avail = end - off;
        let prefix = |n: usize| {
            (n >= 4).then(|| i32::from_le_bytes(buf[off..off + 4].try_into().expect("4 bytes")))
        };
        let fits = |l: i32, n: usize| l >= 5 && l as usize <= n;
        let len = match prefix(avail) {
            Some(l) if fits(l, avail) => l as usize,
            own => {
                let rest = buf.len() - off;
                if !lengths.is_empty() && prefix(rest).is_some_and(|l| fits(l, rest)) {
                    return Err(Error::InvalidAmount(format!(
                        "buffers[{part}]: documents[{i}] is cut at the end of this Buffer ({avail} bytes left); a BSON document must not be split across Buffers"
                    )));
                }
                return Err(bson_error(
                    i,
                    match own {
                        Some(l) => format!("length {l} out of bounds"),
                        None => "truncated length prefix".into(),
                    },
                ));
            }
        };
        let doc = RawDocument::from_bytes(&buf[off..off + len]).map_err(|e| bson_error(i, e))?;
        let mut currency = None;
        let mut ty = None;
        let mut amount = None;
        let mut deleted = false;
        for el in doc.iter() {
            let (key, value) = el.map_err(|e| bson_error(i, e))?;
            if key == options.amount_field {
                amount = Some(value);
            } else if key == options.type_field {
                ty = Some(value);
            } else if key == options.currency_field {
                currency = Some(value);
            } else if key == options.deleted_field {
                deleted = matches!(value, RawBsonRef::Boolean(true));
            }
        }
        if !deleted {
            let code = match currency {
                Some(RawBsonRef::String(s) | RawBsonRef::Symbol(s)) => s,
                other => {
                    return Err(Error::UnknownCurrency(format!(
                        "documents[{i}].{} must be a currency code string, got {}",
                        options.currency_field,
                        other
                            .map(|v| format!("BSON {:?}", v.element_type()))
                            .unwrap_or_else(|| "undefined".into())
                    )))
                }
            };
            let row = match last_currency {
                Some((c, r)) if c == code => r,
                _ => {
                    let r = b.currency(code)?;
                    last_currency = Some((code, r));
                    r
                }
            };
            if let Some(RawBsonRef::String(t) | RawBsonRef::Symbol(t)) = ty {
                if let Some(cats) = type_map.get(t) {
                    let v = match amount {
                        Some(v) => bson_amount(v, i, &options.amount_field)?,
                        None => {
                            return Err(Error::InvalidAmount(format!(
                                "documents[{i}].{} must be a finite decimal number, got undefined",
                                options.amount_field
                            )))
                        }
                    };
                    for &k in cats {
                        b.add(row, k, v)?;
                    }
                }
            }
        }
        off += len;
        i += 1;
    }
    Ok(b)
}
