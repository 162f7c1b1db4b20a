//! How the index holds JS strings: UTF-16 code units, each encoded on its own.
//!
//! A JS key is any sequence of UTF-16 code units, lone surrogates included, so it arrives
//! from the bindings as `&[u16]` (never as UTF-8 text, which cannot carry a lone surrogate).
//! The index stores it as bytes in a CESU-8-like encoding: every code unit is written as the
//! 1–3 byte UTF-8 form of its value, surrogates too (`ED A0..BF 80..BF`). Two properties
//! follow, and the index relies on both:
//!
//! - byte order equals JS string order (code unit by code unit), so the sorted index is in
//!   `<` order of the JS strings;
//! - a code-unit prefix is a byte prefix: `'😀'.startsWith('\uD83D')` holds here too, since a
//!   pair is its two halves side by side.
//!
//! Matchers that need another view convert a key on the fly, only when it holds a surrogate
//! (a byte `ED` followed by `A0..BF`): [`to_wtf8`] (a pair as one 4-byte code point, a lone
//! surrogate as 3 bytes: what a `u` RegExp sees) and [`to_utf8_lossy`] (a lone surrogate as
//! U+FFFD: the bytes Redis holds for the key).

/// Appends the encoding of one code unit (1–3 bytes).
pub fn push_unit(out: &mut Vec<u8>, u: u16) {
    push_code_point(out, u as u32);
}

/// Appends the generalized UTF-8 form of a code point (surrogates allowed, 1–4 bytes).
pub fn push_code_point(out: &mut Vec<u8>, c: u32) {
    if c < 0x80 {
        out.push(c as u8);
    } else if c < 0x800 {
        out.extend_from_slice(&[0xC0 | (c >> 6) as u8, 0x80 | (c & 0x3F) as u8]);
    } else if c < 0x10000 {
        out.extend_from_slice(&[
            0xE0 | (c >> 12) as u8,
            0x80 | ((c >> 6) & 0x3F) as u8,
            0x80 | (c & 0x3F) as u8,
        ]);
    } else {
        out.extend_from_slice(&[
            0xF0 | (c >> 18) as u8,
            0x80 | ((c >> 12) & 0x3F) as u8,
            0x80 | ((c >> 6) & 0x3F) as u8,
            0x80 | (c & 0x3F) as u8,
        ]);
    }
}

/// Appends the encoding of a run of code units.
pub fn push_units(out: &mut Vec<u8>, units: &[u16]) {
    if units.iter().all(|&u| u < 0x80) {
        out.extend(units.iter().map(|&u| u as u8));
        return;
    }
    for &u in units {
        push_unit(out, u);
    }
}

/// The encoding of a run of code units.
pub fn encode(units: &[u16]) -> Vec<u8> {
    let mut out = Vec::with_capacity(units.len());
    push_units(&mut out, units);
    out
}

/// Decodes encoded bytes back to code units (bytes produced by [`push_units`]).
pub fn decode(bytes: &[u8]) -> Vec<u16> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let (u, n) = unit_at(bytes, i);
        out.push(u);
        i += n;
    }
    out
}

/// The code unit starting at `bytes[i]` and its encoded length.
fn unit_at(bytes: &[u8], i: usize) -> (u16, usize) {
    let b = bytes[i];
    let cont = |k: usize| (bytes.get(i + k).copied().unwrap_or(0x80) & 0x3F) as u16;
    if b < 0x80 {
        (b as u16, 1)
    } else if b < 0xE0 {
        ((((b & 0x1F) as u16) << 6) | cont(1), 2)
    } else {
        ((((b & 0x0F) as u16) << 12) | (cont(1) << 6) | cont(2), 3)
    }
}

/// Whether encoded bytes hold a surrogate code unit (paired or not).
pub fn has_surrogate(bytes: &[u8]) -> bool {
    let mut rest = bytes;
    while let Some(p) = rest.iter().position(|&b| b == 0xED) {
        if rest.get(p + 1).is_some_and(|&b| b >= 0xA0) {
            return true;
        }
        rest = &rest[p + 1..];
    }
    false
}

/// Rewrites encoded bytes holding surrogates with `pair` for each surrogate pair (given the
/// code point) and `lone` for each lone surrogate (given the unit).
fn rewrite(bytes: &[u8], out: &mut Vec<u8>, lone: impl Fn(&mut Vec<u8>, u16)) {
    out.clear();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b != 0xED || bytes.get(i + 1).is_none_or(|&n| n < 0xA0) {
            out.push(b);
            i += 1;
            continue;
        }
        let (hi, _) = unit_at(bytes, i);
        if (0xD800..0xDC00).contains(&hi) && i + 6 <= bytes.len() {
            let (lo, _) = unit_at(bytes, i + 3);
            if bytes[i + 3] == 0xED && (0xDC00..0xE000).contains(&lo) {
                let c = 0x10000 + (((hi - 0xD800) as u32) << 10) + (lo - 0xDC00) as u32;
                push_code_point(out, c);
                i += 6;
                continue;
            }
        }
        lone(out, hi);
        i += 3;
    }
}

/// The WTF-8 view (what a `u` RegExp sees): a pair as its 4-byte code point, a lone
/// surrogate as its 3 bytes. Written to `out`; keys without surrogates need no conversion.
pub fn to_wtf8(bytes: &[u8], out: &mut Vec<u8>) {
    rewrite(bytes, out, push_unit);
}

/// The UTF-8 bytes Node's `Buffer.from(key)` gives (a lone surrogate as U+FFFD), i.e. the
/// key as Redis stores it. Written to `out`.
pub fn to_utf8_lossy(bytes: &[u8], out: &mut Vec<u8>) {
    rewrite(bytes, out, |o, _| {
        o.extend_from_slice("\u{FFFD}".as_bytes())
    });
}

/// Code units from a Rust string (tests and the fuzz harness).
pub fn from_str(s: &str) -> Vec<u16> {
    s.encode_utf16().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_and_prefixes_follow_code_units() {
        let keys: Vec<Vec<u16>> = vec![
            vec![],
            vec![0x61],
            vec![0xD7FF],
            vec![0xD83D],
            vec![0xD83D, 0xDE00],
            vec![0xDC00],
            vec![0xE000],
            vec![0xFFFF],
        ];
        for w in keys.windows(2) {
            assert!(encode(&w[0]) < encode(&w[1]), "{:?} < {:?}", w[0], w[1]);
        }
        assert!(encode(&[0xD83D, 0xDE00]).starts_with(&encode(&[0xD83D])));
        for k in &keys {
            assert_eq!(&decode(&encode(k)), k);
        }
    }

    #[test]
    fn views() {
        let k = encode(&[0x61, 0xD83D, 0xDE00, 0xD800, 0x62, 0xDC00]);
        assert!(has_surrogate(&k) && !has_surrogate(&encode(&from_str("aé€"))));
        let mut out = Vec::new();
        to_wtf8(&k, &mut out);
        let mut want = b"a".to_vec();
        want.extend_from_slice("😀".as_bytes());
        want.extend_from_slice(&[0xED, 0xA0, 0x80, b'b', 0xED, 0xB0, 0x80]);
        assert_eq!(out, want);
        to_utf8_lossy(&k, &mut out);
        assert_eq!(out, "a😀\u{FFFD}b\u{FFFD}".as_bytes());
    }
}
