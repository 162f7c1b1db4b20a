//! JavaScript `RegExp` (`source` + `flags`) → Rust `regex` syntax, with JS semantics.
//!
//! The question a cache asks of a pattern is "does this key contain a match?" (what
//! `RegExp.prototype.test` answers with `lastIndex` 0), so that is the semantics preserved.
//! Every construct is translated to an explicit equivalent rather than trusted to mean the
//! same thing in both engines:
//!
//! - `\d \w \s` (and negations) are JS's sets: ASCII digits, ASCII word characters, and the
//!   JS WhiteSpace + LineTerminator set — not Unicode's. `\b \B` are ASCII word boundaries.
//! - `.` excludes `\n \r \u2028 \u2029` (all four JS line terminators); with `s` it is any
//!   character.
//! - `^`/`$` without `m` are start/end of input (`\A`/`\z`). With `m` they must also match
//!   next to any of the four line terminators; Rust has no look-behind, so they are
//!   supported where consuming the terminator cannot change the answer (first item of a
//!   top-level alternative for `^`, last for `$`) and rejected elsewhere.
//! - `i` with `u` uses simple case folding on both sides (Rust's `(?i)`). `i` without `u`
//!   is JS's upper-case canonicalisation, which differs from folding for non-ASCII
//!   characters; ASCII letters are expanded to both cases by hand, non-ASCII characters
//!   that have case are rejected.
//! - Without `u`, JS works on UTF-16 code units. A pattern with an astral character or a
//!   surrogate escape is rejected; keys with astral characters are re-checked by the caller
//!   with the real `RegExp` ([`needs_host_check`]).
//! - Lookaround, backreferences (numbered and named), the `v` flag, and anything else the
//!   linear engine cannot run exactly → [`Error::PatternUnsupported`].
//!
//! The `g` and `d` flags do not change what `test` from index 0 answers and are ignored;
//! `y` anchors the match at index 0.

use crate::{Error, Result};

/// The flags of a JS regular expression that change matching.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Flags {
    /// `i`: case-insensitive.
    pub ignore_case: bool,
    /// `m`: `^`/`$` also match at line terminators.
    pub multiline: bool,
    /// `s`: `.` matches line terminators too.
    pub dot_all: bool,
    /// `u`: code-point semantics, strict escapes.
    pub unicode: bool,
    /// `y`: sticky (anchored at index 0 for a `test` from 0).
    pub sticky: bool,
}

impl Flags {
    /// Parses a JS `flags` string (`"gimsuy"` and `d`); `v` and unknown flags are rejected.
    pub fn parse(flags: &str) -> Result<Flags> {
        let mut f = Flags::default();
        for c in flags.chars() {
            match c {
                'i' => f.ignore_case = true,
                'm' => f.multiline = true,
                's' => f.dot_all = true,
                'u' => f.unicode = true,
                'y' => f.sticky = true,
                'g' | 'd' => {}
                'v' => {
                    return Err(unsupported(format!(
                        "flags {flags:?}: the v (unicodeSets) flag is not supported"
                    )))
                }
                other => {
                    return Err(unsupported(format!(
                        "flags {flags:?}: unknown flag {other:?}"
                    )))
                }
            }
        }
        Ok(f)
    }
}

fn unsupported(msg: String) -> Error {
    Error::PatternUnsupported(msg)
}

/// The JS line terminators, as a Rust class body.
const LINE_TERMINATORS: &str = r"\n\r\x{2028}\x{2029}";
/// JS `\s`: WhiteSpace + LineTerminator, as a Rust class body.
const JS_SPACE: &str = r"\t\n\x{0B}\x{0C}\r\x{20}\x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}\x{FEFF}";
const JS_WORD: &str = r"0-9A-Za-z_";
const JS_DIGIT: &str = r"0-9";

/// True when a key must be checked with the host's own `RegExp` because the translated
/// pattern cannot decide it exactly: keys holding an astral character (two UTF-16 code
/// units in non-`u` mode) or U+FFFD (which is what a lone surrogate in a JS string becomes
/// in UTF-8). Conservative: any byte ≥ 0xEF (code points ≥ U+F000) qualifies.
pub fn needs_host_check(key: &str) -> bool {
    key.bytes().any(|b| b >= 0xEF)
}

