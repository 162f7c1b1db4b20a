//! [`Decimal`]: an exact decimal number as an `i128` coefficient and a decimal scale.

use super::exact::Exact;
use crate::{Error, Result};
use std::cmp::Ordering;
use std::fmt;

/// The largest number of decimal places a [`Decimal`] carries (10^36 still leaves room in an
/// `i128` for two more digits before a scale alignment overflows).
pub const MAX_SCALE: u32 = 36;

/// Powers of ten that fit an `i128` (10^0 ..= 10^38).
const POW10: [i128; 39] = {
    let mut t = [1i128; 39];
    let mut i = 1;
    while i < 39 {
        t[i] = t[i - 1] * 10;
        i += 1;
    }
    t
};

/// 10^n as an `i128`, or `None` when it does not fit (n > 38).
pub fn pow10(n: u32) -> Option<i128> {
    POW10.get(n as usize).copied()
}

/// How a value is rounded to fewer decimal places. The default is [`Rounding::HalfEven`]
/// (banker's rounding, the IEEE 754 and dinero.js default for `toDecimal`-style rounding).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Rounding {
    /// To nearest; a tie goes to the even neighbour (2.5 → 2, 3.5 → 4, −2.5 → −2).
    #[default]
    HalfEven,
    /// To nearest; a tie goes away from zero (2.5 → 3, −2.5 → −3).
    HalfUp,
    /// Toward zero (truncation: 2.9 → 2, −2.9 → −2).
    Down,
    /// Away from zero (2.1 → 3, −2.1 → −3).
    Up,
    /// Toward −∞ (2.9 → 2, −2.1 → −3).
    Floor,
    /// Toward +∞ (2.1 → 3, −2.9 → −2).
    Ceil,
}

impl Rounding {
    /// Every mode.
    pub const ALL: [Rounding; 6] = [
        Rounding::HalfEven,
        Rounding::HalfUp,
        Rounding::Down,
        Rounding::Up,
        Rounding::Floor,
        Rounding::Ceil,
    ];
}

/// Where the part discarded by a truncation lies, as a fraction `f` of one unit of the last
/// place kept: what a rounding mode needs to know.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Frac {
    /// f = 0 (exact).
    Zero,
    /// 0 < f < ½.
    Low,
    /// f = ½ (a tie).
    Half,
    /// ½ < f < 1.
    High,
}

impl Frac {
    /// The fraction `r / d` of a division with remainder `r` (0 ≤ r < d), from whether `r`
    /// is zero and how `2r` compares with `d`.
    pub fn of(r_is_zero: bool, twice_r_vs_d: Ordering) -> Frac {
        match twice_r_vs_d {
            _ if r_is_zero => Frac::Zero,
            Ordering::Less => Frac::Low,
            Ordering::Equal => Frac::Half,
            Ordering::Greater => Frac::High,
        }
    }

    /// The fraction after one more division by an even divisor `p` (a power of ten ≥ 10)
    /// with remainder `r`, when `self` is the fraction already cut off below `r`'s unit:
    /// `(r + self) / p`.
    pub fn shifted(self, r_is_zero: bool, twice_r_vs_p: Ordering) -> Frac {
        match twice_r_vs_p {
            // 2r < p and p even, so 2r ≤ p − 2 and 2(r + f) < p.
            Ordering::Less if r_is_zero && self == Frac::Zero => Frac::Zero,
            Ordering::Less => Frac::Low,
            Ordering::Equal if self == Frac::Zero => Frac::Half,
            _ => Frac::High,
        }
    }
}

impl Rounding {
    /// Whether a magnitude truncated toward zero moves one unit away from zero: `negative`
    /// is the sign of the exact value, `frac` the part cut off, `odd` the parity of the
    /// truncated magnitude.
    pub fn away(self, negative: bool, frac: Frac, odd: bool) -> bool {
        let inexact = frac != Frac::Zero;
        match self {
            Rounding::Down => false,
            Rounding::Up => inexact,
            Rounding::Floor => negative && inexact,
            Rounding::Ceil => !negative && inexact,
            Rounding::HalfUp => frac >= Frac::Half,
            Rounding::HalfEven => frac == Frac::High || (frac == Frac::Half && odd),
        }
    }
}

