//! Redis `MATCH` glob semantics: a faithful port of Redis `stringmatchlen` (util.c).
//!
//! `*` any run, `?` one character, `[abc]`, `[^a]`, `[a-z]` (reversed ranges are swapped),
//! `\x` a literal `x`; an unterminated `[` class ends at the end of the pattern, a trailing
//! `\` is a literal backslash. The same early exit for `*` (skip longer matches) and the same
//! nesting limit (1000) as Redis. One difference by necessity: Redis compares bytes, a JS
//! cache compares characters (code points), so `?` matches one character. For ASCII keys the
//! two are the same.

/// A compiled glob (the pattern as code points).
#[derive(Debug, Clone)]
pub struct Glob {
    pat: Vec<u32>,
}

impl Glob {
    /// Compiles a glob pattern.
    pub fn new(pattern: &str) -> Glob {
        Glob {
            pat: pattern.chars().map(|c| c as u32).collect(),
        }
    }

    /// The literal prefix every matching key starts with (up to the first wildcard), and
    /// whether the glob is exactly that prefix followed only by `*` (then no per-key check
    /// is needed beyond the prefix).
    pub fn literal_prefix(&self) -> (String, bool) {
        let mut out = String::new();
        let mut i = 0;
        let p = &self.pat;
        while i < p.len() {
            match p[i] {
                0x2A | 0x3F | 0x5B => break, // * ? [
                0x5C if i + 1 < p.len() => {
                    out.push(char::from_u32(p[i + 1]).unwrap_or('\u{FFFD}'));
                    i += 2;
                }
                c => {
                    out.push(char::from_u32(c).unwrap_or('\u{FFFD}'));
                    i += 1;
                }
            }
        }
        // Redis quirk kept: `*` does not match the empty key (the match loop never runs),
        // so only a non-empty prefix followed by stars is "prefix only".
        let rest_is_stars = !out.is_empty() && i < p.len() && p[i..].iter().all(|&c| c == 0x2A);
        (out, rest_is_stars)
    }

    /// Whether `key` matches (case-sensitive, as Redis SCAN MATCH).
    pub fn is_match(&self, key: &str) -> bool {
        let mut buf = Vec::new();
        self.is_match_buf(key, &mut buf)
    }

    /// [`Glob::is_match`] reusing a scratch buffer (for scans over many keys).
    pub fn is_match_buf(&self, key: &str, buf: &mut Vec<u32>) -> bool {
        if key.is_ascii() {
            // One byte per character: match the bytes directly, no decoding.
            let mut skip = false;
            return match_impl(&self.pat, 0, key.as_bytes(), 0, false, &mut skip, 0);
        }
        buf.clear();
        buf.extend(key.chars().map(|c| c as u32));
        string_match(&self.pat, buf, false)
    }
}

/// `stringmatchlen(pattern, string, nocase)` over code points.
pub fn string_match(pattern: &[u32], string: &[u32], nocase: bool) -> bool {
    let mut skip = false;
    match_impl(pattern, 0, string, 0, nocase, &mut skip, 0)
}

fn lower(c: u32) -> u32 {
    if (0x41..=0x5A).contains(&c) {
        c + 32
    } else {
        c
    }
}

/// The C code walks NUL-terminated buffers; reading past the end yields 0 here.
fn at<T: Copy + Into<u32>>(s: &[T], i: isize) -> u32 {
    if i >= 0 && (i as usize) < s.len() {
        s[i as usize].into()
    } else {
        0
    }
}

