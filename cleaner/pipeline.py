"""The pipeline, top to bottom: decode, repair, segment, drop, strip, substitute, dedupe,
assemble.

:class:`Cleaner` holds the loaded rules (immutable after construction) and is safe to
share between threads; :func:`clean` uses a default instance.  Every stage returns
edits or block decisions; :class:`_Working` turns them into hits, so each change names its
rule and its span in the input, and replaying the hits rebuilds the output.
"""
from __future__ import annotations

from functools import cached_property, lru_cache, partial
from pathlib import Path
from typing import Iterable, Iterator, Sequence

from cleaner import classify, dedupe, inline, repair, segment
from cleaner.decode import decode_bytes, unwrap
from cleaner.edits import Edit, apply_edits, assemble, map_to_source, resolve_overlaps
from cleaner.lang import LanguageDetector, stopwords
from cleaner.model import DROP, FLAG, KEEP, REPAIR, Block, CleanResult, Hit
from cleaner.rules import Rule, RuleError, load_rules, select_rules
from cleaner.score import ScoreParams, score_blocks

# Codes of the decisions made by code; their rules in the packs carry names and messages.
SCORE_CODES = {"low": "BS101", "context": "BS102", "window": "BS103", "repeat": "BS104", "headline": "BS105"}
GUARD_CODE = "BS106"
DEDUPE_CODES = {"repeat": "DU101", "standfirst": "DU102"}
SCORE_PARAMS_CODE = "BS101"
DECODE_FALLBACK_CODE = "EN101"
SAFETY_VALVE_CODE = "SV001"
HEADLINE_CODE = "HT205"
TITLE_MAX_CHARS = 300
MAX_REPAIR_PASSES = 4
MAX_BLOCK_PASSES = 3


_new_hit = partial(tuple.__new__, Hit)  # a Hit from all its fields, without NamedTuple's Python __new__


class _Working:
    """The text as it passes through the stages, with offset maps and the hits so far."""

    def __init__(self, text: str):
        self.input = text
        self.text = text
        self.maps = []
        self.hits: list[Hit] = []
        self.stage = 0

    def _record(self, changes: Sequence[tuple[Edit, Rule, str, str]]) -> None:
        """A hit for each ``(edit, rule, action, detail)`` on the current text, its span
        mapped back to the input in one pass per earlier stage."""
        starts = [c[0].start for c in changes]
        ends = [c[0].end for c in changes]
        src_starts = map_to_source(starts, self.maps)
        src_ends = map_to_source(ends, self.maps, end=True)
        text, stage, hits = self.text, self.stage, self.hits
        for (edit, rule, action, detail), start, end, src_start, src_end in zip(changes, starts, ends, src_starts, src_ends):
            hits.append(_new_hit((rule.code, rule.name, action, start, end, text[start:end], edit.after, rule.message,
                                  stage, src_start, src_end, detail)))

    def flag(self, rule: Rule, start: int, end: int, detail: str = "") -> None:
        self._record([(Edit(start, end, self.text[start:end]), rule, FLAG, detail)])

    def commit(self, changes: Sequence[tuple[Edit, Rule, str, str]]) -> None:
        """Apply one stage's non-overlapping edits and record a hit for each."""
        if not changes:
            return
        changes = sorted(changes, key=lambda c: (c[0].start, c[0].end))
        self._record(changes)
        self.text, offset_map = apply_edits(self.text, [c[0] for c in changes])
        self.maps.append(offset_map)
        self.stage += 1