/// Divides `n` by `d` (d ≠ 0, neither is `i128::MIN`) rounding the quotient with `mode`.
pub(crate) fn div_round(n: i128, d: i128, mode: Rounding) -> i128 {
    let q = n / d;
    let r = n % d;
    if r == 0 {
        return q;
    }
    let negative = (n < 0) != (d < 0);
    let ar = r.unsigned_abs();
    // 2|r| compared with |d| without overflow: |r| against the distance |d| − |r|.
    let frac = Frac::of(false, ar.cmp(&(d.unsigned_abs() - ar)));
    // |d| ≥ 2 here (r ≠ 0), so |q| + 1 ≤ |n| cannot overflow.
    match (mode.away(negative, frac, q % 2 != 0), negative) {
        (false, _) => q,
        (true, true) => q - 1,
        (true, false) => q + 1,
    }
}

/// An exact decimal: `mant × 10^-scale`, `scale ≤ MAX_SCALE`.
///
/// Equality and ordering are by value (`1.50 == 1.5`). Zero has no sign (−0 reads as 0).
#[derive(Debug, Clone, Copy, Default)]
pub struct Decimal {
    mant: i128,
    scale: u32,
}

fn overflow(what: &str) -> Error {
    Error::Overflow(format!(
        "{what} does not fit the exact decimal range (38 significant digits, {MAX_SCALE} decimal places)"
    ))
}

/// The [`Decimal`] of an exact slow-path result, rounded once when `to` is given;
/// `Error::Overflow` naming `what` when it does not fit (or, never in practice, when the
/// 512-bit intermediate itself overflowed: `None`).
fn finish(v: Option<Exact>, to: Option<(u32, Rounding)>, what: &str) -> Result<Decimal> {
    v.map(|v| match to {
        Some((scale, mode)) => v.round(scale, mode),
        None => v,
    })
    .and_then(Exact::to_decimal)
    .ok_or_else(|| overflow(what))
}

fn invalid(what: &str, value: &str) -> Error {
    Error::InvalidAmount(format!(
        "{what} must be a finite decimal number, got {value}"
    ))
}

/// Number of decimal digits of |v| (0 has 1 digit).
pub(crate) fn digits(v: i128) -> u32 {
    let a = v.unsigned_abs();
    let mut n = 1;
    while n < 39 && a >= POW10[n as usize] as u128 {
        n += 1;
    }
    n
}

impl Decimal {
    /// Zero.
    pub const ZERO: Decimal = Decimal { mant: 0, scale: 0 };

    /// `mant × 10^-scale` (trailing zeros trimmed when `scale > MAX_SCALE`);
    /// `Error::Overflow` when it needs more than 36 places or `mant` is `i128::MIN` (the
    /// range is symmetric: every value can be negated).
    pub fn new(mant: i128, scale: u32) -> Result<Decimal> {
        if scale <= MAX_SCALE && mant != i128::MIN {
            return Ok(Decimal { mant, scale });
        }
        Exact::from_i128(mant, scale)
            .to_decimal()
            .ok_or_else(|| overflow("a value with more than 36 decimal places"))
    }

    /// `mant × 10^-scale` from parts already in range (`|mant| < 2^127`, `scale ≤ 36`).
    pub(crate) fn from_parts(mant: i128, scale: u32) -> Decimal {
        debug_assert!(mant != i128::MIN && scale <= MAX_SCALE);
        Decimal { mant, scale }
    }

    fn trimmed(mut self) -> Decimal {
        if self.mant == 0 {
            return Decimal::ZERO;
        }
        while self.scale > 0 && self.mant % 10 == 0 {
            self.mant /= 10;
            self.scale -= 1;
        }
        self
    }

    /// The coefficient (`self = mant × 10^-scale`).
    pub fn mant(&self) -> i128 {
        self.mant
    }

    /// The number of decimal places of the representation.
    pub fn scale(&self) -> u32 {
        self.scale
    }

    /// True for zero.
    pub fn is_zero(&self) -> bool {
        self.mant == 0
    }

    /// The same value with trailing fractional zeros removed (`1.50` → `1.5`).
    pub fn normalize(self) -> Decimal {
        self.trimmed()
    }

