"""Main-content detection: score blocks, revise by neighbours, keep the main body.

Three passes over the blocks the keyword rules left undecided (after jusText):

1. a context-free label from the block's own features: length, stopword density,
   sentence-likeness (a language-free stand-in for stopwords), link density, boilerplate
   words -> ``good``, ``neargood``, ``short`` or ``bad``;
2. a context pass: ``short`` and ``neargood`` blocks take the class of their nearest
   decided neighbours, so a subheading between paragraphs stays and a "Photo: ..." line
   among menus goes;
3. the main-body window: the maximum-sum run of blocks (good counts plus, bad minus), which
   drops prose-like strays far from the article (newsletter blurbs, bios, comments).

Every decision names its rule code and the measured value against the threshold.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping, Sequence

from cleaner.model import DROP, Block

KEEP = "keep"
_WORD = re.compile(r"\w+")
_SPACES = re.compile(r"\s+")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
_SENTENCE_END = re.compile(r"[.!?\u3002\uff01\uff1f][\"'\u201d\u2019)\]]*\s*$")


@dataclass(frozen=True)
class ScoreParams:
    """Thresholds of the scorer; the values come from the ``score`` rules of the packs."""

    length_low: int = 70
    length_high: int = 200
    stopwords_low: float = 0.30
    stopwords_high: float = 0.32
    sentence_lower_share: float = 0.6
    max_link_density: float = 0.2
    boilerplate_words: tuple[str, ...] = ()
    boilerplate_max_chars: int = 200
    foot_weight: float = 0.5

    @classmethod
    def from_params(cls, params: Mapping) -> "ScoreParams":
        known = {k: v for k, v in params.items() if k in cls.__dataclass_fields__}
        if "boilerplate_words" in known:
            known["boilerplate_words"] = tuple(known["boilerplate_words"])
        return cls(**known)


def features(block: Block, stopwords: frozenset[str]) -> dict:
    # Layout is not content: runs of whitespace count as one space, so a block and the same
    # block in the cleaned output (lines re-spaced by assemble) measure the same length.
    text = _SPACES.sub(" ", block.text).strip()
    # Counted over match iterators, never lists of words: a page that is one 50 MB line
    # must not hold millions of word objects at once.
    n_words = n_stop = 0
    for m in _WORD.finditer(text.lower()):
        n_words += 1
        n_stop += m.group() in stopwords
    cjk = sum(1 for _ in _CJK.finditer(text))
    length = len(text) if cjk < len(text) / 4 else cjk * 3  # a CJK character carries a word
    stop = n_stop / n_words if n_words else 0.0
    n_alpha = n_lower = 0
    for m in _WORD.finditer(text):
        first = text[m.start()]
        if first.isalpha():
            n_alpha += 1
            n_lower += first.islower()
    lower = n_lower / n_alpha if n_alpha else 0.0
    sentence = bool(_SENTENCE_END.search(text)) and (lower >= 0.4 or cjk > 10)
    link = block.link_chars / len(text) if text else 0.0
    return {"length": length, "stop": stop, "lower": lower, "sentence": sentence, "link": link}


def _has_boilerplate(text: str, words: tuple[str, ...]) -> str:
    low = text.lower()
    return next((w for w in words if w in low), "")


def label(block: Block, f: dict, p: ScoreParams) -> tuple[str, str]:
    """Context-free class of a block and the reason."""
    text = block.text
    if f["link"] > p.max_link_density:
        return "bad", f"link density {f['link']:.2f} > {p.max_link_density}"
    bp = _has_boilerplate(text, p.boilerplate_words) if f["length"] <= p.boilerplate_max_chars else ""
    if bp:
        return "bad", f"boilerplate word {bp!r} in a short block"
    density = max(f["stop"], 0.4 if f["sentence"] else 0.0)
    if f["length"] < p.length_low:
        return "short", f"{f['length']} chars < {p.length_low}"
    if f["sentence"]:
        return "good", f"reads as sentences ({f['lower']:.0%} lower-case words)"
    if density >= p.stopwords_high:
        if f["length"] >= p.length_high or f["sentence"]:
            return "good", f"stopword density {f['stop']:.2f}, sentence {f['sentence']}"
        return "neargood", f"{f['length']} chars < {p.length_high}"
    if density >= p.stopwords_low:
        return "neargood", f"stopword density {density:.2f} >= {p.stopwords_low}"
    return "bad", f"stopword density {f['stop']:.2f} < {p.stopwords_low}, not a sentence"


WINDOW_ROUNDS = 4
RULED = "ruled"  # dropped by a keyword rule: boilerplate, but never a neighbour that counts


def _nearest(labels: Sequence[str], step: int) -> list[str]:
    """For each block, the nearest ``good``/``bad`` label in direction ``step`` ("bad" at the edge).

    One pass, so a page of thousands of short lines costs linear time, not a rescan per block.
    """
    out = [""] * len(labels)
    last = "bad"
    order = range(len(labels)) if step > 0 else range(len(labels) - 1, -1, -1)
    for i in order:
        out[i] = last
        if labels[i] in ("good", "bad"):
            last = labels[i]
    return out


def revise(labels: list[str]) -> list[str]:
    """jusText's context pass: short and near-good blocks follow their neighbours.

    Blocks dropped by keyword rules are skipped when looking for neighbours: a subheading
    after a "Read also:" line still sits between two paragraphs.
    """
    out = list(labels)
    before, after = _nearest(labels, 1), _nearest(labels, -1)
    for i, lab in enumerate(labels):
        if lab not in ("short", "neargood"):
            continue
        prev, nxt = before[i], after[i]
        if lab == "short":
            out[i] = "good" if prev == nxt == "good" else "bad"
        else:
            out[i] = "good" if "good" in (prev, nxt) else "bad"
    return out


def body_window(blocks: Sequence[Block], revised: Sequence[str], p: ScoreParams) -> tuple[int, int]:
    """Maximum-sum run of blocks (Kadane), weighting good text plus and bad text minus.

    Blocks in the last fifth of the page weigh less, so a long legal footer cannot win.
    """
    n = len(blocks)
    best, best_lo, best_hi = 0.0, 0, -1
    cur, lo = 0.0, 0
    for i, (b, lab) in enumerate(zip(blocks, revised)):
        size = min(len(b.text), 1000) ** 0.5
        w = size if lab == "good" else -size
        if lab == "good" and n > 5 and i > 0.8 * n:
            w *= p.foot_weight
        if b.final == DROP:
            w = -size * 0.5
        if cur <= 0:
            cur, lo = w, i
        else:
            cur += w
        if cur > best:
            best, best_lo, best_hi = cur, lo, i
    return best_lo, best_hi


def score_blocks(blocks: Sequence[Block], stopwords: frozenset[str], p: ScoreParams,
                 codes: Mapping[str, str]) -> None:
    """Decide every block no rule has decided. ``codes`` maps ``low``, ``context``, ``window``."""
    labels: list[str] = []
    reasons: list[str] = []
    for b in blocks:
        if b.final == DROP:
            labels.append(RULED)
            reasons.append("")
            continue
        f = features(b, stopwords)
        b.features.update(f)
        lab, why = ("good", "headline") if b.tag == "title" else label(b, f, p)
        b.label = lab
        labels.append(lab)
        reasons.append(why)
    # Blocks the window leaves out are gone from the page, so they cannot vouch for a short
    # neighbour: repeat context pass and window until the window stands still (else cleaning
    # the output again would drop the short block the first pass kept).
    context = list(labels)
    window = None
    for _ in range(WINDOW_ROUNDS):
        revised = revise(context)
        lo, hi = body_window(blocks, revised, p)
        if (lo, hi) == window:
            break
        window = (lo, hi)
        context = [RULED if lab == "good" and not lo <= i <= hi and blocks[i].tag != "title" else lab
                   for i, lab in enumerate(labels)]
    for i, b in enumerate(blocks):
        if b.final:
            continue
        if b.tag == "title":
            b.final = KEEP
            continue
        if revised[i] == "bad":
            b.final = DROP
            if labels[i] == "bad":
                b.code, b.reason = codes["low"], reasons[i]
            else:
                b.code, b.reason = codes["context"], f"{labels[i]} block among boilerplate ({reasons[i]})"
        elif not lo <= i <= hi:
            b.final, b.code, b.reason = DROP, codes["window"], f"outside the main body (blocks {lo}-{hi})"
        else:
            b.final = KEEP
