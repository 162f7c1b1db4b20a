//! [`U512`]: the unsigned 512-bit integer behind the money core's slow paths.
//!
//! The fast paths work on `i128` coefficients. When an intermediate value does not fit —
//! a product of two 38-digit coefficients (up to 2^254), a dividend scaled by up to 10^72
//! (2^367), a sum aligned to 36 places, an allocation's amount × ratio (up to 2^494) — the
//! operation is redone exactly on a `U512` and only the final, rounded result has to fit
//! (see [`super::exact::Exact`]). Only what money needs: add, subtract, multiply, divide
//! with remainder, powers of ten. Checked against `num-bigint` by property tests.

use std::cmp::Ordering;

const LIMBS: usize = 8;

/// 10^19, the largest power of ten in a `u64`.
const TEN19: u64 = 10_000_000_000_000_000_000;

/// An unsigned 512-bit integer: little-endian `u64` limbs.
#[derive(Clone, Copy, PartialEq, Eq, Default, Debug)]
pub struct U512([u64; LIMBS]);

impl U512 {
    /// 0.
    pub const ZERO: U512 = U512([0; LIMBS]);

    /// The value of a `u128`.
    pub const fn from_u128(v: u128) -> U512 {
        let mut l = [0; LIMBS];
        l[0] = v as u64;
        l[1] = (v >> 64) as u64;
        U512(l)
    }

    /// The value as a `u128`, `None` when it is larger.
    pub fn to_u128(&self) -> Option<u128> {
        if self.0[2..].iter().any(|&x| x != 0) {
            return None;
        }
        Some((self.0[1] as u128) << 64 | self.0[0] as u128)
    }

    /// True for 0.
    pub fn is_zero(&self) -> bool {
        self.0.iter().all(|&x| x == 0)
    }

    /// True when the lowest bit is set.
    pub fn is_odd(&self) -> bool {
        self.0[0] & 1 == 1
    }

    /// Number of significant bits (0 for 0).
    pub fn bits(&self) -> u32 {
        for i in (0..LIMBS).rev() {
            if self.0[i] != 0 {
                return i as u32 * 64 + 64 - self.0[i].leading_zeros();
            }
        }
        0
    }

    /// Number of decimal digits (0 has 1 digit).
    pub fn digits(&self) -> u32 {
        let mut v = *self;
        let mut n = 0;
        while v.to_u128().is_none_or(|x| x >= TEN19 as u128) {
            v = v.divrem_u64(TEN19).0;
            n += 19;
        }
        let mut x = v.0[0];
        n += 1;
        while x >= 10 {
            x /= 10;
            n += 1;
        }
        n
    }

    /// `self + o`, `None` past 2^512.
    pub fn checked_add(self, o: U512) -> Option<U512> {
        let mut out = [0; LIMBS];
        let mut carry = false;
        for (i, slot) in out.iter_mut().enumerate() {
            let (s, c1) = self.0[i].overflowing_add(o.0[i]);
            let (s, c2) = s.overflowing_add(carry as u64);
            *slot = s;
            carry = c1 || c2;
        }
        (!carry).then_some(U512(out))
    }

    /// `self × m`, `None` past 2^512.
    pub fn checked_mul_u64(self, m: u64) -> Option<U512> {
        let mut out = [0; LIMBS];
        let mut carry: u128 = 0;
        for (i, slot) in out.iter_mut().enumerate() {
            let p = self.0[i] as u128 * m as u128 + carry;
            *slot = p as u64;
            carry = p >> 64;
        }
        (carry == 0).then_some(U512(out))
    }

    /// `self × o`, `None` past 2^512.
    pub fn checked_mul(self, o: U512) -> Option<U512> {
        if self.bits() + o.bits() > 513 {
            return None;
        }
        let mut wide = [0u64; 2 * LIMBS];
        for i in 0..LIMBS {
            if self.0[i] == 0 {
                continue;
            }
            let mut carry: u128 = 0;
            for j in 0..LIMBS {
                let t = self.0[i] as u128 * o.0[j] as u128 + wide[i + j] as u128 + carry;
                wide[i + j] = t as u64;
                carry = t >> 64;
            }
            wide[i + LIMBS] = carry as u64;
        }
        if wide[LIMBS..].iter().any(|&x| x != 0) {
            return None;
        }
        let mut out = [0; LIMBS];
        out.copy_from_slice(&wide[..LIMBS]);
        Some(U512(out))
    }

