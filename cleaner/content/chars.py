"""Character classes of the content core, defined once: which characters count as CJK
(a CJK character carries a word, so length is counted in characters), which scripts write
no spaces between words, and which characters end a sentence.

``repair`` keeps a wider class of its own (``stages/repair.py``): it asks whether a
fullwidth character stands in CJK *typography* (punctuation, kana, Hangul jamo, fullwidth
forms), not whether a block is CJK prose.
"""
from __future__ import annotations

import re

# Kana, CJK ideographs (with extension A and the compatibility block) and Hangul syllables.
CJK_RANGES = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
CJK = re.compile(f"[{CJK_RANGES}]")

# Thai, Lao, Myanmar and Khmer write no space between words (a space ends a phrase, and
# Thai and Lao mark no sentence end at all): their paragraphs are measured in characters,
# and a long run of them reads as prose without a full stop.
SPACELESS_RANGES = "\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff"
SPACELESS = re.compile(f"[{SPACELESS_RANGES}]")
SPACELESS_WORD_CHARS = 4  # characters of a word in these scripts, roughly: words = chars / 4

# Sentence-final punctuation: Latin, CJK fullwidth, Arabic question mark, Devanagari danda,
# Khmer khan and bariyoosan, Myanmar section mark; closing quotes and brackets may follow it.
SENTENCE_MARKS = ".!?:\u3002\uff01\uff1f\u061f\u0964\u17d4\u17d5\u104b"
CLOSERS = "\"'\u201d\u2019\u00bb)\\]"
SENTENCE_END = re.compile(f"[{SENTENCE_MARKS}][{CLOSERS}]*\\s*$")
