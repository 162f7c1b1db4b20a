//! [`Exact`]: a decimal with a 512-bit coefficient, where the money core finishes an
//! operation whose intermediate value does not fit an `i128`.
//!
//! Every operation is computed exactly here and rounded once at the end; only the final
//! result has to fit a [`Decimal`] (38 significant digits, 36 decimal places), so an
//! `ERR_OVERFLOW` means the answer itself does not fit — never that a step on the way did.

use super::decimal::{Decimal, Frac, Rounding, MAX_SCALE};
use super::wide::U512;
use std::cmp::Ordering;

/// `±mag × 10^-scale`, exact. A zero may carry a sign: the sign of the exact value a
/// truncated quotient or rounding came from, which the rounding modes need (−0.4 rounded
/// `floor` is −1); it reads as 0.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Exact {
    neg: bool,
    mag: U512,
    scale: u32,
}

/// The largest coefficient magnitude a [`Decimal`] holds (2^127 − 1; −2^127 is left out so
/// that every value can be negated).
const MAX_MANT: u128 = i128::MAX as u128;

impl From<Decimal> for Exact {
    fn from(d: Decimal) -> Exact {
        Exact::from_i128(d.mant(), d.scale())
    }
}

impl std::ops::Neg for Exact {
    type Output = Exact;
    /// `−self`.
    fn neg(self) -> Exact {
        Exact::new(!self.neg, self.mag, self.scale)
    }
}

impl Exact {
    /// Zero.
    pub const ZERO: Exact = Exact {
        neg: false,
        mag: U512::ZERO,
        scale: 0,
    };

    /// `mant × 10^-scale`.
    pub fn from_i128(mant: i128, scale: u32) -> Exact {
        Exact::new(mant < 0, U512::from_u128(mant.unsigned_abs()), scale)
    }

    /// `±mag × 10^-scale`.
    pub fn new(neg: bool, mag: U512, scale: u32) -> Exact {
        Exact { neg, mag, scale }
    }

    /// True for zero.
    pub fn is_zero(&self) -> bool {
        self.mag.is_zero()
    }

    /// True below zero (or a zero that carries a minus sign, see [`Exact`]).
    pub fn is_negative(&self) -> bool {
        self.neg
    }

    /// The coefficient's magnitude.
    pub fn magnitude(&self) -> U512 {
        self.mag
    }

    /// The number of decimal places of the representation.
    pub fn scale(&self) -> u32 {
        self.scale
    }

    /// The same value at a scale ≥ its own, `None` past 2^512.
    pub fn rescale_up(self, scale: u32) -> Option<Exact> {
        if scale <= self.scale {
            return Some(self);
        }
        Some(Exact::new(
            self.neg,
            self.mag.checked_mul_pow10(scale - self.scale)?,
            scale,
        ))
    }

    /// `self + o`, exact (`None` only past 2^512, far beyond any money value).
    pub fn checked_add(self, o: Exact) -> Option<Exact> {
        let s = self.scale.max(o.scale);
        let (a, b) = (self.rescale_up(s)?, o.rescale_up(s)?);
        if a.neg == b.neg {
            return Some(Exact::new(a.neg, a.mag.checked_add(b.mag)?, s));
        }
        Some(match a.mag.cmp(&b.mag) {
            Ordering::Less => Exact::new(b.neg, b.mag - a.mag, s),
            _ => Exact::new(a.neg, a.mag - b.mag, s),
        })
    }

    /// `self × o`, exact.
    pub fn checked_mul(self, o: Exact) -> Option<Exact> {
        Some(Exact::new(
            self.neg != o.neg,
            self.mag.checked_mul(o.mag)?,
            self.scale + o.scale,
        ))
    }

    /// `a ÷ b × 10^scale` truncated toward zero, as a value at `scale` places, and where the
    /// discarded remainder lies. `b` must not be zero. The dividend is at most
    /// (2^127 − 1) × 10^72 < 2^367, so nothing here can overflow.
    pub fn quotient(a: Decimal, b: Decimal, scale: u32) -> (Exact, Frac) {
        let e = scale as i64 + b.scale() as i64 - a.scale() as i64;
        let mut n = U512::from_u128(a.mant().unsigned_abs());
        let mut d = U512::from_u128(b.mant().unsigned_abs());
        if e >= 0 {
            n = n
                .checked_mul_pow10(e as u32)
                .expect("a scaled dividend is below 2^367");
        } else {
            d = d
                .checked_mul_pow10((-e) as u32)
                .expect("a scaled divisor is below 2^247");
        }
        let (q, r) = n.divrem(d);
        // r < d < 2^247, so 2r cannot overflow.
        let twice = r.checked_add(r).expect("2r < 2^248");
        let frac = Frac::of(r.is_zero(), twice.cmp(&d));
        let neg = (a.mant() < 0) != (b.mant() < 0);
        (Exact::new(neg, q, scale), frac)
    }

    /// `self` rounded once to `scale` places with `mode` (unchanged when it has no more).
    pub fn round(self, scale: u32, mode: Rounding) -> Exact {
        self.round_frac(scale, mode, Frac::Zero)
    }

    /// Rounds a truncated value: `below` says where the part already cut off below `self`'s
    /// last place lies. With `scale ≥ self.scale` the rounding happens at `self.scale`.
    pub fn round_frac(self, scale: u32, mode: Rounding, below: Frac) -> Exact {
        let mut q = self.mag;
        let mut frac = below;
        let target = scale.min(self.scale);
        let mut k = self.scale - target;
        while k > 0 {
            let step = k.min(19);
            let p = 10u64.pow(step);
            let (next, r) = q.divrem_u64(p);
            frac = frac.shifted(r == 0, (2 * r as u128).cmp(&(p as u128)));
            q = next;
            k -= step;
        }
        if mode.away(self.neg, frac, q.is_odd()) {
            q = q
                .checked_add(U512::from_u128(1))
                .expect("a rounded magnitude is far below 2^512");
        }
        Exact::new(self.neg, q, target)
    }

    /// `self` rounded to `sig` significant digits (integer digits are always kept);
    /// `below` as in [`Exact::round_frac`].
    pub fn round_significant(self, sig: u32, mode: Rounding, below: Frac) -> Exact {
        let nd = self.mag.digits();
        let drop = nd.saturating_sub(sig).min(self.scale);
        self.round_frac(self.scale - drop, mode, below)
    }

    /// The [`Decimal`] of this value (trailing zeros removed as needed), `None` when it
    /// needs more than 36 decimal places or a coefficient beyond 2^127 − 1.
    pub fn to_decimal(self) -> Option<Decimal> {
        if self.mag.is_zero() {
            return Some(Decimal::ZERO);
        }
        let mut mag = self.mag;
        let mut scale = self.scale;
        loop {
            if scale <= MAX_SCALE {
                if let Some(m) = mag.to_u128().filter(|&m| m <= MAX_MANT) {
                    let m = m as i128;
                    return Some(Decimal::from_parts(if self.neg { -m } else { m }, scale));
                }
            }
            if scale == 0 {
                return None;
            }
            let (q, r) = mag.divrem_u64(10);
            if r != 0 {
                return None;
            }
            mag = q;
            scale -= 1;
        }
    }
}