/// Translates a JS pattern into Rust `regex` syntax with the same `test` semantics.
pub fn translate(source: &str, flags: Flags) -> Result<String> {
    let chars: Vec<char> = source.chars().collect();
    let mut t = Translator {
        src: source,
        chars,
        pos: 0,
        flags,
        out: String::with_capacity(source.len() * 2 + 8),
    };
    if !flags.unicode {
        if let Some(c) = t.chars.iter().find(|c| (**c as u32) > 0xFFFF) {
            return Err(t.err(format!(
                "astral character {c:?} without the u flag (JS matches its two UTF-16 halves separately)"
            )));
        }
    }
    if flags.sticky {
        t.out.push_str(r"\A(?:");
    }
    if flags.ignore_case && flags.unicode {
        t.out.push_str("(?i:");
    }
    t.disjunction(0)?;
    if t.pos < t.chars.len() {
        return Err(t.err(format!("unexpected {:?} at {}", t.chars[t.pos], t.pos)));
    }
    if flags.ignore_case && flags.unicode {
        t.out.push(')');
    }
    if flags.sticky {
        t.out.push(')');
    }
    Ok(t.out)
}

struct Translator<'a> {
    src: &'a str,
    chars: Vec<char>,
    pos: usize,
    flags: Flags,
    out: String,
}

/// One item of a character class: a range, or a nested class (already Rust syntax).
enum ClassItem {
    Range(u32, u32),
    Nested(String),
}

/// A parsed class atom: a single character, or a predefined set (`\d`, `\W`…).
enum ClassAtom {
    Char(u32),
    Set(String),
}

