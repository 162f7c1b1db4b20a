//! Invalidation patterns: a JS RegExp, a prefix, or a Redis glob, compiled once, each with
//! the literal prefix that lets the ordered index range-scan instead of scanning all keys.
//!
//! Keys reach a pattern as the index holds them (code units encoded one by one, see
//! [`super::units`]); each matcher sees the view its semantics need: code units for a
//! prefix and a non-`u` RegExp, WTF-8 for a `u` RegExp, Redis's UTF-8 bytes for a glob.
//! Only keys holding a surrogate are converted. Every matcher is an automaton (or the glob
//! port, linear for Redis's own patterns): nothing is handed back to a backtracking engine.

use super::glob::Glob;
use super::js_regex::JsRegex;
use super::units;
use crate::{Error, Result};
use regex_automata::meta::{self, Regex};

/// Which kind of pattern a `(kind, pattern, flags)` triple from a binding names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PatternKind {
    /// A JS RegExp: `pattern` is its `source`, `flags` its `flags`.
    Regex,
    /// Keys starting with `pattern`.
    Prefix,
    /// A Redis MATCH glob.
    Glob,
}

/// The bytes a matcher reads for a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum View {
    /// As stored: code units one by one.
    Units,
    /// WTF-8: a surrogate pair as one code point (a `u` RegExp).
    Wtf8,
    /// UTF-8 with a lone surrogate as U+FFFD (the key as Redis holds it).
    Redis,
}

#[derive(Debug, Clone)]
enum Matcher {
    /// Every key with the prefix matches.
    PrefixOnly,
    Regex(Box<Regex>),
    Glob(Glob),
}

/// A compiled invalidation pattern.
#[derive(Debug, Clone)]
pub struct Pattern {
    prefix: Vec<u8>,
    matcher: Matcher,
    view: View,
    /// The same regex for keys joined by '\n' (start/end → line start/end), when no part of
    /// it can match a '\n': then it may run over many keys at once.
    joined: Option<Box<Regex>>,
}

fn build(hir: &regex_syntax::hir::Hir) -> std::result::Result<Regex, String> {
    Regex::builder()
        .configure(
            meta::Config::new()
                .utf8_empty(false)
                .nfa_size_limit(Some(32 << 20)),
        )
        .build_from_hir(hir)
        .map_err(|e| e.to_string())
}

impl Pattern {
    /// Compiles `(kind, pattern, flags)`; the pattern is UTF-16 code units; `flags` is used
    /// by [`PatternKind::Regex`] only.
    pub fn compile(kind: PatternKind, pattern: &[u16], flags: &str) -> Result<Pattern> {
        match kind {
            PatternKind::Regex => Pattern::js_regex(pattern, flags),
            PatternKind::Prefix => Ok(Pattern::prefix(pattern)),
            PatternKind::Glob => Ok(Pattern::glob(pattern)),
        }
    }

    /// Keys that start with `prefix` (code units).
    pub fn prefix(prefix: &[u16]) -> Pattern {
        Pattern {
            prefix: units::encode(prefix),
            matcher: Matcher::PrefixOnly,
            view: View::Units,
            joined: None,
        }
    }

    /// A Redis MATCH glob (code units; matched as the UTF-8 bytes Redis would receive).
    pub fn glob(pattern: &[u16]) -> Pattern {
        let utf8 = String::from_utf16_lossy(pattern).into_bytes();
        let g = Glob::new(&utf8);
        let (prefix, mut prefix_only) = g.literal_prefix();
        // The prefix is whole UTF-8 characters (wildcards are ASCII); the index holds code
        // units, where U+FFFD in a Redis key may also be a lone surrogate: stop before it.
        let mut text = String::from_utf8_lossy(&prefix).into_owned();
        if let Some(k) = text.find('\u{FFFD}') {
            text.truncate(k);
            prefix_only = false;
        }
        Pattern {
            prefix: units::encode(&units::from_str(&text)),
            matcher: if prefix_only {
                Matcher::PrefixOnly
            } else {
                Matcher::Glob(g)
            },
            view: View::Redis,
            joined: None,
        }
    }

    /// A JS RegExp given as `source` (code units) and `flags`, with JS semantics (see
    /// [`super::js_regex`]); unsupported constructs → `PatternUnsupported`.
    pub fn js_regex(source: &[u16], flags: &str) -> Result<Pattern> {
        let re = JsRegex::parse(source, flags)?;
        let unsupported = |e: String| {
            Error::PatternUnsupported(format!(
                "pattern /{}/{flags}: not supported by the linear-time engine ({e})",
                String::from_utf16_lossy(source)
            ))
        };
        let (prefix, prefix_only) = re.literal_prefix();
        let matcher = if prefix_only {
            Matcher::PrefixOnly
        } else {
            Matcher::Regex(Box::new(build(&re.to_hir(false)).map_err(unsupported)?))
        };
        // The joined form only serves patterns without a literal prefix (the index range-
        // scans the others): a distinct `^client:<id>:` per call compiles nothing.
        let joined = if prefix.is_empty() && re.line_safe() {
            build(&re.to_hir(true)).ok().map(Box::new)
        } else {
            None
        };
        Ok(Pattern {
            prefix: units::encode(&prefix),
            matcher,
            view: if re.flags.unicode {
                View::Wtf8
            } else {
                View::Units
            },
            joined,
        })
    }

