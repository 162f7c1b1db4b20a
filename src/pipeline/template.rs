//! One request's stages: the [`Template`] of its shape (stages with slots, built once per
//! shape on the JS side), the slot values ([`Prepared`]) and the whole [`Built`] result.

use serde::ser::SerializeSeq;
use serde::{Serialize, Serializer};
use serde_json::Value;

use super::{parse_query, Compiled, Cond, CountMode, FieldType, Node, Op, Resolved, SortKey};
use crate::Result;

/// How the JS side converts one slot value (serialised as its lowercase name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SlotKind {
    /// As it is (string, number, bool, null, or an array of those).
    Raw,
    /// Hex → ObjectId (null stays null).
    Oid,
    /// Milliseconds → Date.
    Date,
    /// String → Decimal128.
    Dec,
    /// Decimal text → bson Long (an Int64 cursor value).
    Long,
    /// Decimal text → bigint (an Int64 cursor value).
    BigInt,
    /// An array of ObjectIds.
    Oids,
    /// An array of Dates.
    Dates,
    /// An array of Decimal128s.
    Decs,
    /// An array of plain values (copied per build).
    Raws,
}

/// The stages for one request shape, with slots for the parameter values. Serialised with
/// camelCase names for the JS side, which turns it into a function per shape.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Template {
    /// The pipeline (with [`Node::Slot`]s).
    pub pipeline: Vec<Node>,
    /// The count pipeline (`count: 'separate'`).
    pub count_pipeline: Option<Vec<Node>>,
    /// Why the stages are in this order (`fast: …` or `slow: …`).
    pub plan: String,
    /// True when `$sort/$skip/$limit` precede every `$lookup`.
    pub fast: bool,
    /// One kind per slot.
    pub slots: Vec<SlotKind>,
    /// The resolved sort (for cursors).
    pub sort: Vec<SortKey>,
    /// How totals are computed (from the spec).
    pub count: CountMode,
    /// Paging backwards: the pipeline cuts the page in the reversed order and sorts it back,
    /// so the extra document `paginate` fetches (limit + 1) comes first, not last.
    pub backward: bool,
    /// The request has no filter condition (`count: 'estimated'` may then use
    /// `estimatedDocumentCount`).
    pub unfiltered: bool,
    /// The spec's `maxCount` (`count: 'capped'`).
    pub max_count: Option<u64>,
}

/// A built pipeline (typed leaves in place of slots).
#[derive(Debug, Clone, PartialEq)]
pub struct Built {
    /// The pipeline.
    pub pipeline: Vec<Node>,
    /// The count pipeline (`count: 'separate'`).
    pub count_pipeline: Option<Vec<Node>>,
    /// Why the stages are in this order.
    pub plan: String,
}

impl Built {
    /// `{ pipeline, countPipeline?, plan }` as a node.
    pub fn to_node(&self) -> Node {
        let mut pairs = vec![("pipeline".to_string(), Node::Arr(self.pipeline.clone()))];
        if let Some(c) = &self.count_pipeline {
            pairs.push(("countPipeline".into(), Node::Arr(c.clone())));
        }
        pairs.push(("plan".into(), Node::Str(self.plan.clone())));
        Node::Obj(pairs)
    }
}

/// Per request: the shape key (which template) and the slot values in slot order (limit,
/// skip, each condition value, each non-null cursor value). Serialised for the JS side as
/// the array `[shape, v0, v1, …]` with typed values in their plain form (ObjectId as hex,
/// Date as ms, Decimal128 and Int64 as text), which the template's slot kinds revive.
#[derive(Debug, Clone, PartialEq)]
pub struct Prepared {
    /// The shape key ([`Compiled::shape_key`]).
    pub shape: String,
    /// The slot values ([`Compiled::slot_values`]).
    pub values: Vec<Node>,
}

impl Serialize for Prepared {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(1 + self.values.len()))?;
        seq.serialize_element(&self.shape)?;
        for v in &self.values {
            seq.serialize_element(&Plain(v))?;
        }
        seq.end()
    }
}

/// A slot value in its plain JS form: typed leaves as hex / ms / text.
/// A slot value in its plain JS form: typed leaves as hex / ms / text.
struct Plain<'a>(&'a Node);

impl Serialize for Plain<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self.0 {
            Node::Oid(h) | Node::Decimal(h) => s.serialize_str(h),
            Node::Long(n) | Node::BigInt(n) => s.collect_str(n),
            Node::Date(ms) => s.serialize_i64(*ms),
            Node::Arr(a) => s.collect_seq(a.iter().map(Plain)),
            other => other.serialize(s),
        }
    }
}