    /// `self × 10^k`, `None` past 2^512.
    pub fn checked_mul_pow10(self, mut k: u32) -> Option<U512> {
        let mut v = self;
        while k >= 19 {
            v = v.checked_mul_u64(TEN19)?;
            k -= 19;
        }
        if k > 0 {
            v = v.checked_mul_u64(10u64.pow(k))?;
        }
        Some(v)
    }

    /// 10^k, `None` past 2^512.
    pub fn pow10(k: u32) -> Option<U512> {
        U512::from_u128(1).checked_mul_pow10(k)
    }

    /// `(self / d, self % d)`; `d` must not be 0.
    pub fn divrem_u64(self, d: u64) -> (U512, u64) {
        debug_assert!(d != 0, "U512 division by zero");
        let mut out = [0; LIMBS];
        let mut rem: u128 = 0;
        for i in (0..LIMBS).rev() {
            let cur = rem << 64 | self.0[i] as u128;
            out[i] = (cur / d as u128) as u64;
            rem = cur % d as u128;
        }
        (U512(out), rem as u64)
    }

    fn bit(&self, i: u32) -> bool {
        self.0[(i / 64) as usize] >> (i % 64) & 1 == 1
    }

    fn set_bit(&mut self, i: u32) {
        self.0[(i / 64) as usize] |= 1 << (i % 64);
    }

    fn shl1_or(self, low: bool) -> U512 {
        let mut out = [0; LIMBS];
        let mut carry = low as u64;
        for (i, slot) in out.iter_mut().enumerate() {
            *slot = self.0[i] << 1 | carry;
            carry = self.0[i] >> 63;
        }
        U512(out)
    }

    /// `(self / d, self % d)`; `d` must not be 0. Binary long division from the top set bit,
    /// with a `u128` remainder when the divisor fits one.
    pub fn divrem(self, d: U512) -> (U512, U512) {
        assert!(!d.is_zero(), "U512 division by zero");
        if let Some(small) = d.to_u128() {
            if small <= u64::MAX as u128 {
                let (q, r) = self.divrem_u64(small as u64);
                return (q, U512::from_u128(r as u128));
            }
            let mut q = U512::ZERO;
            let mut r: u128 = 0;
            for i in (0..self.bits()).rev() {
                // r < small < 2^128, so 2r + 1 < 2^129: the top bit shifted out means r ≥ small.
                let top = r >> 127 == 1;
                r = r << 1 | self.bit(i) as u128;
                if top || r >= small {
                    r = r.wrapping_sub(small);
                    q.set_bit(i);
                }
            }
            return (q, U512::from_u128(r));
        }
        if self < d {
            return (U512::ZERO, self);
        }
        let mut q = U512::ZERO;
        let mut r = U512::ZERO;
        for i in (0..self.bits()).rev() {
            // d ≤ self < 2^512 and r < d, so 2r + 1 < 2^513 only overflows when d > 2^511,
            // beyond every value money builds (at most 2^494).
            r = r.shl1_or(self.bit(i));
            if r >= d {
                r = r - d;
                q.set_bit(i);
            }
        }
        (q, r)
    }
}

impl std::ops::Sub for U512 {
    type Output = U512;
    /// `self − o`; `o` must not be larger than `self`.
    fn sub(self, o: U512) -> U512 {
        debug_assert!(self >= o, "U512 subtraction underflow");
        let mut out = [0; LIMBS];
        let mut borrow = false;
        for (i, slot) in out.iter_mut().enumerate() {
            let (s, b1) = self.0[i].overflowing_sub(o.0[i]);
            let (s, b2) = s.overflowing_sub(borrow as u64);
            *slot = s;
            borrow = b1 || b2;
        }
        U512(out)
    }
}

impl Ord for U512 {
    fn cmp(&self, o: &U512) -> Ordering {
        for i in (0..LIMBS).rev() {
            match self.0[i].cmp(&o.0[i]) {
                Ordering::Equal => continue,
                other => return other,
            }
        }
        Ordering::Equal
    }
}

impl PartialOrd for U512 {
    fn partial_cmp(&self, o: &U512) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

impl std::fmt::Display for U512 {
    /// Decimal digits.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut chunks = Vec::new();
        let mut v = *self;
        loop {
            let (q, r) = v.divrem_u64(TEN19);
            chunks.push(r);
            if q.is_zero() {
                break;
            }
            v = q;
        }
        let mut s = chunks.pop().unwrap_or(0).to_string();
        for c in chunks.iter().rev() {
            s.push_str(&format!("{c:019}"));
        }
        f.write_str(&s)
    }
}
