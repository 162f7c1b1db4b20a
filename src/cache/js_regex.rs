//! JavaScript `RegExp` (`source` + `flags`) → a byte automaton with JS semantics.
//!
//! The question a cache asks of a pattern is "does this key contain a match?" (what
//! `RegExp.prototype.test` answers with `lastIndex` 0), so that is the semantics preserved.
//! The source arrives as UTF-16 code units (lone surrogates included) and is parsed here
//! into a small syntax tree ([`Node`]) with every construct made explicit; [`to_hir`] then
//! builds a `regex-syntax` HIR over bytes that `regex-automata` runs in linear time.
//!
//! **Which bytes.** Keys are held as code units each encoded on its own (see
//! [`super::units`]). Without `u`, JS matches code units, so a pattern is compiled over that
//! encoding directly: a unit is its 1–3 bytes, a surrogate unit `ED A0..BF 80..BF`. With `u`,
//! JS matches code points, so the pattern is compiled over the WTF-8 view of a key (a pair as
//! one 4-byte code point, a lone surrogate as its own 3 bytes), which [`super::pattern`]
//! produces only for keys that hold a surrogate. Every consuming item of the automaton starts
//! with a lead byte, so no match can start inside a unit — except an empty match made of
//! `\B` alone, which is why a pattern with `\B` is anchored behind a lazy "any whole unit"
//! prefix instead of being searched unanchored.
//!
//! **Semantics, construct by construct.**
//! - `\d \w \s` (and negations) are JS's sets: ASCII digits, ASCII word characters (plus
//!   U+017F and U+212A with `iu`), the JS WhiteSpace + LineTerminator set. `\b \B` are ASCII
//!   word boundaries (with `iu` JS adds U+017F/U+212A to the word set: unsupported).
//! - `.` excludes `\n \r \u2028 \u2029`; with `s` it is any unit (any code point with `u`).
//! - `^`/`$` without `m` are start/end of input. With `m` they also match next to a line
//!   terminator; supported where consuming the terminator cannot change the answer (first
//!   item of a top-level alternative for `^`, last for `$`), rejected elsewhere.
//! - `i`: a character matches when its canonical form is the canonical form of one in the
//!   set (ES `Canonicalize`). Without `u` that is `toUpperCase` of a single unit, never
//!   mapping non-ASCII to ASCII (the Rust standard library's case tables); with `u` it is
//!   simple case folding (`regex-syntax`'s tables). A class is closed under that relation
//!   *after* its escapes are resolved, and `[^…]` complements the closure, so `\P{Lu}` with
//!   `iu` matches `A` (via `a`) and `[^\P{Lu}]` does not match `a`, as in V8.
//! - Annex B (no `u`): `\1`…`\9` naming no group are legacy octal escapes (`\8`, `\9` the
//!   digits), `\0` + digits octal, `[\1]` octal, literal `{` `}` `]`, `\c` quirks.
//! - Lookaround, backreferences (numbered and named), the `v` flag, modifiers, `\b` with `iu`,
//!   `\B` with `u` (V8 tries it inside a surrogate pair: `/\B/u.test("a\u{10400}a")` is true),
//!   properties `regex-syntax` has no table for (`\p{CWKCF}`) and anything else the linear
//!   engine cannot run exactly → [`Error::PatternUnsupported`].
//!
//! The `g` and `d` flags do not change what `test` from index 0 answers and are ignored;
//! `y` anchors the match at index 0.

use crate::{Error, Result};
use regex_syntax::hir::{
    Class, ClassBytes, ClassBytesRange, ClassUnicode, ClassUnicodeRange, Hir, Look, Repetition,
};
use std::sync::OnceLock;

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

    /// The largest character value: a code unit without `u`, a code point with it.
    fn max(self) -> u32 {
        if self.unicode {
            0x10FFFF
        } else {
            0xFFFF
        }
    }
}

fn unsupported(msg: String) -> Error {
    Error::PatternUnsupported(msg)
}

/// A set of characters (code units without `u`, code points with it): sorted, disjoint,
/// non-adjacent inclusive ranges.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Set(Vec<(u32, u32)>);

impl Set {
    /// The set of the given ranges (any order, overlaps allowed).
    pub fn new(mut ranges: Vec<(u32, u32)>) -> Set {
        ranges.sort_unstable();
        let mut out: Vec<(u32, u32)> = Vec::with_capacity(ranges.len());
        for (a, b) in ranges {
            match out.last_mut() {
                Some(last) if a <= last.1.saturating_add(1) => last.1 = last.1.max(b),
                _ => out.push((a, b)),
            }
        }
        Set(out)
    }

    fn single(c: u32) -> Set {
        Set(vec![(c, c)])
    }

    /// The ranges, in order.
    pub fn ranges(&self) -> &[(u32, u32)] {
        &self.0
    }

    fn union(&self, other: &Set) -> Set {
        Set::new(self.0.iter().chain(other.0.iter()).copied().collect())
    }

    /// Everything in `0..=max` not in the set.
    fn negate(&self, max: u32) -> Set {
        let mut out = Vec::new();
        let mut next = 0u32;
        for &(a, b) in &self.0 {
            if a > max {
                break;
            }
            if a > next {
                out.push((next, a - 1));
            }
            next = b.saturating_add(1);
        }
        if next <= max {
            out.push((next, max));
        }
        Set(out)
    }

    fn contains(&self, c: u32) -> bool {
        let i = self.0.partition_point(|r| r.1 < c);
        self.0.get(i).is_some_and(|r| r.0 <= c)
    }

    fn is_single(&self) -> Option<u32> {
        match self.0.as_slice() {
            [(a, b)] if a == b => Some(*a),
            _ => None,
        }
    }
}

