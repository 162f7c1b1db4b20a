//! Value coercion by declared type: ObjectId hex, ISO-8601 dates, numbers, booleans,
//! decimals, and escaped regex prefixes. Coercion is the only place typed leaves are made.

use serde_json::Value;

use super::node::Node;
use super::spec::FieldType;

/// Why a value was refused (the caller wraps it in the right error with the field name).
pub type Refusal = String;

/// Coerces one scalar to `ty` (or keeps it as it is when the field has no declared type).
/// Objects and arrays are refused; `null` passes through.
pub fn coerce(ty: Option<FieldType>, v: &Value) -> Result<Node, Refusal> {
    if v.is_null() {
        return Ok(Node::Null);
    }
    if let Value::Object(m) = v {
        // The JSON form of a bson Decimal128 (its toJSON), only for decimal fields.
        if ty == Some(FieldType::Decimal) && m.len() == 1 {
            if let Some(Value::String(s)) = m.get("$numberDecimal") {
                return decimal(s);
            }
        }
        return Err(format!("expected a scalar, got an object {v}"));
    }
    if v.is_array() {
        return Err(format!("expected a scalar, got an array {v}"));
    }
    match ty {
        None => Ok(Node::from_json(v)),
        Some(FieldType::String) => match v {
            Value::String(s) => Ok(Node::Str(s.clone())),
            Value::Number(n) => Ok(Node::Str(n.to_string())),
            _ => Err(format!("expected a string, got {v}")),
        },
        Some(FieldType::ObjectId) => match v {
            Value::String(s) if is_hex24(s) => Ok(Node::Oid(s.to_ascii_lowercase())),
            _ => Err(format!("expected a 24-hex-digit ObjectId, got {v}")),
        },
        Some(FieldType::Number) => match v {
            Value::Number(n) => Ok(Node::Num(n.as_f64().unwrap_or(f64::NAN))),
            Value::String(s) => parse_number(s)
                .map(Node::Num)
                .ok_or_else(|| format!("expected a number, got {v}")),
            _ => Err(format!("expected a number, got {v}")),
        },
        Some(FieldType::Bool) => match v {
            Value::Bool(b) => Ok(Node::Bool(*b)),
            Value::String(s) if s == "true" || s == "1" => Ok(Node::Bool(true)),
            Value::String(s) if s == "false" || s == "0" => Ok(Node::Bool(false)),
            Value::Number(n) if n.as_f64() == Some(1.0) => Ok(Node::Bool(true)),
            Value::Number(n) if n.as_f64() == Some(0.0) => Ok(Node::Bool(false)),
            _ => Err(format!("expected a boolean, got {v}")),
        },
        Some(FieldType::Date) => match v {
            Value::Number(n) => match n.as_f64() {
                Some(x) if x.fract() == 0.0 && x.abs() <= 8.64e15 => Ok(Node::Date(x as i64)),
                _ => Err(format!("expected a date, got {v}")),
            },
            Value::String(s) => parse_date(s)
                .map(Node::Date)
                .ok_or_else(|| format!("expected an ISO-8601 date or epoch milliseconds, got {v}")),
            _ => Err(format!("expected a date, got {v}")),
        },
        Some(FieldType::Decimal) => match v {
            Value::String(s) => decimal(s),
            Value::Number(n) => decimal(&n.to_string()),
            _ => Err(format!("expected a decimal, got {v}")),
        },
    }
}

fn decimal(s: &str) -> Result<Node, Refusal> {
    if is_decimal(s) {
        Ok(Node::Decimal(s.to_string()))
    } else {
        Err(format!("expected a decimal, got {s:?}"))
    }
}

