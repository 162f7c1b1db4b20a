//! Unit and property tests of the pipeline core.

use proptest::prelude::*;
use serde_json::{json, Value};

use super::*;

fn sales_spec(extra: Value) -> Value {
    let mut s = json!({
        "collection": "vagonsales",
        "types": { "_id": "objectId", "vagon": "objectId", "client": "objectId", "lot": "objectId",
                   "sale_date": "date", "createdAt": "date", "amount": "number",
                   "clientInfo.name": "string" },
        "lookups": [
            { "from": "vagons", "localField": "vagon", "as": "vagonInfo", "project": ["vagonCode", "month", "status"], "single": true },
            { "from": "clients", "localField": "client", "as": "clientInfo", "project": ["name", "phone"], "single": true },
            { "from": "vagonlots", "localField": "lot", "as": "lotInfo", "project": ["dimensions", "cost_per_m3"], "single": true }
        ],
        "sortable": ["createdAt", "sale_date", "amount", "clientInfo.name"],
        "defaultSort": [["createdAt", -1]],
        "filterable": { "client": ["eq", "in"], "sale_date": ["gte", "lte", "gt", "lt"], "amount": ["gte", "lte", "eq", "ne"],
                        "status": ["eq", "in", "nin", "exists"], "clientInfo.name": ["regex", "eq"] },
        "selectable": ["amount", "sale_date", "client", "clientInfo", "clientInfo.name", "vagonInfo"],
        "count": "separate"
    });
    if let (Value::Object(a), Value::Object(b)) = (&mut s, extra) {
        for (k, v) in b {
            a.insert(k, v);
        }
    }
    s
}

fn compiled(extra: Value) -> Compiled {
    Compiled::compile_json(&sales_spec(extra)).expect("spec compiles")
}

fn stage_names(p: &[Node]) -> Vec<String> {
    p.iter()
        .map(|s| match s {
            Node::Obj(pairs) => pairs[0].0.clone(),
            _ => "?".into(),
        })
        .collect()
}

const HEX: &str = "64b7f0c2a1b2c3d4e5f60718";

