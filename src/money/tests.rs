//! Unit and property tests of the money core.

use super::*;
use proptest::prelude::*;

fn d(s: &str) -> Decimal {
    Decimal::parse(s).unwrap()
}

#[test]
fn point_one_plus_point_two() {
    let s = d("0.1").checked_add(d("0.2")).unwrap();
    assert_eq!(s.to_string(), "0.3");
    assert_eq!(sum_f64(&[0.1, 0.2]).unwrap().to_string(), "0.3");
    assert_eq!(Decimal::from_f64(0.1).unwrap().to_string(), "0.1");
}

#[test]
fn parse_forms() {
    assert_eq!(d("1.50").to_string(), "1.5");
    assert_eq!(d("-0").to_string(), "0");
    assert_eq!(d("1e3").to_string(), "1000");
    assert_eq!(d("1.5E-3").to_string(), "0.0015");
    assert_eq!(d(".5").to_string(), "0.5");
    assert_eq!(d("5.").to_string(), "5");
    assert_eq!(d("+7").to_string(), "7");
    assert_eq!(d("0.000000000000000000000000000000000001").scale(), 36);
    for bad in [
        "", "-", "abc", "1..2", "1e", "NaN", "Infinity", "1 ", " 1", "0x10", "1,5",
    ] {
        let e = Decimal::parse(bad).unwrap_err();
        assert_eq!(e.code(), "ERR_INVALID_AMOUNT", "{bad:?}");
        assert!(e.message().contains(&format!("{bad:?}")), "{}", e.message());
    }
    assert_eq!(
        d("1.50").scale(),
        2,
        "trailing zeros keep their scale (Decimal128 1.50 stays 1.50)"
    );
    assert_eq!(Decimal::parse("1e-37").unwrap_err().code(), "ERR_OVERFLOW");
}

#[test]
fn parse_overflow_is_an_error() {
    assert_eq!(Decimal::parse("1e40").unwrap_err().code(), "ERR_OVERFLOW");
    assert_eq!(Decimal::parse("1e-40").unwrap_err().code(), "ERR_OVERFLOW");
    assert_eq!(
        Decimal::parse("123456789012345678901234567890123456789012")
            .unwrap_err()
            .code(),
        "ERR_OVERFLOW"
    );
    let big = Decimal::new(i128::MAX, 0).unwrap();
    assert_eq!(big.checked_add(d("1")).unwrap_err().code(), "ERR_OVERFLOW");
    assert_eq!(big.checked_mul(d("2")).unwrap_err().code(), "ERR_OVERFLOW");
    // The range is symmetric (every value can be negated): −2^127 is out of it.
    assert_eq!(
        Decimal::new(i128::MIN, 0).unwrap_err().code(),
        "ERR_OVERFLOW"
    );
    assert_eq!(
        (-big).checked_sub(d("1")).unwrap_err().code(),
        "ERR_OVERFLOW"
    );
    assert_eq!((-big).checked_neg().unwrap(), big);
}

#[test]
fn js_numbers() {
    assert_eq!(Decimal::from_f64(-0.0).unwrap().to_string(), "0");
    assert_eq!(
        Decimal::from_f64(1e21).unwrap().to_string(),
        "1000000000000000000000"
    );
    assert_eq!(Decimal::from_f64(1.5e-7).unwrap().to_string(), "0.00000015");
    assert_eq!(
        Decimal::from_f64(123456.789).unwrap().to_string(),
        "123456.789"
    );
    assert_eq!(
        Decimal::from_f64(0.1 + 0.2).unwrap().to_string(),
        "0.30000000000000004"
    );
    for (x, name) in [
        (f64::NAN, "NaN"),
        (f64::INFINITY, "Infinity"),
        (f64::NEG_INFINITY, "-Infinity"),
    ] {
        let e = Decimal::from_f64(x).unwrap_err();
        assert_eq!(e.code(), "ERR_INVALID_AMOUNT");
        assert!(e.message().contains(name), "{}", e.message());
    }
    let e = sum_f64(&[1.0, 2.0, f64::NAN]).unwrap_err();
    assert!(e.message().contains("amounts[2]"), "{}", e.message());
}