/// 24 hex digits.
pub fn is_hex24(s: &str) -> bool {
    s.len() == 24 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// `-?digits(.digits)?(e[+-]?digits)?`, finite.
pub fn parse_number(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    let mut i = 0;
    if i < b.len() && b[i] == b'-' {
        i += 1;
    }
    let start = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    if i == start || i - start > 300 {
        return None;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        let f = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == f {
            return None;
        }
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        let e = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == e {
            return None;
        }
    }
    if i != b.len() {
        return None;
    }
    s.parse::<f64>().ok().filter(|x| x.is_finite())
}

/// A Decimal128-compatible decimal string (at most 34 significant digits).
pub fn is_decimal(s: &str) -> bool {
    let t = s.strip_prefix(['-', '+']).unwrap_or(s);
    let (mant, exp) = match t.find(['e', 'E']) {
        Some(p) => (&t[..p], Some(&t[p + 1..])),
        None => (t, None),
    };
    let mut exponent: i64 = 0;
    if let Some(e) = exp {
        let negative = e.starts_with('-');
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        if e.is_empty() || e.len() > 4 || !e.bytes().all(|b| b.is_ascii_digit()) {
            return false;
        }
        exponent = e.parse::<i64>().unwrap_or(0) * if negative { -1 } else { 1 };
    }
    let (ip, fp) = match mant.split_once('.') {
        Some((a, b)) => (a, b),
        None => (mant, ""),
    };
    if ip.is_empty() && fp.is_empty() {
        return false;
    }
    if !ip.bytes().all(|b| b.is_ascii_digit()) || !fp.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let digits = ip.trim_start_matches('0').len() + fp.len();
    if digits > 34 {
        return false;
    }
    // Decimal128's range: the stored exponent (exponent − digits after the point) must lie in
    // −6176..=6111 once the significant digits are counted, or the caller's bson refuses it.
    let significant = ip
        .bytes()
        .chain(fp.bytes())
        .skip_while(|&b| b == b'0')
        .count()
        .max(1) as i64;
    let stored = exponent - fp.len() as i64;
    stored >= -6176 && stored + significant - 1 <= 6144
}

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        _ => 28,
    }
}

/// Parses `YYYY-MM-DD`, optionally `THH:MM[:SS[.fff]]` and `Z`/`±HH:MM` (no zone = UTC),
/// or a string of digits (epoch milliseconds). Returns epoch milliseconds.
pub fn parse_date(s: &str) -> Option<i64> {
    if !s.is_empty() && s.len() <= 16 && s.bytes().all(|b| b.is_ascii_digit()) {
        return s.parse::<i64>().ok();
    }
    let b = s.as_bytes();
    let num = |from: usize, len: usize| -> Option<i64> {
        let part = b.get(from..from + len)?;
        if !part.iter().all(|c| c.is_ascii_digit()) {
            return None;
        }
        std::str::from_utf8(part).ok()?.parse().ok()
    };
    let y = num(0, 4)?;
    if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    let mo = num(5, 2)?;
    let d = num(8, 2)?;
    if !(1..=12).contains(&mo) || d < 1 || d > days_in_month(y, mo) {
        return None;
    }
    let mut ms = days_from_civil(y, mo, d) * 86_400_000;
    let mut i = 10;
    if i == b.len() {
        return Some(ms);
    }
    if b[i] != b'T' && b[i] != b' ' {
        return None;
    }
    let h = num(i + 1, 2)?;
    if b.get(i + 3) != Some(&b':') {
        return None;
    }
    let mi = num(i + 4, 2)?;
    i += 6;
    let mut sec = 0;
    let mut frac = 0;
    if b.get(i) == Some(&b':') {
        sec = num(i + 1, 2)?;
        i += 3;
        if b.get(i) == Some(&b'.') {
            i += 1;
            let st = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            if i == st || i - st > 9 {
                return None;
            }
            let digits = std::str::from_utf8(&b[st..i]).ok()?;
            let padded = format!("{digits:0<3}");
            frac = padded[..3].parse::<i64>().ok()?;
        }
    }
    if h > 23 || mi > 59 || sec > 59 {
        return None;
    }
    ms += ((h * 60 + mi) * 60 + sec) * 1000 + frac;
    match b.get(i) {
        None => Some(ms),
        Some(b'Z') if i + 1 == b.len() => Some(ms),
        Some(&c) if c == b'+' || c == b'-' => {
            let oh = num(i + 1, 2)?;
            let (om, end) = if b.get(i + 3) == Some(&b':') {
                (num(i + 4, 2)?, i + 6)
            } else {
                (num(i + 3, 2)?, i + 5)
            };
            if end != b.len() || oh > 23 || om > 59 {
                return None;
            }
            let off = (oh * 60 + om) * 60_000;
            Some(if c == b'+' { ms - off } else { ms + off })
        }
        _ => None,
    }
}