/// A parsed pattern: every construct explicit.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// Matches the empty string.
    Empty,
    /// One character (a code unit without `u`, a code point with it).
    Literal(u32),
    /// One character of the set (case closure already applied).
    Class(Set),
    /// A zero-width assertion: `Start`, `End`, `WordAscii`, `WordAsciiNegate`.
    Look(Look),
    /// A sequence.
    Concat(Vec<Node>),
    /// Alternatives.
    Alt(Vec<Node>),
    /// `sub{min,max}`.
    Repeat {
        /// The repeated node.
        sub: Box<Node>,
        /// Minimum count.
        min: u32,
        /// Maximum count (`None`: unbounded).
        max: Option<u32>,
        /// Greedy (`false` for `*?` and friends; irrelevant to `test`).
        greedy: bool,
    },
}

impl Node {
    fn concat(mut items: Vec<Node>) -> Node {
        let mut flat = Vec::with_capacity(items.len());
        for n in items.drain(..) {
            match n {
                Node::Concat(v) => flat.extend(v),
                Node::Empty => {}
                n => flat.push(n),
            }
        }
        match flat.len() {
            0 => Node::Empty,
            1 => flat.pop().unwrap_or(Node::Empty),
            _ => Node::Concat(flat),
        }
    }

    /// Whether any part is the assertion `look`.
    fn has_look(&self, look: Look) -> bool {
        match self {
            Node::Look(l) => *l == look,
            Node::Concat(v) | Node::Alt(v) => v.iter().any(|n| n.has_look(look)),
            Node::Repeat { sub, .. } => sub.has_look(look),
            _ => false,
        }
    }

    /// Whether no part can match a line feed.
    pub fn line_safe(&self) -> bool {
        match self {
            Node::Empty | Node::Look(_) => true,
            Node::Literal(c) => *c != 0x0A,
            Node::Class(s) => !s.contains(0x0A),
            Node::Concat(v) | Node::Alt(v) => v.iter().all(Node::line_safe),
            Node::Repeat { sub, .. } => sub.line_safe(),
        }
    }
}

/// A JS RegExp compiled to a tree, with what the index needs to know about it.
#[derive(Debug, Clone)]
pub struct JsRegex {
    /// The pattern.
    pub node: Node,
    /// The flags.
    pub flags: Flags,
}

impl JsRegex {
    /// Parses `source` (UTF-16 code units, as `RegExp.prototype.source`) with `flags`.
    pub fn parse(source: &[u16], flags: &str) -> Result<JsRegex> {
        let f = Flags::parse(flags)?;
        let chars: Vec<u32> = if f.unicode {
            char::decode_utf16(source.iter().copied())
                .map(|r| {
                    r.map(|c| c as u32)
                        .unwrap_or_else(|e| e.unpaired_surrogate() as u32)
                })
                .collect()
        } else {
            source.iter().map(|&u| u as u32).collect()
        };
        let (groups, named) = scan_groups(&chars);
        let mut p = Parser {
            src: String::from_utf16_lossy(source),
            flags_src: flags.to_string(),
            chars,
            pos: 0,
            flags: f,
            groups,
            named,
            last_look: Look::Start,
        };
        let mut node = p.disjunction(0)?;
        if p.pos < p.chars.len() {
            return Err(p.err(format!("unexpected character at {}", p.pos)));
        }
        if f.sticky {
            node = Node::concat(vec![Node::Look(Look::Start), node]);
        }
        Ok(JsRegex { node, flags: f })
    }

    /// The HIR to run over keys (see the module doc for which bytes); `joined`: for keys
    /// joined by '\n' (start/end become line anchors).
    pub fn to_hir(&self, joined: bool) -> Hir {
        let hir = to_hir(&self.node, joined);
        if self.node.has_look(Look::WordAsciiNegate) {
            // `\B` may hold between the bytes of one unit; anchor behind whole units.
            let any = Node::Class(Set(vec![(0, self.flags.max())]));
            return Hir::concat(vec![
                Hir::look(Look::Start),
                Hir::repetition(Repetition {
                    min: 0,
                    max: None,
                    greedy: false,
                    sub: Box::new(to_hir(&any, false)),
                }),
                hir,
            ]);
        }
        hir
    }

    /// Whether a '\n' between keys can separate them (no part matches '\n', no `\B`).
    pub fn line_safe(&self) -> bool {
        self.node.line_safe() && !self.node.has_look(Look::WordAsciiNegate)
    }

    /// The code units every matching key starts with, and whether a key matches exactly
    /// when it starts with them (the pattern is `^` + literals).
    pub fn literal_prefix(&self) -> (Vec<u16>, bool) {
        let items: &[Node] = match &self.node {
            Node::Concat(v) => v,
            n => std::slice::from_ref(n),
        };
        if items.first() != Some(&Node::Look(Look::Start)) {
            return (Vec::new(), false);
        }
        let mut units = Vec::new();
        let mut exact = true;
        let mut k = 1;
        while items.get(k) == Some(&Node::Look(Look::Start)) {
            k += 1;
        }
        while let Some(Node::Literal(c)) = items.get(k) {
            match char::from_u32(*c) {
                Some(ch) => units.extend(ch.encode_utf16(&mut [0; 2]).iter()),
                None => {
                    // A surrogate: with `u` a lone one, which a pair's first half also starts.
                    units.push(*c as u16);
                    exact &= !self.flags.unicode;
                }
            }
            k += 1;
        }
        (units, exact && k == items.len())
    }
}

/// The number of capturing groups, and whether any is named (Annex B needs both).
fn scan_groups(chars: &[u32]) -> (usize, bool) {
    let (mut n, mut named, mut in_class, mut i) = (0, false, false, 0);
    while i < chars.len() {
        match chars[i] {
            0x5C => i += 1, // '\\': skip the escaped character
            0x5B => in_class = true,
            0x5D => in_class = false,
            0x28 if !in_class => {
                if chars.get(i + 1) != Some(&0x3F) {
                    n += 1;
                } else if chars.get(i + 2) == Some(&0x3C)
                    && !matches!(chars.get(i + 3), Some(&0x3D) | Some(&0x21))
                {
                    n += 1;
                    named = true;
                }
            }
            _ => {}
        }
        i += 1;
    }
    (n, named)
}

