//! The dedupe keys: cleaner/content/textkey.py `key` and `keys_where_shared`.
use crate::chars::{self, has, WORD};

/// `key` of an ASCII text, on bytes: no character buffer (most texts are ASCII).  The
/// strip needs only the spaces the substitution put: no word character is white space.
pub fn ascii_key(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut gap = false;
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b == b'_' {
            out.push(b.to_ascii_lowercase() as char);
            gap = false;
        } else if !gap {
            out.push(' ');
            gap = true;
        }
    }
    out.trim_matches(' ').to_string()
}

/// `_NON_WORD.sub(" ", text.lower()).strip()`.
pub fn key(chars: &[char]) -> String {
    let low = chars::lower(chars);
    let mut out = Vec::with_capacity(low.len());
    let mut gap = false;
    for &c in &low {
        if has(c, WORD) {
            out.push(c);
            gap = false;
        } else if !gap {
            out.push(' ');
            gap = true;
        }
    }
    chars::strip(&out).iter().collect()
}

/// The quick signature of an ASCII text: lower-cased, without ASCII punctuation and spaces.
pub fn ascii_signature(text: &str) -> String {
    text.bytes()
        .filter(|b| b.is_ascii_alphanumeric() || *b == b'_')
        .map(|b| b.to_ascii_lowercase() as char)
        .collect()
}
