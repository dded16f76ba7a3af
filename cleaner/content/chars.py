"""Character classes of the content core, defined once: which characters count as CJK
(a CJK character carries a word, so length is counted in characters) and which end a
sentence.

``repair`` keeps a wider class of its own (``stages/repair.py``): it asks whether a
fullwidth character stands in CJK *typography* (punctuation, kana, Hangul jamo, fullwidth
forms), not whether a block is CJK prose.
"""
from __future__ import annotations

import re

# Kana, CJK ideographs (with extension A and the compatibility block) and Hangul syllables.
CJK_RANGES = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
CJK = re.compile(f"[{CJK_RANGES}]")

# Sentence-final punctuation: Latin, CJK fullwidth, Arabic question mark, Devanagari danda;
# closing quotes and brackets may follow it.
SENTENCE_MARKS = ".!?:\u3002\uff01\uff1f\u061f\u0964"
CLOSERS = "\"'\u201d\u2019\u00bb)\\]"
SENTENCE_END = re.compile(f"[{SENTENCE_MARKS}][{CLOSERS}]*\\s*$")