/// The JS line terminators.
fn line_terminators() -> Set {
    Set::new(vec![(0x0A, 0x0A), (0x0D, 0x0D), (0x2028, 0x2029)])
}

/// JS `\s`: WhiteSpace + LineTerminator.
fn js_space() -> Set {
    Set::new(vec![
        (0x09, 0x0D),
        (0x20, 0x20),
        (0xA0, 0xA0),
        (0x1680, 0x1680),
        (0x2000, 0x200A),
        (0x2028, 0x2029),
        (0x202F, 0x202F),
        (0x205F, 0x205F),
        (0x3000, 0x3000),
        (0xFEFF, 0xFEFF),
    ])
}

/// An inclusive range of characters.
type Range = (u32, u32);

const SURROGATES: Range = (0xD800, 0xDFFF);

/// Without `u`: the classes of code units with one canonical form (`toUpperCase` of one
/// unit, never non-ASCII → ASCII), those with more than one member.
fn nonu_case_classes() -> &'static [Vec<u32>] {
    static CLASSES: OnceLock<Vec<Vec<u32>>> = OnceLock::new();
    CLASSES.get_or_init(|| {
        let canon = |u: u32| -> u32 {
            let Some(c) = char::from_u32(u) else {
                return u;
            };
            let mut up = c.to_uppercase();
            match (up.next(), up.next()) {
                (Some(a), None) if (a as u32) <= 0xFFFF && !(u >= 128 && (a as u32) < 128) => {
                    a as u32
                }
                _ => u,
            }
        };
        let mut by_canon: std::collections::BTreeMap<u32, Vec<u32>> = Default::default();
        for u in 0..=0xFFFF {
            let c = canon(u);
            if c != u {
                by_canon.entry(c).or_insert_with(|| vec![c]).push(u);
            }
        }
        by_canon.into_values().collect()
    })
}

/// Closes a set under the pattern's case equivalence (`i`).
fn case_closure(set: &Set, flags: Flags) -> Set {
    if flags.unicode {
        let scalars: Vec<ClassUnicodeRange> = set
            .0
            .iter()
            .flat_map(|&(a, b)| split_surrogates(a, b).0)
            .filter_map(|(a, b)| {
                Some(ClassUnicodeRange::new(
                    char::from_u32(a)?,
                    char::from_u32(b)?,
                ))
            })
            .collect();
        let mut cls = ClassUnicode::new(scalars);
        cls.case_fold_simple();
        let folded = Set::new(
            cls.ranges()
                .iter()
                .map(|r| (r.start() as u32, r.end() as u32))
                .collect(),
        );
        folded.union(set)
    } else {
        let mut extra = Vec::new();
        for class in nonu_case_classes() {
            if class.iter().any(|&u| set.contains(u)) {
                extra.extend(class.iter().map(|&u| (u, u)));
            }
        }
        if extra.is_empty() {
            return set.clone();
        }
        set.union(&Set::new(extra))
    }
}

/// Splits a range into its parts outside and inside the surrogate block.
fn split_surrogates(a: u32, b: u32) -> (Vec<Range>, Option<Range>) {
    let (lo, hi) = SURROGATES;
    let mut outside = Vec::new();
    if a < lo {
        outside.push((a, b.min(lo - 1)));
    }
    if b > hi {
        outside.push((a.max(hi + 1), b));
    }
    let inside = (a <= hi && b >= lo).then(|| (a.max(lo), b.min(hi)));
    (outside, inside)
}

/// A parsed class atom: one character or a set (`\d`, `\p{…}`…).
enum Atom {
    Char(u32),
    Set(Set),
}

struct Parser {
    src: String,
    flags_src: String,
    chars: Vec<u32>,
    pos: usize,
    flags: Flags,
    groups: usize,
    named: bool,
    /// The assertion the last `atom_escape` returned `None` for.
    last_look: Look,
}

fn is(c: Option<u32>, ch: char) -> bool {
    c == Some(ch as u32)
}

fn digit(c: Option<u32>, radix: u32) -> Option<u32> {
    char::from_u32(c?)?.to_digit(radix)
}

impl Parser {
    fn err(&self, what: String) -> Error {
        unsupported(format!("pattern /{}/{}: {what}", self.src, self.flags_src))
    }

    fn peek(&self) -> Option<u32> {
        self.chars.get(self.pos).copied()
    }

    fn peek_at(&self, k: usize) -> Option<u32> {
        self.chars.get(self.pos + k).copied()
    }

    fn disjunction(&mut self, depth: usize) -> Result<Node> {
        let mut alts = vec![self.alternative(depth)?];
        while is(self.peek(), '|') {
            self.pos += 1;
            alts.push(self.alternative(depth)?);
        }
        Ok(if alts.len() == 1 {
            alts.pop().unwrap_or(Node::Empty)
        } else {
            Node::Alt(alts)
        })
    }

    fn alternative(&mut self, depth: usize) -> Result<Node> {
        let mut items = Vec::new();
        while let Some(c) = self.peek() {
            match char::from_u32(c) {
                Some('|') => break,
                Some(')') => {
                    if depth == 0 {
                        return Err(self.err(format!("unmatched ')' at {}", self.pos)));
                    }
                    break;
                }
                Some('^') => {
                    self.pos += 1;
                    if self.flags.multiline {
                        if depth != 0 || !items.is_empty() || self.flags.sticky {
                            return Err(self.err(
                                "with the m flag, ^ is supported only at the start of a top-level alternative".into(),
                            ));
                        }
                        items.push(Node::Alt(vec![
                            Node::Look(Look::Start),
                            Node::Class(line_terminators()),
                        ]));
                    } else {
                        items.push(Node::Look(Look::Start));
                    }
                }
                Some('$') => {
                    self.pos += 1;
                    if self.flags.multiline {
                        let at_end = self.peek().is_none() || is(self.peek(), '|');
                        if depth != 0 || !at_end {
                            return Err(self.err(
                                "with the m flag, $ is supported only at the end of a top-level alternative".into(),
                            ));
                        }
                        items.push(Node::Alt(vec![
                            Node::Look(Look::End),
                            Node::Class(line_terminators()),
                        ]));
                    } else {
                        items.push(Node::Look(Look::End));
                    }
                }
                _ => items.push(self.term(depth)?),
            }
        }
        Ok(Node::concat(items))
    }