#[test]
fn rounding_modes_on_ties_and_negatives() {
    use Rounding::*;
    let cases: &[(&str, [&str; 6])] = &[
        //          half-even half-up down  up    floor  ceil
        ("2.5", ["2", "3", "2", "3", "2", "3"]),
        ("3.5", ["4", "4", "3", "4", "3", "4"]),
        ("-2.5", ["-2", "-3", "-2", "-3", "-3", "-2"]),
        ("-3.5", ["-4", "-4", "-3", "-4", "-4", "-3"]),
        ("2.4", ["2", "2", "2", "3", "2", "3"]),
        ("-2.6", ["-3", "-3", "-2", "-3", "-3", "-2"]),
        ("0.5", ["0", "1", "0", "1", "0", "1"]),
        ("-0.5", ["0", "-1", "0", "-1", "-1", "0"]),
        ("7", ["7", "7", "7", "7", "7", "7"]),
    ];
    for (v, want) in cases {
        for (mode, w) in [HalfEven, HalfUp, Down, Up, Floor, Ceil].iter().zip(want) {
            assert_eq!(d(v).round(0, *mode).to_string(), *w, "{v} {mode:?}");
        }
    }
    assert_eq!(d("1.005").round(2, HalfEven).to_string(), "1");
    assert_eq!(d("1.015").round(2, HalfEven).to_string(), "1.02");
    assert_eq!(d("1.005").round(2, HalfUp).to_string(), "1.01");
    assert_eq!(d("1.5").to_fixed(2), "1.50");
}

#[test]
fn compare_is_exact_even_when_alignment_overflows() {
    let big = Decimal::new(10i128.pow(37), 0).unwrap();
    let close = Decimal::new(10i128.pow(37) * 10 + 1, 1).unwrap(); // 1e37 + 0.1
    assert_eq!(big.compare(&close), std::cmp::Ordering::Less);
    assert_eq!(close.compare(&big), std::cmp::Ordering::Greater);
    let tiny = Decimal::new(-1, 36).unwrap();
    assert_eq!(tiny.compare(&Decimal::ZERO), std::cmp::Ordering::Less);
    assert_eq!(d("-1.5").compare(&d("-1.50")), std::cmp::Ordering::Equal);
    assert_eq!(d("-1.51").compare(&d("-1.5")), std::cmp::Ordering::Less);
}

#[test]
fn division() {
    let q = d("10").div_to_scale(d("3"), 2, Rounding::HalfEven).unwrap();
    assert_eq!(q.to_string(), "3.33");
    let q = d("2").div_to_scale(d("3"), 2, Rounding::HalfEven).unwrap();
    assert_eq!(q.to_string(), "0.67");
    assert_eq!(
        d("1")
            .div_to_scale(d("0"), 2, Rounding::HalfEven)
            .unwrap_err()
            .code(),
        "ERR_INVALID_AMOUNT"
    );
    assert_eq!(
        inverse_rate(d("90")).unwrap().to_string(),
        "0.0111111111111"
    );
    assert_eq!(
        inverse_rate(d("0.011")).unwrap().to_string(),
        "90.9090909091"
    );
    assert_eq!(inverse_rate(d("3")).unwrap().to_string(), "0.333333333333");
    assert_eq!(inverse_rate(d("0.5")).unwrap().to_string(), "2");
    assert_eq!(cross_rate(d("0.011"), d("90")).unwrap().to_string(), "0.99");
}