class Cleaner:
    """A configured cleaner: which packs, which rules, which profile.

    >>> Cleaner().clean("Title\\n\\nAdvertisement\\n\\nThe body of the story goes on here, as bodies do.").text
    'Title\\n\\nThe body of the story goes on here, as bodies do.\\n'
    """

    def __init__(self, rule_dirs: Iterable[Path | str] = (), *, select: Iterable[str] = (),
                 ignore: Iterable[str] = (), profile: str = "default", builtin: bool = True,
                 rules: Sequence[Rule] | None = None):
        """Load the built-in packs and ``rule_dirs`` (or take already loaded ``rules``)."""
        if rules is None:
            rules = load_rules([Path(d) for d in rule_dirs], builtin=builtin)
        self.all_rules = tuple(rules)
        self.rules = tuple(select_rules(self.all_rules, select, ignore, profile))
        self.by_code = {r.code: r for r in self.all_rules}
        self.enabled = frozenset(r.code for r in self.rules)
        params = self.by_code.get(SCORE_PARAMS_CODE)
        self.score_params = ScoreParams.from_params(params.params if params else {})
        dedupe_rule = self.by_code.get(DEDUPE_CODES["repeat"])
        self.dedupe_params = dict(dedupe_rule.params) if dedupe_rule else {}
        self.detector = LanguageDetector()
        langs = {lang for r in self.rules for lang in r.langs if lang != "*"} | {"en"}
        self._by_lang = {lang: self._rules_for(lang) for lang in langs}
        self._by_lang["*"] = self._rules_for("*")

    def _rules_for(self, lang: str) -> dict:
        out: dict[str, list[Rule]] = {}
        for r in self.rules:
            if r.applies_to(lang):
                out.setdefault(r.kind, []).append(r)
        by_kind: dict = {k: tuple(v) for k, v in out.items()}
        by_kind["matcher"] = classify.BlockMatcher(by_kind.get("drop-block", ()))
        return by_kind

    def _rule_lang(self, language: str) -> str:
        """Whose rules apply: the language's own, English when it is unknown, else the
        language-free ones."""
        return language if language in self._by_lang else ("en" if language in ("und", "") else "*")

    def rules_of(self, kind: str, lang: str) -> tuple[Rule, ...]:
        return self._by_lang.get(lang, self._by_lang["*"]).get(kind, ())

    def block_matcher(self, lang: str) -> classify.BlockMatcher:
        return self._by_lang.get(lang, self._by_lang["*"])["matcher"]

    def on(self, code: str) -> bool:
        return code in self.enabled

    def clean_iter(self, docs: Iterable[dict], *, text_field: str = "text") -> Iterator[dict]:
        """Generator step over ``{id, text, metadata}`` dicts: each comes back cleaned, with
        its language, hits per rule, byline, agency and date in ``metadata`` (see
        :mod:`cleaner.stream`)."""
        from cleaner.stream import clean_iter

        return clean_iter(self, docs, text_field)

    @cached_property
    def html_rules(self):
        """The ``html`` pack compiled for the HTML path (loaded on first HTML page)."""
        from cleaner import html

        return html.compile_html_rules(self.all_rules, self.enabled)

    # -- the pipeline -----------------------------------------------------------------
    def clean(self, data: str | bytes, *, lang: str | None = None, html: bool = False) -> CleanResult:
        """Clean one page: scraped text (``str``, or ``bytes`` in any encoding) or, with
        ``html=True``, an HTML page (``bytes`` may be gzipped; the charset is detected)."""
        if html:
            return self._clean_html(data, lang)
        fallback = None
        if isinstance(data, bytes):
            data, fallback = decode_bytes(data)
        doc = _Working(data)
        if fallback and self.on(DECODE_FALLBACK_CODE):
            doc.flag(self.by_code[DECODE_FALLBACK_CODE], 0, 0, f"decoded as {fallback}")
        language = lang or self.detector.detect(doc.text)
        rule_lang = self._rule_lang(language)

        self._repair(doc, rule_lang)
        # Block decisions depend on neighbours, and a dropped neighbour changes them: the
        # block passes repeat on what is left until nothing more goes, so cleaning the
        # output again changes nothing (idempotence). Usually the second pass finds nothing.
        checked: set[str] = set()  # block texts no keyword rule matched: not tested again
        measured: dict = {}  # block texts' features, for the scorer's next pass
        for n in range(MAX_BLOCK_PASSES):
            stage = doc.stage
            blocks = segment.split_lines(doc.text)
            blocks, guard = self._decide_blocks(blocks, doc.text, rule_lang, language, checked, measured)
            if guard and n == 0 and self.on(GUARD_CODE):
                doc.flag(self.by_code[GUARD_CODE], 0, 0, guard)
            self._edit_blocks(doc, blocks, rule_lang, flags=n == 0)
            if doc.stage == stage:
                break
        text = assemble(doc.text)
        return self._result(doc, text, language)

    def _clean_html(self, data: str | bytes, lang: str | None) -> CleanResult:
        """HTML: the DOM gives the blocks and their hints, and picks the main content;
        the text stages (repair, keyword rules, dedupe, inline rules) then run as for text."""
        from cleaner import html

        rules = self.html_rules
        raw = data if isinstance(data, str) else html.markup_of(unwrap(data))
        page = html.parse_html(raw, rules)
        language = lang or html.detect_language(page, rules, detector=self.detector)
        decisions = html.select_main(page, rules, lang=language)
        rule_lang = self._rule_lang(language)
        doc = _Working(page.text)
        # Stage 1: the DOM's drops, so the text stages only see (and repair) what is kept.
        drops, kept, headline_kept = [], [], False
        for i, ((start, end), hb, d) in enumerate(zip(page.block_offsets(), page.blocks, decisions)):
            if d.code == HEADLINE_CODE and not headline_kept:
                kept.append((i, hb, "title"))  # the headline stays, once, first
                headline_kept = True
            elif not d.keep and self.on(d.code):
                drops.append((Edit(start, end, ""), self.by_code[d.code], DROP, d.reason))
            else:
                kept.append((i, hb, hb.tag))
        doc.commit(drops)
        self._repair(doc, rule_lang)
        # Repairs keep line breaks, so block i is still line 2i.
        line_spans = list(segment.lines(doc.text))
        blocks: list[Block] = []
        for i, hb, tag in kept:
            start, end = line_spans[2 * i]
            if start < end:
                blocks.append(Block(start, end, doc.text[start:end], tag=tag, hints=hb.hints,
                                    link_chars=hb.link_chars, final=KEEP if tag == "title" else ""))
        classify.apply_block_rules(blocks, self.block_matcher(rule_lang), _lowered(doc.text))
        if any(self.on(c) for c in DEDUPE_CODES.values()):
            # The DOM decides repeats (HT206); a recurring paragraph is the article's own.
            dedupe.mark_repeats(blocks, self.dedupe_params, DEDUPE_CODES, repeats=False)
        for b in blocks:
            if not b.final:
                b.final = KEEP
        self._edit_blocks(doc, blocks, rule_lang)
        return self._result(doc, assemble(doc.text), language)

    def _repair(self, doc: _Working, lang: str) -> None:
        """Unicode repair (ftfy, gated), then the ``repair`` rules one after another.

        One repair can make work for another (removing a zero-width space between "Ã" and
        "©" makes mojibake; removing a space before a full stop makes two stops meet), so
        the passes repeat until the text stops changing, like ftfy's own loop. A rule runs
        only when its required literals occur in the text."""
        rules = self.rules_of("repair", lang)
        for _ in range(MAX_REPAIR_PASSES):
            stage = doc.stage
            changes = [(e, self.by_code[code], REPAIR, detail)
                       for e, code, detail in repair.unicode_edits(doc.text) if self.on(code)]
            doc.commit(changes)
            lowered = doc.text.lower()
            for rule in rules:
                if rule.may_match(lowered):
                    before = doc.stage
                    doc.commit([(e, rule, REPAIR, "") for e in repair.pattern_edits(doc.text, rule)])
                    if doc.stage != before:
                        lowered = doc.text.lower()
            if doc.stage == stage:
                return

    def _decide_blocks(self, blocks: list[Block], text: str, lang: str, language: str,
                       checked: set[str] | None = None, measured: dict | None = None) -> tuple[list[Block], str]:
        """Keyword rules first, then the headline, repeated paragraphs and the scorer.

        Repeats are found before scoring so a repeated standfirst is attributed to the
        dedupe rule, not to the scorer.  Returns the blocks and the over-prune guard's note
        ("" when it did not fire)."""
        matcher, lowered = self.block_matcher(lang), _lowered(text)
        classify.apply_block_rules(blocks, matcher, lowered, checked)
        classify.apply_run_rules(blocks, self.rules_of("drop-run", lang))
        blocks = segment.join_fragments(blocks, text, self.score_params.join_long_line)
        # Joined blocks are new texts; single lines were checked above.
        classify.apply_block_rules([b for b in blocks if "\n" in b.text], matcher, lowered, checked)
        title = next((b for b in blocks if not b.final), None)
        if title is not None and len(title.text) <= TITLE_MAX_CHARS:
            title.tag = "title"
        if any(self.on(c) for c in DEDUPE_CODES.values()):
            dedupe.mark_repeats(blocks, self.dedupe_params, DEDUPE_CODES)
        guard = ""
        if any(self.on(c) for c in SCORE_CODES.values()):
            guard = score_blocks(blocks, stopwords(language), self.score_params, SCORE_CODES, measured)
        for b in blocks:
            if b.final == DROP and not self.on(b.code):
                b.final, b.code, b.reason = KEEP, "", ""
        return blocks, guard

    def _edit_blocks(self, doc: _Working, blocks: Sequence[Block], lang: str, *, flags: bool = True) -> None:
        """One stage of edits: dropped blocks, then inline strips and substitutions
        (and, when ``flags``, the warnings of ``flag`` rules)."""
        changes: list[tuple[Edit, Rule, str, str]] = []
        for b in blocks:
            if b.final == DROP:
                changes.append((Edit(b.start, b.end, ""), self.by_code[b.code], DROP, b.reason))
        kinds = ("strip", "substitute", "flag") if flags else ("strip", "substitute")
        inline_rules = [r for k in kinds for r in self.rules_of(k, lang)]
        found = list(inline.matches(doc.text, blocks, inline_rules))
        flags = [m for m in found if m[4] == FLAG]
        edits = [m for m in found if m[4] != FLAG]
        for i in resolve_overlaps((s, e, r.order) for s, e, _, r, _ in edits):
            s, e, after, rule, action = edits[i]
            changes.append((Edit(s, e, after), rule, action, ""))
        for s, e, _, rule, _ in flags:
            doc.flag(rule, s, e)
        doc.commit(changes)

    def _result(self, doc: _Working, text: str, language: str) -> CleanResult:
        removed = 1.0 - (len(text.strip()) / len(doc.input.strip())) if doc.input.strip() else 0.0
        if self.on(SAFETY_VALVE_CODE) and removed > self.by_code[SAFETY_VALVE_CODE].params["min_removed_share"]:
            rule = self.by_code[SAFETY_VALVE_CODE]
            doc.hits.append(Hit(rule.code, rule.name, FLAG, 0, 0, "", "", rule.message, doc.stage, 0, 0,
                                f"{removed:.0%} of the text removed"))
        hits = tuple(sorted(doc.hits, key=lambda h: (h.src_start, h.src_end, h.stage)))
        return CleanResult(text=text, hits=hits, language=language, input_text=doc.input,
                           metadata={"removed_share": round(max(removed, 0.0), 4)})