impl<'a> Translator<'a> {
    fn err(&self, what: String) -> Error {
        unsupported(format!("pattern /{}/: {what}", self.src))
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn peek_at(&self, k: usize) -> Option<char> {
        self.chars.get(self.pos + k).copied()
    }

    fn disjunction(&mut self, depth: usize) -> Result<()> {
        loop {
            self.alternative(depth)?;
            if self.peek() == Some('|') {
                self.pos += 1;
                self.out.push('|');
            } else {
                return Ok(());
            }
        }
    }

    fn alternative(&mut self, depth: usize) -> Result<()> {
        let mut first = true;
        while let Some(c) = self.peek() {
            match c {
                '|' => return Ok(()),
                ')' => {
                    if depth == 0 {
                        return Err(self.err(format!("unmatched ')' at {}", self.pos)));
                    }
                    return Ok(());
                }
                '^' => {
                    self.pos += 1;
                    if self.flags.multiline {
                        if depth != 0 || !first || self.flags.sticky {
                            return Err(self.err(
                                "with the m flag, ^ is supported only at the start of a top-level alternative".into(),
                            ));
                        }
                        self.out.push_str(&format!(r"(?:\A|[{LINE_TERMINATORS}])"));
                    } else {
                        self.out.push_str(r"\A");
                    }
                }
                '$' => {
                    self.pos += 1;
                    if self.flags.multiline {
                        let at_end = matches!(self.peek(), None | Some('|'));
                        if depth != 0 || !at_end {
                            return Err(self.err(
                                "with the m flag, $ is supported only at the end of a top-level alternative".into(),
                            ));
                        }
                        self.out.push_str(&format!(r"(?:\z|[{LINE_TERMINATORS}])"));
                    } else {
                        self.out.push_str(r"\z");
                    }
                }
                _ => self.term(depth)?,
            }
            first = false;
        }
        Ok(())
    }

    /// An atom and its optional quantifier.
    fn term(&mut self, depth: usize) -> Result<()> {
        let c = self.peek().unwrap_or('\0');
        let quantifiable = match c {
            '(' => {
                self.group(depth)?;
                true
            }
            '[' => {
                self.class()?;
                true
            }
            '.' => {
                self.pos += 1;
                if self.flags.dot_all {
                    self.out.push_str(r"[\x{0}-\x{10FFFF}]");
                } else {
                    self.out.push_str(&format!("[^{LINE_TERMINATORS}]"));
                }
                true
            }
            '\\' => self.atom_escape()?,
            '*' | '+' | '?' => return Err(self.err(format!("nothing to repeat at {}", self.pos))),
            '{' => {
                if self.flags.unicode || self.try_quantifier_len().is_some() {
                    return Err(self.err(format!("nothing to repeat at {}", self.pos)));
                }
                self.pos += 1;
                self.literal('{' as u32)?;
                true
            }
            ']' | '}' if self.flags.unicode => {
                return Err(self.err(format!("lone {c:?} at {}", self.pos)))
            }
            _ => {
                self.pos += 1;
                self.literal(c as u32)?;
                true
            }
        };
        if quantifiable {
            self.quantifier()?;
        } else if matches!(self.peek(), Some('*' | '+' | '?'))
            || (self.peek() == Some('{') && self.try_quantifier_len().is_some())
        {
            return Err(self.err(format!("nothing to repeat at {}", self.pos)));
        }
        Ok(())
    }

    /// Length in chars of a `{n}`, `{n,}`, `{n,m}` quantifier at the cursor, if any.
    fn try_quantifier_len(&self) -> Option<(usize, u64, Option<u64>)> {
        let mut i = self.pos;
        if self.chars.get(i) != Some(&'{') {
            return None;
        }
        i += 1;
        let read_num = |i: &mut usize| -> Option<u64> {
            let start = *i;
            let mut v: u64 = 0;
            while let Some(d) = self.chars.get(*i).and_then(|c| c.to_digit(10)) {
                v = v.saturating_mul(10).saturating_add(d as u64);
                *i += 1;
            }
            (*i > start).then_some(v)
        };
        let min = read_num(&mut i)?;
        let max = if self.chars.get(i) == Some(&',') {
            i += 1;
            if self.chars.get(i) == Some(&'}') {
                None
            } else {
                Some(read_num(&mut i)?)
            }
        } else {
            Some(min)
        };
        if self.chars.get(i) != Some(&'}') {
            return None;
        }
        Some((i + 1 - self.pos, min, max))
    }

    fn quantifier(&mut self) -> Result<()> {
        match self.peek() {
            Some(q @ ('*' | '+' | '?')) => {
                self.pos += 1;
                self.out.push(q);
            }
            Some('{') => {
                if let Some((len, min, max)) = self.try_quantifier_len() {
                    if let Some(max) = max {
                        if max < min {
                            return Err(self.err("numbers out of order in {} quantifier".into()));
                        }
                    }
                    if min > 10_000 || max.is_some_and(|m| m > 10_000) {
                        return Err(self.err(format!(
                            "repetition count above 10000 at {} (too big for the linear engine)",
                            self.pos
                        )));
                    }
                    self.pos += len;
                    match max {
                        Some(m) if m == min => self.out.push_str(&format!("{{{min}}}")),
                        Some(m) => self.out.push_str(&format!("{{{min},{m}}}")),
                        None => self.out.push_str(&format!("{{{min},}}")),
                    }
                } else {
                    // Non-u mode: `{` that is not a quantifier is a literal; the next term
                    // handles it. (u mode: a syntax error that a valid RegExp cannot have.)
                    return Ok(());
                }
            }
            _ => return Ok(()),
        }
        if self.peek() == Some('?') {
            self.pos += 1;
            self.out.push('?');
        }
        if matches!(self.peek(), Some('*' | '+' | '?'))
            || (self.peek() == Some('{') && self.try_quantifier_len().is_some())
        {
            return Err(self.err(format!("nothing to repeat at {}", self.pos)));
        }
        Ok(())
    }

    fn group(&mut self, depth: usize) -> Result<()> {
        self.pos += 1; // '('
        if self.peek() == Some('?') {
            match (self.peek_at(1), self.peek_at(2)) {
                (Some(':'), _) => self.pos += 2,
                (Some('='), _) | (Some('!'), _) => {
                    return Err(
                        self.err("lookahead is not supported by the linear-time engine".into())
                    )
                }
                (Some('<'), Some('=')) | (Some('<'), Some('!')) => {
                    return Err(
                        self.err("lookbehind is not supported by the linear-time engine".into())
                    )
                }
                (Some('<'), _) => {
                    // Named capture: the name does not matter for `test`.
                    let close = self.chars[self.pos..].iter().position(|&c| c == '>');
                    match close {
                        Some(k) => self.pos += k + 1,
                        None => return Err(self.err("unterminated group name".into())),
                    }
                }
                _ => {
                    return Err(self.err(format!(
                        "group syntax (?{} is not supported",
                        self.peek_at(1).map(String::from).unwrap_or_default()
                    )))
                }
            }
        }
        self.out.push_str("(?:");
        self.disjunction(depth + 1)?;
        if self.peek() != Some(')') {
            return Err(self.err("unterminated group".into()));
        }
        self.pos += 1;
        self.out.push(')');
        Ok(())
    }

    /// Emits one literal character (with non-u case expansion when `i` is set).
    fn literal(&mut self, c: u32) -> Result<()> {
        if self.flags.ignore_case && !self.flags.unicode {
            let set = self.nonu_case_closure(c, c)?;
            if set.len() == 1 && set[0].0 == set[0].1 {
                push_char(&mut self.out, c);
            } else {
                self.out.push('[');
                for (a, b) in set {
                    push_range(&mut self.out, a, b);
                }
                self.out.push(']');
            }
        } else {
            push_char(&mut self.out, c);
        }
        Ok(())
    }

    /// The ranges matching `lo..=hi` under non-u `i` (JS upper-case canonicalisation).
    /// ASCII letters gain their other case; non-ASCII characters with case are rejected.
    fn nonu_case_closure(&self, lo: u32, hi: u32) -> Result<Vec<(u32, u32)>> {
        let mut out = vec![(lo, hi)];
        let add = |out: &mut Vec<(u32, u32)>, a: u32, b: u32, lo: u32, hi: u32, shift: i64| {
            let s = lo.max(a);
            let e = hi.min(b);
            if s <= e {
                out.push(((s as i64 + shift) as u32, (e as i64 + shift) as u32));
            }
        };
        add(&mut out, 'a' as u32, 'z' as u32, lo, hi, -32);
        add(&mut out, 'A' as u32, 'Z' as u32, lo, hi, 32);
        if hi >= 0x80 {
            for cp in lo.max(0x80)..=hi.min(0xFFFF) {
                if let Some(ch) = char::from_u32(cp) {
                    let up: Vec<char> = ch.to_uppercase().collect();
                    let low: Vec<char> = ch.to_lowercase().collect();
                    if up != [ch] || low != [ch] {
                        return Err(self.err(format!(
                            "case-insensitive match of non-ASCII character U+{cp:04X} needs the u flag (JS upper-cases without it; the engine case-folds)"
                        )));
                    }
                }
            }
        }
        Ok(out)
    }

    /// `\…` outside a class. Returns whether the result can take a quantifier.
    fn atom_escape(&mut self) -> Result<bool> {
        self.pos += 1; // '\'
        let Some(c) = self.peek() else {
            return Err(self.err("\\ at end of pattern".into()));
        };
        match c {
            'b' | 'B' => {
                self.pos += 1;
                if self.flags.ignore_case && self.flags.unicode {
                    return Err(self.err(
                        "\\b/\\B with flags i and u (JS then counts U+017F and U+212A as word characters)".into(),
                    ));
                }
                self.out.push_str(if c == 'b' { r"(?-u:\b)" } else { r"(?-u:\B)" });
                Ok(false)
            }
            'k' if self.flags.unicode || self.src.contains("(?<") => {
                Err(self.err("named backreferences are not supported by the linear-time engine".into()))
            }
            '1'..='9' => Err(self.err(
                "backreferences (and legacy octal escapes) are not supported by the linear-time engine".into(),
            )),
            _ => {
                match self.class_escape()? {
                    ClassAtom::Char(ch) => self.literal(ch)?,
                    ClassAtom::Set(s) => self.out.push_str(&s),
                }
                Ok(true)
            }
        }
    }

    /// The escapes shared by atoms and classes (cursor after the `\`).
    fn class_escape(&mut self) -> Result<ClassAtom> {
        let c = self
            .peek()
            .ok_or_else(|| self.err("\\ at end of pattern".into()))?;
        self.pos += 1;
        let set = |body: &str, neg: bool| {
            ClassAtom::Set(format!("[{}{}]", if neg { "^" } else { "" }, body))
        };
        Ok(match c {
            'd' => set(JS_DIGIT, false),
            'D' => set(JS_DIGIT, true),
            'w' => set(JS_WORD, false),
            'W' => set(JS_WORD, true),
            's' => set(JS_SPACE, false),
            'S' => set(JS_SPACE, true),
            'n' => ClassAtom::Char(0x0A),
            'r' => ClassAtom::Char(0x0D),
            't' => ClassAtom::Char(0x09),
            'v' => ClassAtom::Char(0x0B),
            'f' => ClassAtom::Char(0x0C),
            '0' => {
                if self.peek().is_some_and(|d| d.is_ascii_digit()) {
                    return Err(self.err("legacy octal escapes are not supported".into()));
                }
                ClassAtom::Char(0)
            }
            'c' => match self.peek() {
                Some(l) if l.is_ascii_alphabetic() => {
                    self.pos += 1;
                    ClassAtom::Char((l as u32) % 32)
                }
                _ if !self.flags.unicode => {
                    // Annex B: `\c` not followed by a letter is a literal backslash.
                    self.pos -= 1;
                    ClassAtom::Char('\\' as u32)
                }
                _ => return Err(self.err("invalid \\c escape".into())),
            },
            'x' => match self.hex_digits(2) {
                Some(v) => ClassAtom::Char(v),
                None if !self.flags.unicode => ClassAtom::Char('x' as u32),
                None => return Err(self.err("invalid \\x escape".into())),
            },
            'u' => self.unicode_escape()?,
            'p' | 'P' if self.flags.unicode => {
                if self.peek() != Some('{') {
                    return Err(self.err("invalid property escape".into()));
                }
                let close = self.chars[self.pos..]
                    .iter()
                    .position(|&c| c == '}')
                    .ok_or_else(|| self.err("unterminated property escape".into()))?;
                let name: String = self.chars[self.pos + 1..self.pos + close].iter().collect();
                if name.is_empty()
                    || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '=')
                {
                    return Err(self.err(format!("invalid property name {name:?}")));
                }
                self.pos += close + 1;
                let body = format!("\\{c}{{{name}}}");
                // Checked by the engine at compile time (unknown names → unsupported).
                ClassAtom::Set(format!("[{body}]"))
            }
            'k' => ClassAtom::Char('k' as u32), // non-u, no named groups: identity escape
            '1'..='9' => {
                return Err(self.err(
                    "backreferences (and legacy octal escapes) are not supported by the linear-time engine".into(),
                ))
            }
            other => {
                if self.flags.unicode && !"^$\\.*+?()[]{}|/-".contains(other) {
                    return Err(self.err(format!("invalid escape \\{other}")));
                }
                ClassAtom::Char(other as u32)
            }
        })
    }

