"""The learned content model: block decisions no rule makes, taken from labelled pages.

Rules stay first: keyword rules, DOM hints, the headline and escaped markup decide what
they match.  Every other block gets a probability of being content from gradient-boosted
trees (``rules/content-model.json``, trained by ``bench/train_model.py``) over the
features of :mod:`cleaner.content.blockfeatures`, which include what the hand-set scorer
made of the block.  The probabilities are smoothed over the page (a Viterbi pass: a
keep/drop state that changes only where the evidence outweighs ``switch_cost``) and cut
at the threshold of the page's type.  Each drop is a hit of ``ML101`` (scraped text) or
``ML102`` (HTML) with the probability and the features that weighed most.

The model file is data like a rule pack: its header holds the training-data hash, the
feature list, the parameters it was chosen with and the cross-validated figures; a
file whose feature list is not :data:`~cleaner.content.blockfeatures.FEATURES` is refused.
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Mapping, Sequence

from cleaner.content.blockfeatures import (CONTEXT, FEATURES, PAGE_VECTOR, PageFacts, Unit, context_rows,
                                           page_rows, page_vector)
from cleaner.content.forest import Forest
from cleaner.model import DROP, KEEP, Block, Decision
from cleaner.rules import builtin_rules_dir

FORMAT = "clean-articles-content-model/1"
#: The page types the page-type forest tells apart, in its class order.
PAGE_CLASSES = ("article", "forum", "service", "product", "listing", "documentation", "collection")
MODEL_FILE = "content-model.json"
TEXT_CODE, HTML_CODE = "ML101", "ML102"
#: DOM decisions the model never overrides: the hints (HT1xx), the headline, escaped markup.
FIRM_DOM = ("HT1", "HT205", "HT207")
_WORD = re.compile(r"\w")


class ModelError(ValueError):
    """A content-model file that cannot be used; the message says which and why."""


@dataclass(frozen=True)
class Stages:
    """The two forests of one input: the first reads a block's row; the second reads it
    with the first's probabilities around it (:func:`~cleaner.content.blockfeatures.context_rows`)."""

    first: Forest
    second: Forest | None = None

    def proba(self, rows: Sequence[Sequence[float]]) -> tuple[list[float], list[list[float]]]:
        """The probability of content of each row, and the rows the deciding forest read
        (what an explanation reads)."""
        if not rows:
            return [], []
        p1 = [p[0] for p in self.first.proba(rows)]
        if self.second is None:
            return p1, list(rows)
        ctx = context_rows(rows, p1)
        return [p[0] for p in self.second.proba(ctx)], ctx

    @property
    def last(self) -> Forest:
        return self.second or self.first


@dataclass(frozen=True)
class ContentModel:
    """The loaded model: two stages per input kind, the page-type forest, the header."""

    text: Stages
    html: Stages
    types: Forest     # the page-type classifier
    header: Mapping

    @classmethod
    def from_dict(cls, data: Mapping, source: str = "<model>") -> "ContentModel":
        if data.get("format") != FORMAT:
            raise ModelError(f"{source}: not a content model of format {FORMAT!r}")
        header = data.get("header") or {}
        if tuple(header.get("features", ())) != FEATURES or tuple(header.get("context_features", ())) != CONTEXT \
                or tuple(header.get("page_vector", ())) != PAGE_VECTOR:
            raise ModelError(f"{source}: trained on other features than this version reads; retrain it "
                             f"(bench/train_model.py)")
        try:
            stages = {k: Stages(Forest(data[k]["stage1"]), Forest(data[k]["stage2"]) if "stage2" in data[k] else None)
                      for k in ("text", "html")}
            return cls(stages["text"], stages["html"], Forest(data["page_type"]), header)
        except (KeyError, TypeError, ValueError) as e:
            raise ModelError(f"{source}: {e}") from e

    def stages(self, kind: str) -> Stages:
        return self.html if kind == "html" else self.text

    def page_type(self, rows: Sequence[Sequence[float]]) -> tuple[str, float]:
        """The page's type and its probability, from its open blocks' rows."""
        probs = self.types.proba([page_vector(rows)])[0]
        best = max(range(len(probs)), key=lambda k: (probs[k], -k))
        return PAGE_CLASSES[best], probs[best]


@lru_cache(maxsize=8)
def load_model(path: str | None = None) -> ContentModel:
    """The model in ``path`` (default: the built-in one), read once per process."""
    p = Path(path) if path else builtin_rules_dir() / MODEL_FILE
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise ModelError(f"{p}: cannot read the content model: {e}") from e
    return ContentModel.from_dict(data, str(p))


# -- units --------------------------------------------------------------------------------

