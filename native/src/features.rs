//! The scorer's per-block features: cleaner/content/score.py `features` and
//! `_features_streaming`, step for step (the Python twin is the reference).
use crate::chars::{self, has, LETTER, LOWER, RE_SPACE, UPPER, WORD};
use std::collections::HashSet;

const LONG_TEXT: usize = 100_000;

pub struct Features {
    pub length: usize,
    pub stop: f64,
    pub lower: f64,
    pub sentence: bool,
    pub link: f64,
}

pub struct Params {
    pub length_low: usize,
    pub sentence_lower_share: f64,
}

/// `_SPACES.sub(" ", text)` (runs of `re` \s become one space).
fn collapse_spaces(chars: &[char]) -> Vec<char> {
    let mut out = Vec::with_capacity(chars.len());
    let mut in_space = false;
    for &c in chars {
        if has(c, RE_SPACE) {
            if !in_space {
                out.push(' ');
            }
            in_space = true;
        } else {
            out.push(c);
            in_space = false;
        }
    }
    out
}

/// `lowers_by_word`: do the words of text.lower() equal the lower-cased words?
pub fn lowers_by_word(chars: &[char]) -> bool {
    chars::is_ascii(chars)
        || (chars.iter().map(|&c| chars::lower_len(c)).sum::<usize>() == chars.len() && !chars.contains(&'\u{3a3}'))
}

/// `_long_spaceless`: a long run of a script without word spaces.
pub fn long_spaceless(chars: &[char], length_low: usize) -> bool {
    if chars::is_ascii(chars) || chars.len() < length_low {
        return false;
    }
    2 * chars.iter().filter(|&&c| chars::is_spaceless(c)).count() > chars.len()
}

/// `_SENTENCE_END.search(text)`: `[marks][closers]*\s*$`.
fn sentence_end(chars: &[char]) -> bool {
    let mut end = chars.len();
    while end > 0 && has(chars[end - 1], RE_SPACE) {
        end -= 1;
    }
    while end > 0 && "\"'\u{201d}\u{2019}\u{bb})]".contains(chars[end - 1]) {
        end -= 1;
    }
    end > 0 && ".!?:\u{3002}\u{ff01}\u{ff1f}\u{61f}\u{964}\u{17d4}\u{17d5}\u{104b}".contains(chars[end - 1])
}

/// `_INNER_BREAK.search(text)`: `\w\w[.!?]["'”’)]?\s+["'“‘(]?[^\W\d_]`.  Each optional
/// part is taken when present (its characters can stand for nothing that follows it), so
/// one forward pass decides every start.
fn inner_break(chars: &[char]) -> bool {
    let n = chars.len();
    for i in 2..n {
        if !matches!(chars[i], '.' | '!' | '?') || !has(chars[i - 1], WORD) || !has(chars[i - 2], WORD) {
            continue;
        }
        let mut j = i + 1;
        if j < n && matches!(chars[j], '"' | '\'' | '\u{201d}' | '\u{2019}' | ')') {
            j += 1;
        }
        let spaces = j;
        while j < n && has(chars[j], RE_SPACE) {
            j += 1;
        }
        if j == spaces {
            continue;
        }
        if j < n && matches!(chars[j], '"' | '\'' | '\u{201c}' | '\u{2018}' | '(') {
            j += 1;
        }
        if j < n && has(chars[j], LETTER) {
            return true;
        }
    }
    false
}

/// Stopwords among the words of `chars` lower-cased whole (`\w+` of `text.lower()`).
fn count_lowered(chars: &[char], stopwords: &HashSet<String>, buf: &mut String) -> (usize, usize) {
    let low = chars::lower(chars);
    let (mut words, mut stop) = (0, 0);
    for (s, e) in chars::word_runs(&low) {
        buf.clear();
        buf.extend(&low[s..e]);
        words += 1;
        stop += stopwords.contains(buf.as_str()) as usize;
    }
    (words, stop)
}

/// Stopwords among the words of `chars`, each word lower-cased alone.
fn count_by_word(chars: &[char], stopwords: &HashSet<String>, buf: &mut String) -> (usize, usize) {
    let (mut words, mut stop) = (0, 0);
    for (s, e) in chars::word_runs(chars) {
        buf.clear();
        buf.extend(chars::lower(&chars[s..e]));
        words += 1;
        stop += stopwords.contains(buf.as_str()) as usize;
    }
    (words, stop)
}

fn ratio(a: usize, b: usize) -> f64 {
    a as f64 / b as f64
}

pub fn features(raw: &[char], link_chars: i64, stopwords: &HashSet<String>, p: &Params) -> Features {
    let collapsed;
    let mut text = raw;
    if raw.contains(&'\n') || raw.contains(&'\t') || raw.windows(2).any(|w| w == [' ', ' ']) {
        collapsed = collapse_spaces(raw);
        text = &collapsed;
    }
    let text = chars::strip(text);
    let n = text.len();
    let streaming = n > LONG_TEXT;
    let ascii = chars::is_ascii(text);
    let cjk = if ascii { 0 } else { text.iter().filter(|&&c| chars::is_cjk(c)).count() };
    let mut buf = String::new();
    let (words, stop) = if !streaming && lowers_by_word(text) {
        count_by_word(text, stopwords, &mut buf)
    } else {
        count_lowered(text, stopwords, &mut buf)
    };
    // Initials: first characters of words that are letters.
    let (mut initials, mut n_lower, mut n_upper, mut n_either) = (0usize, 0usize, 0usize, 0usize);
    for (s, _) in chars::word_runs(text) {
        let c = text[s];
        if has(c, LETTER) {
            initials += 1;
            n_lower += has(c, LOWER) as usize;
            n_upper += has(c, UPPER) as usize;
            n_either += (has(c, LOWER) || has(c, UPPER)) as usize;
        }
    }
    let length = if 4 * cjk < n { n } else { cjk * 3 };
    let lower = if streaming {
        if n_either > 0 { ratio(n_lower, n_either) } else { 1.0 }
    } else {
        let cased = n_lower + n_upper;
        if cased > 0 { ratio(n_lower, cased) } else if initials > 0 { 1.0 } else { 0.0 }
    };
    let ends = if streaming {
        sentence_end(&text[n.saturating_sub(200)..]) || inner_break(text)
            || long_spaceless(&text[..n.min(10_000)], p.length_low)
    } else {
        sentence_end(text) || inner_break(text) || long_spaceless(text, p.length_low)
    };
    Features {
        length,
        stop: if words > 0 { ratio(stop, words) } else { 0.0 },
        lower,
        sentence: ends && (lower >= p.sentence_lower_share || cjk > 10),
        link: if n > 0 { link_chars as f64 / n as f64 } else { 0.0 },
    }
}
