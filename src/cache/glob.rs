//! Redis `MATCH` glob semantics: a faithful port of Redis `stringmatchlen` (util.c), over
//! the bytes Redis holds.
//!
//! `*` any run, `?` one byte, `[abc]`, `[^a]`, `[a-z]` (reversed ranges are swapped), `\x` a
//! literal `x`; an unterminated `[` class ends at the end of the pattern, a trailing `\` is a
//! literal backslash. The same early exit for `*` (skip longer matches) and the same nesting
//! limit (1000) as Redis, and the same special case as `KEYS` and `SCAN`: the pattern `*`
//! alone matches every key, the empty one included (`stringmatchlen("*", "")` is false).
//!
//! Redis compares bytes, and a key written by ioredis is the UTF-8 of the JS string (a lone
//! surrogate as U+FFFD, what `Buffer.from` gives), so both the pattern and the key are
//! matched as those bytes: `?` is one byte, as it is for `SCAN MATCH`. That keeps a
//! `TieredCache`'s two tiers in agreement on every key.

/// A compiled glob (the pattern's UTF-8 bytes).
#[derive(Debug, Clone)]
pub struct Glob {
    pat: Vec<u8>,
}

impl Glob {
    /// Compiles a glob given as UTF-8 bytes (the bytes Redis would receive).
    pub fn new(pattern: &[u8]) -> Glob {
        Glob {
            pat: pattern.to_vec(),
        }
    }

    /// The literal bytes every matching key starts with (up to the first wildcard), and
    /// whether the glob is exactly that prefix followed only by `*` (then no per-key check
    /// is needed beyond the prefix).
    pub fn literal_prefix(&self) -> (Vec<u8>, bool) {
        let mut out = Vec::new();
        let mut i = 0;
        let p = &self.pat;
        if p == b"*" {
            return (out, true);
        }
        while i < p.len() {
            match p[i] {
                b'*' | b'?' | b'[' => break,
                b'\\' if i + 1 < p.len() => {
                    out.push(p[i + 1]);
                    i += 2;
                }
                c => {
                    out.push(c);
                    i += 1;
                }
            }
        }
        // `a*` matches `a`; but `**` does not match the empty key (the match loop never
        // runs), so only a non-empty prefix followed by stars is "prefix only".
        let rest_is_stars = !out.is_empty() && i < p.len() && p[i..].iter().all(|&c| c == b'*');
        (out, rest_is_stars)
    }

    /// Whether `key` (its bytes as Redis holds them) matches, case-sensitive as `MATCH`.
    pub fn is_match(&self, key: &[u8]) -> bool {
        self.pat == b"*" || string_match(&self.pat, key)
    }
}

/// `stringmatchlen(pattern, string, 0)`: the Redis matcher itself, without the `*`
/// shortcut of `KEYS`/`SCAN`.
pub fn string_match(pattern: &[u8], string: &[u8]) -> bool {
    let mut skip = false;
    match_impl(pattern, 0, string, 0, false, &mut skip, 0)
}

fn lower(c: i32) -> i32 {
    if (0x41..=0x5A).contains(&c) {
        c + 32
    } else {
        c
    }
}

/// The C code walks NUL-terminated buffers; reading past the end yields 0 here.
fn at(s: &[u8], i: isize) -> u32 {
    if i >= 0 && (i as usize) < s.len() {
        s[i as usize] as u32
    } else {
        0
    }
}

fn match_impl(
    pat: &[u8],
    mut p: isize,
    s: &[u8],
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
                        // Redis reads `char`, signed on the platforms it ships for: a
                        // range compares bytes >= 0x80 as negative numbers.
                        let signed = |b: u32| b as u8 as i8 as i32;
                        let (mut start, mut end) = (signed(at(pat, p)), signed(at(pat, p + 2)));
                        let mut c = signed(c0);
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
                    } else if lower(at(pat, p) as i32) == lower(c0 as i32) {
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
                let eq = if nocase {
                    lower(c as i32) == lower(k as i32)
                } else {
                    c == k
                };
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
        Glob::new(p.as_bytes()).is_match(s.as_bytes())
    }

    #[test]
    fn redis_cases() {
        assert!(g("*", "")); // as KEYS * and SCAN: every key
        assert!(!g("**", "")); // stringmatchlen: the loop never runs for an empty string
        assert!(!g("?", "é") && g("??", "é")); // one byte, as Redis
        assert!(g("[a-\u{FFFD}]", "A") && !g("[a-\u{FFFD}]", "c")); // signed char ranges
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
        let p = |s: &str| {
            let (b, only) = Glob::new(s.as_bytes()).literal_prefix();
            (String::from_utf8(b).unwrap(), only)
        };
        assert_eq!(p("client:42:*"), ("client:42:".into(), true));
        assert_eq!(p(r"a\*b?"), ("a*b".into(), false));
        assert_eq!(p("*x"), ("".into(), false));
        assert_eq!(p("*"), ("".into(), true));
        assert_eq!(p("**"), ("".into(), false));
        assert_eq!(p("abc"), ("abc".into(), false));
    }
}
