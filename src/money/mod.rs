//! The `money` hot path: exact decimal arithmetic, currencies, allocation and balances.
//!
//! # The decimal type: `i128` fixed point with a per-value scale
//!
//! [`Decimal`] is `mant × 10^-scale` with an `i128` coefficient (38 significant digits) and
//! `scale ≤ 36`. It was chosen over `rust_decimal` (96-bit coefficient, 28 digits) because:
//! - it holds every Decimal128 money value people store (34 digits) where 28 would not;
//! - the hot operation, adding a two-decimal amount, is one `i128` add (after a one-time scale
//!   alignment), and the bulk sum runs on `i64` chunks — `rust_decimal` re-normalises scales on
//!   every add;
//! - it is not on the project's allowed dependency list, and the operations money needs
//!   (add/sub/mul, division to a scale, six rounding modes, allocation) are short;
//! - every operation is checked: overflow is [`crate::Error::Overflow`], never wraparound.
//!
//! # Intermediate values: 512 bits, one rounding
//!
//! The range limits results, not steps. When a step of an operation overflows the `i128`
//! (aligning `0.50` to `1e37`, a product of two long coefficients, a dividend scaled by
//! 10^40 for a rate with 28 decimals, a running sum past 10^38), the operation is redone
//! exactly on a 512-bit coefficient ([`exact::Exact`] over [`wide::U512`]) and rounded once
//! at the end: `ERR_OVERFLOW` means the final result does not fit. Sums keep their overflow
//! in such a spill, so they are exact and the same in any order. The fast paths are
//! unchanged; the slow path costs microseconds and only runs where the old code failed.
//!
//! The bulk sum of two-decimal JS numbers is one multiply, one divide, one compare and an
//! `i64` add per amount, which is what made the fixed-point design worth it; docs/money.md
//! has the measurements (against a plain float sum and decimal.js).
//!
//! # JS numbers
//!
//! A JS number is read as the decimal it prints as (`0.1` is 0.1): [`Decimal::from_f64`]
//! tries `c = round(x·10^e)` for the smallest `e`, accepted when `c / 10^e == x` exactly and
//! `|c| < 2^52` (below 2^52 only one integer at that scale rounds to `x`, so it is the digits
//! JS prints — a little stricter than 2^53, where two neighbours can both round-trip); anything
//! else goes through `ryu-js`, which reproduces `Number.prototype.toString` byte for byte.
//! Bulk sums go further: [`sum::Accumulator`] keeps a scale and tests each number at that
//! scale only — a multiply, a divide and a compare per amount, no allocation, no string.
//!
//! # Where the JS boundary is
//!
//! This crate takes plain Rust values: slices of numbers, strings, Decimal128 bytes, a
//! [`Columns`] struct. The binding (`bindings/src/money.rs`) packs each bulk operation into
//! one crossing (a `Float64Array`, one `'\n'`-joined string, one byte array) and converts.

pub mod allocate;
pub mod balance;
pub mod currency;
pub mod decimal;
pub mod exact;
pub mod ops;
pub mod sum;
pub mod wide;

pub use allocate::allocate;
pub use balance::{balance_bson, balance_columns, BalanceOptions, BalanceRow, Balances, Columns};
pub use currency::{lookup, minor_unit, register_currency, ISO_4217};
pub use decimal::{Decimal, Frac, Rounding, MAX_SCALE};
pub use exact::Exact;
pub use ops::{apply, check_scale, Op, DIV_SCALE};
pub use sum::{sum_f64, sum_mixed, sum_mixed_acc, Accumulator};

/// Significant digits kept by an inverse or cross exchange rate.
pub const RATE_SIGNIFICANT_DIGITS: u32 = 12;

/// `1 / rate`, exact division rounded half-even to 12 significant digits.
pub fn inverse_rate(rate: Decimal) -> crate::Result<Decimal> {
    if rate.mant() <= 0 {
        return Err(crate::Error::InvalidAmount(format!(
            "rate must be a positive number, got {rate}"
        )));
    }
    Decimal::new(1, 0)?.div_significant(rate, RATE_SIGNIFICANT_DIGITS, Rounding::HalfEven)
}

/// `a × b` (a cross rate through a pivot), exact product rounded half-even to 12
/// significant digits.
pub fn cross_rate(a: Decimal, b: Decimal) -> crate::Result<Decimal> {
    a.mul_significant(b, RATE_SIGNIFICANT_DIGITS, Rounding::HalfEven)
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod wide_tests;