def text_units(blocks: Sequence[Block], closed: set[int]) -> list[Unit]:
    """The units of scraped-text blocks after the hand-set scorer; ``closed`` are the
    blocks a rule decided (or the headline).  A joined block's text is read as the output
    will have it, each line without its edge spaces: cleaning the output again must see
    the same units."""
    return [Unit(_as_output(b.text), b.tag, b.link_chars, b.hints, 0, 0, b.text.count("\n"),
                 "ruled" if b.final == DROP and i in closed else b.label, b.final != DROP, i in closed)
            for i, b in enumerate(blocks)]


def _as_output(text: str) -> str:
    return "\n".join(line.strip() for line in text.split("\n")) if "\n" in text else text


def wordless(text: str) -> bool:
    """A block without a word (symbols, a stray escape): the rules' to decide, not the model's."""
    return not _WORD.search(text)


def dom_units(page, decisions: Sequence[Decision]) -> tuple[list[Unit], list[int]]:
    """The units of a page's DOM blocks and the indexes the model decides."""
    paths: dict[str, int] = {}
    for b in page.blocks:
        paths[b.path] = paths.get(b.path, 0) + 1
    units, open_ = [], []
    for i, (b, d) in enumerate(zip(page.blocks, decisions)):
        firm = b.tag == "title" or d.code.startswith(FIRM_DOM) or not _WORD.search(b.text)
        if not firm:
            open_.append(i)
        units.append(Unit(b.text, b.tag, b.link_chars, b.hints, len(b.ancestors), b.heading_level, b.breaks,
                          d.label, d.keep, firm, paths[b.path] - 1))
    return units, open_


def facts(html: bool, title: str, signals, heuristic_type: str) -> PageFacts:
    """Page-level inputs from the page-type signals (:class:`cleaner.content.pagetype.Signals`)."""
    s = (float(len(signals.declared)), float(signals.longest_run), float(signals.code), float(signals.prices),
         float(signals.dates), float(signals.labels), float(signals.cards))
    return PageFacts(html, title, s, heuristic_type)


def rows(units: Sequence[Unit], stopwords: frozenset[str], page: PageFacts) -> list[list[float]]:
    return page_rows(units, stopwords, page)


# -- decisions ----------------------------------------------------------------------------

def logit(p: float) -> float:
    p = min(max(p, 1e-9), 1 - 1e-9)
    return math.log(p / (1 - p))


def smooth(probs: Sequence[float], threshold: float, switch_cost: float) -> list[bool]:
    """Keep or drop each unit in page order: the state sequence maximising the summed
    evidence (log-odds of content against the threshold's) less ``switch_cost`` for every
    change of state (Viterbi over two states; ``switch_cost`` 0 is a plain cut)."""
    n = len(probs)
    if not n:
        return []
    bias = logit(threshold)
    ev = [logit(p) - bias for p in probs]
    if switch_cost <= 0:
        return [e >= 0 for e in ev]
    # score[s]: best total ending in state s (1 keep, 0 drop); back[i][s]: previous state.
    keep, drop = ev[0], 0.0
    back: list[tuple[int, int]] = []
    for e in ev[1:]:
        k_from = (keep, 1) if keep >= drop - switch_cost else (drop - switch_cost, 0)
        d_from = (drop, 0) if drop >= keep - switch_cost else (keep - switch_cost, 1)
        keep, drop = k_from[0] + e, d_from[0]
        back.append((d_from[1], k_from[1]))
    state = 1 if keep >= drop else 0
    out = [False] * n
    for i in range(n - 1, -1, -1):
        out[i] = bool(state)
        if i:
            state = back[i - 1][state]
    return out


def tie_runs(probs: Sequence[float], texts: Sequence[str]) -> list[float]:
    """A run of consecutive blocks of one text takes the mean of their probabilities.

    A line repeated in a row ("Read more" under "Read more") is one thing, kept or dropped
    as a whole.  Decided copy by copy, the copies at the run's ends (whose neighbours
    differ) fall first, the next pass sees new ends, and the run erodes pass after pass
    instead of reaching its fixed point.  Copies apart from each other stay apart: a
    headline repeated at the page's foot is not the headline's evidence."""
    out = list(probs)
    keys = [" ".join(t.split()).casefold() for t in texts]
    start = 0
    for k in range(1, len(keys) + 1):
        if k == len(keys) or keys[k] != keys[start]:
            if k - start > 1:
                mean = sum(probs[start:k]) / (k - start)
                out[start:k] = [mean] * (k - start)
            start = k
    return out


def _params(rule) -> tuple[float, float, Mapping[str, float]]:
    p = rule.params
    types = {k[len("threshold_"):]: v for k, v in p.items() if k.startswith("threshold_")}
    return p["threshold"], p["switch_cost"], types


#: Column names of the second stage's rows, for explanations.
NAMES = (*FEATURES, *CONTEXT)