    /// An atom and its optional quantifier.
    fn term(&mut self, depth: usize) -> Result<Node> {
        let c = self.peek().unwrap_or(0);
        let atom = match char::from_u32(c) {
            Some('(') => Some(self.group(depth)?),
            Some('[') => Some(self.class()?),
            Some('.') => {
                self.pos += 1;
                let max = self.flags.max();
                Some(Node::Class(if self.flags.dot_all {
                    Set(vec![(0, max)])
                } else {
                    line_terminators().negate(max)
                }))
            }
            Some('\\') => self.atom_escape()?,
            Some('*' | '+' | '?') => {
                return Err(self.err(format!("nothing to repeat at {}", self.pos)))
            }
            Some('{') => {
                if self.flags.unicode || self.try_quantifier().is_some() {
                    return Err(self.err(format!("nothing to repeat at {}", self.pos)));
                }
                self.pos += 1;
                Some(self.literal(c))
            }
            Some(']' | '}') if self.flags.unicode => {
                return Err(self.err(format!("lone bracket at {}", self.pos)))
            }
            _ => {
                self.pos += 1;
                Some(self.literal(c))
            }
        };
        match atom {
            Some(node) => self.quantifier(node),
            None => {
                // An assertion: not quantifiable.
                if self.at_quantifier() {
                    return Err(self.err(format!("nothing to repeat at {}", self.pos)));
                }
                Ok(Node::Look(self.last_look))
            }
        }
    }

    fn at_quantifier(&self) -> bool {
        matches!(self.peek().and_then(char::from_u32), Some('*' | '+' | '?'))
            || (is(self.peek(), '{') && self.try_quantifier().is_some())
    }

    /// A `{n}`, `{n,}`, `{n,m}` quantifier at the cursor: (length, min, max).
    fn try_quantifier(&self) -> Option<(usize, u64, Option<u64>)> {
        let mut i = self.pos;
        if !is(self.chars.get(i).copied(), '{') {
            return None;
        }
        i += 1;
        let read_num = |i: &mut usize| -> Option<u64> {
            let start = *i;
            let mut v: u64 = 0;
            while let Some(d) = digit(self.chars.get(*i).copied(), 10) {
                v = v.saturating_mul(10).saturating_add(d as u64);
                *i += 1;
            }
            (*i > start).then_some(v)
        };
        let min = read_num(&mut i)?;
        let max = if is(self.chars.get(i).copied(), ',') {
            i += 1;
            if is(self.chars.get(i).copied(), '}') {
                None
            } else {
                Some(read_num(&mut i)?)
            }
        } else {
            Some(min)
        };
        if !is(self.chars.get(i).copied(), '}') {
            return None;
        }
        Some((i + 1 - self.pos, min, max))
    }

    fn quantifier(&mut self, node: Node) -> Result<Node> {
        let (min, max) = match self.peek().and_then(char::from_u32) {
            Some('*') => (0, None),
            Some('+') => (1, None),
            Some('?') => (0, Some(1)),
            Some('{') => match self.try_quantifier() {
                Some((len, min, max)) => {
                    if max.is_some_and(|m| m < min) {
                        return Err(self.err("numbers out of order in {} quantifier".into()));
                    }
                    if min > 10_000 || max.is_some_and(|m| m > 10_000) {
                        return Err(self.err(format!(
                            "repetition count above 10000 at {} (too big for the linear engine)",
                            self.pos
                        )));
                    }
                    self.pos += len - 1;
                    (min as u32, max.map(|m| m as u32))
                }
                // Without u, a `{` that is not a quantifier is a literal (the next term).
                None => return Ok(node),
            },
            _ => return Ok(node),
        };
        self.pos += 1;
        let greedy = !is(self.peek(), '?');
        if !greedy {
            self.pos += 1;
        }
        if self.at_quantifier() {
            return Err(self.err(format!("nothing to repeat at {}", self.pos)));
        }
        Ok(Node::Repeat {
            sub: Box::new(node),
            min,
            max,
            greedy,
        })
    }

    fn group(&mut self, depth: usize) -> Result<Node> {
        self.pos += 1; // '('
        if is(self.peek(), '?') {
            let (a, b) = (
                self.peek_at(1).and_then(char::from_u32),
                self.peek_at(2).and_then(char::from_u32),
            );
            match (a, b) {
                (Some(':'), _) => self.pos += 2,
                (Some('=' | '!'), _) => {
                    return Err(
                        self.err("lookahead is not supported by the linear-time engine".into())
                    )
                }
                (Some('<'), Some('=' | '!')) => {
                    return Err(
                        self.err("lookbehind is not supported by the linear-time engine".into())
                    )
                }
                (Some('<'), _) => {
                    // A named group: the name does not matter for `test`.
                    match self.chars[self.pos..].iter().position(|&c| c == '>' as u32) {
                        Some(k) => self.pos += k + 1,
                        None => return Err(self.err("unterminated group name".into())),
                    }
                }
                _ => {
                    return Err(
                        self.err("group syntax (?… (modifiers) is not supported".to_string())
                    )
                }
            }
        }
        let node = self.disjunction(depth + 1)?;
        if !is(self.peek(), ')') {
            return Err(self.err("unterminated group".into()));
        }
        self.pos += 1;
        Ok(node)
    }

    /// One literal character, case-closed under `i`.
    fn literal(&self, c: u32) -> Node {
        if !self.flags.ignore_case {
            return Node::Literal(c);
        }
        let set = case_closure(&Set::single(c), self.flags);
        match set.is_single() {
            Some(c) => Node::Literal(c),
            None => Node::Class(set),
        }
    }

    /// A set as a node, case-closed under `i`.
    fn set_node(&self, set: Set) -> Node {
        if self.flags.ignore_case {
            Node::Class(case_closure(&set, self.flags))
        } else {
            Node::Class(set)
        }
    }

