//! [`Decimal`]: an exact decimal number as an `i128` coefficient and a decimal scale.

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
    /// The mode for a binding's numeric code: 0 half-even, 1 half-up, 2 down, 3 up,
    /// 4 floor, 5 ceil.
    pub fn from_code(code: u32) -> Result<Rounding> {
        Ok(match code {
            0 => Rounding::HalfEven,
            1 => Rounding::HalfUp,
            2 => Rounding::Down,
            3 => Rounding::Up,
            4 => Rounding::Floor,
            5 => Rounding::Ceil,
            _ => {
                return Err(Error::InvalidAmount(format!(
                    "rounding must be one of 'half-even', 'half-up', 'down', 'up', 'floor', 'ceil', got code {code}"
                )))
            }
        })
    }
}

/// Divides `n` by `d` (d ≠ 0) rounding the quotient with `mode`. `sticky` says that the true
/// dividend is a little larger in magnitude than `n` (a discarded non-zero tail), which turns
/// an exact tie into "above half" and a zero remainder into "inexact".
pub(crate) fn div_round(n: i128, d: i128, mode: Rounding, sticky: bool) -> i128 {
    let q = n / d;
    let r = n % d;
    if r == 0 && !sticky {
        return q;
    }
    // Sign of the exact quotient (n and d never both zero here).
    let negative = (n < 0) != (d < 0) && n != 0;
    let ar = r.unsigned_abs();
    let ad = d.unsigned_abs();
    let away = match mode {
        Rounding::Down => false,
        Rounding::Up => true,
        Rounding::Floor => negative,
        Rounding::Ceil => !negative,
        Rounding::HalfUp | Rounding::HalfEven => {
            let rest = ad - ar; // distance to the next multiple
            match ar.cmp(&rest) {
                Ordering::Greater => true,
                Ordering::Less => false,
                Ordering::Equal => sticky || mode == Rounding::HalfUp || (q % 2 != 0),
            }
        }
    };
    if away {
        if negative {
            q - 1
        } else {
            q + 1
        }
    } else {
        q
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

    /// `mant × 10^-scale`; `Error::Overflow` when `scale > MAX_SCALE`.
    pub fn new(mant: i128, scale: u32) -> Result<Decimal> {
        if scale > MAX_SCALE {
            return Decimal { mant, scale }
                .trimmed()
                .filter(|d| d.scale <= MAX_SCALE)
                .ok_or_else(|| overflow("a value with more than 36 decimal places"));
        }
        Ok(Decimal { mant, scale })
    }

    fn trimmed(mut self) -> Option<Decimal> {
        if self.mant == 0 {
            return Some(Decimal::ZERO);
        }
        while self.scale > 0 && self.mant % 10 == 0 {
            self.mant /= 10;
            self.scale -= 1;
        }
        Some(self)
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
        self.trimmed().unwrap_or(Decimal::ZERO)
    }

    /// The same value at a larger scale, `Error::Overflow` if the coefficient does not fit.
    pub fn rescale_up(self, scale: u32) -> Result<Decimal> {
        if scale <= self.scale {
            return Ok(self);
        }
        if scale > MAX_SCALE {
            return Err(overflow("a value with more than 36 decimal places"));
        }
        let f = pow10(scale - self.scale).ok_or_else(|| overflow("scale alignment"))?;
        let mant = self
            .mant
            .checked_mul(f)
            .ok_or_else(|| overflow("scale alignment"))?;
        Ok(Decimal { mant, scale })
    }

    /// `self + other`, exact.
    pub fn checked_add(self, other: Decimal) -> Result<Decimal> {
        let s = self.scale.max(other.scale);
        let a = self.rescale_up(s)?;
        let b = other.rescale_up(s)?;
        let mant = a
            .mant
            .checked_add(b.mant)
            .ok_or_else(|| overflow("the sum"))?;
        Ok(Decimal { mant, scale: s })
    }

    /// `self − other`, exact.
    pub fn checked_sub(self, other: Decimal) -> Result<Decimal> {
        self.checked_add(other.checked_neg()?)
    }

    /// `−self`.
    pub fn checked_neg(self) -> Result<Decimal> {
        let mant = self
            .mant
            .checked_neg()
            .ok_or_else(|| overflow("the negation"))?;
        Ok(Decimal {
            mant,
            scale: self.scale,
        })
    }

    /// `self × other`, exact (trailing zeros trimmed when the scales add up past MAX_SCALE).
    pub fn checked_mul(self, other: Decimal) -> Result<Decimal> {
        let mant = self
            .mant
            .checked_mul(other.mant)
            .ok_or_else(|| overflow("the product"))?;
        Decimal::new(mant, self.scale + other.scale)
    }

    /// `self ÷ other` rounded to `scale` decimal places with `mode`.
    /// Division by zero is `Error::InvalidAmount`.
    pub fn div_to_scale(self, other: Decimal, scale: u32, mode: Rounding) -> Result<Decimal> {
        if other.mant == 0 {
            return Err(Error::InvalidAmount(format!(
                "divisor must not be zero, got {other}"
            )));
        }
        if scale > MAX_SCALE {
            return Err(overflow("a value with more than 36 decimal places"));
        }
        let (n, d) = self.div_operands(other, scale)?;
        Ok(Decimal {
            mant: div_round(n, d, mode, false),
            scale,
        })
    }

    /// Integers n, d with `self ÷ other × 10^scale = n ÷ d`.
    fn div_operands(self, other: Decimal, scale: u32) -> Result<(i128, i128)> {
        let k = other.scale as i64 + scale as i64 - self.scale as i64;
        if k >= 0 {
            let f = pow10(k as u32).ok_or_else(|| overflow("the quotient"))?;
            let n = self
                .mant
                .checked_mul(f)
                .ok_or_else(|| overflow("the quotient"))?;
            Ok((n, other.mant))
        } else {
            let f = pow10((-k) as u32).ok_or_else(|| overflow("the quotient"))?;
            let d = other
                .mant
                .checked_mul(f)
                .ok_or_else(|| overflow("the quotient"))?;
            Ok((self.mant, d))
        }
    }

    /// `self ÷ other` rounded to `sig` significant digits with `mode` (used for inverse
    /// exchange rates: 12 significant digits). Exact: the digits beyond the ones kept are
    /// folded into a sticky bit, so a tie is a true tie.
    pub fn div_significant(self, other: Decimal, sig: u32, mode: Rounding) -> Result<Decimal> {
        if other.mant == 0 {
            return Err(Error::InvalidAmount(format!(
                "divisor must not be zero, got {other}"
            )));
        }
        if self.mant == 0 {
            return Ok(Decimal::ZERO);
        }
        // Decimal exponent of the leading digit of each operand.
        let ea = digits(self.mant) as i64 - 1 - self.scale as i64;
        let eb = digits(other.mant) as i64 - 1 - other.scale as i64;
        // The quotient's leading digit is at 10^(ea−eb) or 10^(ea−eb−1); keep 2 guard digits.
        let want = sig as i64 + 2 - (ea - eb);
        let scale = want.clamp(0, MAX_SCALE as i64) as u32;
        let (n, d) = self.div_operands(other, scale)?;
        if scale == 0 {
            // A quotient ≥ 10^(sig+1): integers keep every digit, rounded once here.
            return Ok(Decimal {
                mant: div_round(n, d, mode, false),
                scale: 0,
            });
        }
        let q = n / d;
        let sticky = n % d != 0;
        Decimal { mant: q, scale }.round_significant_sticky(sig, mode, sticky)
    }

    /// `self` rounded to `sig` significant digits (no change when it has fewer).
    pub fn round_significant(self, sig: u32, mode: Rounding) -> Result<Decimal> {
        self.round_significant_sticky(sig, mode, false)
    }

    fn round_significant_sticky(self, sig: u32, mode: Rounding, sticky: bool) -> Result<Decimal> {
        let nd = digits(self.mant);
        if nd <= sig || self.scale == 0 {
            // Already short enough (or an integer, whose digits are all kept; a quotient is
            // this short only when MAX_SCALE cut it: below 1e-24).
            return Ok(self.normalize());
        }
        let drop = (nd - sig).min(self.scale);
        let f = pow10(drop).ok_or_else(|| overflow("rounding"))?;
        Ok(Decimal {
            mant: div_round(self.mant, f, mode, sticky),
            scale: self.scale - drop,
        }
        .normalize())
    }

    /// `self` rounded to `scale` decimal places with `mode` (unchanged when it already has
    /// no more places than that).
    pub fn round(self, scale: u32, mode: Rounding) -> Decimal {
        if self.scale <= scale {
            return self;
        }
        // scale ≤ MAX_SCALE = 36, so 10^diff always fits.
        let f = pow10(self.scale - scale).unwrap_or(POW10[38]);
        Decimal {
            mant: div_round(self.mant, f, mode, false),
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
    /// first if the value has more).
    pub fn to_fixed(&self, places: u32) -> String {
        let r = self.round(places, Rounding::HalfEven);
        let r = r.rescale_up(places).unwrap_or(r);
        r.plain()
    }

    fn plain(&self) -> String {
        let neg = self.mant < 0;
        let digits = self.mant.unsigned_abs().to_string();
        let scale = self.scale as usize;
        let mut out = String::with_capacity(digits.len() + scale + 3);
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
        f.write_str(&self.normalize().plain())
    }
}

impl std::str::FromStr for Decimal {
    type Err = Error;
    fn from_str(s: &str) -> Result<Decimal> {
        Decimal::parse(s)
    }
}