def _why(forest: Forest, row: Sequence[float], prob: float, cut: float, top: int = 3) -> str:
    """The probability against the cut, and the features that pushed hardest toward a drop."""
    contrib = forest.contributions(row)
    worst = sorted(range(len(contrib)), key=contrib.__getitem__)[:top]  # stable: nsmallest's order
    named = ", ".join(f"{NAMES[i]}={row[i]:.3g}" for i in worst if contrib[i] < 0)
    return f"p(content)={prob:.2f} < {cut:.2f}" + (f"; weighed most: {named}" if named else "")


@dataclass(frozen=True)
class Judgement:
    """The model's reading of one page: its type, and a keep or drop per open block."""

    page_type: str
    confidence: float
    cut: float
    keep: list[bool]
    probs: list[float]
    rows: list[list[float]]   # the second stage's rows, for explanations

    def why(self, model: ContentModel, kind: str, k: int) -> str:
        """Why the ``k``-th open block was dropped."""
        return _why(model.stages(kind).last, self.rows[k], self.probs[k], self.cut)


def judge(model: ContentModel, kind: str, rows_: Sequence[Sequence[float]], open_: Sequence[int],
          rule, units: Sequence[Unit]) -> Judgement:
    """Page type, probabilities, the smoothed keep of each open block at its type's cut.

    Recall first: when the model would keep less than ``guard_min_chars`` of the open
    blocks' text, the blocks the hand-set scorer kept stay as well (a page of a headline
    and one paragraph is rare in training, and losing it is worse than a stray line)."""
    threshold, switch, types = _params(rule)
    open_rows = [rows_[i] for i in open_]
    ptype, conf = model.page_type(open_rows)
    cut = types.get(ptype, threshold)
    probs, ctx = model.stages(kind).proba(open_rows)
    probs = tie_runs(probs, [units[i].text for i in open_])
    keep = smooth(probs, cut, switch)
    if sum(len(units[i].text) for i, k in zip(open_, keep) if k) < rule.params["guard_min_chars"]:
        keep = [k or units[i].kept for i, k in zip(open_, keep)]
    return Judgement(ptype, conf, cut, keep, probs, ctx)


def decide_blocks(model: ContentModel, blocks: list[Block], open_: Sequence[int],
                  rows_: Sequence[Sequence[float]], rule, units: Sequence[Unit]) -> Judgement:
    """Text: the model's keep or drop of each open block (a drop names ML101)."""
    j = judge(model, "text", rows_, open_, rule, units)
    for k, i in enumerate(open_):
        b = blocks[i]
        if j.keep[k]:
            b.final, b.code, b.reason = KEEP, "", ""
        else:
            b.final, b.code, b.reason = DROP, rule.code, j.why(model, "text", k)
    return j


def decide_dom(model: ContentModel, decisions: list[Decision], open_: Sequence[int],
               rows_: Sequence[Sequence[float]], rule, units: Sequence[Unit]) -> Judgement:
    """HTML: the model's keep or drop of each open DOM block (a drop names ML102)."""
    j = judge(model, "html", rows_, open_, rule, units)
    for k, i in enumerate(open_):
        d = decisions[i]
        if j.keep[k]:
            decisions[i] = Decision(True, rule.code, rule.name, f"p(content)={j.probs[k]:.2f} >= {j.cut:.2f}",
                                    d.label)
        else:
            decisions[i] = Decision(False, rule.code, rule.name, j.why(model, "html", k), d.label)
    return j


def record_type(metadata: dict, j: Judgement) -> None:
    """The learned page type and its probability into a document's metadata."""
    metadata["page_type"] = j.page_type
    metadata["page_type_confidence"] = round(j.confidence, 3)
    metadata["page_type_reason"] = f"content model, p={j.confidence:.2f}"


def summary(model: ContentModel, kind: str) -> list[str]:
    """What ``rules show ML101`` prints of the model: its training and cross-validated figures."""
    h = model.header
    st = model.stages(kind)
    second = f", then {st.second.n_trees} over {len(CONTEXT)} context columns" if st.second else ""
    lines = [f"model: {st.first.n_trees} trees over {len(FEATURES)} features{second}, "
             f"trained by {h.get('trained_by', '?')} "
             f"on data {str(h.get('data_hash', '?'))[:16]}",
             f"page types: {', '.join(PAGE_CLASSES)}",
             "cross-validated by site (out of fold):"]
    for name, m in sorted((h.get("cv_figures") or {}).get(kind, {}).items()):
        rates = "" if m.get("keep") is None else f", keep {m['keep']:.3f}, drop {m['drop']:.3f}"
        lines.append(f"  {name}: {m['n']} pages, F1 {m['f1']:.3f}{rates}")
    return lines