    /// `\…` outside a class: an atom, or `None` for an assertion (kept in `last_look`).
    fn atom_escape(&mut self) -> Result<Option<Node>> {
        self.pos += 1; // '\'
        let Some(c) = self.peek() else {
            return Err(self.err("\\ at end of pattern".into()));
        };
        match char::from_u32(c) {
            Some(b @ ('b' | 'B')) => {
                self.pos += 1;
                if b == 'B' && self.flags.unicode {
                    // V8 lets an empty match of `\B` start inside a surrogate pair
                    // (`/\B/u.test("a\u{10400}a")` is true), which the spec does not: refused
                    // rather than answered differently from V8.
                    return Err(self
                        .err("\\B with flag u (V8 also tries it inside a surrogate pair)".into()));
                }
                if self.flags.ignore_case && self.flags.unicode {
                    return Err(self.err(
                        "\\b/\\B with flags i and u (JS then counts U+017F and U+212A as word characters)".into(),
                    ));
                }
                self.last_look = if b == 'b' {
                    Look::WordAscii
                } else {
                    Look::WordAsciiNegate
                };
                return Ok(None);
            }
            Some('k') if self.flags.unicode || self.named => {
                return Err(self.err(
                    "named backreferences are not supported by the linear-time engine".into(),
                ))
            }
            Some('1'..='9') => {
                // A backreference when it names a group; without u (Annex B) otherwise a
                // legacy octal escape, or the digit itself for \8 and \9.
                let mut i = self.pos;
                let mut v: usize = 0;
                while let Some(d) = digit(self.chars.get(i).copied(), 10) {
                    v = v.saturating_mul(10).saturating_add(d as usize);
                    i += 1;
                }
                if self.flags.unicode || v <= self.groups {
                    return Err(self
                        .err("backreferences are not supported by the linear-time engine".into()));
                }
                if c >= '8' as u32 {
                    self.pos += 1;
                    return Ok(Some(self.literal(c)));
                }
                let v = self.octal();
                return Ok(Some(self.literal(v)));
            }
            _ => {}
        }
        Ok(Some(match self.class_escape()? {
            Atom::Char(ch) => self.literal(ch),
            Atom::Set(s) => self.set_node(s),
        }))
    }

    /// A legacy octal escape at the cursor (up to three digits, value ≤ 0o377).
    fn octal(&mut self) -> u32 {
        let mut v = digit(self.peek(), 8).unwrap_or(0);
        self.pos += 1;
        if let Some(d) = digit(self.peek(), 8) {
            v = v * 8 + d;
            self.pos += 1;
            if v < 32 {
                if let Some(d) = digit(self.peek(), 8) {
                    v = v * 8 + d;
                    self.pos += 1;
                }
            }
        }
        v
    }

    /// The escapes shared by atoms and classes (cursor after the `\`).
    fn class_escape(&mut self) -> Result<Atom> {
        let c = self
            .peek()
            .ok_or_else(|| self.err("\\ at end of pattern".into()))?;
        let max = self.flags.max();
        let word = || {
            let mut w = vec![(0x30, 0x39), (0x41, 0x5A), (0x5F, 0x5F), (0x61, 0x7A)];
            if self.flags.unicode && self.flags.ignore_case {
                w.extend([(0x17F, 0x17F), (0x212A, 0x212A)]);
            }
            Set::new(w)
        };
        let ch = char::from_u32(c).unwrap_or('\u{FFFD}');
        if ch.is_ascii_digit() {
            // In a class: \0 is NUL; other digits are legacy octal, \8 and \9 the digits.
            if self.flags.unicode && (ch != '0' || digit(self.peek_at(1), 10).is_some()) {
                return Err(self.err(format!("invalid escape \\{ch}")));
            }
            if ch == '0' && digit(self.peek_at(1), 10).is_none() {
                self.pos += 1;
                return Ok(Atom::Char(0));
            }
            if ch >= '8' {
                self.pos += 1;
                return Ok(Atom::Char(c));
            }
            return Ok(Atom::Char(self.octal()));
        }
        self.pos += 1;
        Ok(match ch {
            'd' => Atom::Set(Set::new(vec![(0x30, 0x39)])),
            'D' => Atom::Set(Set::new(vec![(0x30, 0x39)]).negate(max)),
            'w' => Atom::Set(word()),
            'W' => Atom::Set(word().negate(max)),
            's' => Atom::Set(js_space()),
            'S' => Atom::Set(js_space().negate(max)),
            'n' => Atom::Char(0x0A),
            'r' => Atom::Char(0x0D),
            't' => Atom::Char(0x09),
            'v' => Atom::Char(0x0B),
            'f' => Atom::Char(0x0C),
            'c' => match self.peek().and_then(char::from_u32) {
                Some(l) if l.is_ascii_alphabetic() => {
                    self.pos += 1;
                    Atom::Char((l as u32) % 32)
                }
                _ if !self.flags.unicode => {
                    // Annex B: `\c` not followed by a letter is a literal backslash.
                    self.pos -= 1;
                    Atom::Char('\\' as u32)
                }
                _ => return Err(self.err("invalid \\c escape".into())),
            },
            'x' => match self.hex_digits(2) {
                Some(v) => Atom::Char(v),
                None if !self.flags.unicode => Atom::Char('x' as u32),
                None => return Err(self.err("invalid \\x escape".into())),
            },
            'u' => self.unicode_escape()?,
            'p' | 'P' if self.flags.unicode => {
                let set = self.property()?;
                Atom::Set(if ch == 'P' { set.negate(max) } else { set })
            }
            other => {
                if self.flags.unicode && !"^$\\.*+?()[]{}|/-".contains(other) {
                    return Err(self.err(format!("invalid escape \\{other}")));
                }
                Atom::Char(c)
            }
        })
    }