    fn hex_digits(&mut self, n: usize) -> Option<u32> {
        let mut v = 0u32;
        for k in 0..n {
            let d = self.peek_at(k)?.to_digit(16)?;
            v = v * 16 + d;
        }
        self.pos += n;
        Some(v)
    }

    /// `\u` escapes (cursor after the `u`).
    fn unicode_escape(&mut self) -> Result<ClassAtom> {
        if self.flags.unicode && self.peek() == Some('{') {
            let close = self.chars[self.pos..]
                .iter()
                .position(|&c| c == '}')
                .ok_or_else(|| self.err("unterminated \\u{…}".into()))?;
            let digits: String = self.chars[self.pos + 1..self.pos + close].iter().collect();
            let v = u32::from_str_radix(&digits, 16)
                .ok()
                .filter(|v| *v <= 0x10FFFF && !digits.is_empty())
                .ok_or_else(|| self.err(format!("invalid \\u{{{digits}}}")))?;
            self.pos += close + 1;
            if (0xD800..0xE000).contains(&v) {
                return Err(self.err(format!("lone surrogate \\u{{{digits}}}")));
            }
            return Ok(ClassAtom::Char(v));
        }
        let Some(v) = self.hex_digits(4) else {
            if self.flags.unicode {
                return Err(self.err("invalid \\u escape".into()));
            }
            return Ok(ClassAtom::Char('u' as u32));
        };
        if (0xD800..0xDC00).contains(&v) {
            if self.flags.unicode && self.peek() == Some('\\') && self.peek_at(1) == Some('u') {
                let save = self.pos;
                self.pos += 2;
                if let Some(lo) = self.hex_digits(4) {
                    if (0xDC00..0xE000).contains(&lo) {
                        return Ok(ClassAtom::Char(
                            0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00),
                        ));
                    }
                }
                self.pos = save;
            }
            return Err(self.err(format!(
                "surrogate escape \\u{v:04X} (lone surrogates, or surrogate pairs without the u flag)"
            )));
        }
        if (0xDC00..0xE000).contains(&v) {
            return Err(self.err(format!("lone surrogate escape \\u{v:04X}")));
        }
        Ok(ClassAtom::Char(v))
    }

    fn class(&mut self) -> Result<()> {
        self.pos += 1; // '['
        let negated = self.peek() == Some('^');
        if negated {
            self.pos += 1;
        }
        let mut items: Vec<ClassItem> = Vec::new();
        loop {
            let Some(c) = self.peek() else {
                return Err(self.err("unterminated character class".into()));
            };
            if c == ']' {
                self.pos += 1;
                break;
            }
            let a = self.class_atom()?;
            if self.peek() == Some('-') && self.peek_at(1).is_some_and(|c| c != ']') {
                let save = self.pos;
                self.pos += 1;
                let b = self.class_atom()?;
                match (a, b) {
                    (ClassAtom::Char(x), ClassAtom::Char(y)) => {
                        if x > y {
                            return Err(self.err("range out of order in character class".into()));
                        }
                        items.push(ClassItem::Range(x, y));
                    }
                    (a, b) => {
                        if self.flags.unicode {
                            return Err(self.err("invalid character class range".into()));
                        }
                        // Annex B: a class escape in a range makes `-` a literal.
                        let _ = save;
                        for atom in [a, ClassAtom::Char('-' as u32), b] {
                            items.push(match atom {
                                ClassAtom::Char(x) => ClassItem::Range(x, x),
                                ClassAtom::Set(s) => ClassItem::Nested(s),
                            });
                        }
                    }
                }
            } else {
                items.push(match a {
                    ClassAtom::Char(x) => ClassItem::Range(x, x),
                    ClassAtom::Set(s) => ClassItem::Nested(s),
                });
            }
        }
        let mut body = String::new();
        for item in &items {
            match item {
                ClassItem::Range(a, b) => {
                    if self.flags.ignore_case && !self.flags.unicode {
                        for (x, y) in self.nonu_case_closure(*a, *b)? {
                            push_range(&mut body, x, y);
                        }
                    } else {
                        push_range(&mut body, *a, *b);
                    }
                }
                ClassItem::Nested(s) => body.push_str(s),
            }
        }
        match (items.is_empty(), negated) {
            (true, false) => self.out.push_str(r"[^\x{0}-\x{10FFFF}]"),
            (true, true) => self.out.push_str(r"[\x{0}-\x{10FFFF}]"),
            (false, neg) => {
                self.out.push('[');
                if neg {
                    self.out.push('^');
                }
                self.out.push_str(&body);
                self.out.push(']');
            }
        }
        Ok(())
    }

    fn class_atom(&mut self) -> Result<ClassAtom> {
        let c = self
            .peek()
            .ok_or_else(|| self.err("unterminated character class".into()))?;
        self.pos += 1;
        if c != '\\' {
            return Ok(ClassAtom::Char(c as u32));
        }
        match self.peek() {
            Some('b') => {
                self.pos += 1;
                Ok(ClassAtom::Char(0x08))
            }
            Some('-') => {
                self.pos += 1;
                Ok(ClassAtom::Char('-' as u32))
            }
            Some('c') if !self.flags.unicode => {
                // Annex B: inside a class `\c` also takes digits and `_`.
                match self.peek_at(1) {
                    Some(l) if l.is_ascii_alphanumeric() || l == '_' => {
                        self.pos += 2;
                        Ok(ClassAtom::Char((l as u32) % 32))
                    }
                    _ => Ok(ClassAtom::Char('\\' as u32)),
                }
            }
            Some('B') if self.flags.unicode => Err(self.err("invalid escape \\B in class".into())),
            Some('B') => {
                self.pos += 1;
                Ok(ClassAtom::Char('B' as u32))
            }
            _ => self.class_escape(),
        }
    }
}

