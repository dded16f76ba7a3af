//! The dedupe keys: cleaner/content/textkey.py `key` and `keys_where_shared`.
use crate::chars::{self, has, WORD};

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
