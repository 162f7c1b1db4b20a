//! Allocation by ratios with the largest-remainder method.

use super::decimal::{Decimal, Rounding};
use crate::{Error, Result};

fn too_big() -> Error {
    Error::Overflow("allocate: amount × ratio does not fit the exact range".into())
}

/// Splits `amount` (first rounded to `scale` places with `mode`) into parts proportional to
/// `ratios`, each a whole number of units of 10^-scale, that add up exactly to the rounded
/// amount. Largest remainder: every part gets ⌊total·rᵢ/R⌋ units, then the units left over go
/// one each to the largest remainders, ties to the lower index (deterministic). A negative
/// amount is split like its absolute value and negated. Ratios must be ≥ 0 with a positive
/// sum (`Error::InvalidAmount` otherwise).
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
    let rs = ratios.iter().map(|r| r.scale()).max().unwrap_or(0);
    let mut ints = Vec::with_capacity(ratios.len());
    let mut total_ratio: i128 = 0;
    for r in ratios {
        let m = r.rescale_up(rs)?.mant();
        total_ratio = total_ratio.checked_add(m).ok_or_else(too_big)?;
        ints.push(m);
    }
    if total_ratio == 0 {
        return Err(Error::InvalidAmount("ratios must not all be zero".into()));
    }
    let units = amount.round(scale, mode).rescale_up(scale)?.mant();
    let negative = units < 0;
    let t = units.checked_abs().ok_or_else(too_big)?;
    let mut parts = Vec::with_capacity(ints.len());
    let mut rems = Vec::with_capacity(ints.len());
    let mut given: i128 = 0;
    for &r in &ints {
        let num = t.checked_mul(r).ok_or_else(too_big)?;
        let q = num / total_ratio;
        rems.push(num % total_ratio);
        given += q;
        parts.push(q);
    }
    let left = (t - given) as usize; // < number of parts
    if left > 0 {
        let mut order: Vec<usize> = (0..ints.len()).collect();
        order.sort_by(|&a, &b| rems[b].cmp(&rems[a]).then(a.cmp(&b)));
        for &i in order.iter().take(left) {
            parts[i] += 1;
        }
    }
    parts
        .into_iter()
        .map(|p| Decimal::new(if negative { -p } else { p }, scale))
        .collect()
}