    /// `{Name}` or `{name=Value}` after `\p`: the set from `regex-syntax`'s Unicode tables.
    fn property(&mut self) -> Result<Set> {
        if !is(self.peek(), '{') {
            return Err(self.err("invalid property escape".into()));
        }
        let close = self.chars[self.pos..]
            .iter()
            .position(|&c| c == '}' as u32)
            .ok_or_else(|| self.err("unterminated property escape".into()))?;
        let name: String = self.chars[self.pos + 1..self.pos + close]
            .iter()
            .filter_map(|&c| char::from_u32(c))
            .collect();
        self.pos += close + 1;
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '=')
        {
            return Err(self.err(format!("invalid property name {name:?}")));
        }
        let value = name.rsplit('=').next().unwrap_or("");
        // Surrogate code points (lone surrogates under `u`) have gc=Cs and script Unknown;
        // `regex-syntax` classes hold scalar values only, so they are added here.
        let surrogates = matches!(
            value,
            "Cs" | "Surrogate" | "C" | "Other" | "Any" | "Assigned" | "Zzzz" | "Unknown"
        ) && (name == value
            || name.starts_with("gc=")
            || name.starts_with("General_Category=")
            || value == "Zzzz"
            || value == "Unknown");
        let mut ranges: Vec<(u32, u32)> = if value == "Cs" || value == "Surrogate" {
            Vec::new()
        } else {
            let hir = regex_syntax::ParserBuilder::new()
                .build()
                .parse(&format!("\\p{{{name}}}"))
                .map_err(|e| {
                    self.err(format!(
                        "property {name:?} has no table in the engine's Unicode data ({e})"
                    ))
                })?;
            match hir.kind() {
                regex_syntax::hir::HirKind::Class(Class::Unicode(c)) => c
                    .ranges()
                    .iter()
                    .map(|r| (r.start() as u32, r.end() as u32))
                    .collect(),
                regex_syntax::hir::HirKind::Literal(l) => std::str::from_utf8(&l.0)
                    .ok()
                    .and_then(|s| s.chars().next())
                    .map(|c| vec![(c as u32, c as u32)])
                    .unwrap_or_default(),
                _ => return Err(self.err(format!("property {name:?} is not a class"))),
            }
        };
        if surrogates {
            ranges.push(SURROGATES);
        }
        Ok(Set::new(ranges))
    }

    fn hex_digits(&mut self, n: usize) -> Option<u32> {
        let mut v = 0u32;
        for k in 0..n {
            v = v * 16 + digit(self.peek_at(k), 16)?;
        }
        self.pos += n;
        Some(v)
    }

    /// `\u` escapes (cursor after the `u`).
    fn unicode_escape(&mut self) -> Result<Atom> {
        if self.flags.unicode && is(self.peek(), '{') {
            let close = self.chars[self.pos..]
                .iter()
                .position(|&c| c == '}' as u32)
                .ok_or_else(|| self.err("unterminated \\u{…}".into()))?;
            let digits: String = self.chars[self.pos + 1..self.pos + close]
                .iter()
                .filter_map(|&c| char::from_u32(c))
                .collect();
            let v = u32::from_str_radix(&digits, 16)
                .ok()
                .filter(|v| *v <= 0x10FFFF && !digits.is_empty())
                .ok_or_else(|| self.err(format!("invalid \\u{{{digits}}}")))?;
            self.pos += close + 1;
            return Ok(Atom::Char(v));
        }
        let Some(v) = self.hex_digits(4) else {
            if self.flags.unicode {
                return Err(self.err("invalid \\u escape".into()));
            }
            return Ok(Atom::Char('u' as u32));
        };
        if self.flags.unicode
            && (0xD800..0xDC00).contains(&v)
            && is(self.peek(), '\\')
            && is(self.peek_at(1), 'u')
        {
            // With u, an escaped pair is one code point.
            let save = self.pos;
            self.pos += 2;
            if let Some(lo) = self.hex_digits(4) {
                if (0xDC00..0xE000).contains(&lo) {
                    return Ok(Atom::Char(0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00)));
                }
            }
            self.pos = save;
        }
        Ok(Atom::Char(v))
    }

    fn class(&mut self) -> Result<Node> {
        self.pos += 1; // '['
        let negated = is(self.peek(), '^');
        if negated {
            self.pos += 1;
        }
        let mut ranges: Vec<(u32, u32)> = Vec::new();
        let add = |atom: Atom, ranges: &mut Vec<(u32, u32)>| match atom {
            Atom::Char(x) => ranges.push((x, x)),
            Atom::Set(s) => ranges.extend(s.0),
        };
        loop {
            let Some(c) = self.peek() else {
                return Err(self.err("unterminated character class".into()));
            };
            if c == ']' as u32 {
                self.pos += 1;
                break;
            }
            let a = self.class_atom()?;
            if is(self.peek(), '-') && self.peek_at(1).is_some_and(|c| c != ']' as u32) {
                self.pos += 1;
                let b = self.class_atom()?;
                match (a, b) {
                    (Atom::Char(x), Atom::Char(y)) => {
                        if x > y {
                            return Err(self.err("range out of order in character class".into()));
                        }
                        ranges.push((x, y));
                    }
                    (a, b) => {
                        if self.flags.unicode {
                            return Err(self.err("invalid character class range".into()));
                        }
                        // Annex B: a class escape in a range makes `-` a literal.
                        add(a, &mut ranges);
                        ranges.push(('-' as u32, '-' as u32));
                        add(b, &mut ranges);
                    }
                }
            } else {
                add(a, &mut ranges);
            }
        }
        let mut set = Set::new(ranges);
        if self.flags.ignore_case {
            set = case_closure(&set, self.flags);
        }
        Ok(Node::Class(if negated {
            set.negate(self.flags.max())
        } else {
            set
        }))
    }

    fn class_atom(&mut self) -> Result<Atom> {
        let c = self
            .peek()
            .ok_or_else(|| self.err("unterminated character class".into()))?;
        self.pos += 1;
        if c != '\\' as u32 {
            return Ok(Atom::Char(c));
        }
        match self.peek().and_then(char::from_u32) {
            Some('b') => {
                self.pos += 1;
                Ok(Atom::Char(0x08))
            }
            Some('-') => {
                self.pos += 1;
                Ok(Atom::Char('-' as u32))
            }
            Some('c') if !self.flags.unicode => {
                // Annex B: inside a class `\c` also takes digits and `_`.
                match self.peek_at(1).and_then(char::from_u32) {
                    Some(l) if l.is_ascii_alphanumeric() || l == '_' => {
                        self.pos += 2;
                        Ok(Atom::Char((l as u32) % 32))
                    }
                    _ => Ok(Atom::Char('\\' as u32)),
                }
            }
            Some('B') if self.flags.unicode => Err(self.err("invalid escape \\B in class".into())),
            Some('B') => {
                self.pos += 1;
                Ok(Atom::Char('B' as u32))
            }
            Some('k') if !self.flags.unicode => {
                self.pos += 1;
                Ok(Atom::Char('k' as u32))
            }
            _ => self.class_escape(),
        }
    }
}