    /// The encoded literal prefix every matching key starts with (empty when none).
    pub fn literal_prefix(&self) -> &[u8] {
        &self.prefix
    }

    /// The regex, when it can run over many keys joined by '\n' at once (each key given
    /// through [`Pattern::view`]).
    pub fn line_safe_regex(&self) -> Option<&Regex> {
        match &self.matcher {
            Matcher::Regex(_) => self.joined.as_deref(),
            _ => None,
        }
    }

    /// The bytes the matcher reads for `key`: the key itself, or its conversion in `buf`
    /// when it holds a surrogate and the matcher needs another view.
    pub fn view<'a>(&self, key: &'a [u8], buf: &'a mut Vec<u8>) -> &'a [u8] {
        if self.view == View::Units || key.is_ascii() || !units::has_surrogate(key) {
            return key;
        }
        match self.view {
            View::Wtf8 => units::to_wtf8(key, buf),
            _ => units::to_utf8_lossy(key, buf),
        }
        buf
    }

    /// Whether `key` (encoded code units) matches.
    pub fn is_match(&self, key: &[u8]) -> bool {
        let mut buf = Vec::new();
        self.is_match_buf(key, &mut buf)
    }

    /// [`Pattern::is_match`] with a scratch buffer reused across keys.
    pub fn is_match_buf(&self, key: &[u8], buf: &mut Vec<u8>) -> bool {
        if !key.starts_with(&self.prefix) {
            return false;
        }
        match &self.matcher {
            Matcher::PrefixOnly => true,
            Matcher::Regex(re) => re.is_match(self.view(key, buf)),
            Matcher::Glob(g) => g.is_match(self.view(key, buf)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn re(src: &str, flags: &str) -> Pattern {
        Pattern::js_regex(&units::from_str(src), flags).unwrap()
    }

    fn key(s: &str) -> Vec<u8> {
        units::encode(&units::from_str(s))
    }

    #[test]
    fn prefixes() {
        let p = re("^client:42:", "");
        assert_eq!(p.literal_prefix(), b"client:42:");
        assert!(matches!(p.matcher, Matcher::PrefixOnly));
        let p = re(r"^client:1\d*:", "");
        assert_eq!(p.literal_prefix(), b"client:1");
        assert!(p.is_match(&key("client:123:x")));
        assert!(!p.is_match(&key("client:1a:x")));
        assert_eq!(re("^client", "m").literal_prefix(), b"");
        let p = re("^client", "i");
        assert_eq!(p.literal_prefix(), b"");
        assert!(p.is_match(&key("CLIENT")));
        let p = re("vagonsales:list:*", "");
        assert!(p.is_match(&key("x vagonsales:list")));
        let p = re("item:42", "");
        assert!(p.is_match(&key("client:1:item:42")) && !p.is_match(&key("item:4")));
        assert!(p.line_safe_regex().is_some());
        assert!(re("a$", "").line_safe_regex().is_some());
        assert!(re("a$", "m").line_safe_regex().is_none());
        assert!(re(r"a\s", "").line_safe_regex().is_none());
        assert!(re(r"\ba.b", "").line_safe_regex().is_some());
        assert!(re(r"a\B", "").line_safe_regex().is_none());
    }

    #[test]
    fn views_per_kind() {
        let pair = units::encode(&[0xD83D, 0xDE00]);
        let lone = units::encode(&[0xD83D]);
        // Prefix: code units.
        assert!(Pattern::prefix(&[0xD83D]).is_match(&pair));
        // u RegExp: code points; a lone surrogate is not half a pair.
        assert!(!re(r"\uD83D", "u").is_match(&pair));
        assert!(re(r"\uD83D", "u").is_match(&lone));
        assert!(re(r"^\uD83D", "").is_match(&pair));
        assert!(!re(r"^\uD83D", "u").is_match(&pair));
        // Glob: Redis bytes; a lone surrogate is U+FFFD there.
        let g = Pattern::glob(&units::from_str("?\u{FFFD}"));
        assert!(g.is_match(&units::encode(&[0x61, 0xDC00])));
        assert!(!Pattern::glob(&units::from_str("?")).is_match(&key("é")));
        assert!(Pattern::glob(&units::from_str("*")).is_match(b""));
    }
}
