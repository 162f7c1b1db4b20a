//! The stage writers: `$lookup` (+ `$unwind`), `$match` objects, the keyset seek and the
//! `$project` of selected fields.

use super::{Compiled, LookupForm, Node, Op, Resolved, SortKey};

impl Compiled {
    pub(super) fn lookup_stages(&self, i: usize, out: &mut Vec<Node>) {
        let l = &self.spec.lookups[i];
        let mut sub = Vec::new();
        if self.spec.lookup_form == LookupForm::Let {
            sub.push(Node::one(
                "$match",
                Node::one(
                    "$expr",
                    Node::one(
                        "$eq",
                        Node::Arr(vec![
                            Node::Str(format!("${}", l.foreign_field)),
                            Node::s("$$lf"),
                        ]),
                    ),
                ),
            ));
        }
        if !l.project.is_empty() {
            sub.push(Node::one(
                "$project",
                Node::Obj(
                    l.project
                        .iter()
                        .map(|p| (p.clone(), Node::Num(1.0)))
                        .collect(),
                ),
            ));
        }
        if l.single && l.foreign_field != "_id" {
            sub.push(Node::one("$limit", Node::Num(1.0)));
        }
        let mut body = vec![("from".to_string(), Node::s(&l.from))];
        match self.spec.lookup_form {
            LookupForm::LocalField => {
                body.push(("localField".into(), Node::s(&l.local_field)));
                body.push(("foreignField".into(), Node::s(&l.foreign_field)));
                body.push(("as".into(), Node::s(&l.as_field)));
                if !sub.is_empty() {
                    body.push(("pipeline".into(), Node::Arr(sub)));
                }
            }
            LookupForm::Let => {
                body.push((
                    "let".into(),
                    Node::one("lf", Node::Str(format!("${}", l.local_field))),
                ));
                body.push(("pipeline".into(), Node::Arr(sub)));
                body.push(("as".into(), Node::s(&l.as_field)));
            }
        }
        out.push(Node::one("$lookup", Node::Obj(body)));
        if l.single {
            out.push(Node::one(
                "$unwind",
                Node::obj(vec![
                    ("path", Node::Str(format!("${}", l.as_field))),
                    ("preserveNullAndEmptyArrays", Node::Bool(true)),
                ]),
            ));
        }
    }

    pub(super) fn match_object(
        &self,
        r: &Resolved,
        joined: bool,
        soft_delete: bool,
        value_of: &dyn Fn(usize) -> Node,
    ) -> Vec<(String, Node)> {
        let mut out: Vec<(String, Node)> = Vec::new();
        for (i, c) in r.conds.iter().enumerate() {
            if self.is_joined(&c.field) != joined {
                continue;
            }
            let val = value_of(2 + i);
            let lone_eq =
                c.op == Op::Eq && r.conds.iter().filter(|d| d.field == c.field).count() == 1;
            if lone_eq {
                out.push((c.field.clone(), val));
                continue;
            }
            let entry = (c.op.mongo().to_string(), val);
            if let Some((_, Node::Obj(pairs))) = out.iter_mut().find(|(k, _)| *k == c.field) {
                pairs.push(entry);
            } else {
                out.push((c.field.clone(), Node::Obj(vec![entry])));
            }
        }
        if !joined && soft_delete {
            if let Some(sd) = &self.spec.soft_delete {
                let sd: Vec<(String, Node)> = sd
                    .iter()
                    .map(|(k, v)| (k.clone(), Node::from_json(v)))
                    .collect();
                if sd.iter().any(|(k, _)| out.iter().any(|(o, _)| o == k)) {
                    out = vec![(
                        "$and".into(),
                        Node::Arr(vec![Node::Obj(sd), Node::Obj(out)]),
                    )];
                } else {
                    out.extend(sd);
                }
            }
        }
        out
    }

    /// `$match` for the documents after `cur` under `sort` (the query sort: reversed when
    /// paging backwards). Null and missing sort first ascending, last descending.
    pub(super) fn seek(&self, r: &Resolved, sort: &[SortKey], cur: &[Node]) -> Node {
        // Slot numbers of the non-null cursor values.
        let base = 2 + r.conds.len();
        let mut slot_of = Vec::with_capacity(cur.len());
        let mut next = base;
        for v in cur {
            if matches!(v, Node::Null) {
                slot_of.push(None);
            } else {
                slot_of.push(Some(next));
                next += 1;
            }
        }
        let val = |j: usize| slot_of[j].map(Node::Slot).unwrap_or(Node::Null);
        let mut ors = Vec::new();
        for (i, k) in sort.iter().enumerate() {
            let mut conj: Vec<(String, Node)> =
                (0..i).map(|j| (sort[j].field.clone(), val(j))).collect();
            let after = match (slot_of[i].is_some(), k.dir > 0) {
                (true, true) => Some((k.field.clone(), Node::one("$gt", val(i)))),
                (true, false) => Some((
                    "$or".to_string(),
                    Node::Arr(vec![
                        Node::one(k.field.clone(), Node::one("$lt", val(i))),
                        Node::one(k.field.clone(), Node::Null),
                    ]),
                )),
                (false, true) => Some((k.field.clone(), Node::one("$ne", Node::Null))),
                (false, false) => None,
            };
            if let Some(a) = after {
                conj.push(a);
                ors.push(Node::Obj(conj));
            }
        }
        Node::one("$match", Node::one("$or", Node::Arr(ors)))
    }

    pub(super) fn projection(&self, r: &Resolved, fields: &[String]) -> Node {
        let mut paths: Vec<String> = Vec::new();
        let mut add = |p: &str| {
            let covered = paths
                .iter()
                .any(|q| q == p || p.starts_with(&format!("{q}.")));
            if covered {
                return;
            }
            paths.retain(|q| !q.starts_with(&format!("{p}.")));
            paths.push(p.to_string());
        };
        for f in fields {
            add(f);
        }
        for k in &r.sort {
            add(&k.field);
        }
        Node::one(
            "$project",
            Node::Obj(paths.into_iter().map(|p| (p, Node::Num(1.0))).collect()),
        )
    }
}
