//! Invalidation patterns: a JS RegExp, a prefix, or a Redis glob, compiled once, each with
//! the literal prefix that lets the ordered index range-scan instead of scanning all keys.

use super::glob::Glob;
use super::js_regex::{self, Flags};
use crate::{Error, Result};
use regex_syntax::hir::{Hir, HirKind, Look};

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

impl PatternKind {
    /// Decodes the numeric kind the bindings pass (0 regex, 1 prefix, 2 glob).
    pub fn from_code(code: u32) -> Result<PatternKind> {
        match code {
            0 => Ok(PatternKind::Regex),
            1 => Ok(PatternKind::Prefix),
            2 => Ok(PatternKind::Glob),
            other => Err(Error::InvalidKey(format!(
                "pattern kind must be 0 (regex), 1 (prefix) or 2 (glob), got {other}"
            ))),
        }
    }
}

#[derive(Debug, Clone)]
enum Matcher {
    /// Every key with the prefix matches.
    PrefixOnly,
    /// An unanchored pure literal (`/item:42/`): a substring search, no regex call per key.
    Regex(regex::Regex),
    Glob(Glob),
}

/// A compiled invalidation pattern.
#[derive(Debug, Clone)]
pub struct Pattern {
    prefix: String,
    matcher: Matcher,
    /// The same regex for keys joined by '\n' (`\A`/`\z` → `(?m:^)`/`(?m:$)`), when no part
    /// of it can match a '\n': then it may run over many keys at once.
    joined: Option<regex::Regex>,
}

impl Pattern {
    /// Compiles `(kind, pattern, flags)`; `flags` is used by [`PatternKind::Regex`] only.
    pub fn compile(kind: PatternKind, pattern: &str, flags: &str) -> Result<Pattern> {
        match kind {
            PatternKind::Regex => Pattern::js_regex(pattern, flags),
            PatternKind::Prefix => Ok(Pattern::prefix(pattern)),
            PatternKind::Glob => Ok(Pattern::glob(pattern)),
        }
    }

    /// Keys that start with `prefix`.
    pub fn prefix(prefix: &str) -> Pattern {
        Pattern {
            prefix: prefix.to_string(),
            matcher: Matcher::PrefixOnly,
            joined: None,
        }
    }

    /// A Redis MATCH glob.
    pub fn glob(pattern: &str) -> Pattern {
        let g = Glob::new(pattern);
        let (prefix, prefix_only) = g.literal_prefix();
        Pattern {
            prefix,
            matcher: if prefix_only {
                Matcher::PrefixOnly
            } else {
                Matcher::Glob(g)
            },
            joined: None,
        }
    }

    /// A JS RegExp given as `source` and `flags`, with JS semantics (see
    /// [`super::js_regex`]); unsupported constructs → `PatternUnsupported`.
    pub fn js_regex(source: &str, flags: &str) -> Result<Pattern> {
        let f = Flags::parse(flags)?;
        let translated = js_regex::translate(source, f)?;
        let hir = regex_syntax::ParserBuilder::new()
            .build()
            .parse(&translated)
            .map_err(|e| {
                Error::PatternUnsupported(format!(
                    "pattern /{source}/{flags}: not supported by the linear-time engine ({e})"
                ))
            })?;
        let (prefix, prefix_only) = anchored_prefix(&hir);
        let matcher = if prefix_only {
            Matcher::PrefixOnly
        } else {
            let re = regex::RegexBuilder::new(&translated)
                .size_limit(32 << 20)
                .build()
                .map_err(|e| {
                    Error::PatternUnsupported(format!(
                        "pattern /{source}/{flags}: not supported by the linear-time engine ({e})"
                    ))
                })?;
            Matcher::Regex(re)
        };
        let joined = if line_safe(&hir) {
            let multi = translated.replace(r"\A", "(?m:^)").replace(r"\z", "(?m:$)");
            regex::RegexBuilder::new(&multi)
                .size_limit(32 << 20)
                .build()
                .ok()
        } else {
            None
        };
        Ok(Pattern {
            prefix,
            joined,
            matcher,
        })
    }

    /// The literal prefix every matching key starts with ("" when none is known).
    pub fn literal_prefix(&self) -> &str {
        &self.prefix
    }

    /// The regex, when it can run over many keys joined by '\n' at once.
    pub fn line_safe_regex(&self) -> Option<&regex::Regex> {
        match &self.matcher {
            Matcher::Regex(_) => self.joined.as_ref(),
            _ => None,
        }
    }