/// The HIR of a node over the key bytes (see the module doc).
pub fn to_hir(node: &Node, joined: bool) -> Hir {
    match node {
        Node::Empty => Hir::empty(),
        Node::Literal(c) => {
            let mut b = Vec::with_capacity(4);
            super::units::push_code_point(&mut b, *c);
            Hir::literal(b)
        }
        Node::Class(set) => class_hir(set),
        Node::Look(l) => Hir::look(match (*l, joined) {
            (Look::Start, true) => Look::StartLF,
            (Look::End, true) => Look::EndLF,
            (l, _) => l,
        }),
        Node::Concat(v) => Hir::concat(v.iter().map(|n| to_hir(n, joined)).collect()),
        Node::Alt(v) => Hir::alternation(v.iter().map(|n| to_hir(n, joined)).collect()),
        Node::Repeat {
            sub,
            min,
            max,
            greedy,
        } => Hir::repetition(Repetition {
            min: *min,
            max: *max,
            greedy: *greedy,
            sub: Box::new(to_hir(sub, joined)),
        }),
    }
}

/// A set of characters as bytes: scalar values as a Unicode class (compiled to UTF-8 by
/// the engine), surrogates as their 3-byte forms `ED A0..BF 80..BF`.
fn class_hir(set: &Set) -> Hir {
    let mut scalars = Vec::new();
    let mut alts = Vec::new();
    for &(a, b) in &set.0 {
        let (outside, inside) = split_surrogates(a, b);
        for (x, y) in outside {
            if let (Some(x), Some(y)) = (char::from_u32(x), char::from_u32(y)) {
                scalars.push(ClassUnicodeRange::new(x, y));
            }
        }
        if let Some((x, y)) = inside {
            alts.extend(surrogate_hirs(x, y));
        }
    }
    if !scalars.is_empty() {
        let cls = ClassUnicode::new(scalars);
        alts.insert(
            0,
            match cls.to_byte_class() {
                Some(bytes) => Hir::class(Class::Bytes(bytes)),
                None => Hir::class(Class::Unicode(cls)),
            },
        );
    }
    match alts.len() {
        0 => Hir::fail(),
        1 => alts.pop().unwrap_or_else(Hir::fail),
        _ => Hir::alternation(alts),
    }
}