const META: &[char] = &[
    '\\', '^', '$', '.', '|', '?', '*', '+', '(', ')', '[', ']', '{', '}', '/', '-',
];

/// Escapes every regex metacharacter of `s`.
pub fn escape_regex(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if META.contains(&c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Whether `p` is already `^` + an escaped literal (what [`prefix_regex`] produces).
pub fn is_escaped_prefix(p: &str) -> bool {
    let Some(rest) = p.strip_prefix('^') else {
        return false;
    };
    let mut it = rest.chars();
    while let Some(c) = it.next() {
        if c == '\\' {
            match it.next() {
                Some(n) if META.contains(&n) => {}
                _ => return false,
            }
        } else if META.contains(&c) {
            return false;
        }
    }
    true
}

/// Length in characters of the literal a prefix search for `s` matches: `s` itself, or the
/// unescaped literal when `s` is already an escaped prefix (so a value and its escaped form,
/// as `filterFromQuery` returns it, count the same).
pub fn prefix_literal_len(s: &str) -> usize {
    if !is_escaped_prefix(s) {
        return s.chars().count();
    }
    let mut n = 0;
    let mut it = s[1..].chars();
    while let Some(c) = it.next() {
        if c == '\\' {
            it.next();
        }
        n += 1;
    }
    n
}

/// A prefix search: kept when already an escaped prefix, else `^` + the escaped literal.
pub fn prefix_regex(s: &str) -> String {
    if is_escaped_prefix(s) {
        s.to_string()
    } else {
        format!("^{}", escape_regex(s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(parse_date("1970-01-01"), Some(0));
        assert_eq!(
            parse_date("2024-02-29T12:30:00.123Z"),
            Some(1_709_209_800_123)
        );
        assert_eq!(
            parse_date("2024-02-29T14:30:00.123+02:00"),
            Some(1_709_209_800_123)
        );
        assert_eq!(parse_date("2023-02-29"), None);
        assert_eq!(parse_date("2024-13-01"), None);
        assert_eq!(parse_date("2024-01-01T25:00"), None);
        assert_eq!(parse_date("1700000000000"), Some(1_700_000_000_000));
        assert_eq!(parse_date("yesterday"), None);
    }

    #[test]
    fn numbers_and_decimals() {
        assert_eq!(parse_number("5"), Some(5.0));
        assert_eq!(parse_number("-1.5e3"), Some(-1500.0));
        for bad in ["", "NaN", "inf", "1e", "+5", "0x10", " 5", "1.", ".5"] {
            assert_eq!(parse_number(bad), None, "{bad}");
        }
        assert!(is_decimal("12.50"));
        assert!(is_decimal("-1E+5"));
        assert!(!is_decimal("1.2.3"));
        assert!(!is_decimal("abc"));
    }

    #[test]
    fn regex_prefix() {
        assert_eq!(prefix_regex("a.b*"), "^a\\.b\\*");
        assert_eq!(prefix_regex("^a\\.b"), "^a\\.b");
        assert_eq!(prefix_regex("^a.b"), "^\\^a\\.b");
        assert!(is_escaped_prefix(&prefix_regex("(a+)+$")));
        assert_eq!(prefix_literal_len(&prefix_regex("a.b\\c")), 5);
        assert_eq!(prefix_literal_len("a.b"), 3);
    }
}