fn match_impl<T: Copy + Into<u32>>(
    pat: &[u32],
    mut p: isize,
    s: &[T],
    mut si: isize,
    nocase: bool,
    skip_longer: &mut bool,
    nesting: u32,
) -> bool {
    if nesting > 1000 {
        return false;
    }
    let mut plen = pat.len() as isize - p;
    let mut slen = s.len() as isize - si;
    while plen > 0 && slen > 0 {
        match at(pat, p) {
            0x2A => {
                // '*'
                while plen > 0 && at(pat, p + 1) == 0x2A {
                    p += 1;
                    plen -= 1;
                }
                if plen == 1 {
                    return true;
                }
                while slen > 0 {
                    if match_impl(pat, p + 1, s, si, nocase, skip_longer, nesting + 1) {
                        return true;
                    }
                    if *skip_longer {
                        return false;
                    }
                    si += 1;
                    slen -= 1;
                }
                *skip_longer = true;
                return false;
            }
            0x3F => {
                // '?'
                si += 1;
                slen -= 1;
            }
            0x5B => {
                // '['
                p += 1;
                plen -= 1;
                let not = at(pat, p) == 0x5E;
                if not {
                    p += 1;
                    plen -= 1;
                }
                let mut matched = false;
                let c0 = at(s, si);
                loop {
                    if at(pat, p) == 0x5C && plen >= 2 {
                        p += 1;
                        plen -= 1;
                        if at(pat, p) == c0 {
                            matched = true;
                        }
                    } else if at(pat, p) == 0x5D {
                        break;
                    } else if plen == 0 {
                        p -= 1;
                        plen += 1;
                        break;
                    } else if plen >= 3 && at(pat, p + 1) == 0x2D {
                        let (mut start, mut end) = (at(pat, p), at(pat, p + 2));
                        let mut c = c0;
                        if start > end {
                            std::mem::swap(&mut start, &mut end);
                        }
                        if nocase {
                            start = lower(start);
                            end = lower(end);
                            c = lower(c);
                        }
                        p += 2;
                        plen -= 2;
                        if c >= start && c <= end {
                            matched = true;
                        }
                    } else if !nocase {
                        if at(pat, p) == c0 {
                            matched = true;
                        }
                    } else if lower(at(pat, p)) == lower(c0) {
                        matched = true;
                    }
                    p += 1;
                    plen -= 1;
                }
                if not {
                    matched = !matched;
                }
                if !matched {
                    return false;
                }
                si += 1;
                slen -= 1;
            }
            c => {
                let mut c = c;
                if c == 0x5C && plen >= 2 {
                    p += 1;
                    plen -= 1;
                    c = at(pat, p);
                }
                let k = at(s, si);
                let eq = if nocase { lower(c) == lower(k) } else { c == k };
                if !eq {
                    return false;
                }
                si += 1;
                slen -= 1;
            }
        }
        p += 1;
        plen -= 1;
        if slen == 0 {
            while at(pat, p) == 0x2A {
                p += 1;
                plen -= 1;
            }
            break;
        }
    }
    plen == 0 && slen == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(p: &str, s: &str) -> bool {
        Glob::new(p).is_match(s)
    }

    #[test]
    fn redis_cases() {
        assert!(!g("*", "")); // as Redis: the loop never runs for an empty string
        assert!(g("*", "abc"));
        assert!(g("a*", "a"));
        assert!(!g("a?", "a"));
        assert!(g("a?c", "abc"));
        assert!(g("h[ae]llo", "hello"));
        assert!(!g("h[^e]llo", "hello"));
        assert!(g("h[a-b]llo", "hbllo"));
        assert!(g("h[b-a]llo", "hallo"));
        assert!(g(r"h\*llo", "h*llo"));
        assert!(!g(r"h\*llo", "hallo"));
        assert!(g("list:*:vagon=?", "list:3:vagon=7"));
        assert!(!g("", "a"));
        assert!(g("", ""));
        assert!(!g("[", ""));
        assert!(g("[^", "x"));
        assert!(g("a\\", "a\\"));
        assert!(g("[abc", "b"));
        assert!(!g("*a*a*a*a*a*a*a*a*a*b", &"a".repeat(40)));
        assert!(g("ab**", "ab"));
    }

    #[test]
    fn prefix_extraction() {
        assert_eq!(
            Glob::new("client:42:*").literal_prefix(),
            ("client:42:".into(), true)
        );
        assert_eq!(Glob::new(r"a\*b?").literal_prefix(), ("a*b".into(), false));
        assert_eq!(Glob::new("*x").literal_prefix(), ("".into(), false));
        assert_eq!(Glob::new("abc").literal_prefix(), ("abc".into(), false));
    }
}