def _lowered(text: str) -> str | None:
    """``text.lower()`` when it keeps every offset (it does unless a character such as 'İ'
    grows), else None."""
    lowered = text.lower()
    return lowered if len(lowered) == len(text) else None


@lru_cache(maxsize=1)
def default_cleaner() -> Cleaner:
    """The cleaner with the built-in packs and the default profile, built once per process."""
    return Cleaner()


def clean(data: str | bytes, *, lang: str | None = None) -> CleanResult:
    """Clean one document with the built-in rules: ``clean(text).text``, ``.hits``, ``.language``."""
    return default_cleaner().clean(data, lang=lang)


# Text repair only: the unicode, whitespace and machine-translation packs (no block drops).
REPAIR_SELECT = ("UC", "WS", "MT")


@lru_cache(maxsize=1)
def repair_cleaner() -> Cleaner:
    """A cleaner that only repairs text: broken Unicode, stray escapes, spacing, MT garbles."""
    return Cleaner(select=REPAIR_SELECT)


def repair_text(data: str | bytes, *, lang: str | None = None) -> CleanResult:
    r"""Repair one text without removing any block: ``repair_text(text).text`` and ``.hits``.

    >>> repair_text("The cafÃ© said the the plan , which \u200bworks.", lang="en").text.strip()
    'The café said the plan, which works.'
    """
    return repair_cleaner().clean(data, lang=lang)


__all__ = ["Cleaner", "RuleError", "clean", "default_cleaner", "repair_text"]