    /// The same value at a larger scale, `Error::Overflow` if the coefficient does not fit.
    pub fn rescale_up(self, scale: u32) -> Result<Decimal> {
        if scale <= self.scale {
            return Ok(self);
        }
        if scale > MAX_SCALE {
            return Err(overflow("a value with more than 36 decimal places"));
        }
        pow10(scale - self.scale)
            .and_then(|f| self.mant.checked_mul(f))
            .filter(|&m| m != i128::MIN)
            .map(|mant| Decimal { mant, scale })
            .ok_or_else(|| overflow("scale alignment"))
    }

    /// `self + other` in `i128` at the larger scale, `None` when that overflows.
    #[inline]
    fn add_fast(self, other: Decimal) -> Option<Decimal> {
        let (a, b) = match self.scale.cmp(&other.scale) {
            Ordering::Equal => (self.mant, other.mant),
            Ordering::Less => (
                self.mant
                    .checked_mul(POW10[(other.scale - self.scale) as usize])?,
                other.mant,
            ),
            Ordering::Greater => (
                self.mant,
                other
                    .mant
                    .checked_mul(POW10[(self.scale - other.scale) as usize])?,
            ),
        };
        let mant = a.checked_add(b).filter(|&m| m != i128::MIN)?;
        Some(Decimal {
            mant,
            scale: self.scale.max(other.scale),
        })
    }

    /// `self × other` in `i128`, `None` when the coefficient or the scale overflows.
    #[inline]
    fn mul_fast(self, other: Decimal) -> Option<Decimal> {
        let scale = self.scale + other.scale;
        let mant = self
            .mant
            .checked_mul(other.mant)
            .filter(|&m| m != i128::MIN)?;
        (scale <= MAX_SCALE).then_some(Decimal { mant, scale })
    }

    /// `self + other`, exact. `Error::Overflow` only when the sum itself does not fit (an
    /// alignment that overflows an `i128` is redone on 512 bits).
    pub fn checked_add(self, other: Decimal) -> Result<Decimal> {
        self.add_rounded(other, None)
    }

    /// `self + other` rounded once to `to = (scale, mode)` (exact when `None`); only the
    /// rounded result has to fit (`1e37 + 1e-36` rounded to 2 places is `1e37`).
    pub fn add_rounded(self, other: Decimal, to: Option<(u32, Rounding)>) -> Result<Decimal> {
        match self.add_fast(other) {
            Some(v) => Ok(v.round_to(to)),
            None => finish(
                Exact::from(self).checked_add(Exact::from(other)),
                to,
                "the sum",
            ),
        }
    }

    /// `self − other`, exact.
    pub fn checked_sub(self, other: Decimal) -> Result<Decimal> {
        self.add_rounded(-other, None)
    }

    /// `self − other` rounded once (see [`Decimal::add_rounded`]).
    pub fn sub_rounded(self, other: Decimal, to: Option<(u32, Rounding)>) -> Result<Decimal> {
        self.add_rounded(-other, to)
    }

    /// `−self` (never fails: the range is symmetric; kept for callers of the checked API).
    pub fn checked_neg(self) -> Result<Decimal> {
        Ok(-self)
    }

    /// `self × other`, exact (trailing zeros trimmed as needed: `1e20 × 1.00000000000000000001`
    /// is `100000000000000000001`). `Error::Overflow` only when the product does not fit.
    pub fn checked_mul(self, other: Decimal) -> Result<Decimal> {
        self.mul_rounded(other, None)
    }

    /// `self × other` rounded once to `to = (scale, mode)` (exact when `None`); the product
    /// is exact on 512 bits before the one rounding.
    pub fn mul_rounded(self, other: Decimal, to: Option<(u32, Rounding)>) -> Result<Decimal> {
        match self.mul_fast(other) {
            Some(v) => Ok(v.round_to(to)),
            None => finish(
                Exact::from(self).checked_mul(Exact::from(other)),
                to,
                "the product",
            ),
        }
    }

    /// `self` rounded to `to = (scale, mode)` when given.
    pub fn round_to(self, to: Option<(u32, Rounding)>) -> Decimal {
        match to {
            Some((scale, mode)) => self.round(scale, mode),
            None => self,
        }
    }