#[test]
fn decimal128_round_trip() {
    for s in [
        "0",
        "1.50",
        "-123.45",
        "99999999999999999999999999.99",
        "0.000001",
        "1e20",
    ] {
        let v = d(s);
        let b = v.to_decimal128_bytes().unwrap();
        assert_eq!(Decimal::from_decimal128_bytes(&b).unwrap(), v, "{s}");
    }
    // 1.50 as the bson package writes it: coefficient 150, exponent -2.
    let mut b = [0u8; 16];
    b[0] = 150;
    let hi: u64 = (6176u64 - 2) << 49;
    b[8..].copy_from_slice(&hi.to_le_bytes());
    assert_eq!(
        Decimal::from_decimal128_bytes(&b).unwrap().to_string(),
        "1.5"
    );
    assert_eq!(d("1.50").to_decimal128_bytes().unwrap(), b);
    // NaN: combination field 11111.
    let mut nan = [0u8; 16];
    nan[15] = 0x7c;
    assert_eq!(
        Decimal::from_decimal128_bytes(&nan).unwrap_err().code(),
        "ERR_INVALID_AMOUNT"
    );
}

#[test]
fn allocate_basics() {
    let parts = allocate(d("100"), &[d("1"), d("1"), d("1")], 2, Rounding::HalfEven).unwrap();
    let s: Vec<String> = parts.iter().map(|p| p.to_string()).collect();
    assert_eq!(s, ["33.34", "33.33", "33.33"]);
    // dinero.js 2.0.2: leftover units go to the largest ratios, not the largest remainders.
    let parts = allocate(d("0.02"), &[d("3"), d("2"), d("1")], 2, Rounding::HalfEven).unwrap();
    let s: Vec<String> = parts.iter().map(|p| p.to_string()).collect();
    assert_eq!(s, ["0.02", "0", "0"]);
    let parts = allocate(
        d("0.07"),
        &[d("1"), d("2"), d("1"), d("2")],
        2,
        Rounding::HalfEven,
    )
    .unwrap();
    let s: Vec<String> = parts.iter().map(|p| p.to_string()).collect();
    assert_eq!(s, ["0.01", "0.03", "0.01", "0.02"]);
    let parts = allocate(d("-0.05"), &[d("1"), d("1")], 2, Rounding::HalfEven).unwrap();
    let s: Vec<String> = parts.iter().map(|p| p.to_string()).collect();
    assert_eq!(s, ["-0.03", "-0.02"]);
    let parts = allocate(d("10"), &[d("0"), d("1")], 0, Rounding::HalfEven).unwrap();
    assert_eq!(parts[0].to_string(), "0");
    assert_eq!(
        allocate(d("1"), &[], 2, Rounding::HalfEven)
            .unwrap_err()
            .code(),
        "ERR_INVALID_AMOUNT"
    );
    assert_eq!(
        allocate(d("1"), &[d("-1"), d("2")], 2, Rounding::HalfEven)
            .unwrap_err()
            .code(),
        "ERR_INVALID_AMOUNT"
    );
    assert_eq!(
        allocate(d("1"), &[d("0")], 2, Rounding::HalfEven)
            .unwrap_err()
            .code(),
        "ERR_INVALID_AMOUNT"
    );
}

