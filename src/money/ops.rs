//! The scalar operations behind `money.add/sub/mul/div/round/compare/toExact`: each result
//! is computed exactly and rounded once.

use super::decimal::{Decimal, Rounding, MAX_SCALE};
use crate::{Error, Result};

/// A scalar operation on one or two amounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// a + b
    Add,
    /// a − b
    Sub,
    /// a × b
    Mul,
    /// a ÷ b, to the given scale ([`DIV_SCALE`] places when none is given)
    Div,
    /// a, rounded to the given scale (b is not read)
    Round,
    /// −1, 0 or 1 as a is less than, equal to or greater than b
    Compare,
    /// a itself, exact (b is not read)
    Exact,
}

impl Op {
    /// Whether the operation reads a second amount.
    pub fn is_binary(self) -> bool {
        !matches!(self, Op::Round | Op::Exact)
    }
}

/// Decimal places a division keeps when no scale is given.
pub const DIV_SCALE: u32 = 12;

/// `scale` when a [`Decimal`] can hold that many places (0 to [`MAX_SCALE`]), else
/// `Error::InvalidAmount`.
pub fn check_scale(scale: u32) -> Result<u32> {
    if scale > MAX_SCALE {
        return Err(Error::InvalidAmount(format!(
            "scale must be an integer from 0 to {MAX_SCALE}, got {scale}"
        )));
    }
    Ok(scale)
}

/// The result of `op` on `a` (and `b`, read only by a binary operation), and the number of
/// decimal places it is to be printed with (`None`: exact, trailing zeros removed). `scale`
/// rounds the result once with `mode` (`None`: exact; a division then keeps [`DIV_SCALE`]
/// places).
pub fn apply(
    op: Op,
    a: Decimal,
    b: impl FnOnce() -> Result<Decimal>,
    scale: Option<u32>,
    mode: Rounding,
) -> Result<(Decimal, Option<u32>)> {
    if let Some(s) = scale {
        check_scale(s)?;
    }
    let to = scale.map(|s| (s, mode));
    Ok(match op {
        Op::Add => (a.add_rounded(b()?, to)?, scale),
        Op::Sub => (a.sub_rounded(b()?, to)?, scale),
        Op::Mul => (a.mul_rounded(b()?, to)?, scale),
        Op::Div => {
            let s = scale.unwrap_or(DIV_SCALE);
            (a.div_to_scale(b()?, s, mode)?, Some(s))
        }
        Op::Round | Op::Exact => (a.round_to(to), scale),
        Op::Compare => (Decimal::from(a.compare(&b()?) as i8), None),
    })
}
