//! The slow path against `num-bigint`: [`U512`] arithmetic, and every operation on
//! [`Decimal`] (add, sub, mul, div with each rounding mode and scale, round, sums in any
//! order, allocation) against an exact big-integer reference. An operation must give the
//! reference's value when that value fits the range, and `ERR_OVERFLOW` exactly when it
//! does not.

use super::wide::U512;
use super::*;
use num_bigint::{BigInt, BigUint, Sign};
use proptest::prelude::*;

const MODES: [Rounding; 6] = Rounding::ALL;

fn big_u(v: &U512) -> BigUint {
    v.to_string().parse().unwrap()
}

fn u512(b: &BigUint) -> U512 {
    let mut v = U512::ZERO;
    for d in b.to_u64_digits().iter().rev() {
        v = v
            .checked_mul(U512::from_u128(1u128 << 64))
            .unwrap()
            .checked_add(U512::from_u128(*d as u128))
            .unwrap();
    }
    v
}

/// A U512 of `bits` random bits at most.
fn arb_u512(max_bits: u32) -> impl Strategy<Value = BigUint> {
    (proptest::collection::vec(any::<u64>(), 8), 0..=max_bits).prop_map(|(limbs, bits)| {
        let v = BigUint::from_slice(
            &limbs
                .iter()
                .flat_map(|l| [*l as u32, (*l >> 32) as u32])
                .collect::<Vec<_>>(),
        );
        v % (BigUint::from(1u8) << bits)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn u512_matches_biguint(a in arb_u512(512), b in arb_u512(512), small in 1u64.., k in 0u32..90) {
        let (x, y) = (u512(&a), u512(&b));
        prop_assert_eq!(big_u(&x), a.clone());
        prop_assert_eq!(x.cmp(&y), a.cmp(&b));
        let sum = &a + &b;
        prop_assert_eq!(x.checked_add(y).map(|v| big_u(&v)), (sum.bits() <= 512).then_some(sum));
        if a >= b {
            prop_assert_eq!(big_u(&(x - y)), &a - &b);
        }
        let prod = &a * &b;
        prop_assert_eq!(x.checked_mul(y).map(|v| big_u(&v)), (prod.bits() <= 512).then_some(prod));
        let p10 = &a * BigUint::from(10u8).pow(k);
        prop_assert_eq!(x.checked_mul_pow10(k).map(|v| big_u(&v)), (p10.bits() <= 512).then_some(p10));
        let (q, r) = x.divrem_u64(small);
        prop_assert_eq!((big_u(&q), r), (&a / small, (&a % small).try_into().unwrap()));
        prop_assert_eq!(x.bits() as u64, a.bits());
        prop_assert_eq!(x.digits() as usize, a.to_string().len());
    }

    /// Division through each path: u64, u128 and wide divisors.
    #[test]
    fn u512_divrem_matches_biguint(a in arb_u512(500), b in prop_oneof![arb_u512(64), arb_u512(128), arb_u512(300), arb_u512(500)]) {
        prop_assume!(b != BigUint::ZERO);
        let (q, r) = u512(&a).divrem(u512(&b));
        prop_assert_eq!(big_u(&q), &a / &b);
        prop_assert_eq!(big_u(&r), &a % &b);
    }
}

/// `c × 10^-scale`, exact.
#[derive(Clone, Debug)]
struct Ref {
    c: BigInt,
    scale: u32,
}

fn pow10(k: u32) -> BigInt {
    BigInt::from(10u8).pow(k)
}

impl Ref {
    fn of(d: Decimal) -> Ref {
        Ref {
            c: BigInt::from(d.mant()),
            scale: d.scale(),
        }
    }
    fn at(&self, scale: u32) -> BigInt {
        &self.c * pow10(scale - self.scale)
    }
    fn add(&self, o: &Ref) -> Ref {
        let s = self.scale.max(o.scale);
        Ref {
            c: self.at(s) + o.at(s),
            scale: s,
        }
    }
    fn mul(&self, o: &Ref) -> Ref {
        Ref {
            c: &self.c * &o.c,
            scale: self.scale + o.scale,
        }
    }
    /// `self ÷ o` rounded to `scale` places.
    fn div(&self, o: &Ref, scale: u32, mode: Rounding) -> Ref {
        let num = &self.c * pow10(scale + o.scale);
        let den = &o.c * pow10(self.scale);
        Ref {
            c: round_div(num, den, mode),
            scale,
        }
    }
    fn round(&self, scale: u32, mode: Rounding) -> Ref {
        if self.scale <= scale {
            return self.clone();
        }
        Ref {
            c: round_div(self.c.clone(), pow10(self.scale - scale), mode),
            scale,
        }
    }
    /// The Decimal this value is, `None` when it does not fit.
    fn fit(&self) -> Option<Decimal> {
        let (mut c, mut s) = (self.c.clone(), self.scale);
        let max = BigInt::from(i128::MAX);
        while s > 0 && (s > MAX_SCALE || c.magnitude() > max.magnitude()) {
            if &c % 10 != BigInt::ZERO {
                return None;
            }
            c /= 10;
            s -= 1;
        }
        let m = i128::try_from(&c).ok().filter(|&m| m != i128::MIN)?;
        (s <= MAX_SCALE).then(|| Decimal::new(m, s).unwrap())
    }
}

/// `num / den` (den ≠ 0) rounded with `mode`: the reference rounding.
fn round_div(num: BigInt, den: BigInt, mode: Rounding) -> BigInt {
    let (num, den) = if den.sign() == Sign::Minus {
        (-num, -den)
    } else {
        (num, den)
    };
    let q = &num / &den; // toward zero
    let r = &num % &den;
    if r == BigInt::ZERO {
        return q;
    }
    let neg = num.sign() == Sign::Minus;
    let twice = (BigUint::from(2u8) * r.magnitude()).cmp(den.magnitude());
    let odd = &q % 2 != BigInt::ZERO;
    let away = match mode {
        Rounding::Down => false,
        Rounding::Up => true,
        Rounding::Floor => neg,
        Rounding::Ceil => !neg,
        Rounding::HalfUp => twice.is_ge(),
        Rounding::HalfEven => twice.is_gt() || (twice.is_eq() && odd),
    };
    match (away, neg) {
        (false, _) => q,
        (true, true) => q - 1,
        (true, false) => q + 1,
    }
}

/// The outcome an operation must have: the reference value when it fits, else ERR_OVERFLOW.
fn expect(got: crate::Result<Decimal>, want: &Ref) -> std::result::Result<(), TestCaseError> {
    match (got, want.fit()) {
        (Ok(v), Some(w)) => prop_assert_eq!(v, w, "reference {:?}", want),
        (Err(e), None) => prop_assert_eq!(e.code(), "ERR_OVERFLOW"),
        (got, w) => prop_assert!(false, "got {:?}, reference {:?} fits as {:?}", got, want, w),
    }
    Ok(())
}

/// Decimals across the whole range: huge coefficients, many places, trailing zeros,
/// boundary coefficients.
fn arb_decimal() -> impl Strategy<Value = Decimal> {
    let edges = prop_oneof![
        Just(i128::MAX),
        Just(-i128::MAX),
        Just(10i128.pow(38)),
        Just(10i128.pow(38) - 1),
        Just(10i128.pow(34) - 1),
        Just(1),
        Just(-1),
        Just(5),
        Just(0),
    ];
    prop_oneof![
        (any::<i128>(), 0u32..=36),
        (any::<i64>().prop_map(|m| m as i128), 0u32..=36),
        (-100_000i128..100_000, 0u32..=4),
        (edges, 0u32..=36),
        // trailing zeros: m × 10^z at scale s + z
        (-1_000_000_000i128..1_000_000_000, 0u32..=20, 0u32..=28)
            .prop_map(|(m, z, s)| (m * 10i128.pow(z), (s + z).min(36))),
    ]
    .prop_filter_map("in range", |(m, s)| Decimal::new(m, s).ok())
}

fn arb_mode() -> impl Strategy<Value = Rounding> {
    (0usize..6).prop_map(|i| MODES[i])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    #[test]
    fn add_sub_mul_match_reference(a in arb_decimal(), b in arb_decimal(), s in 0u32..=36, mode in arb_mode()) {
        let (ra, rb) = (Ref::of(a), Ref::of(b));
        let sum = ra.add(&rb);
        let neg_b = Ref { c: -rb.c.clone(), scale: rb.scale };
        let diff = ra.add(&neg_b);
        let prod = ra.mul(&rb);
        expect(a.checked_add(b), &sum)?;
        expect(a.checked_sub(b), &diff)?;
        expect(a.checked_mul(b), &prod)?;
        expect(a.add_rounded(b, Some((s, mode))), &sum.round(s, mode))?;
        expect(a.sub_rounded(b, Some((s, mode))), &diff.round(s, mode))?;
        expect(a.mul_rounded(b, Some((s, mode))), &prod.round(s, mode))?;
        expect(Ok(a.round(s, mode)), &ra.round(s, mode))?;
    }

    #[test]
    fn div_matches_reference(a in arb_decimal(), b in arb_decimal(), s in 0u32..=36, mode in arb_mode()) {
        prop_assume!(!b.is_zero());
        expect(a.div_to_scale(b, s, mode), &Ref::of(a).div(&Ref::of(b), s, mode))?;
    }

    /// A sum is exact and the same in any order; ERR_OVERFLOW only when the final value
    /// (or, when rounded, the rounded value) does not fit.
    #[test]
    fn sums_in_any_order_match_reference(xs in proptest::collection::vec(arb_decimal(), 0..12), seed in any::<u64>(), s in 0u32..=36, mode in arb_mode()) {
        let want = xs.iter().fold(Ref { c: BigInt::ZERO, scale: 0 }, |acc, x| acc.add(&Ref::of(*x)));
        let mut order = xs.clone();
        for round in 0..3u64 {
            let mut acc = Accumulator::new();
            for x in &order {
                acc.add(*x).unwrap();
            }
            expect(acc.value(), &want)?;
            expect(acc.rounded(s, mode), &want.round(s, mode))?;
            // a deterministic shuffle
            let n = order.len().max(1) as u64;
            order.rotate_left(((seed >> (round * 8)) % n) as usize);
            order.reverse();
        }
        let strings: Vec<String> = xs.iter().map(|x| x.to_string()).collect();
        expect(sum_mixed(&[], strings.iter().map(String::as_str), &[]), &want)?;
    }

    /// Allocation of any amount by any ratios: exact, parts add up to the rounded amount,
    /// and a part is ERR_OVERFLOW only when it does not fit.
    #[test]
    fn allocate_matches_reference(amount in arb_decimal(), ratios in proptest::collection::vec(arb_decimal().prop_map(|d| if d.mant() < 0 { -d } else { d }), 1..6), s in 0u32..=6, mode in arb_mode()) {
        prop_assume!(ratios.iter().any(|r| !r.is_zero()));
        let units = Ref::of(amount).round(s, mode).at(s);
        let rs = ratios.iter().map(|r| r.scale()).max().unwrap();
        let ints: Vec<BigInt> = ratios.iter().map(|r| Ref::of(*r).at(rs)).collect();
        let total: BigInt = ints.iter().sum();
        let mut parts: Vec<BigInt> = ints.iter().map(|r| &units * r / &total).collect();
        let given: BigInt = parts.iter().sum();
        let mut left = (&units - given).magnitude().clone();
        let mut order: Vec<usize> = (0..ratios.len()).filter(|&i| !ratios[i].is_zero()).collect();
        order.sort_by(|&x, &y| ratios[y].cmp(&ratios[x]).then(x.cmp(&y)));
        for i in order {
            if left == BigUint::ZERO { break; }
            parts[i] += if units.sign() == Sign::Minus { -1 } else { 1 };
            left -= 1u8;
        }
        let want: Vec<Option<Decimal>> = parts.iter().map(|p| Ref { c: p.clone(), scale: s }.fit()).collect();
        match allocate(amount, &ratios, s, mode) {
            Ok(got) => prop_assert_eq!(got.into_iter().map(Some).collect::<Vec<_>>(), want),
            Err(e) => {
                prop_assert_eq!(e.code(), "ERR_OVERFLOW");
                prop_assert!(want.iter().any(Option::is_none));
            }
        }
    }

    /// Inverse and cross rates: 12 significant digits, rounded once, from rates with many
    /// decimals.
    #[test]
    fn rates_match_reference(a in arb_decimal(), b in arb_decimal()) {
        let positive = |d: Decimal| match d.mant() {
            0 => Decimal::from(1i8),
            m if m < 0 => -d,
            _ => d,
        };
        let (a, b) = (positive(a), positive(b));
        let digits = |r: &Ref| if r.c == BigInt::ZERO { 0 } else { r.c.magnitude().to_string().len() as u32 };
        // 1/a at the first scale whose truncated quotient has 12 digits (integer digits are
        // all kept; at most 36 places), rounded once there.
        let (one, ra) = (Ref { c: BigInt::from(1), scale: 0 }, Ref::of(a));
        let s = (0..=36).find(|&s| digits(&one.div(&ra, s, Rounding::Down)) >= 12).unwrap_or(36);
        expect(inverse_rate(a), &one.div(&ra, s, Rounding::HalfEven))?;
        let p = Ref::of(a).mul(&Ref::of(b));
        let drop = (digits(&p).saturating_sub(12)).min(p.scale);
        expect(cross_rate(a, b), &p.round(p.scale - drop, Rounding::HalfEven))?;
    }
}

#[test]
fn the_issue_examples() {
    let d = |s: &str| Decimal::parse(s).unwrap();
    let q = d("100")
        .div_to_scale(
            d("0.01111111111111111111111111111111111"),
            2,
            Rounding::HalfEven,
        )
        .unwrap();
    assert_eq!(q.to_fixed(2), "9000.00");
    let q = d("1")
        .div_to_scale(d("0.1234567890123456789012345678"), 12, Rounding::HalfEven)
        .unwrap();
    assert_eq!(q.to_fixed(12), "8.100000072900");
    let p = d("1e20").checked_mul(d("1.00000000000000000001")).unwrap();
    assert_eq!(p.to_string(), "100000000000000000001");
    let x = d("1e37");
    assert_eq!(
        x.checked_add(d("0.50")).unwrap(),
        x.checked_add(d("0.5")).unwrap()
    );
    for order in [
        ["1e38", "1e38", "-1e38"],
        ["1e38", "-1e38", "1e38"],
        ["-1e38", "1e38", "1e38"],
    ] {
        let mut acc = Accumulator::new();
        for s in order {
            acc.add(d(s)).unwrap();
        }
        assert_eq!(acc.value().unwrap(), d("1e38"), "{order:?}");
    }
    assert_eq!(
        d("1e37").to_fixed(2),
        "10000000000000000000000000000000000000.00"
    );
}