impl Compiled {
    fn cond_slot_kind(&self, c: &Cond) -> SlotKind {
        let ty = self.spec.type_of(&c.field);
        let one = match ty {
            Some(FieldType::ObjectId) => SlotKind::Oid,
            Some(FieldType::Date) => SlotKind::Date,
            Some(FieldType::Decimal) => SlotKind::Dec,
            _ => SlotKind::Raw,
        };
        match c.op {
            Op::Exists | Op::Regex => SlotKind::Raw,
            Op::In | Op::Nin => match one {
                SlotKind::Oid => SlotKind::Oids,
                SlotKind::Date => SlotKind::Dates,
                SlotKind::Dec => SlotKind::Decs,
                _ => SlotKind::Raws,
            },
            _ => one,
        }
    }

    /// The shape key: everything the template depends on, nothing it does not (field names
    /// quoted as JSON strings, so no name can run into the next part).
    pub fn shape_key(&self, r: &Resolved) -> String {
        let mut s: Vec<u8> = Vec::with_capacity(64);
        let quoted = |s: &mut Vec<u8>, text: &str| {
            serde_json::to_writer(s, text).expect("a string serialises");
        };
        s.push(if r.keyset() { b'c' } else { b'p' });
        if r.backward {
            s.push(b'<');
        }
        for k in &r.sort {
            s.extend_from_slice(if k.dir < 0 { b"|-" } else { b"|+" });
            quoted(&mut s, &k.field);
        }
        s.push(b'#');
        for c in &r.conds {
            quoted(&mut s, &c.field);
            s.push(b':');
            s.extend_from_slice(c.op.name().as_bytes());
            s.push(b';');
        }
        if let Some(f) = &r.fields {
            s.push(b'@');
            serde_json::to_writer(&mut s, f).expect("strings serialise");
        }
        if let Some(cur) = &r.cursor {
            s.push(b'~');
            for v in cur {
                s.push(match v {
                    Node::Null => b'n',
                    Node::Oid(_) => b'o',
                    Node::Date(_) => b'd',
                    Node::Decimal(_) => b'm',
                    Node::Long(_) => b'l',
                    Node::BigInt(_) => b'b',
                    _ => b'r',
                });
            }
        }
        String::from_utf8(s).expect("JSON text and ASCII")
    }

    /// The slot values (typed leaves), in slot order: limit, skip, each condition, each
    /// non-null cursor value.
    pub fn slot_values(&self, r: &Resolved) -> Vec<Node> {
        let mut out = Vec::with_capacity(2 + r.conds.len());
        out.push(Node::Num(r.limit as f64));
        out.push(Node::Num(r.skip as f64));
        for c in &r.conds {
            out.push(c.value.clone());
        }
        if let Some(cur) = &r.cursor {
            out.extend(cur.iter().filter(|v| !matches!(v, Node::Null)).cloned());
        }
        out
    }