    /// `self ÷ other` rounded once to `scale` decimal places with `mode`.
    /// Division by zero is `Error::InvalidAmount`; `Error::Overflow` only when the rounded
    /// quotient does not fit.
    pub fn div_to_scale(self, other: Decimal, scale: u32, mode: Rounding) -> Result<Decimal> {
        self.check_divisor(other)?;
        if scale > MAX_SCALE {
            return Err(overflow("a value with more than 36 decimal places"));
        }
        if let Some((n, d)) = self.div_operands(other, scale) {
            return Ok(Decimal {
                mant: div_round(n, d, mode),
                scale,
            });
        }
        let (q, frac) = Exact::quotient(self, other, scale);
        q.round_frac(scale, mode, frac)
            .to_decimal()
            .ok_or_else(|| overflow("the quotient"))
    }

    fn check_divisor(&self, other: Decimal) -> Result<()> {
        if other.mant == 0 {
            return Err(Error::InvalidAmount(format!(
                "divisor must not be zero, got {other}"
            )));
        }
        Ok(())
    }

    /// Integers n, d with `self ÷ other × 10^scale = n ÷ d`, when both fit an `i128`.
    #[inline]
    fn div_operands(self, other: Decimal, scale: u32) -> Option<(i128, i128)> {
        let k = other.scale as i64 + scale as i64 - self.scale as i64;
        let (n, d) = if k >= 0 {
            (self.mant.checked_mul(pow10(k as u32)?)?, other.mant)
        } else {
            (self.mant, other.mant.checked_mul(pow10((-k) as u32)?)?)
        };
        (n != i128::MIN && d != i128::MIN).then_some((n, d))
    }

    /// `self ÷ other` rounded once to `sig` significant digits with `mode` (used for
    /// inverse exchange rates: 12 significant digits). Integer digits are always kept, and
    /// at most 36 decimal places (a quotient below 1e-24 keeps fewer digits).
    pub fn div_significant(self, other: Decimal, sig: u32, mode: Rounding) -> Result<Decimal> {
        self.check_divisor(other)?;
        if self.mant == 0 {
            return Ok(Decimal::ZERO);
        }
        // Decimal exponent of the leading digit of each operand.
        let ea = digits(self.mant) as i64 - 1 - self.scale as i64;
        let eb = digits(other.mant) as i64 - 1 - other.scale as i64;
        // The quotient's leading digit is at 10^(ea−eb) or 10^(ea−eb−1); keep 2 guard digits,
        // truncated, the rest folded into `frac`, and round once.
        let want = sig as i64 + 2 - (ea - eb);
        let scale = want.clamp(0, MAX_SCALE as i64) as u32;
        let (q, frac) = Exact::quotient(self, other, scale);
        Ok(finish(
            Some(q.round_significant(sig, mode, frac)),
            None,
            "the quotient",
        )?
        .normalize())
    }

    /// `self × other` rounded once to `sig` significant digits (cross exchange rates).
    pub fn mul_significant(self, other: Decimal, sig: u32, mode: Rounding) -> Result<Decimal> {
        let p = Exact::from(self)
            .checked_mul(Exact::from(other))
            .map(|p| p.round_significant(sig, mode, Frac::Zero));
        Ok(finish(p, None, "the product")?.normalize())
    }

    /// `self` rounded to `sig` significant digits (no change when it has fewer; integer
    /// digits are always kept).
    pub fn round_significant(self, sig: u32, mode: Rounding) -> Result<Decimal> {
        let r = Exact::from(self).round_significant(sig, mode, Frac::Zero);
        Ok(finish(Some(r), None, "rounding")?.normalize())
    }

    /// `self` rounded to `scale` decimal places with `mode` (unchanged when it already has
    /// no more places than that).
    pub fn round(self, scale: u32, mode: Rounding) -> Decimal {
        if self.scale <= scale {
            return self;
        }
        // scale ≤ MAX_SCALE = 36, so 10^diff always fits.
        let f = POW10[(self.scale - scale) as usize];
        Decimal {
            mant: div_round(self.mant, f, mode),
            scale,
        }
    }

