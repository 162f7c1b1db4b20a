//! Exact sums: an `i128` accumulator at a growing scale, with a branch-light fast path for
//! JS numbers that are short decimals (the common case for money).

use super::decimal::{fast_f64, pow10, Decimal, FAST_LIMIT, POW10_F64};
use crate::{Error, Result};

/// An exact running sum. Adding a JS number first tries the accumulator's own scale
/// (`c = round(x·10^s)`, accepted when `c / 10^s == x` and `|c| < 2^52`: one multiply, one
/// divide, one compare); only a number with more decimal places than seen so far takes the
/// general path and raises the scale.
#[derive(Debug, Clone, Copy, Default)]
pub struct Accumulator {
    mant: i128,
    scale: u32,
}

fn sum_overflow() -> Error {
    Error::Overflow("the sum does not fit the exact decimal range (38 significant digits)".into())
}

impl Accumulator {
    /// An empty sum (0).
    pub fn new() -> Accumulator {
        Accumulator::default()
    }

    /// The sum so far.
    pub fn value(&self) -> Decimal {
        Decimal::new(self.mant, self.scale).unwrap_or(Decimal::ZERO)
    }

    /// Adds an exact decimal.
    pub fn add(&mut self, d: Decimal) -> Result<()> {
        if d.scale() > self.scale {
            let f = pow10(d.scale() - self.scale).ok_or_else(sum_overflow)?;
            self.mant = self.mant.checked_mul(f).ok_or_else(sum_overflow)?;
            self.scale = d.scale();
        }
        let f = pow10(self.scale - d.scale()).ok_or_else(sum_overflow)?;
        let m = d.mant().checked_mul(f).ok_or_else(sum_overflow)?;
        self.mant = self.mant.checked_add(m).ok_or_else(sum_overflow)?;
        Ok(())
    }

    /// Adds a JS number read as the decimal it prints as (see [`Decimal::from_f64`]).
    #[inline]
    pub fn add_f64(&mut self, x: f64) -> Result<()> {
        if self.scale <= 22 {
            let p = POW10_F64[self.scale as usize];
            let y = x * p;
            let c = (y + 0.5f64.copysign(y)) as i64;
            if y.abs() < FAST_LIMIT && c as f64 / p == x {
                self.mant = self.mant.checked_add(c as i128).ok_or_else(sum_overflow)?;
                return Ok(());
            }
        }
        let d = match fast_f64(x) {
            Some(d) => d,
            None => Decimal::from_f64(x)?,
        };
        self.add(d)
    }

    /// Adds every number of `xs` (JS numbers), exactly. The inner loop sums a chunk of fast-path
    /// values in an `i64` (|c| < 2^52, 2048 of them stay below 2^63) and touches the `i128`
    /// once per chunk. An error names the index: `amounts[7]`.
    pub fn add_f64_slice(&mut self, xs: &[f64]) -> Result<()> {
        const CHUNK: usize = 2048;
        let mut i = 0;
        while i < xs.len() {
            let end = (i + CHUNK).min(xs.len());
            let mut j = i;
            if self.scale <= 22 {
                let p = POW10_F64[self.scale as usize];
                let mut part: i64 = 0;
                while j < end {
                    let x = xs[j];
                    let y = x * p;
                    let c = (y + 0.5f64.copysign(y)) as i64;
                    if !(y.abs() < FAST_LIMIT && c as f64 / p == x) {
                        break;
                    }
                    part += c;
                    j += 1;
                }
                self.mant = self
                    .mant
                    .checked_add(part as i128)
                    .ok_or_else(sum_overflow)?;
            }
            if j < end {
                self.add_f64(xs[j]).map_err(|e| at_index(e, j))?;
                j += 1;
            }
            i = j;
        }
        Ok(())
    }
}

/// Prefixes an amount error with the position of the amount (`amounts[3]: …`).
pub(crate) fn at_index(e: Error, i: usize) -> Error {
    match e {
        Error::InvalidAmount(m) => Error::InvalidAmount(format!("amounts[{i}]: {m}")),
        Error::Overflow(m) => Error::Overflow(format!("amounts[{i}]: {m}")),
        other => other,
    }
}

/// The exact sum of JS numbers.
pub fn sum_f64(xs: &[f64]) -> Result<Decimal> {
    let mut acc = Accumulator::new();
    acc.add_f64_slice(xs)?;
    Ok(acc.value())
}

/// The exact sum of three groups of amounts in one call: JS numbers, decimal strings joined
/// by `'\n'` (empty string = none) and Decimal128 values as consecutive 16-byte groups.
pub fn sum_mixed(numbers: &[f64], strings: &str, decimal128: &[u8]) -> Result<Decimal> {
    let mut acc = Accumulator::new();
    acc.add_f64_slice(numbers)?;
    if !strings.is_empty() {
        for (i, s) in strings.split('\n').enumerate() {
            acc.add(Decimal::parse(s).map_err(|e| at_index(e, i))?)?;
        }
    }
    if decimal128.len() % 16 != 0 {
        return Err(Error::InvalidAmount(format!(
            "decimal128 bytes must be a multiple of 16 long, got {}",
            decimal128.len()
        )));
    }
    for (i, b) in decimal128.chunks_exact(16).enumerate() {
        let bytes: &[u8; 16] = b.try_into().expect("16 bytes");
        acc.add(Decimal::from_decimal128_bytes(bytes).map_err(|e| at_index(e, i))?)?;
    }
    Ok(acc.value())
}
