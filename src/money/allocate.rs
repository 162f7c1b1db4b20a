//! Allocation by ratios, as dinero.js 2.0.2 `allocate` distributes.

use super::decimal::{Decimal, Rounding};
use super::exact::Exact;
use super::wide::U512;
use crate::{Error, Result};

/// Splits `amount` (first rounded to `scale` places with `mode`) into parts proportional to
/// `ratios`, each a whole number of units of 10^-scale, that add up exactly to the rounded
/// amount — what dinero.js 2.0.2 `allocate` does on integer ratios: every part gets
/// ⌊units·rᵢ/Σr⌋ (truncated toward zero), then the units left over go one each to the parts
/// with the **largest ratios**, equal ratios in index order; a zero ratio gets 0. A negative
/// amount is split like its absolute value and negated (dinero truncates toward zero and
/// hands out −1 units the same way). Decimal ratios are scaled to integers by their largest
/// number of places first (`[0.5, 0.25]` is `[50, 25]`). Ratios must be ≥ 0 with a positive
/// sum (`Error::InvalidAmount` otherwise).
///
/// The arithmetic is exact on 512 bits, so only a part that does not fit a [`Decimal`] is
/// `Error::Overflow`.
pub fn allocate(
    amount: Decimal,
    ratios: &[Decimal],
    scale: u32,
    mode: Rounding,
) -> Result<Vec<Decimal>> {
    if ratios.is_empty() {
        return Err(Error::InvalidAmount("ratios must not be empty".into()));
    }
    if let Some((i, r)) = ratios.iter().enumerate().find(|(_, r)| r.mant() < 0) {
        return Err(Error::InvalidAmount(format!(
            "ratios[{i}] must be zero or positive, got {r}"
        )));
    }
    if ratios.iter().all(Decimal::is_zero) {
        return Err(Error::InvalidAmount("ratios must not all be zero".into()));
    }
    // Leftover units go to the non-zero ratios, largest first, equal ones in index order.
    let mut order: Vec<usize> = (0..ratios.len())
        .filter(|&i| !ratios[i].is_zero())
        .collect();
    order.sort_by(|&a, &b| ratios[b].cmp(&ratios[a]).then(a.cmp(&b)));
    if let Some(parts) = allocate_i128(amount, ratios, scale, mode, &order) {
        return Ok(parts);
    }
    // Every value here is below 2^247 (an i128 coefficient × 10^36) and a sum of ratios
    // below 2^260, so units × ratio stays below 2^512.
    let rs = ratios.iter().map(|r| r.scale()).max().unwrap_or(0);
    let ints: Vec<U512> = ratios.iter().map(|r| scaled(Exact::from(*r), rs)).collect();
    let total = ints
        .iter()
        .try_fold(U512::ZERO, |a, &r| a.checked_add(r))
        .expect("a sum of ratios is far below 2^512");
    let units = Exact::from(amount).round(scale, mode);
    let negative = units.is_negative();
    let t = scaled(units, scale);
    let mut given = U512::ZERO;
    let mut parts: Vec<U512> = ints
        .iter()
        .map(|&r| {
            let num = t.checked_mul(r).expect("units × ratio is below 2^494");
            let q = num.divrem(total).0;
            given = given
                .checked_add(q)
                .expect("the parts add up to at most units");
            q
        })
        .collect();
    // Fewer units are left over than there are non-zero ratios (each part lost < 1).
    let left = (t - given).to_u128().unwrap_or(u128::MAX);
    for &i in order
        .iter()
        .take(usize::try_from(left).unwrap_or(usize::MAX))
    {
        parts[i] = parts[i]
            .checked_add(U512::from_u128(1))
            .expect("a part is at most units");
    }
    parts
        .into_iter()
        .map(|p| {
            Exact::new(negative, p, scale).to_decimal().ok_or_else(|| {
                Error::Overflow(format!(
                    "allocate: a part of {amount} at {scale} decimal places does not fit the exact decimal range (38 significant digits)"
                ))
            })
        })
        .collect()
}

/// [`allocate`] on `i128`s, `None` when a step would overflow (then the 512-bit path runs).
fn allocate_i128(
    amount: Decimal,
    ratios: &[Decimal],
    scale: u32,
    mode: Rounding,
    order: &[usize],
) -> Option<Vec<Decimal>> {
    let rs = ratios.iter().map(|r| r.scale()).max().unwrap_or(0);
    let mut ints = Vec::with_capacity(ratios.len());
    let mut total: i128 = 0;
    for r in ratios {
        let m = r.rescale_up(rs).ok()?.mant();
        total = total.checked_add(m)?;
        ints.push(m);
    }
    let units = amount.round(scale, mode).rescale_up(scale).ok()?.mant();
    let t = units.abs();
    let mut given: i128 = 0;
    let mut parts = Vec::with_capacity(ints.len());
    for &r in &ints {
        let q = t.checked_mul(r)? / total;
        given += q;
        parts.push(q);
    }
    for &i in order.iter().take((t - given) as usize) {
        parts[i] += 1;
    }
    parts
        .into_iter()
        .map(|p| Decimal::new(if units < 0 { -p } else { p }, scale).ok())
        .collect()
}

/// The magnitude of `v` as an integer count of 10^-scale (`v` has at most `scale` places).
fn scaled(v: Exact, scale: u32) -> U512 {
    v.rescale_up(scale)
        .expect("a value at most 36 places up is below 2^247")
        .magnitude()
}