#[test]
fn fast_order_puts_the_page_cut_before_every_lookup() {
    let c = compiled(json!({}));
    let b = c
        .build(&json!({ "filter": { "client": HEX }, "page": 2, "limit": 20 }))
        .unwrap();
    assert_eq!(
        stage_names(&b.pipeline),
        [
            "$match", "$sort", "$skip", "$limit", "$lookup", "$unwind", "$lookup", "$unwind",
            "$lookup", "$unwind"
        ]
    );
    assert!(b.plan.starts_with("fast"), "{}", b.plan);
    let m = b.pipeline[0].to_json();
    assert_eq!(
        m,
        format!(r#"{{"$match":{{"client":{{"$oid":"{HEX}"}}}}}}"#)
    );
    assert_eq!(
        b.pipeline[1].to_json(),
        r#"{"$sort":{"createdAt":-1,"_id":-1}}"#
    );
    assert_eq!(b.pipeline[2].to_json(), r#"{"$skip":20}"#);
    assert_eq!(b.pipeline[3].to_json(), r#"{"$limit":20}"#);
    let count = b.count_pipeline.unwrap();
    assert_eq!(stage_names(&count), ["$match", "$count"]);
}

#[test]
fn joined_sort_keeps_the_slow_order_and_says_why() {
    let c = compiled(json!({}));
    let b = c.build(&json!({ "sort": "clientInfo.name" })).unwrap();
    let names = stage_names(&b.pipeline);
    let sort_at = names.iter().position(|n| n == "$sort").unwrap();
    // Only the clients lookup precedes the sort.
    assert_eq!(&names[..sort_at], ["$lookup", "$unwind"]);
    assert!(b.pipeline[0].to_json().contains("\"clients\""));
    assert!(b.plan.starts_with("slow"), "{}", b.plan);
    assert!(b.plan.contains("clientInfo.name"), "{}", b.plan);
    assert_eq!(
        b.pipeline[sort_at].to_json(),
        r#"{"$sort":{"clientInfo.name":1,"_id":1}}"#
    );
}

#[test]
fn joined_filter_matches_after_its_lookup_and_is_counted() {
    let c = compiled(json!({}));
    let b = c
        .build(&json!({ "filter": { "clientInfo.name": { "$regex": "Al.i" }, "amount": { "$gte": "5" } } }))
        .unwrap();
    let names = stage_names(&b.pipeline);
    assert_eq!(&names[..4], ["$match", "$lookup", "$unwind", "$match"]);
    assert_eq!(
        b.pipeline[0].to_json(),
        r#"{"$match":{"amount":{"$gte":5}}}"#
    );
    assert_eq!(
        b.pipeline[3].to_json(),
        r#"{"$match":{"clientInfo.name":{"$regex":"^Al\\.i"}}}"#
    );
    let count = b.count_pipeline.unwrap();
    assert_eq!(
        stage_names(&count),
        ["$match", "$lookup", "$unwind", "$match", "$count"]
    );
}

#[test]
fn facet_and_soft_delete() {
    let c = compiled(json!({ "count": "facet", "softDelete": { "isDeleted": false } }));
    let b = c.build(&json!({})).unwrap();
    assert_eq!(stage_names(&b.pipeline), ["$match", "$facet"]);
    assert_eq!(b.pipeline[0].to_json(), r#"{"$match":{"isDeleted":false}}"#);
    let facet = b.pipeline[1].get("$facet").unwrap();
    assert_eq!(facet.get("total").unwrap().to_json(), r#"[{"$count":"n"}]"#);
    assert!(b.count_pipeline.is_none());
}

#[test]
fn let_form_lookups() {
    let c = compiled(json!({ "lookupForm": "let" }));
    let b = c.build(&json!({})).unwrap();
    let l = b
        .pipeline
        .iter()
        .find(|s| s.get("$lookup").is_some())
        .unwrap()
        .to_json();
    assert_eq!(
        l,
        r#"{"$lookup":{"from":"vagons","let":{"lf":"$vagon"},"pipeline":[{"$match":{"$expr":{"$eq":["$_id","$$lf"]}}},{"$project":{"vagonCode":1,"month":1,"status":1}}],"as":"vagonInfo"}}"#
    );
}

#[test]
fn pagination_validation() {
    let c = compiled(json!({}));
    let r = c.resolve(&json!({ "page": "3", "limit": "500" })).unwrap();
    assert_eq!((r.page, r.limit, r.skip), (3, 100, 200));
    // A huge limit is clamped, never an error; a huge page is.
    for big in [
        json!(1_000_000_000_000_000u64),
        json!("99999999999999999999999"),
    ] {
        assert_eq!(c.resolve(&json!({ "limit": big })).unwrap().limit, 100);
        assert_eq!(
            c.resolve(&json!({ "page": big })).unwrap_err().code(),
            "ERR_INVALID_PAGINATION"
        );
    }
    for (p, name) in [
        (json!({ "page": 0 }), "page"),
        (json!({ "page": -1 }), "page"),
        (json!({ "page": 1.5 }), "page"),
        (json!({ "page": "abc" }), "page"),
        (json!({ "page": "" }), "page"),
        (json!({ "page": ["1", "2"] }), "page"),
        (json!({ "limit": 0 }), "limit"),
        (
            serde_json::from_str::<Value>(r#"{ "limit": 4503599627369875.5 }"#).unwrap(),
            "limit",
        ),
        (json!({ "limit": "1e3" }), "limit"),
        (json!({ "limit": true }), "limit"),
        (json!({ "limit": { "$gt": 1 } }), "limit"),
    ] {
        let e = c.resolve(&p).unwrap_err();
        assert_eq!(e.code(), "ERR_INVALID_PAGINATION", "{p}");
        assert!(e.message().starts_with(name), "{}", e.message());
    }
}

#[test]
fn meta_like_mongoose_paginate_v2() {
    let c = compiled(json!({}));
    let m = c.meta(45.0, &json!({ "page": 2, "limit": 20 })).unwrap();
    assert_eq!(
        (m.total_pages, m.has_next_page, m.has_prev_page),
        (3, true, true)
    );
    let m = c.meta(0.0, &json!({})).unwrap();
    assert_eq!(
        (
            m.total_pages,
            m.has_next_page,
            m.has_prev_page,
            m.current_page
        ),
        (1, false, false, Some(1))
    );
    assert_eq!(
        c.meta(-1.0, &json!({})).unwrap_err().code(),
        "ERR_INVALID_PAGINATION"
    );
}

#[test]
fn meta_template_and_prepare_serialise_for_js() {
    let c = compiled(json!({}));
    let m = c.meta(45.0, &json!({ "page": 3, "limit": 20 })).unwrap();
    assert_eq!(
        serde_json::to_string(&m).unwrap(),
        r#"{"total":45,"limit":20,"currentPage":3,"totalPages":3,"hasNextPage":false,"hasPrevPage":true,"nextPage":null,"prevPage":2}"#
    );
    let params = json!({ "filter": { "client": HEX }, "sort": "-sale_date" });
    let t = serde_json::to_value(c.template(&params).unwrap()).unwrap();
    assert_eq!(t["slots"], json!(["raw", "raw", "oid"]));
    assert_eq!(t["sort"], json!([["sale_date", -1], ["_id", -1]]));
    assert!(t["countPipeline"].is_array());
    assert!(t["fast"].is_boolean() && t["plan"].is_string() && t["count"].is_string());
    let p = serde_json::to_value(c.prepare(&params).unwrap()).unwrap();
    assert_eq!(p[1], json!(20));
    assert_eq!(p[2], json!(0));
    assert_eq!(p[3], json!(HEX));
}

#[test]
fn injection_corpus_is_refused() {
    let c = compiled(json!({}));
    let filters = [
        json!({ "$where": "sleep(1000)" }),
        json!({ "$expr": { "$gt": ["$a", 1] } }),
        json!({ "client": { "$function": {} } }),
        json!({ "amount": { "$accumulator": {} } }),
        json!({ "__proto__": { "x": 1 } }),
        json!({ "constructor": 1 }),
        json!({ "client": { "_bsontype": "Code" } }),
        json!({ "password": "x" }),
        json!({ "amount": { "$regex": ".*" } }),
        json!({ "status": { "$oid": HEX } }),
        json!({ "client": { "$eq": { "$oid": HEX } } }),
        json!({ "amount": { "$gte": { "$date": 0 } } }),
        json!({ "$or": [{ "a": 1 }] }),
    ];
    for f in filters {
        let e = c.resolve(&json!({ "filter": f })).unwrap_err();
        assert_eq!(e.code(), "ERR_FORBIDDEN_OPERATOR", "{f}: {e}");
    }
    let queries = [
        json!({ "price": { "$gt": "" } }),
        json!({ "amount": { "$gt": "" } }),
        json!({ "amount[$gte]": "1" }),
        json!({ "$where": "1" }),
        json!({ "client": { "$ne": null } }),
        json!({ "amount": { "gte": { "$gt": 1 } } }),
        json!({ "__proto__": { "admin": true } }),
        json!({ "constructor": { "prototype": 1 } }),
        json!({ "client": { "_bsontype": "ObjectId" } }),
        json!({ "amount": { "between": "1" } }),
        json!({ "status[in][x]": "a" }),
    ];
    for q in queries {
        let e = c.filter_from_query(&q).unwrap_err();
        assert_eq!(e.code(), "ERR_FORBIDDEN_OPERATOR", "{q}: {e}");
    }
    let e = c.resolve(&json!({ "fields": "password" })).unwrap_err();
    assert_eq!(e.code(), "ERR_FORBIDDEN_OPERATOR");
    let e = c
        .resolve(&json!({ "sort": { "$natural": 1 } }))
        .unwrap_err();
    assert_eq!(e.code(), "ERR_FORBIDDEN_OPERATOR");
}

#[test]
fn filter_from_query_both_shapes() {
    let c = compiled(json!({}));
    let nested = c
        .filter_from_query(&json!({ "amount": { "gte": "5", "lte": "10" }, "client": HEX, "page": "2", "status": ["a", "b"] }))
        .unwrap();
    let flat = c
        .filter_from_query(&json!({ "amount[gte]": "5", "amount[lte]": "10", "client": HEX, "limit": "5", "status[in]": "a,b" }))
        .unwrap();
    assert_eq!(nested.to_json(), flat.to_json());
    assert_eq!(
        nested.to_json(),
        format!(
            r#"{{"amount":{{"$gte":5,"$lte":10}},"client":{{"$oid":"{HEX}"}},"status":{{"$in":["a","b"]}}}}"#
        )
    );
    // Round trip: the query filter is a valid build filter (markers as JSON.stringify writes them).
    let as_js = json!({ "amount": { "$gte": 5, "$lte": 10 }, "client": HEX, "status": { "$in": ["a", "b"] } });
    c.build(&json!({ "filter": as_js })).unwrap();
}

#[test]
fn projection_keeps_sort_keys_and_avoids_collisions() {
    let c = compiled(json!({}));
    let b = c
        .build(&json!({ "fields": "amount,clientInfo.name,clientInfo" }))
        .unwrap();
    let last = b.pipeline.last().unwrap().to_json();
    assert_eq!(
        last,
        r#"{"$project":{"amount":1,"clientInfo":1,"createdAt":1,"_id":1}}"#
    );
}

#[test]
fn suggest_index_esr() {
    let c = compiled(json!({}));
    let idx = c
        .suggest_index(&json!({ "filter": { "client": HEX, "sale_date": { "$gte": "2024-01-01" } }, "sort": "-sale_date" }))
        .unwrap();
    assert_eq!(
        idx,
        vec![
            ("client".into(), 1),
            ("sale_date".into(), -1),
            ("_id".into(), -1)
        ]
    );
    // Range field not in the sort goes last; $in of < 200 values counts as equality.
    let idx = c
        .suggest_index(&json!({ "filter": { "amount": { "$gte": 5 }, "status": { "$in": ["a"] } }, "sort": "createdAt" }))
        .unwrap();
    assert_eq!(
        idx,
        vec![
            ("status".into(), 1),
            ("createdAt".into(), 1),
            ("_id".into(), 1),
            ("amount".into(), 1)
        ]
    );
    let many: Vec<String> = (0..250).map(|i| format!("s{i}")).collect();
    let idx = c
        .suggest_index(&json!({ "filter": { "status": { "$in": many } }, "sort": "createdAt" }))
        .unwrap();
    assert_eq!(idx.last().unwrap().0, "status");
}

#[test]
fn cursors_round_trip_sign_and_reject_tampering() {
    for secret in [None, Some("s3cret")] {
        let extra = match secret {
            Some(s) => json!({ "secret": s }),
            None => json!({}),
        };
        let c = compiled(extra);
        let sort = json!([["createdAt", -1], ["_id", -1]]);
        let tok = c
            .encode_cursor(
                &sort,
                &json!([["date", 1_700_000_000_000i64], ["oid", HEX]]),
            )
            .unwrap();
        let b = c.build(&json!({ "cursor": tok })).unwrap();
        let names = stage_names(&b.pipeline);
        assert_eq!(&names[..3], ["$match", "$sort", "$limit"]);
        assert!(b.pipeline[0].to_json().contains("$or"));
        let mut bad = tok.clone();
        let last = bad.pop().unwrap();
        bad.push(if last == 'A' { 'B' } else { 'A' });
        let e = c.resolve(&json!({ "cursor": bad })).unwrap_err();
        assert_eq!(e.code(), "ERR_INVALID_CURSOR");
        // Another sort.
        let e = c
            .resolve(&json!({ "cursor": tok, "sort": "amount" }))
            .unwrap_err();
        assert_eq!(e.code(), "ERR_INVALID_CURSOR");
        // Type mismatch with the declared type.
        let e = c
            .encode_cursor(&sort, &json!([["num", 5], ["oid", HEX]]))
            .unwrap_err();
        assert_eq!(e.code(), "ERR_INVALID_CURSOR");
    }
    let c = compiled(json!({ "secret": "k" }));
    let plain = compiled(json!({}));
    let tok = plain
        .encode_cursor(
            &json!([["createdAt", -1], ["_id", -1]]),
            &json!([["date", 5], ["oid", HEX]]),
        )
        .unwrap();
    assert_eq!(
        c.resolve(&json!({ "cursor": tok })).unwrap_err().code(),
        "ERR_INVALID_CURSOR"
    );
    for junk in ["", "!!!", "e30", "eyJzIjpbXX0", "a.b.c"] {
        if junk.is_empty() {
            continue;
        }
        assert_eq!(
            c.resolve(&json!({ "cursor": junk })).unwrap_err().code(),
            "ERR_INVALID_CURSOR",
            "{junk}"
        );
    }
}

#[test]
fn cursors_are_bound_to_the_spec_and_carry_nothing_else() {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;
    let sort = json!([["amount", 1], ["_id", 1]]);
    let vals = json!([["num", 5], ["oid", HEX]]);
    let req = json!({ "sort": [["amount", 1]] });
    let with = |tok: &str| {
        let mut r = req.clone();
        r["cursor"] = json!(tok);
        r
    };
    for secret in [json!({}), json!({ "secret": "k" })] {
        let a = compiled(secret.clone());
        let tok = a.encode_cursor(&sort, &vals).unwrap();
        assert!(a.build(&with(&tok)).is_ok());
        // The same spec, written another way, gets the same binding.
        let mut same = sales_spec(secret.clone());
        same["defaultSort"] = json!("-createdAt");
        same["filterable"]["amount"] = json!(["eq", "lte", "gte", "ne", "eq"]);
        assert!(Compiled::compile_json(&same)
            .unwrap()
            .build(&with(&tok))
            .is_ok());
        let mut other = sales_spec(secret.clone());
        other["maxLimit"] = json!(50);
        let e = Compiled::compile_json(&other)
            .unwrap()
            .build(&with(&tok))
            .unwrap_err();
        assert_eq!(e.code(), "ERR_INVALID_CURSOR");
        assert!(e.message().contains("another spec"), "{}", e.message());
    }
    // Unsigned: forged payloads with more than the sort needs.
    let a = compiled(json!({}));
    let tok = a.encode_cursor(&sort, &vals).unwrap();
    let p: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(&tok).unwrap()).unwrap();
    let forge = |f: &dyn Fn(&mut Value)| {
        let mut q = p.clone();
        f(&mut q);
        URL_SAFE_NO_PAD.encode(q.to_string())
    };
    for bad in [
        forge(&|q| q["v"].as_array_mut().unwrap().push(json!(["num", 1]))),
        forge(&|q| q["x"] = json!(1)),
        forge(&|q| q["s"][0].as_array_mut().unwrap().push(json!(0))),
        forge(&|q| {
            q.as_object_mut().unwrap().remove("h");
        }),
    ] {
        let e = a.build(&with(&bad)).unwrap_err();
        assert_eq!(e.code(), "ERR_INVALID_CURSOR", "{bad}");
    }
    assert!(a.build(&with(&forge(&|_| {}))).is_ok());
}

#[test]
fn int64_cursor_values_stay_exact_and_typed() {
    let c = compiled(json!({}));
    let sort = json!([["amount", -1], ["_id", -1]]);
    for (tag, kind) in [("long", SlotKind::Long), ("bigint", SlotKind::BigInt)] {
        for n in [
            i64::MAX,
            i64::MIN,
            9_007_199_254_740_993,
            -9_007_199_254_740_995,
            0,
        ] {
            let tok = c
                .encode_cursor(&sort, &json!([[tag, n.to_string()], ["oid", HEX]]))
                .unwrap();
            let params = json!({ "cursor": tok, "sort": "-amount" });
            let t = c.template(&params).unwrap();
            assert_eq!(t.slots[2], kind);
            let prepared = serde_json::to_string(&c.prepare(&params).unwrap()).unwrap();
            assert!(prepared.contains(&format!("\"{n}\"")), "{prepared}");
            let b = c.build(&params).unwrap();
            assert!(
                b.pipeline[0]
                    .to_json()
                    .contains(&format!(r#"{{"$numberLong":"{n}"}}"#)),
                "{}",
                b.pipeline[0].to_json()
            );
        }
        for bad in [
            json!("1.0"),
            json!("+1"),
            json!("01"),
            json!("9223372036854775808"),
            json!(5),
        ] {
            let e = c
                .encode_cursor(&sort, &json!([[tag, bad], ["oid", HEX]]))
                .unwrap_err();
            assert_eq!(e.code(), "ERR_INVALID_CURSOR", "{tag} {bad}");
        }
    }
    // A date field does not take an Int64.
    let e = c
        .encode_cursor(
            &json!([["createdAt", -1], ["_id", -1]]),
            &json!([["long", "5"], ["oid", HEX]]),
        )
        .unwrap_err();
    assert_eq!(e.code(), "ERR_INVALID_CURSOR");
}

#[test]
fn seek_predicate_handles_null_values() {
    let c = compiled(json!({}));
    let tok = c
        .encode_cursor(
            &json!([["amount", 1], ["_id", 1]]),
            &json!([["null"], ["oid", HEX]]),
        )
        .unwrap();
    let b = c
        .build(&json!({ "cursor": tok, "sort": [["amount", 1]] }))
        .unwrap();
    assert_eq!(
        b.pipeline[0].to_json(),
        format!(
            r#"{{"$match":{{"$or":[{{"amount":{{"$ne":null}}}},{{"amount":null,"_id":{{"$gt":{{"$oid":"{HEX}"}}}}}}]}}}}"#
        )
    );
}

#[test]
fn spec_errors_name_the_field() {
    for (extra, field) in [
        (json!({ "maxLimit": 0 }), "maxLimit"),
        (json!({ "defaultLimit": 500 }), "defaultLimit"),
        (json!({ "count": "both" }), "count"),
        (json!({ "types": { "a": "uuid" } }), "types"),
        (json!({ "filterable": { "a": ["between"] } }), "filterable"),
        (json!({ "defaultSort": "-nope" }), "defaultSort"),
        (json!({ "sortable": ["$bad"] }), "sortable"),
        (json!({ "colection": "x" }), "colection"),
        (
            json!({ "softDelete": { "isDeleted": { "$where": 1 } } }),
            "softDelete",
        ),
        (
            json!({ "lookups": [{ "from": "x", "localField": "a", "as": "__proto__" }] }),
            "lookups",
        ),
    ] {
        let e = Compiled::compile_json(&sales_spec(extra.clone())).unwrap_err();
        assert_eq!(e.code(), "ERR_INVALID_SPEC", "{extra}");
        assert!(e.message().contains(field), "{extra}: {}", e.message());
    }
}

#[test]
fn template_and_prepare_agree_with_build() {
    let c = compiled(json!({}));
    let params = json!({ "filter": { "client": { "$in": [HEX] }, "sale_date": { "$gte": "2024-01-01" } }, "page": 3 });
    let t = c.template(&params).unwrap();
    let prepared = serde_json::to_value(c.prepare(&params).unwrap()).unwrap();
    assert_eq!(t.slots.len(), prepared.as_array().unwrap().len() - 1);
    assert_eq!(t.slots[2], SlotKind::Oids);
    assert_eq!(t.slots[3], SlotKind::Date);
    assert_eq!(prepared[3], json!([HEX]));
    assert_eq!(prepared[4], json!(1_704_067_200_000i64));
}

fn arb_params() -> impl Strategy<Value = Value> {
    let page = prop_oneof![
        Just(Value::Null),
        (1u64..50).prop_map(|p| json!(p)),
        (1u64..50).prop_map(|p| json!(p.to_string())),
    ];
    let limit = prop_oneof![Just(Value::Null), (1u64..400).prop_map(|p| json!(p))];
    let sort = prop_oneof![
        Just(Value::Null),
        Just(json!("-sale_date")),
        Just(json!([["amount", 1], ["createdAt", -1]])),
        Just(json!("clientInfo.name")),
    ];
    let filter = prop_oneof![
        Just(json!({})),
        Just(json!({ "client": HEX })),
        Just(json!({ "amount": { "$gte": 3, "$lte": "90" } })),
        Just(json!({ "clientInfo.name": { "$regex": "A(" } })),
        Just(
            json!({ "status": { "$nin": ["x", "y"] }, "sale_date": { "$lt": "2025-01-01T00:00:00Z" } })
        ),
    ];
    (page, limit, sort, filter)
        .prop_map(|(p, l, s, f)| json!({ "page": p, "limit": l, "sort": s, "filter": f }))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// The rules handed to JS (`page_rules`) compute the same `$limit` / `$skip` as the core
    /// for every integer page/limit the JS side takes without crossing (1..=MAX_PAGE).
    #[test]
    fn page_rules_agree_with_resolve(
        page in prop::option::of(1u64..=MAX_PAGE),
        limit in prop::option::of(1u64..=MAX_PAGE),
        max in 1u32..=10_000,
    ) {
        let c = compiled(json!({ "maxLimit": max, "defaultLimit": max.min(20) }));
        let rules = c.page_rules();
        let (d, m) = (rules.default_limit as u64, rules.max_limit as u64);
        prop_assert_eq!(rules.max_page as u64, MAX_PAGE);
        let mut params = serde_json::Map::new();
        if let Some(x) = page { params.insert("page".into(), json!(x)); }
        if let Some(x) = limit { params.insert("limit".into(), json!(x)); }
        let r = c.resolve(&Value::Object(params)).unwrap();
        let l = limit.unwrap_or(d).min(m);
        prop_assert_eq!((r.limit, r.skip), (l, (page.unwrap_or(1) - 1) * l));
    }


    #[test]
    fn limit_is_clamped_and_skip_consistent(page in 1u64..1000, limit in 1u64..100_000) {
        let c = compiled(json!({}));
        let r = c.resolve(&json!({ "page": page, "limit": limit })).unwrap();
        prop_assert_eq!(r.limit, limit.min(100));
        prop_assert_eq!(r.skip, (page - 1) * r.limit);
    }

    #[test]
    fn every_sort_ends_with_id_in_the_last_direction(p in arb_params()) {
        let c = compiled(json!({}));
        let r = c.resolve(&p).unwrap();
        let last = r.sort.last().unwrap();
        prop_assert_eq!(&last.field, "_id");
        if r.sort.len() > 1 {
            prop_assert_eq!(last.dir, r.sort[r.sort.len() - 2].dir);
        }
    }

    #[test]
    fn template_filled_equals_build_and_shape_determines_template(p in arb_params(), q in arb_params()) {
        let c = compiled(json!({}));
        let (rp, rq) = (c.resolve(&p).unwrap(), c.resolve(&q).unwrap());
        let (tp, tq) = (c.template_for(&rp), c.template_for(&rq));
        if c.shape_key(&rp) == c.shape_key(&rq) {
            prop_assert_eq!(&tp, &tq);
        }
        let vals = c.slot_values(&rp);
        prop_assert_eq!(vals.len(), tp.slots.len());
        let filled: Vec<Node> = tp.pipeline.iter().map(|s| s.fill(&vals)).collect();
        prop_assert_eq!(filled, c.build(&p).unwrap().pipeline);
    }

    #[test]
    fn page_cut_precedes_lookups_iff_nothing_joined(p in arb_params()) {
        let c = compiled(json!({}));
        let b = c.build(&p).unwrap();
        let names = stage_names(&b.pipeline);
        let limit_at = names.iter().position(|n| n == "$limit").unwrap();
        let first_lookup = names.iter().position(|n| n == "$lookup").unwrap();
        prop_assert_eq!(b.plan.starts_with("fast"), limit_at < first_lookup);
        prop_assert_eq!(names.iter().filter(|n| *n == "$lookup").count(), 3);
    }

    #[test]
    fn escaped_prefix_never_has_live_metacharacters(s in ".{0,40}") {
        let p = prefix_regex(&s);
        prop_assert!(is_escaped_prefix(&p));
        prop_assert_eq!(prefix_regex(&p), p.clone());
    }

    #[test]
    fn arbitrary_query_objects_never_panic(keys in proptest::collection::vec("[a-z$_\\[\\]]{1,12}", 0..5), vals in proptest::collection::vec("[ -~]{0,10}", 0..5)) {
        let c = compiled(json!({}));
        let q: serde_json::Map<String, Value> = keys.into_iter().zip(vals).map(|(k, v)| (k, Value::String(v))).collect();
        match c.filter_from_query(&Value::Object(q)) {
            Ok(n) => prop_assert!(matches!(n, Node::Obj(_))),
            Err(e) => prop_assert_eq!(e.code(), "ERR_FORBIDDEN_OPERATOR"),
        }
    }

    #[test]
    fn cursor_tokens_round_trip(ms in 0i64..4_000_000_000_000, hex in "[0-9a-f]{24}") {
        let c = compiled(json!({ "secret": "k" }));
        let sort = json!([["createdAt", -1], ["_id", -1]]);
        let tok = c.encode_cursor(&sort, &json!([["date", ms], ["oid", hex.clone()]])).unwrap();
        let r = c.resolve(&json!({ "cursor": tok })).unwrap();
        prop_assert_eq!(r.cursor.unwrap(), vec![Node::Date(ms), Node::Oid(hex)]);
    }
}

#[test]
fn before_seeks_in_the_reversed_order_then_sorts_the_page_back() {
    let c = compiled(json!({}));
    let sort = json!([["createdAt", -1], ["_id", -1]]);
    let tok = c
        .encode_cursor(&sort, &json!([["date", 1000], ["oid", HEX]]))
        .unwrap();
    let fwd = c.build(&json!({ "after": tok, "limit": 5 })).unwrap();
    let back = c.build(&json!({ "before": tok, "limit": 5 })).unwrap();
    assert_eq!(
        stage_names(&back.pipeline)[..4],
        ["$match", "$sort", "$limit", "$sort"]
    );
    let seek = |b: &Built| b.pipeline[0].to_json();
    // Forward under createdAt desc: smaller dates (or null) after; backward: larger dates.
    assert!(seek(&fwd).contains(r#""$lt""#), "{}", seek(&fwd));
    assert!(
        seek(&back).contains(r#""createdAt":{"$gt""#),
        "{}",
        seek(&back)
    );
    assert!(!seek(&back).contains("null"), "{}", seek(&back));
    assert_eq!(
        back.pipeline[1].to_json(),
        r#"{"$sort":{"createdAt":1,"_id":1}}"#
    );
    assert_eq!(
        back.pipeline[3].to_json(),
        r#"{"$sort":{"createdAt":-1,"_id":-1}}"#
    );
    // `cursor` is `after`; the template reports the forward sort and the direction.
    assert_eq!(c.build(&json!({ "cursor": tok, "limit": 5 })).unwrap(), fwd);
    let t = c.template(&json!({ "before": tok })).unwrap();
    assert!(t.backward);
    assert_eq!(t.sort, c.template(&json!({ "after": tok })).unwrap().sort);
    // fromEnd: the last page, no seek, no $skip; its own shape.
    let end = c.build(&json!({ "fromEnd": true, "page": 3 })).unwrap();
    assert_eq!(
        stage_names(&end.pipeline)[..3],
        ["$sort", "$limit", "$sort"]
    );
    let r = c.resolve(&json!({ "fromEnd": true })).unwrap();
    assert_ne!(
        c.shape_key(&r),
        c.shape_key(&c.resolve(&json!({})).unwrap())
    );
}

#[test]
fn one_direction_per_request() {
    let c = compiled(json!({}));
    let tok = c
        .encode_cursor(
            &json!([["createdAt", -1], ["_id", -1]]),
            &json!([["null"], ["oid", HEX]]),
        )
        .unwrap();
    for p in [
        json!({ "after": tok, "before": tok }),
        json!({ "cursor": tok, "after": tok }),
        json!({ "fromEnd": true, "before": tok }),
        json!({ "fromEnd": "yes" }),
        json!({ "before": 5 }),
    ] {
        let e = c.resolve(&p).unwrap_err();
        assert_eq!(e.code(), "ERR_INVALID_CURSOR", "{p}: {}", e.message());
    }
    assert!(c.resolve(&json!({ "before": "", "after": tok })).is_ok());
    let e = c.resolve(&json!({ "before": "x" })).unwrap_err();
    assert_eq!(e.code(), "ERR_INVALID_CURSOR");
}

#[test]
fn capped_count_limits_before_counting_and_estimated_counts_like_separate() {
    let c = compiled(
        json!({ "count": "capped", "maxCount": 1000, "softDelete": { "isDeleted": false } }),
    );
    let b = c.build(&json!({ "filter": { "client": HEX } })).unwrap();
    let count = b.count_pipeline.unwrap();
    assert_eq!(stage_names(&count), ["$match", "$limit", "$count"]);
    assert_eq!(count[1].to_json(), r#"{"$limit":1000}"#);
    let t = c.template(&json!({})).unwrap();
    assert_eq!((t.max_count, t.unfiltered), (Some(1000), true));
    assert!(
        !c.template(&json!({ "filter": { "client": HEX } }))
            .unwrap()
            .unfiltered
    );
    assert_eq!(
        compiled(json!({ "count": "exact" })).spec().count,
        CountMode::Separate
    );
    let e = compiled(json!({ "count": "estimated" }));
    let b = e.build(&json!({})).unwrap();
    assert_eq!(stage_names(&b.count_pipeline.unwrap()), ["$count"]);
    for (extra, want) in [
        (json!({ "count": "capped" }), "spec.maxCount is required"),
        (
            json!({ "count": "capped", "maxCount": 0 }),
            "spec.maxCount must be",
        ),
        (
            json!({ "count": "separate", "maxCount": 5 }),
            "spec.maxCount is only",
        ),
        (
            json!({ "count": "capped", "maxCount": -1 }),
            "spec.maxCount",
        ),
    ] {
        let e = Compiled::compile_json(&sales_spec(extra.clone())).unwrap_err();
        assert_eq!(e.code(), "ERR_INVALID_SPEC");
        assert!(e.message().contains(want), "{extra}: {}", e.message());
    }
}

#[test]
#[ignore]
fn prepare_speed() {
    let c = compiled(json!({}));
    let text = format!(r#"{{"filter":{{"client":"{HEX}"}},"page":2,"limit":20}}"#);
    let n = 200_000;
    let t = std::time::Instant::now();
    let mut len = 0;
    for _ in 0..n {
        let v: Value = serde_json::from_str(&text).unwrap();
        len += serde_json::to_string(&c.prepare(&v).unwrap())
            .unwrap()
            .len();
    }
    eprintln!("parse+prepare: {:?}/op ({len})", t.elapsed() / n);
    let v: Value = serde_json::from_str(&text).unwrap();
    let t = std::time::Instant::now();
    for _ in 0..n {
        len += c.resolve(&v).unwrap().limit as usize;
    }
    eprintln!("resolve: {:?}/op", t.elapsed() / n);
    let r = c.resolve(&v).unwrap();
    let t = std::time::Instant::now();
    for _ in 0..n {
        len += c.shape_key(&r).len();
    }
    eprintln!("shape_key: {:?}/op", t.elapsed() / n);
    let t = std::time::Instant::now();
    for _ in 0..n {
        let _: Value = serde_json::from_str(&text).unwrap();
    }
    eprintln!("parse only: {:?}/op {len}", t.elapsed() / n);
    let t = std::time::Instant::now();
    for _ in 0..n {
        let v: Value = serde_json::from_str("{}").unwrap();
        len += serde_json::to_string(&c.prepare(&v).unwrap())
            .unwrap()
            .len();
    }
    eprintln!("prepare {{}}: {:?}/op {len}", t.elapsed() / n);
}