    /// The stages for the shape of `r`, with slots.
    pub fn template_for(&self, r: &Resolved) -> Template {
        let spec = &self.spec;
        let slot = |i: usize| Node::Slot(i);
        let mut need_filter: Vec<usize> = Vec::new();
        let mut joined_filter_fields: Vec<&str> = Vec::new();
        for c in &r.conds {
            if let Some(li) = spec.lookup_of(&c.field) {
                if !need_filter.contains(&li) {
                    need_filter.push(li);
                }
                joined_filter_fields.push(&c.field);
            }
        }
        need_filter.sort_unstable();
        let mut need_sort: Vec<usize> = Vec::new();
        let mut joined_sort_fields: Vec<&str> = Vec::new();
        for k in &r.sort {
            if let Some(li) = spec.lookup_of(&k.field) {
                if !need_filter.contains(&li) && !need_sort.contains(&li) {
                    need_sort.push(li);
                }
                joined_sort_fields.push(&k.field);
            }
        }
        need_sort.sort_unstable();
        let rest: Vec<usize> = (0..spec.lookups.len())
            .filter(|i| !need_filter.contains(i) && !need_sort.contains(i))
            .collect();

        let mut pre = Vec::new();
        let local = self.match_object(r, false, true, &slot);
        if !local.is_empty() {
            pre.push(Node::one("$match", Node::Obj(local)));
        }
        for &i in &need_filter {
            self.lookup_stages(i, &mut pre);
        }
        if !need_filter.is_empty() {
            pre.push(Node::one(
                "$match",
                Node::Obj(self.match_object(r, true, false, &slot)),
            ));
        }
        let mut data = Vec::new();
        for &i in &need_sort {
            self.lookup_stages(i, &mut data);
        }
        let sort_stage = |keys: &[SortKey]| {
            Node::one(
                "$sort",
                Node::Obj(
                    keys.iter()
                        .map(|k| (k.field.clone(), Node::Num(k.dir as f64)))
                        .collect(),
                ),
            )
        };
        let qsort = r.query_sort();
        if let Some(cur) = &r.cursor {
            data.push(self.seek(r, &qsort, cur));
        }
        data.push(sort_stage(&qsort));
        if !r.keyset() {
            data.push(Node::one("$skip", Node::Slot(1)));
        }
        data.push(Node::one("$limit", Node::Slot(0)));
        if r.backward {
            // The page was cut from the end: back into the forward order (limit documents).
            data.push(sort_stage(&r.sort));
        }
        for &i in &rest {
            self.lookup_stages(i, &mut data);
        }
        if let Some(f) = &r.fields {
            data.push(self.projection(r, f));
        }

        let count_stage = Node::one("$count", Node::s("n"));
        let (pipeline, count_pipeline) = match spec.count {
            CountMode::Capped => {
                let mut c = pre.clone();
                let cap = spec.max_count.unwrap_or(1) as f64;
                c.push(Node::one("$limit", Node::Num(cap)));
                c.push(count_stage);
                let mut p = pre;
                p.extend(data);
                (p, Some(c))
            }
            CountMode::Facet => {
                let mut p = pre;
                p.push(Node::one(
                    "$facet",
                    Node::obj(vec![
                        ("data", Node::Arr(data)),
                        ("total", Node::Arr(vec![count_stage])),
                    ]),
                ));
                (p, None)
            }
            CountMode::Separate | CountMode::Estimated => {
                let mut c = pre.clone();
                c.push(count_stage);
                let mut p = pre;
                p.extend(data);
                (p, Some(c))
            }
            CountMode::None => {
                let mut p = pre;
                p.extend(data);
                (p, None)
            }
        };

        let n = spec.lookups.len();
        let fast = need_filter.is_empty() && need_sort.is_empty();
        let plan = if n == 0 {
            "fast: no $lookup; $match, then $sort/$skip/$limit".to_string()
        } else if fast {
            format!(
                "fast: $match, then $sort/$skip/$limit before all {n} $lookup stage(s), so each lookup joins one page, not every match"
            )
        } else {
            let mut why = Vec::new();
            for f in &joined_filter_fields {
                why.push(format!(
                    "filter on joined field {f:?} needs its $lookup before $match"
                ));
            }
            for f in &joined_sort_fields {
                why.push(format!(
                    "sort key {f:?} is a joined field, so its $lookup runs before $sort"
                ));
            }
            format!(
                "slow: {}; {} of {n} $lookup stage(s) run for every match, the other {} after $limit",
                why.join("; "),
                need_filter.len() + need_sort.len(),
                rest.len()
            )
        };

        let mut slots = vec![SlotKind::Raw, SlotKind::Raw];
        for c in &r.conds {
            slots.push(self.cond_slot_kind(c));
        }
        if let Some(cur) = &r.cursor {
            for v in cur {
                match v {
                    Node::Null => {}
                    Node::Oid(_) => slots.push(SlotKind::Oid),
                    Node::Date(_) => slots.push(SlotKind::Date),
                    Node::Decimal(_) => slots.push(SlotKind::Dec),
                    Node::Long(_) => slots.push(SlotKind::Long),
                    Node::BigInt(_) => slots.push(SlotKind::BigInt),
                    _ => slots.push(SlotKind::Raw),
                }
            }
        }
        Template {
            pipeline,
            count_pipeline,
            plan,
            fast,
            slots,
            sort: r.sort.clone(),
            count: spec.count,
            backward: r.backward,
            unfiltered: r.conds.is_empty(),
            max_count: spec.max_count,
        }
    }

    /// The template for these parameters (validates them first).
    pub fn template(&self, params: &Value) -> Result<Template> {
        Ok(self.template_for(&self.resolve(params)?))
    }

    /// The built pipeline (typed leaves in place of slots).
    pub fn build(&self, params: &Value) -> Result<Built> {
        let r = self.resolve(params)?;
        let t = self.template_for(&r);
        let vals = self.slot_values(&r);
        let fill =
            |stages: &Vec<Node>| -> Vec<Node> { stages.iter().map(|s| s.fill(&vals)).collect() };
        Ok(Built {
            pipeline: fill(&t.pipeline),
            count_pipeline: t.count_pipeline.as_ref().map(fill),
            plan: t.plan,
        })
    }

    /// Per request: validation and coercion only, giving the shape key and the slot values.
    pub fn prepare(&self, params: &Value) -> Result<Prepared> {
        let r = self.resolve(params)?;
        Ok(Prepared {
            shape: self.shape_key(&r),
            values: self.slot_values(&r),
        })
    }

    /// `filterFromQuery`: a typed MongoDB filter from an Express `req.query`.
    pub fn filter_from_query(&self, query: &Value) -> Result<Node> {
        let conds = parse_query(&self.spec, query)?;
        let r = Resolved {
            page: 1,
            limit: 1,
            skip: 0,
            sort: Vec::new(),
            conds,
            fields: None,
            cursor: None,
            backward: false,
        };
        let vals = self.slot_values(&r);
        let mut pairs = self.match_object(&r, false, false, &|i| vals[i].clone());
        pairs.extend(self.match_object(&r, true, false, &|i| vals[i].clone()));
        Ok(Node::Obj(pairs))
    }
}