/// The byte sequences of the surrogates `a..=b` (within D800..DFFF).
fn surrogate_hirs(a: u32, b: u32) -> Vec<Hir> {
    let mid = |u: u32| 0x80 | ((u >> 6) & 0x3F) as u8;
    let low = |u: u32| 0x80 | (u & 0x3F) as u8;
    let range =
        |x: u8, y: u8| Hir::class(Class::Bytes(ClassBytes::new([ClassBytesRange::new(x, y)])));
    let seq = |m0: u8, m1: u8, l0: u8, l1: u8| {
        Hir::concat(vec![Hir::literal([0xEDu8]), range(m0, m1), range(l0, l1)])
    };
    let (ma, mb) = (mid(a), mid(b));
    if ma == mb {
        return vec![seq(ma, ma, low(a), low(b))];
    }
    let mut out = Vec::new();
    let mut first = ma;
    if low(a) != 0x80 {
        out.push(seq(ma, ma, low(a), 0xBF));
        first += 1;
    }
    let mut last = mb;
    let tail = low(b) != 0xBF;
    if tail {
        last -= 1;
    }
    if first <= last {
        out.push(seq(first, last, 0x80, 0xBF));
    }
    if tail {
        out.push(seq(mb, mb, 0x80, low(b)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cache::units;

    /// Whether `/src/flags` matches `key` (both Rust strings; `\\uXXXX` escapes in `src`
    /// reach the parser as escapes).
    fn m(src: &str, flags: &str, key: &[u16]) -> bool {
        let re = JsRegex::parse(&units::from_str(src), flags).unwrap();
        let r = regex_automata::meta::Regex::builder()
            .configure(regex_automata::meta::Config::new().utf8_empty(false))
            .build_from_hir(&re.to_hir(false))
            .unwrap();
        let bytes = units::encode(key);
        let mut view = Vec::new();
        if re.flags.unicode {
            units::to_wtf8(&bytes, &mut view);
        } else {
            view = bytes;
        }
        r.is_match(&view)
    }

    fn ms(src: &str, flags: &str, key: &str) -> bool {
        m(src, flags, &units::from_str(key))
    }

    fn err(src: &str, flags: &str) -> bool {
        JsRegex::parse(&units::from_str(src), flags).is_err()
    }

    #[test]
    fn js_classes_are_ascii() {
        assert!(!ms(r"\d", "", "٣"));
        assert!(!ms(r"\w", "", "é"));
        assert!(ms(r"\s", "", "\u{FEFF}"));
        assert!(!ms(r"\s", "", "\u{85}"));
        assert!(ms(r"\bfoo\b", "", "é foo"));
        assert!(ms(r"\bfoo", "", "éfoo"));
        assert!(ms(r"é|\B", "", "aéb"));
        assert!(!ms(r"\B", "", "aéb"));
        assert!(ms(r"\B", "", "é"));
    }

    #[test]
    fn non_boundary_with_u_is_refused() {
        // V8 answers `/\B/u.test("a\u{10400}a")` true (an empty match between the halves).
        assert!(err(r"\B", "u"));
        assert!(err(r"x*\B", "su"));
        assert!(!err(r"\B", ""));
        assert!(!err(r"\b", "u"));
        assert!(!err(r"[\b]", "u"));
    }

    #[test]
    fn dot_and_anchors() {
        assert!(!ms("a.b", "", "a\rb"));
        assert!(!ms("a.b", "", "a\u{2028}b"));
        assert!(ms("a.b", "s", "a\rb"));
        assert!(!ms("^b", "", "a\nb"));
        assert!(ms("^b", "m", "a\rb"));
        assert!(ms("a$", "m", "a\u{2029}b"));
        assert!(!ms("a$", "", "a\n"));
        assert!(err(r"a^b", "m"));
        assert!(err(r"(^a)", "m"));
        assert!(ms("^.$", "", "\u{D7FF}") && !ms("^.$", "", "😀") && ms("^..$", "", "😀"));
        assert!(ms("^.$", "u", "😀"));
        assert!(m("^.$", "u", &[0xD800]));
    }

    #[test]
    fn case_insensitive() {
        assert!(ms("K", "i", "k"));
        assert!(!ms("k", "i", "\u{212A}"));
        assert!(ms("k", "iu", "\u{212A}"));
        assert!(ms("[a-c]", "i", "B"));
        assert!(ms("é", "i", "É"));
        assert!(ms("\u{01C5}", "i", "\u{01C6}"));
        assert!(!ms("s", "i", "\u{017F}"));
        assert!(ms("é", "iu", "É"));
        assert!(ms(r"\P{Lu}", "iu", "A"));
        assert!(ms(r"\P{ASCII}", "iu", "k") && !ms(r"\P{ASCII}", "iu", "a"));
        assert!(!ms(r"[^\P{Lu}]", "iu", "a") && !ms(r"[^\P{Lu}]", "iu", "A"));
        assert!(!ms(r"\W", "iu", "S") && !ms(r"\W", "iu", "\u{017F}"));
        assert!(ms(r"\w", "iu", "\u{017F}"));
        assert!(!ms(r"\W", "i", "k"));
    }

    #[test]
    fn surrogates_and_code_units() {
        let pair = units::from_str("😀");
        assert!(m(r"^\uD83D", "", &pair));
        assert!(!m(r"^\uD83D", "u", &pair));
        assert!(m(r"\uD83D", "u", &[0x61, 0xD83D]));
        assert!(m(r"\uD83D\uDE00", "u", &pair));
        assert!(m(r"\u{1F600}", "u", &pair));
        assert!(!m(r"^\uFFFD", "", &[0xD800]));
        assert!(!m(r"[^\uD800-\uDFFF]", "u", &[0xD800]));
        assert!(m(r"[^\uD800-\uDFFF]", "u", &pair));
        // A literal lone surrogate in the source.
        let src = [0x5B, 0xD800, 0x2D, 0xFFFF, 0x5D]; // [\uD800-\uFFFF]
        let re = JsRegex::parse(&src, "").unwrap();
        assert!(matches!(&re.node, Node::Class(s) if s.contains(0xE000) && s.contains(0xD800)));
        assert!(!ms(r"\p{Cs}", "u", "a") && m(r"\p{Cs}", "u", &[0xDC00]));
        assert!(m(r"\P{L}", "u", &[0xDC00]));
    }

    #[test]
    fn annex_b_escapes() {
        assert!(ms(r"\1", "", "\u{1}"));
        assert!(ms(r"\8", "", "8"));
        assert!(ms(r"\01", "", "\u{1}"));
        assert!(ms(r"[\1]", "", "\u{1}"));
        assert!(ms(r"(a)\12", "", "a\n"));
        assert!(ms(r"\377", "", "\u{FF}"));
        assert!(ms(r"\400", "", " 0"));
        assert!(ms(r"[\08]", "", "8") && !ms(r"[\08]", "", "\\"));
        assert!(ms(r"a{", "", "a{"));
        assert!(ms(r"a{2}", "", "aa"));
        assert!(ms(r"a{,2}", "", "a{,2}"));
        assert!(ms(r"\u0041", "", "A"));
        assert!(ms(r"\u{3}", "", "uuu"));
        assert!(ms(r"[\b]", "", "\u{8}"));
        assert!(!ms(r"[]", "", "x"));
        assert!(ms(r"[^]", "", "\n"));
        assert!(ms(r"]", "", "]"));
        assert!(ms(r"[\w-]", "", "-"));
        assert!(ms(r"\cJ", "", "\n"));
        assert!(ms(r"\k", "", "k"));
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
            (r"\b", "iu"),
            (r"(?i:a)", ""),
            (r"\p{CWKCF}", "u"),
        ] {
            let e = JsRegex::parse(&units::from_str(src), flags).unwrap_err();
            assert_eq!(e.code(), "ERR_PATTERN_UNSUPPORTED", "{src} {flags}");
        }
    }

    #[test]
    fn prefixes() {
        let p = |s: &str, f: &str| {
            JsRegex::parse(&units::from_str(s), f)
                .unwrap()
                .literal_prefix()
        };
        assert_eq!(p("^client:42:", ""), (units::from_str("client:42:"), true));
        assert_eq!(
            p(r"^client:1\d*:", ""),
            (units::from_str("client:1"), false)
        );
        assert_eq!(p("^a", "i").0, Vec::<u16>::new());
        assert_eq!(p("^:a", "y"), (units::from_str(":a"), true));
        assert_eq!(p("^😀", "u"), (units::from_str("😀"), true));
        assert_eq!(p(r"^\uD83D", "u"), (vec![0xD83D], false));
        assert_eq!(p(r"^\uD83D", ""), (vec![0xD83D], true));
        assert_eq!(p("^a", "m").0, Vec::<u16>::new());
    }
}