/// The rounded rows, one line each, tab-separated: currency, totals, balance.
fn rows_text(b: &Balances) -> String {
    let rows = b.rounded_rows(Rounding::HalfEven).unwrap();
    rows.iter()
        .map(|r| {
            let mut fields = vec![r.currency.clone()];
            fields.extend(r.totals.iter().map(|t| t.to_fixed(r.minor_unit)));
            fields.push(r.balance.to_fixed(r.minor_unit));
            fields.join("\t")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn balances_from_columns_and_bson() {
    let cats: Vec<String> = BalanceOptions::default()
        .types
        .iter()
        .map(|t| t.0.clone())
        .collect();
    let b = balance_columns(&Columns {
        categories: cats,
        currencies: vec!["USD", "RUB"],
        cur: &[0, 0, 1],
        cat: &[0, 1, 2],
        values: &[0.1, 0.2, 5.0],
        scur: &[0],
        scat: &[0],
        strings: vec!["0.2"],
    })
    .unwrap();
    assert_eq!(
        rows_text(&b),
        "USD\t0.30\t0.20\t0.00\t0.10\nRUB\t0.00\t0.00\t5.00\t0.00"
    );
    let e = balance_columns(&Columns {
        categories: vec!["income".into()],
        currencies: vec!["XXX"],
        ..Columns::default()
    })
    .unwrap_err();
    assert_eq!(e.code(), "ERR_UNKNOWN_CURRENCY");
    let e = balance_columns(&Columns {
        categories: vec!["income".into()],
        currencies: vec!["USD"],
        cur: &[0],
        cat: &[0],
        values: &[1.0],
        scur: &[0],
        ..Columns::default()
    })
    .unwrap_err();
    assert_eq!(e.message(), "balance columns must have equal lengths");

    let mut buf = Vec::new();
    let docs = [
        bson::doc! { "currency": "USD", "type": "client_payment", "amount": 10.25, "isDeleted": false },
        bson::doc! { "currency": "USD", "type": "expense", "amount": 3i32 },
        bson::doc! { "currency": "USD", "type": "expense", "amount": 1000i32, "isDeleted": true },
        bson::doc! { "currency": "RUB", "type": "debt_sale", "amount": 7i64 },
        bson::doc! { "currency": "RUB", "type": "other", "amount": "junk" },
    ];
    for doc in &docs {
        doc.to_writer(&mut buf).unwrap();
    }
    let b = balance_bson(&buf, &[], &BalanceOptions::default()).unwrap();
    assert_eq!(
        rows_text(&b),
        "USD\t10.25\t3.00\t0.00\t7.25\nRUB\t0.00\t0.00\t7.00\t0.00"
    );
    let e = balance_bson(&buf[..buf.len() - 1], &[], &BalanceOptions::default()).unwrap_err();
    assert_eq!(e.code(), "ERR_INVALID_AMOUNT");
}

fn js_string(x: f64) -> String {
    ryu_js::Buffer::new().format_finite(x).to_string()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// The fast path agrees with ryu-js (JS's own printing) wherever it applies.
    #[test]
    fn from_f64_matches_js_printing(x in prop_oneof![
        any::<f64>().prop_filter("finite", |x| x.is_finite()),
        (-10_000_000_000i64..10_000_000_000i64, 0u32..6).prop_map(|(m, e)| m as f64 / 10f64.powi(e as i32)),
        (-(1i64 << 53)..(1i64 << 53), 0u32..17).prop_map(|(m, e)| m as f64 / 10f64.powi(e as i32)),
    ]) {
        let want = Decimal::parse(&js_string(x));
        match Decimal::from_f64(x) {
            Ok(v) => prop_assert_eq!(v, want.unwrap()),
            Err(e) => prop_assert_eq!(e.code(), want.unwrap_err().code()),
        }
    }

    /// Sums of two-decimal amounts equal an i128 sum of minor units.
    #[test]
    fn sums_match_i128_reference(cents in proptest::collection::vec(-10_000_000_000i64..10_000_000_000i64, 0..300), extra in 0u32..3) {
        let scale = 10f64.powi(2 + extra as i32);
        let xs: Vec<f64> = cents.iter().map(|&c| c as f64 / scale).collect();
        let want: i128 = cents.iter().map(|&c| c as i128).sum();
        let got = sum_f64(&xs).unwrap();
        prop_assert_eq!(got, Decimal::new(want, 2 + extra).unwrap());
        let strings: Vec<String> = xs.iter().map(|&x| js_string(x)).collect();
        prop_assert_eq!(sum_mixed(&[], strings.iter().map(String::as_str), &[]).unwrap(), got);
    }

    /// Allocation (dinero.js 2.0.2's rule): parts add up to the (rounded) whole, each is its
    /// share truncated toward zero or one unit more, and the units left over went to the
    /// largest ratios, equal ratios in index order.
    #[test]
    fn allocate_sums_to_whole(units in -1_000_000_000_000i64..1_000_000_000_000i64, ratios in proptest::collection::vec(0u32..1000, 1..12)) {
        prop_assume!(ratios.iter().any(|&r| r > 0));
        let amount = Decimal::new(units as i128, 2).unwrap();
        let rs: Vec<Decimal> = ratios.iter().map(|&r| Decimal::new(r as i128, 1).unwrap()).collect();
        let parts = allocate(amount, &rs, 2, Rounding::HalfEven).unwrap();
        let mut total = Decimal::ZERO;
        let rsum: i128 = ratios.iter().map(|&r| r as i128).sum();
        let mut extra = Vec::new();
        for (p, &r) in parts.iter().zip(&ratios) {
            total = total.checked_add(*p).unwrap();
            let pm = p.rescale_up(2).unwrap().mant();
            let trunc = units as i128 * r as i128 / rsum; // toward zero, as dinero's bigint
            let step = pm - trunc;
            prop_assert!(step == 0 || step == units.signum() as i128, "part {} share {}", pm, trunc);
            prop_assert!(r > 0 || pm == 0);
            extra.push(step != 0);
        }
        prop_assert_eq!(total, amount);
        for i in 0..ratios.len() {
            for j in 0..ratios.len() {
                if extra[i] && !extra[j] && ratios[j] > 0 {
                    prop_assert!(ratios[i] > ratios[j] || (ratios[i] == ratios[j] && i < j), "{:?} {:?}", ratios, extra);
                }
            }
        }
    }

    /// Every rounding mode agrees with a reference on integers (floor division based).
    #[test]
    fn rounding_matches_reference(m in -1_000_000_000i64..1_000_000_000i64, s in 1u32..5) {
        let v = Decimal::new(m as i128, s).unwrap();
        let p = 10i128.pow(s);
        let m = m as i128;
        let fl = m.div_euclid(p);
        let r = m.rem_euclid(p); // 0 <= r < p, value = fl + r/p
        let ce = if r == 0 { fl } else { fl + 1 };
        let trunc = if m >= 0 { fl } else { ce };
        let away = if m >= 0 { ce } else { fl };
        let half = |even: bool| -> i128 {
            match (2 * r).cmp(&p) {
                std::cmp::Ordering::Less => fl,
                std::cmp::Ordering::Greater => ce,
                std::cmp::Ordering::Equal => if even { if fl % 2 == 0 { fl } else { ce } } else { away },
            }
        };
        let want = [half(true), half(false), trunc, away, fl, ce];
        for (mode, w) in [Rounding::HalfEven, Rounding::HalfUp, Rounding::Down, Rounding::Up, Rounding::Floor, Rounding::Ceil].iter().zip(want) {
            prop_assert_eq!(v.round(0, *mode), Decimal::new(w, 0).unwrap(), "{:?}", mode);
        }
    }

    /// compare agrees with an exact reference (both aligned to scale 12 in i128).
    #[test]
    fn compare_matches_reference(a in any::<i64>(), sa in 0u32..12, b in any::<i64>(), sb in 0u32..12) {
        let x = Decimal::new(a as i128, sa).unwrap();
        let y = Decimal::new(b as i128, sb).unwrap();
        let want = (a as i128 * 10i128.pow(12 - sa)).cmp(&(b as i128 * 10i128.pow(12 - sb)));
        prop_assert_eq!(x.compare(&y), want);
    }

    /// Decimal128 bytes round-trip.
    #[test]
    fn decimal128_round_trips(m in any::<i64>(), s in 0u32..20) {
        let v = Decimal::new(m as i128, s).unwrap();
        let b = v.to_decimal128_bytes().unwrap();
        prop_assert_eq!(Decimal::from_decimal128_bytes(&b).unwrap(), v);
    }
}
