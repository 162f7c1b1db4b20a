//! Index advice: a compound index for a request by the ESR rule.

use serde_json::Value;

use super::{Compiled, Cond, Node, Op, IN_EQUALITY_MAX};
use crate::Result;

impl Compiled {
    /// A compound index for these parameters by the ESR rule: equality fields (including
    /// `softDelete` equalities and `$in` with fewer than 200 values), then the sort keys in
    /// their directions (ending with `_id`), then range fields. Joined fields are left out.
    pub fn suggest_index(&self, params: &Value) -> Result<Vec<(String, i32)>> {
        let r = self.resolve(params)?;
        let mut out: Vec<(String, i32)> = Vec::new();
        let push = |f: &str, d: i32, out: &mut Vec<(String, i32)>| {
            if !out.iter().any(|(g, _)| g == f) {
                out.push((f.to_string(), d));
            }
        };
        if let Some(sd) = &self.spec.soft_delete {
            for (k, v) in sd {
                if !v.is_object() {
                    push(k, 1, &mut out);
                }
            }
        }
        let is_eq = |c: &Cond| match (c.op, &c.value) {
            (Op::Eq, _) => true,
            (Op::In, Node::Arr(a)) => a.len() < IN_EQUALITY_MAX,
            _ => false,
        };
        for c in r.conds.iter().filter(|c| !self.is_joined(&c.field)) {
            if is_eq(c) {
                push(&c.field, 1, &mut out);
            }
        }
        if !r.sort.iter().any(|k| self.is_joined(&k.field)) {
            for k in &r.sort {
                push(&k.field, k.dir, &mut out);
            }
        }
        for c in r.conds.iter().filter(|c| !self.is_joined(&c.field)) {
            if !is_eq(c) {
                push(&c.field, 1, &mut out);
            }
        }
        if let Some(sd) = &self.spec.soft_delete {
            for (k, v) in sd {
                if v.is_object() {
                    push(k, 1, &mut out);
                }
            }
        }
        Ok(out)
    }
}