    /// Compares by value (exact, also when aligning the scales would overflow).
    pub fn compare(&self, other: &Decimal) -> Ordering {
        if self.scale == other.scale {
            return self.mant.cmp(&other.mant);
        }
        let (lo, hi, flip) = if self.scale < other.scale {
            (self, other, false)
        } else {
            (other, self, true)
        };
        // hi = q + r·10^-(hi.scale) in units of 10^-(lo.scale), truncated toward zero, so
        // |r-part| < 1 unit and carries the sign of hi: compare lo with q, then 0 with r.
        let f = pow10(hi.scale - lo.scale).unwrap_or(POW10[38]);
        let (q, r) = (hi.mant / f, hi.mant % f);
        let ord = lo.mant.cmp(&q).then(0.cmp(&r));
        if flip {
            ord.reverse()
        } else {
            ord
        }
    }

    /// Parses a decimal string: `[+-]digits[.digits][e[+-]digits]`, also `.5` and `5.`.
    /// `NaN`, `Infinity` and anything else are `Error::InvalidAmount` naming the value.
    pub fn parse(s: &str) -> Result<Decimal> {
        let b = s.as_bytes();
        let bad = || invalid("amount", &format!("{s:?}"));
        let mut i = 0;
        let mut neg = false;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            neg = b[i] == b'-';
            i += 1;
        }
        let mut mant: i128 = 0;
        let mut pending: u32 = 0; // zeros not yet multiplied in
        let mut ndigits = 0u32;
        let mut frac = 0i64;
        let mut seen_point = false;
        while i < b.len() {
            let c = b[i];
            if c.is_ascii_digit() {
                ndigits += 1;
                if seen_point {
                    frac += 1;
                }
                if c == b'0' {
                    pending += 1;
                } else {
                    let f = pow10(pending + 1).ok_or_else(|| overflow(&format!("amount {s:?}")))?;
                    mant = mant
                        .checked_mul(f)
                        .and_then(|m| m.checked_add((c - b'0') as i128))
                        .ok_or_else(|| overflow(&format!("amount {s:?}")))?;
                    pending = 0;
                }
            } else if c == b'.' && !seen_point {
                seen_point = true;
            } else {
                break;
            }
            i += 1;
        }
        if ndigits == 0 {
            return Err(bad());
        }
        let mut exp: i64 = 0;
        if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
            i += 1;
            let mut eneg = false;
            if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
                eneg = b[i] == b'-';
                i += 1;
            }
            let start = i;
            while i < b.len() && b[i].is_ascii_digit() {
                exp = (exp * 10 + (b[i] - b'0') as i64).min(1_000_000);
                i += 1;
            }
            if i == start {
                return Err(bad());
            }
            if eneg {
                exp = -exp;
            }
        }
        if i != b.len() {
            return Err(bad());
        }
        if mant == 0 {
            return Ok(Decimal::ZERO);
        }
        if neg {
            mant = -mant;
        }
        // value = mant × 10^(pending − frac + exp)
        let e = pending as i64 - frac + exp;
        if e >= 0 {
            let f = u32::try_from(e)
                .ok()
                .and_then(pow10)
                .ok_or_else(|| overflow(&format!("amount {s:?}")))?;
            let mant = mant
                .checked_mul(f)
                .ok_or_else(|| overflow(&format!("amount {s:?}")))?;
            Ok(Decimal { mant, scale: 0 })
        } else {
            // Keep written trailing zeros when they fit ("1.50" has scale 2, as Decimal128
            // keeps it); the value is the same either way.
            let kept = (pending as i64).min(frac).max(0) as u32;
            if kept > 0 && -e + kept as i64 <= MAX_SCALE as i64 {
                if let Some(m) = pow10(kept).and_then(|f| mant.checked_mul(f)) {
                    return Ok(Decimal {
                        mant: m,
                        scale: (-e) as u32 + kept,
                    });
                }
            }
            if -e > MAX_SCALE as i64 {
                Err(overflow(&format!("amount {s:?}")))
            } else {
                Ok(Decimal {
                    mant,
                    scale: (-e) as u32,
                })
            }
        }
    }

    /// Reads a JS number as the decimal it prints as (`Number.prototype.toString`):
    /// `0.1` is exactly 0.1. Fast path: the first `e` in 0..=22 with
    /// `c = round(x·10^e)`, `|c| < 2^52` and `c / 10^e == x` exactly (below 2^52 at most one
    /// integer at that scale rounds to `x`, so it is the one JS prints); otherwise the
    /// shortest round-trip digits from `ryu-js`, which reproduces JS byte for byte.
    /// NaN and ±Infinity are `Error::InvalidAmount`; −0 is 0.
    pub fn from_f64(x: f64) -> Result<Decimal> {
        if let Some(d) = fast_f64(x) {
            return Ok(d);
        }
        if !x.is_finite() {
            return Err(invalid("amount", &js_number(x)));
        }
        let mut buf = ryu_js::Buffer::new();
        Decimal::parse(buf.format_finite(x))
    }

    /// The nearest `f64` (what `Number(string)` gives in JS).
    pub fn to_f64(&self) -> f64 {
        if self.mant.unsigned_abs() < (1u128 << 53) && self.scale <= 22 {
            // Both operands exact: one correctly rounded division.
            return self.mant as f64 / POW10_F64[self.scale as usize];
        }
        self.to_string().parse::<f64>().unwrap_or(f64::NAN)
    }

    /// The plain decimal string with exactly `places` fractional digits (rounded half-even
    /// first if the value has more; zeros appended if it has fewer, also where
    /// value × 10^places would not fit an `i128`: `1e37` to 2 places is `…000.00`).
    pub fn to_fixed(&self, places: u32) -> String {
        self.round(places, Rounding::HalfEven).plain(places)
    }

    /// The plain decimal string of the representation, with at least `min_places`
    /// fractional digits.
    fn plain(&self, min_places: u32) -> String {
        let neg = self.mant < 0;
        let digits = self.mant.unsigned_abs().to_string();
        let scale = self.scale as usize;
        let pad = (min_places as usize).saturating_sub(scale);
        let mut out = String::with_capacity(digits.len() + scale + pad + 3);
        if neg {
            out.push('-');
        }
        if scale == 0 {
            out.push_str(&digits);
        } else if digits.len() > scale {
            let (i, f) = digits.split_at(digits.len() - scale);
            out.push_str(i);
            out.push('.');
            out.push_str(f);
        } else {
            out.push_str("0.");
            for _ in 0..(scale - digits.len()) {
                out.push('0');
            }
            out.push_str(&digits);
        }
        if pad > 0 {
            if scale == 0 {
                out.push('.');
            }
            out.extend(std::iter::repeat_n('0', pad));
        }
        out
    }

    /// Decodes an IEEE 754-2008 Decimal128 (BID encoding, little-endian, as BSON and the
    /// `bson` npm package store it). NaN and Infinity are `Error::InvalidAmount`; values that
    /// need more than 38 digits or 36 decimal places are `Error::Overflow`.
    pub fn from_decimal128_bytes(bytes: &[u8; 16]) -> Result<Decimal> {
        let lo = u64::from_le_bytes(bytes[0..8].try_into().expect("8 bytes"));
        let hi = u64::from_le_bytes(bytes[8..16].try_into().expect("8 bytes"));
        let neg = hi >> 63 == 1;
        let comb = (hi >> 58) & 0x1f;
        if comb == 0x1f {
            return Err(invalid("Decimal128 amount", "NaN"));
        }
        if comb == 0x1e {
            return Err(invalid(
                "Decimal128 amount",
                if neg { "-Infinity" } else { "Infinity" },
            ));
        }
        let (exp_bits, coef) = if (hi >> 61) & 0b11 == 0b11 {
            // 11 prefix: the coefficient would exceed 10^34 − 1, non-canonical, reads as 0.
            ((hi >> 47) & 0x3fff, 0u128)
        } else {
            (
                (hi >> 49) & 0x3fff,
                ((hi & 0x1_ffff_ffff_ffff) as u128) << 64 | lo as u128,
            )
        };
        let coef = if coef >= 10u128.pow(34) { 0 } else { coef };
        let exp = exp_bits as i64 - 6176;
        let mut mant = coef as i128;
        if neg {
            mant = -mant;
        }
        let text = || format!("Decimal128 {}{}E{}", if neg { "-" } else { "" }, coef, exp);
        if mant == 0 {
            return Ok(Decimal::ZERO);
        }
        if exp >= 0 {
            let f = u32::try_from(exp)
                .ok()
                .and_then(pow10)
                .ok_or_else(|| overflow(&text()))?;
            let mant = mant.checked_mul(f).ok_or_else(|| overflow(&text()))?;
            Ok(Decimal { mant, scale: 0 })
        } else {
            let mut d = Decimal {
                mant,
                scale: u32::try_from(-exp).unwrap_or(u32::MAX),
            };
            while d.scale > MAX_SCALE && d.mant % 10 == 0 {
                d.mant /= 10;
                d.scale -= 1;
            }
            if d.scale > MAX_SCALE {
                return Err(overflow(&text()));
            }
            Ok(d)
        }
    }

    /// Encodes as Decimal128 (BID, little-endian), keeping the scale (`1.50` stays `1.50`).
    /// More than 34 significant digits that cannot be trimmed is `Error::Overflow`.
    pub fn to_decimal128_bytes(&self) -> Result<[u8; 16]> {
        let mut d = *self;
        let max = 10u128.pow(34);
        while d.mant.unsigned_abs() >= max && d.scale > 0 && d.mant % 10 == 0 {
            d.mant /= 10;
            d.scale -= 1;
        }
        let mut coef = d.mant.unsigned_abs();
        let mut exp = -(d.scale as i64);
        while coef >= max && coef % 10 == 0 {
            coef /= 10;
            exp += 1;
        }
        if coef >= max {
            return Err(overflow(&format!(
                "{self} as Decimal128 (34 significant digits)"
            )));
        }
        let biased = (exp + 6176) as u64;
        let mut hi = ((coef >> 64) as u64) | (biased << 49);
        if d.mant < 0 {
            hi |= 1 << 63;
        }
        let lo = coef as u64;
        let mut out = [0u8; 16];
        out[0..8].copy_from_slice(&lo.to_le_bytes());
        out[8..16].copy_from_slice(&hi.to_le_bytes());
        Ok(out)
    }
}