fn push_char(out: &mut String, c: u32) {
    match char::from_u32(c) {
        Some(ch) if ch.is_ascii_alphanumeric() => out.push(ch),
        _ => out.push_str(&format!(r"\x{{{c:X}}}")),
    }
}

fn push_range(out: &mut String, a: u32, b: u32) {
    push_char(out, a);
    if b != a {
        out.push('-');
        push_char(out, b);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(src: &str, flags: &str) -> Result<String> {
        translate(src, Flags::parse(flags)?)
    }

    fn m(src: &str, flags: &str, hay: &str) -> bool {
        regex::Regex::new(&t(src, flags).unwrap())
            .unwrap()
            .is_match(hay)
    }

    #[test]
    fn js_classes_are_ascii() {
        assert!(!m(r"\d", "", "٣"));
        assert!(!m(r"\w", "", "é"));
        assert!(m(r"\s", "", "\u{FEFF}"));
        assert!(!m(r"\s", "", "\u{85}"));
        assert!(m(r"\bfoo\b", "", "é foo"));
        assert!(m(r"\bfoo", "", "éfoo"));
    }

    #[test]
    fn dot_and_anchors() {
        assert!(!m("a.b", "", "a\rb"));
        assert!(!m("a.b", "", "a\u{2028}b"));
        assert!(m("a.b", "s", "a\rb"));
        assert!(!m("^b", "", "a\nb"));
        assert!(m("^b", "m", "a\rb"));
        assert!(m("a$", "m", "a\u{2029}b"));
        assert!(!m("a$", "", "a\n"));
        assert!(t(r"a^b", "m").is_err());
        assert!(t(r"(^a)", "m").is_err());
    }

    #[test]
    fn case_insensitive() {
        assert!(m("K", "i", "k"));
        assert!(!m("k", "i", "\u{212A}"));
        assert!(m("k", "iu", "\u{212A}"));
        assert!(m("[a-c]", "i", "B"));
        assert!(t("é", "i").is_err());
        assert!(m("é", "iu", "É"));
    }

    #[test]
    fn escapes_and_literals() {
        assert!(m(r"a{", "", "a{"));
        assert!(m(r"a{2}", "", "aa"));
        assert!(m(r"a{,2}", "", "a{,2}"));
        assert!(m(r"\u0041", "", "A"));
        assert!(m(r"\u{1F600}", "u", "😀"));
        assert!(m(r"\ud83d\ude00", "u", "😀"));
        assert!(m(r"\u{3}", "", "uuu"));
        assert!(m(r"[\b]", "", "\u{8}"));
        assert!(!m(r"[]", "", "x"));
        assert!(m(r"[^]", "", "\n"));
        assert!(m(r"\/", "", "/"));
        assert!(m(r"]", "", "]"));
        assert!(m(r"[\w-]", "", "-"));
        assert!(m(r"\cJ", "", "\n"));
    }

    #[test]
    fn unsupported_constructs() {
        for (src, flags) in [
            ("(?=a)", ""),
            ("(?!a)", ""),
            ("(?<=a)b", ""),
            ("(?<!a)b", ""),
            (r"(a)\1", ""),
            (r"(?<n>a)\k<n>", ""),
            ("a", "v"),
            (r"\ud800", ""),
            ("😀", ""),
            (r"\b", "iu"),
        ] {
            let e = t(src, flags).unwrap_err();
            assert_eq!(e.code(), "ERR_PATTERN_UNSUPPORTED", "{src} {flags}");
        }
    }
}