    /// Whether this is a regex whose answer for `key` must come from the host's `RegExp`
    /// (see [`js_regex::needs_host_check`]).
    pub fn needs_host_check(&self, key: &str) -> bool {
        matches!(self.matcher, Matcher::Regex(_)) && js_regex::needs_host_check(key)
    }

    /// Whether `key` matches.
    pub fn is_match(&self, key: &str) -> bool {
        let mut buf = Vec::new();
        self.is_match_buf(key, &mut buf)
    }

    /// [`Pattern::is_match`] with a scratch buffer reused across keys.
    pub fn is_match_buf(&self, key: &str, buf: &mut Vec<u32>) -> bool {
        if !key.starts_with(self.prefix.as_str()) {
            return false;
        }
        match &self.matcher {
            Matcher::PrefixOnly => true,
            Matcher::Regex(re) => re.is_match(key),
            Matcher::Glob(g) => g.is_match_buf(key, buf),
        }
    }
}

/// Whether no part of the pattern can match '\n' and the only assertions are start/end and
/// ASCII word boundaries (a '\n' between keys then acts as the start/end of each key).
fn line_safe(h: &Hir) -> bool {
    use regex_syntax::hir::Class;
    match h.kind() {
        HirKind::Empty => true,
        HirKind::Literal(l) => !l.0.contains(&b'\n'),
        HirKind::Class(Class::Unicode(c)) => !c
            .ranges()
            .iter()
            .any(|r| r.start() <= '\n' && '\n' <= r.end()),
        HirKind::Class(Class::Bytes(c)) => !c
            .ranges()
            .iter()
            .any(|r| r.start() <= b'\n' && b'\n' <= r.end()),
        // \A and \z become line anchors; ASCII word boundaries see '\n' as a non-word byte,
        // like the start/end of a key.
        HirKind::Look(l) => matches!(
            l,
            Look::WordAscii | Look::WordAsciiNegate | Look::Start | Look::End
        ),
        HirKind::Repetition(r) => line_safe(&r.sub),
        HirKind::Capture(c) => line_safe(&c.sub),
        HirKind::Concat(v) | HirKind::Alternation(v) => v.iter().all(line_safe),
    }
}

/// `\A` followed by literals: the literal prefix, and whether nothing else follows.
fn anchored_prefix(hir: &Hir) -> (String, bool) {
    let items: &[Hir] = match hir.kind() {
        HirKind::Concat(items) => items,
        _ => std::slice::from_ref(hir),
    };
    if !matches!(
        items.first().map(|h| h.kind()),
        Some(HirKind::Look(Look::Start))
    ) {
        return (String::new(), false);
    }
    let mut bytes = Vec::new();
    let mut k = 1;
    while let Some(HirKind::Literal(lit)) = items.get(k).map(|h| h.kind()) {
        bytes.extend_from_slice(&lit.0);
        k += 1;
    }
    match String::from_utf8(bytes) {
        Ok(prefix) => (prefix, k == items.len()),
        Err(_) => (String::new(), false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes() {
        let p = Pattern::js_regex("^client:42:", "").unwrap();
        assert_eq!(p.literal_prefix(), "client:42:");
        assert!(matches!(p.matcher, Matcher::PrefixOnly));
        let p = Pattern::js_regex(r"^client:1\d*:", "").unwrap();
        assert_eq!(p.literal_prefix(), "client:1");
        assert!(p.is_match("client:123:x"));
        assert!(!p.is_match("client:1a:x"));
        let p = Pattern::js_regex("^client", "m").unwrap();
        assert_eq!(p.literal_prefix(), "");
        let p = Pattern::js_regex("^client", "i").unwrap();
        assert_eq!(p.literal_prefix(), "");
        assert!(p.is_match("CLIENT"));
        let p = Pattern::js_regex("vagonsales:list:*", "").unwrap();
        assert_eq!(p.literal_prefix(), "");
        assert!(p.is_match("x vagonsales:list"));
        let p = Pattern::js_regex("item:42", "").unwrap();
        assert!(p.is_match("client:1:item:42") && !p.is_match("item:4"));
        assert!(p.line_safe_regex().is_some());
        assert!(Pattern::js_regex("a$", "")
            .unwrap()
            .line_safe_regex()
            .is_some());
        assert!(Pattern::js_regex("a$", "m")
            .unwrap()
            .line_safe_regex()
            .is_none());
        assert!(Pattern::js_regex(r"a\s", "")
            .unwrap()
            .line_safe_regex()
            .is_none());
        assert!(Pattern::js_regex(r"\ba.b", "")
            .unwrap()
            .line_safe_regex()
            .is_some());
    }
}