/// 10^0 ..= 10^22 as `f64` (all exact).
pub(crate) const POW10_F64: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// 2^52: below it, at most one integer `c` at a scale satisfies `c / 10^e == x`.
pub(crate) const FAST_LIMIT: f64 = 4_503_599_627_370_496.0;

/// The fast path of [`Decimal::from_f64`]; `None` when it does not apply.
#[inline]
pub(crate) fn fast_f64(x: f64) -> Option<Decimal> {
    for (e, &p) in POW10_F64.iter().enumerate() {
        let y = x * p;
        if y.is_nan() || y.abs() >= FAST_LIMIT {
            return None;
        }
        let c = (y + 0.5f64.copysign(y)) as i64;
        if c as f64 / p == x {
            return Some(Decimal {
                mant: c as i128,
                scale: e as u32,
            });
        }
    }
    None
}

/// How JS prints a number (for messages): `NaN`, `Infinity`, `-Infinity` or the digits.
pub fn js_number(x: f64) -> String {
    if x.is_nan() {
        "NaN".into()
    } else if x.is_infinite() {
        if x > 0.0 { "Infinity" } else { "-Infinity" }.into()
    } else {
        ryu_js::Buffer::new().format_finite(x).to_string()
    }
}

impl PartialEq for Decimal {
    fn eq(&self, other: &Decimal) -> bool {
        self.compare(other) == Ordering::Equal
    }
}
impl Eq for Decimal {}
impl PartialOrd for Decimal {
    fn partial_cmp(&self, other: &Decimal) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Decimal {
    fn cmp(&self, other: &Decimal) -> Ordering {
        self.compare(other)
    }
}

impl fmt::Display for Decimal {
    /// The plain decimal string with trailing fractional zeros removed (`1.5`, `-0.01`, `100`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.normalize().plain(0))
    }
}

impl std::ops::Neg for Decimal {
    type Output = Decimal;
    /// `−self` (exact: the range is symmetric).
    fn neg(self) -> Decimal {
        Decimal {
            mant: -self.mant,
            scale: self.scale,
        }
    }
}

impl From<i8> for Decimal {
    fn from(v: i8) -> Decimal {
        Decimal {
            mant: v as i128,
            scale: 0,
        }
    }
}

impl std::str::FromStr for Decimal {
    type Err = Error;
    fn from_str(s: &str) -> Result<Decimal> {
        Decimal::parse(s)
    }
}
