//! Python's character semantics from the generated tables (see gen_tables.py).
#![allow(clippy::unreadable_literal)]
mod tables {
    include!(concat!(env!("OUT_DIR"), "/tables.rs"));
}
pub use tables::UNIDATA_VERSION;

pub const WORD: u8 = 1; // re \w
pub const LETTER: u8 = 2; // re [^\W\d_]
pub const RE_SPACE: u8 = 4; // re \s
pub const SPACE: u8 = 8; // str.isspace (str.strip)
pub const LOWER: u8 = 16; // str.islower
pub const UPPER: u8 = 32; // str.isupper
const SIGMA_CASED: u8 = 64; // cased and not case-ignorable (str.lower's final-sigma test)
const SIGMA_IGNORABLE: u8 = 128; // case-ignorable (skipped by that test)

#[inline]
pub fn flags(c: char) -> u8 {
    let cp = c as usize;
    let block = tables::FLAG_INDEX[cp / tables::BLOCK] as usize;
    tables::FLAG_DATA[block * tables::BLOCK + cp % tables::BLOCK]
}

#[inline]
pub fn has(c: char, flag: u8) -> bool {
    flags(c) & flag != 0
}

/// `c.lower()` (full mapping: "İ" gives two characters), pushed onto `out`.
#[inline]
pub fn push_lower(c: char, out: &mut Vec<char>) {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
        return;
    }
    let cp = c as usize;
    let block = tables::LOWER_INDEX[cp / tables::BLOCK] as usize;
    let id = tables::LOWER_DATA[block * tables::BLOCK + cp % tables::BLOCK] as usize;
    if id == 0 {
        out.push(c);
        return;
    }
    for k in 0..tables::LOWER_LEN[id] as usize {
        out.push(char::from_u32(tables::LOWER_MAP[3 * id + k]).expect("table holds code points"));
    }
}

/// Number of characters `c.lower()` has.
#[inline]
pub fn lower_len(c: char) -> usize {
    if c.is_ascii() {
        return 1;
    }
    let cp = c as usize;
    let block = tables::LOWER_INDEX[cp / tables::BLOCK] as usize;
    let id = tables::LOWER_DATA[block * tables::BLOCK + cp % tables::BLOCK] as usize;
    if id == 0 { 1 } else { tables::LOWER_LEN[id] as usize }
}

/// Python's `str.lower()` of `chars`, final sigma included (CPython's handle_capital_sigma).
pub fn lower(chars: &[char]) -> Vec<char> {
    let mut out = Vec::with_capacity(chars.len());
    for (i, &c) in chars.iter().enumerate() {
        if c == '\u{3a3}' {
            out.push(if final_sigma(chars, i) { '\u{3c2}' } else { '\u{3c3}' });
        } else {
            push_lower(c, &mut out);
        }
    }
    out
}

fn final_sigma(chars: &[char], i: usize) -> bool {
    // The first character before that is not case-ignorable must be cased ...
    let before = chars[..i].iter().rev().map(|&c| flags(c)).find(|f| f & SIGMA_IGNORABLE == 0);
    if !matches!(before, Some(f) if f & SIGMA_CASED != 0) {
        return false;
    }
    // ... and the first one after, if any, must not be.
    match chars[i + 1..].iter().map(|&c| flags(c)).find(|f| f & SIGMA_IGNORABLE == 0) {
        Some(f) => f & SIGMA_CASED == 0,
        None => true,
    }
}

/// `str.strip()`: without the `str.isspace` characters at either end.
pub fn strip(chars: &[char]) -> &[char] {
    let start = chars.iter().position(|&c| !has(c, SPACE)).unwrap_or(chars.len());
    let end = chars.iter().rposition(|&c| !has(c, SPACE)).map_or(start, |e| e + 1);
    &chars[start..end.max(start)]
}

pub fn is_ascii(chars: &[char]) -> bool {
    chars.iter().all(|c| c.is_ascii())
}

/// Runs of `re` word characters: (start, end) indexes.
pub fn word_runs(chars: &[char]) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < chars.len() && !has(chars[i], WORD) {
            i += 1;
        }
        if i >= chars.len() {
            return None;
        }
        let start = i;
        while i < chars.len() && has(chars[i], WORD) {
            i += 1;
        }
        Some((start, i))
    })
}

// cleaner/content/chars.py: CJK_RANGES and SPACELESS_RANGES (tests/test_native.py checks them).
pub fn is_cjk(c: char) -> bool {
    matches!(c, '\u{3040}'..='\u{30ff}' | '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}'
        | '\u{ac00}'..='\u{d7af}' | '\u{f900}'..='\u{faff}')
}

pub fn is_spaceless(c: char) -> bool {
    matches!(c, '\u{0e00}'..='\u{0eff}' | '\u{1000}'..='\u{109f}' | '\u{1780}'..='\u{17ff}')
}
