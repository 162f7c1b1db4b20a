//! Exact sums: an `i128` accumulator at a growing scale, with a branch-light fast path for
//! JS numbers that are short decimals (the common case for money), and a 512-bit spill that
//! takes whatever overflows the `i128`, so a sum is exact and the same in any order.

use super::decimal::{fast_f64, pow10, Decimal, Rounding, FAST_LIMIT, POW10_F64};
use super::exact::Exact;
use crate::{Error, Result};

/// An exact running sum. Adding a JS number first tries the accumulator's own scale
/// (`c = round(x·10^s)`, accepted when `c / 10^s == x` and `|c| < 2^52`: one multiply, one
/// divide, one compare); only a number with more decimal places than seen so far takes the
/// general path and raises the scale. The value is `mant × 10^-scale + spill`: when the
/// `i128` would overflow, its contents move to the 512-bit `spill` and it starts again from
/// the new term, so the range is checked once, on the final value.
#[derive(Debug, Clone, Copy, Default)]
pub struct Accumulator {
    mant: i128,
    scale: u32,
    spill: Exact,
}

fn sum_overflow() -> Error {
    Error::Overflow(
        "the sum does not fit the exact decimal range (38 significant digits, 36 decimal places)"
            .into(),
    )
}

impl Accumulator {
    /// An empty sum (0).
    pub fn new() -> Accumulator {
        Accumulator::default()
    }

    /// The exact sum so far.
    pub fn exact(&self) -> Exact {
        self.spill
            .checked_add(Exact::from_i128(self.mant, self.scale))
            .expect("a spill is far below 2^512")
    }

    /// The exact sum so far; `Error::Overflow` when it does not fit a [`Decimal`].
    pub fn value(&self) -> Result<Decimal> {
        if self.spill.is_zero() {
            return Decimal::new(self.mant, self.scale).map_err(|_| sum_overflow());
        }
        self.exact().to_decimal().ok_or_else(sum_overflow)
    }

    /// The sum rounded once to `scale` places with `mode`; `Error::Overflow` only when the
    /// rounded sum does not fit.
    pub fn rounded(&self, scale: u32, mode: Rounding) -> Result<Decimal> {
        if self.spill.is_zero() {
            if let Ok(v) = Decimal::new(self.mant, self.scale) {
                return Ok(v.round(scale, mode));
            }
        }
        self.exact()
            .round(scale, mode)
            .to_decimal()
            .ok_or_else(sum_overflow)
    }

    /// Moves the `i128` part into the spill.
    #[cold]
    fn spill_mant(&mut self) -> Result<()> {
        self.spill = self
            .spill
            .checked_add(Exact::from_i128(self.mant, self.scale))
            .ok_or_else(sum_overflow)?;
        self.mant = 0;
        Ok(())
    }

    /// Adds `m` units of the current scale.
    #[inline]
    fn push(&mut self, m: i128) -> Result<()> {
        match self.mant.checked_add(m) {
            Some(v) => {
                self.mant = v;
                Ok(())
            }
            None => self.restart(m),
        }
    }

    /// Spills the `i128` part and starts it again from `m`.
    #[cold]
    fn restart(&mut self, m: i128) -> Result<()> {
        self.spill_mant()?;
        self.mant = m;
        Ok(())
    }

    /// Adds an exact decimal.
    #[inline]
    pub fn add(&mut self, d: Decimal) -> Result<()> {
        if d.scale() == self.scale {
            return self.push(d.mant());
        }
        self.add_aligned(d)
    }

    /// [`Accumulator::add`] of a decimal at another scale.
    fn add_aligned(&mut self, d: Decimal) -> Result<()> {
        if d.scale() > self.scale {
            match pow10(d.scale() - self.scale).and_then(|f| self.mant.checked_mul(f)) {
                Some(m) => self.mant = m,
                None => self.spill_mant()?,
            }
            self.scale = d.scale();
        }
        match pow10(self.scale - d.scale()).and_then(|f| d.mant().checked_mul(f)) {
            Some(m) => self.push(m),
            None => {
                self.spill = self
                    .spill
                    .checked_add(Exact::from(d))
                    .ok_or_else(sum_overflow)?;
                Ok(())
            }
        }
    }

    /// Adds a JS number read as the decimal it prints as (see [`Decimal::from_f64`]).
    #[inline]
    pub fn add_f64(&mut self, x: f64) -> Result<()> {
        if self.scale <= 22 {
            let p = POW10_F64[self.scale as usize];
            let y = x * p;
            let c = (y + 0.5f64.copysign(y)) as i64;
            if y.abs() < FAST_LIMIT && c as f64 / p == x {
                return self.push(c as i128);
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
                self.push(part as i128)?;
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
    acc.value()
}

/// The exact sum of three groups of amounts in one call: JS numbers, decimal strings and
/// Decimal128 values as consecutive 16-byte groups. An amount's error names its position.
pub fn sum_mixed<'a>(
    numbers: &[f64],
    strings: impl IntoIterator<Item = &'a str>,
    decimal128: &[u8],
) -> Result<Decimal> {
    sum_mixed_acc(numbers, strings, decimal128)?.value()
}

/// [`sum_mixed`] as an [`Accumulator`] (to round the exact sum once).
pub fn sum_mixed_acc<'a>(
    numbers: &[f64],
    strings: impl IntoIterator<Item = &'a str>,
    decimal128: &[u8],
) -> Result<Accumulator> {
    let mut acc = Accumulator::new();
    acc.add_f64_slice(numbers)?;
    for (i, s) in strings.into_iter().enumerate() {
        acc.add(Decimal::parse(s).map_err(|e| at_index(e, i))?)?;
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
    Ok(acc)
}
