"""The stages of the pipeline: each is one function ``stage(cfg, doc)`` that reads and
updates one document's :class:`Doc`.

Which stages run, in which order and which rules each owns is declared in
:mod:`cleaner.pipeline`; this module holds what each stage does.  ``cfg`` is the
configured :class:`~cleaner.pipeline.Cleaner` (loaded rules, parameters, the language
detector); a stage never changes it.
"""
from __future__ import annotations

import re

from dataclasses import dataclass, field
from typing import Any, Sequence

from cleaner.stages import classify, dedupe, html, inline, repair, segment, structure
from cleaner.stages.decode import decode_bytes, line_ends, unwrap
from cleaner.journal.edits import Edit, assemble, resolve_overlaps
from cleaner.journal import Journal
from cleaner.stages.lang import stopwords
from cleaner.model import DROP, FLAG, KEEP, REPAIR, Block
from cleaner.rules import Rule
from cleaner.content import dom, learned, pagetype
from cleaner.content.score import score_blocks

_WORDS = re.compile(r"\w+")

TITLE_MAX_CHARS = 300
MAX_REPAIR_PASSES = 4


@dataclass
class Doc:
    """One document on its way through the stages."""

    data: Any                       # what the caller gave: str or bytes
    lang: str | None = None         # the language the caller pinned, if any
    relanguage: str = ""            # the cleaned text reads as this language instead
    journal: Journal | None = None  # working text, offset maps, hits
    language: str = ""              # the detected (or pinned) language
    rule_lang: str = "*"            # whose language-scoped rules apply
    fallback: str | None = None     # the encoding used when the bytes were not UTF-8
    blocks: list[Block] = field(default_factory=list)
    lowered: str | None = None      # the working text lower-cased, while its blocks are decided
    guard: str = ""                 # the over-prune guard's note ("" when it did not fire)
    block_pass: int = 0             # which pass of a repeated group this is
    text: str = ""                  # the assembled output
    metadata: dict = field(default_factory=dict)
    # Memos kept across the passes of one document (pure results only).
    checked: set = field(default_factory=set)   # block texts no keyword rule matched
    measured: dict = field(default_factory=dict)  # block texts' scorer features
    spared: set = field(default_factory=set)    # block texts kept whole against the inline rules
    page: Any = None                # HTML: the parsed page
    decisions: list = field(default_factory=list)  # HTML: the DOM pass's decision per block
    dom_kept: list = field(default_factory=list)   # HTML: (block index, HtmlBlock, tag) kept by the DOM
    blocks_stage: int = 0           # the journal stage whose text the blocks' offsets are in
    dom_roles: dict | None = None   # HTML: each block's role by its start (see stages.structure)
    structure: tuple = ()           # the role of each output line
    capture: list | None = None     # when a list: the content model's inputs of pass 0 go there (training)
    rules_type: str = ""            # the page type the rules read (PT001), which the stages use


def lowered(text: str) -> str | None:
    """``text.lower()`` when it keeps every offset (it does unless a character such as 'İ'
    grows), else None."""
    low = text.lower()
    return low if len(low) == len(text) else None


# -- decoding and language -------------------------------------------------------------

def decode_text(cfg, doc: Doc) -> None:
    """Bytes to text (UTF-8, else detected, recorded as EN101); line ends to ``\\n``."""
    data = doc.data
    if isinstance(data, bytes):
        data, doc.fallback = decode_bytes(data)
    else:  # text given as str: the same layout as decoded bytes
        data = line_ends(data)
    doc.journal = Journal(data)
    if doc.fallback and cfg.on(cfg.codes.decode_fallback):
        doc.journal.flag(cfg.by_code[cfg.codes.decode_fallback], 0, 0, f"decoded as {doc.fallback}")


def detect_language(cfg, doc: Doc) -> None:
    """The document's language (seeded langdetect, stopword evidence first)."""
    doc.language = doc.lang or cfg.detector.detect(doc.journal.text)
    doc.rule_lang = cfg.rule_lang(doc.language)


def confirm_language(cfg, doc: Doc) -> None:
    """A page whose cleaned text is short enough that its language may read otherwise
    alone is cleaned again in the language its output reads as (``und`` when too short
    to tell): cleaning the output again would apply other rules than the first cleaning
    did (``doc.relanguage``).  For HTML too: a declared ``lang`` or a stopword of a few
    words ("a" is French, "à" and "j'" too) may not be in the text."""
    detector = cfg.detector
    if doc.lang or not detector.may_be_undetermined(doc.text):
        return
    seen = detector.detect(doc.text)
    if seen == doc.language:
        return
    if cfg.rule_lang(doc.language) == cfg.rule_lang(seen) and cfg.word_lang(doc.language) == cfg.word_lang(seen):
        doc.language = seen  # the same rules and stopwords: cleaning again would change nothing
    else:
        doc.relanguage = seen


def parse_html(cfg, doc: Doc) -> None:
    """HTML: decode (charset detection, gzip), parse with lxml, cut the DOM into blocks."""
    data = doc.data
    raw = data if isinstance(data, str) else html.markup_of(unwrap(data))
    doc.page = html.parse_html(raw, cfg.html_rules)


def detect_html_language(cfg, doc: Doc) -> None:
    """``<html lang>`` where the text agrees, else stopword evidence, else langdetect."""
    doc.language = doc.lang or html.detect_language(doc.page, cfg.html_rules, detector=cfg.detector)
    doc.rule_lang = cfg.rule_lang(doc.language)


def _page_type(cfg, text: str, signals_of) -> tuple[str, str]:
    """(page type, reason) of a document of ``text``, or ("", "") when PT001 is off or the
    text is a line or two; ``signals_of()`` measures the page only when it is needed.  The
    length is that of the non-blank lines without their edge spaces, which assembly
    strips: the output must be read as the input was (idempotence)."""
    code = cfg.codes.page_type
    if not cfg.on(code) or len("\n".join(_lines(text))) < cfg.by_code[code].params["min_chars"]:
        return "", ""
    return pagetype.classify(signals_of(), cfg.by_code[code].params)


def _lines(text: str) -> list[str]:
    """The text's non-blank lines without their edge spaces, as the output will have them:
    what the page-type signals read (cleaning the output again must read the same)."""
    return [s for s in map(str.strip, text.split("\n")) if s]


def _record_page_type(cfg, doc: Doc, kind: str, why: str) -> None:
    """Page type and reason into the metadata; a page that is not an article gets a note,
    so a reviewer sees how it was read."""
    if not kind:
        return
    doc.rules_type = kind
    doc.metadata["page_type"] = kind
    doc.metadata["page_type_reason"] = why
    if kind != pagetype.ARTICLE:
        doc.journal.note(cfg.by_code[cfg.codes.page_type], f"{kind}: {why}")


def recognise_text_page(cfg, doc: Doc) -> None:
    """What kind of page the scraped text is, from its lines (no DOM, links or declarations)."""
    text = doc.journal.text
    kind, why = _page_type(cfg, text, lambda: pagetype.measure(_lines(text)))
    _record_page_type(cfg, doc, kind, why)


def select_main_dom(cfg, doc: Doc) -> None:
    """DOM hints, the main container and window, the context pass (``html`` rules), then
    the DOM's drops as one stage of edits: the text stages only see what it kept."""
    page = doc.page
    kind, why = _page_type(cfg, page.text, lambda: pagetype.measure(**dom.page_units(page), declared=page.declared))
    decisions = dom.select_main(page, cfg.html_rules, cfg.word_lang(doc.language), kind)
    _model_html(cfg, doc, decisions, kind)
    doc.journal = Journal(page.text)
    for code, start, end, detail in html.parse_time_hits(page):  # what the parse left out
        if cfg.on(code):
            doc.journal.flag(cfg.by_code[code], start, end, detail)
    _record_page_type(cfg, doc, kind, why)
    offsets = page.block_offsets()
    rescued = _dom_fallback(cfg, page, decisions)
    if rescued >= 0:
        start, end = offsets[rescued]
        doc.journal.flag(cfg.by_code[cfg.codes.fallback], start, end,
                         f"the page selection dropped every block; kept the best-supported one "
                         f"(it was {decisions[rescued].code}: {decisions[rescued].reason})")
        decisions[rescued] = decisions[rescued]._replace(keep=True)
    drops, kept, headline_kept = [], [], False
    for i, ((start, end), hb, d) in enumerate(zip(offsets, page.blocks, decisions)):
        if d.code == cfg.codes.headline_dom and not headline_kept:
            kept.append((i, hb, "title"))  # the headline stays, once, first
            headline_kept = True
        elif not d.keep and cfg.on(d.code) and not cfg.allows(d.code, hb.text):
            drops.append((Edit(start, end, ""), cfg.by_code[d.code], DROP, d.reason))
        else:
            kept.append((i, hb, hb.tag))
    doc.journal.commit(drops)
    doc.dom_kept = kept


def _model_html(cfg, doc: Doc, decisions: list, kind: str) -> None:
    """The content model's decisions on the DOM blocks no hint, headline or markup rule
    decided; what the DOM pass made of each block is among its features."""
    model = cfg.content_model if cfg.on(learned.HTML_CODE) else None
    want = doc.capture is not None
    if model is None and not want:
        return
    page = doc.page
    units, open_ = learned.dom_units(page, decisions)
    if not open_:
        return
    facts = learned.facts(True, page.title, pagetype.measure(**dom.page_units(page), declared=page.declared), kind)
    rows = learned.rows(units, stopwords(cfg.word_lang(doc.language)), facts)
    if want:
        doc.capture.append(("html", units, rows, open_))
    if model is not None:
        learned.record_type(doc.metadata, learned.decide_dom(model, decisions, open_, rows,
                                                             cfg.by_code[learned.HTML_CODE], units))


def _dom_fallback(cfg, page, decisions) -> int:
    """The block to keep when the DOM's selection (with the headline) kept no block with
    words, or -1: a good-labelled block first, then the one with the most words."""
    if not cfg.on(cfg.codes.fallback):
        return -1
    best, best_key = -1, None
    for i, (hb, d) in enumerate(zip(page.blocks, decisions)):
        if not _WORDS.search(hb.text):
            continue
        if d.keep or d.code == cfg.codes.headline_dom or not cfg.on(d.code):
            return -1
        key = (d.label == "good", len(_WORDS.findall(hb.text)))
        if best_key is None or key > best_key:
            best, best_key = i, key
    return best


# -- repair -----------------------------------------------------------------------------

def repair_text(cfg, doc: Doc) -> None:
    """Unicode repair (ftfy, gated), then the ``repair`` rules one after another.

    One repair can make work for another (removing a zero-width space between "Ã" and
    "©" makes mojibake; removing a space before a full stop makes two stops meet), so
    the passes repeat until the text stops changing, like ftfy's own loop. A rule runs
    only when its required literals occur in the text."""
    j = doc.journal
    rules = cfg.rules_of("repair", doc.rule_lang)
    for _ in range(MAX_REPAIR_PASSES):
        stage = j.stage
        changes = [(e, cfg.by_code[code], REPAIR, detail)
                   for e, code, detail in repair.unicode_edits(j.text) if cfg.on(code)]
        j.commit(changes)
        low = j.text.lower()
        for rule in rules:
            if rule.may_match(low):
                before = j.stage
                j.commit([(e, rule, REPAIR, "") for e in repair.pattern_edits(j.text, rule)])
                if j.stage != before:
                    low = j.text.lower()
        if j.stage == stage:
            return


# -- blocks -----------------------------------------------------------------------------

def split_lines(cfg, doc: Doc) -> None:
    """One block per non-blank line of the working text."""
    doc.blocks = segment.split_lines(doc.journal.text)
    doc.blocks_stage = doc.journal.stage
    doc.lowered = lowered(doc.journal.text)


def dom_blocks(cfg, doc: Doc) -> None:
    """The blocks the DOM kept, at their place in the repaired text (repairs keep line
    breaks, and a dropped block is one empty line, so a kept block's lines are found by
    counting); the headline is decided (kept) already."""
    text = doc.journal.text
    line_spans = list(segment.lines(text))
    first_line = html.block_lines(doc.page.blocks, {i for i, _, _ in doc.dom_kept})
    blocks: list[Block] = []
    roles: dict[int, str] = {}
    for i, hb, tag in doc.dom_kept:
        first = first_line[i]
        start, end = line_spans[first][0], line_spans[first + hb.text.count("\n")][1]
        if start < end:
            blocks.append(Block(start, end, text[start:end], tag=tag, hints=hb.hints,
                                link_chars=hb.link_chars))
            roles[start] = structure.dom_role(hb, tag)
    doc.blocks = blocks
    doc.blocks_stage = doc.journal.stage
    doc.dom_roles = roles


def block_rules(cfg, doc: Doc) -> None:
    """``drop-block`` keyword rules: the first pattern that matches drops the block."""
    classify.apply_block_rules(doc.blocks, cfg.block_matcher(doc.rule_lang), doc.lowered, doc.checked)


def dom_block_rules(cfg, doc: Doc) -> None:
    """``drop-block`` keyword rules on the DOM's blocks (each block is tested anew), and on
    each line of a block of ``<br>`` lines: the output has them as lines, and the text
    path tests every line (a dateline under a ``<br>`` would go when the output is cleaned
    again).  Preformatted lines are code, never tested alone.  A block whose lines no rule
    matched stays one block."""
    matcher, low = cfg.block_matcher(doc.rule_lang), lowered(doc.journal.text)
    classify.apply_block_rules(doc.blocks, matcher, low)
    roles = doc.dom_roles or {}
    out: list[Block] = []
    for b in doc.blocks:
        role = roles.get(b.start, "p")
        if b.final or "\n" not in b.text or b.tag in ("pre", "title") or role.startswith("pre:"):
            out.append(b)
            continue
        lines = [Block(start, end, doc.journal.text[start:end], tag=b.tag, hints=b.hints,
                       link_chars=round(b.link_chars * (end - start) / max(1, len(b.text))))
                 for start, end in ((b.start + s, b.start + e) for s, e in segment.lines(b.text))
                 if doc.journal.text[start:end].strip()]
        classify.apply_block_rules(lines, matcher, None)
        if not any(line.final for line in lines):
            out.append(b)
            continue
        for line in lines:
            roles.setdefault(line.start, role)
        out.extend(lines)
    doc.blocks = out


def spare_allowed(cfg, doc: Doc) -> None:
    """A block a rule dropped but whose text is on that rule's reviewed allow list stays,
    decided, so no later stage (scoring) takes it in the rule's place.  Its text leaves
    the memo of texts no rule matched, so the next pass tests (and spares) it again."""
    if not cfg.allowing:
        return
    for b in doc.blocks:
        if b.final == DROP and cfg.allows(b.code, b.text):
            b.final, b.code, b.reason = KEEP, "", ""
            doc.checked.discard(classify.flat(b))


def run_rules(cfg, doc: Doc) -> None:
    """``drop-run`` rules: runs of blocks such as related-story lists."""
    classify.apply_run_rules(doc.blocks, cfg.rules_of("drop-run", doc.rule_lang))


def join_fragments(cfg, doc: Doc) -> None:
    """Lines that continue the sentence before them join it; the joined blocks (new
    texts) then meet the keyword rules too."""
    text = doc.journal.text
    doc.blocks = segment.join_fragments(doc.blocks, text, cfg.score_params.join_long_line)
    classify.apply_block_rules([b for b in doc.blocks if "\n" in b.text], cfg.block_matcher(doc.rule_lang),
                               doc.lowered, doc.checked)


def mark_headline(cfg, doc: Doc) -> None:
    """The first undecided block is the headline (when it is short enough to be one)."""
    title = next((b for b in doc.blocks if not b.final), None)
    if title is not None and len(title.text) <= TITLE_MAX_CHARS:
        title.tag = "title"


def dedupe_blocks(cfg, doc: Doc) -> None:
    """A paragraph repeated in the document goes (a standfirst loses its lead copy)."""
    if any(cfg.on(c) for c in cfg.codes.dedupe.values()):
        dedupe.mark_repeats(doc.blocks, cfg.dedupe_params, cfg.codes.dedupe,
                            page_type_of=lambda texts: _kept_page_type(cfg, texts))


def _kept_page_type(cfg, texts: Sequence[str]) -> str:
    """The page type of kept block texts, line by line as the output will stand."""
    lines = _lines("\n".join(texts))
    return _page_type(cfg, "\n".join(lines), lambda: pagetype.measure(lines))[0]


def dedupe_lead(cfg, doc: Doc) -> None:
    """HTML: only a standfirst's lead copy goes; the DOM decides repeated link texts
    (HT206), and a recurring paragraph of the chosen article is the article's own."""
    if any(cfg.on(c) for c in cfg.codes.dedupe.values()):
        dedupe.mark_repeats(doc.blocks, cfg.dedupe_params, cfg.codes.dedupe, repeats=False)


def score(cfg, doc: Doc) -> None:
    """Blocks no rule decided: the hand-set scorer (features, label, neighbours, the
    main-body window, the guard), then the content model re-decides them, reading what
    the scorer made of each block as features."""
    doc.guard = ""
    open_ = [i for i, b in enumerate(doc.blocks) if not b.final and b.tag != "title" and not learned.wordless(b.text)]
    modelled = cfg.on(learned.TEXT_CODE) or doc.capture is not None  # the scorer is the model's feature pass
    text = doc.journal.text
    lines = _lines(text)
    signals = pagetype.measure(lines)
    # The page type of the text as this pass has it (on pass 0 the input's, as PT001 read
    # it): cleaning the output again reads the output, so a later pass must too.
    kind = doc.rules_type if doc.block_pass == 0 else _page_type(cfg, text, lambda: signals)[0]
    if modelled or any(cfg.on(c) for c in cfg.codes.score.values()):
        doc.guard = score_blocks(doc.blocks, stopwords(cfg.word_lang(doc.language)), cfg.score_params, cfg.codes.score,
                                 doc.measured, kind)
    if doc.guard and doc.block_pass == 0 and cfg.on(cfg.codes.guard):
        doc.journal.flag(cfg.by_code[cfg.codes.guard], 0, 0, doc.guard)
    _model_text(cfg, doc, open_, signals, kind)


def _model_text(cfg, doc: Doc, open_: list[int], signals, kind: str) -> None:
    """The content model's decisions on the blocks no rule decided (``open_``)."""
    model = cfg.content_model if cfg.on(learned.TEXT_CODE) else None
    want = doc.capture is not None and doc.block_pass == 0
    if not open_ or (model is None and not want):
        return
    blocks = doc.blocks
    closed = set(range(len(blocks))) - set(open_)
    units = learned.text_units(blocks, closed)
    facts = learned.facts(False, blocks[0].text if blocks else "", signals, kind)
    rows = learned.rows(units, stopwords(cfg.word_lang(doc.language)), facts)
    if want:
        doc.capture.append(("text", units, rows, open_))
    if model is not None:
        learned.record_type(doc.metadata, learned.decide_blocks(model, blocks, open_, rows,
                                                                cfg.by_code[learned.TEXT_CODE], units))


def _support(b: Block) -> tuple:
    """How well a block is supported as the page's main text: prose first, then words."""
    f = b.features
    return (bool(f.get("sentence")), len(_WORDS.findall(b.text)), -b.start)


def empty_fallback(cfg, doc: Doc) -> None:
    """A page never comes out empty while it has words: when every block with a word was
    dropped, the best-supported one (a sentence first, then the most words) stays, and
    the document is flagged for review."""
    code = cfg.codes.fallback
    if not cfg.on(code) or any(b.final != DROP and _WORDS.search(b.text) for b in doc.blocks):
        return
    dropped = [b for b in doc.blocks if b.final == DROP and _WORDS.search(b.text)]
    if not dropped:
        return
    best = max(dropped, key=_support)
    why = f"every block was dropped; kept the best-supported one (it was {best.code}: {best.reason or 'dropped'})"
    best.final, best.code, best.reason = KEEP, "", ""
    doc.journal.flag(cfg.by_code[code], best.start, best.end, why)
    # Blocks without a word (":", "<:") that the scorer kept beside the dropped text stay or go
    # by their neighbours, so cleaning the output again would decide them anew: they go.
    low = cfg.codes.score.get("low")
    if low and cfg.on(low):
        for b in doc.blocks:
            if b is not best and b.final != DROP and b.text.strip() and not _WORDS.search(b.text):
                b.final, b.code, b.reason = DROP, low, "no word, on a page reduced to its fallback block"


def undo_disabled(cfg, doc: Doc) -> None:
    """A drop by a rule the selection switched off, or of a block on the rule's reviewed
    allow list, is undone: it makes no hit."""
    for b in doc.blocks:
        if b.final == DROP and (not cfg.on(b.code) or cfg.allows(b.code, b.text)):
            b.final, b.code, b.reason = KEEP, "", ""


def keep_rest(cfg, doc: Doc) -> None:
    """HTML: what the DOM kept and no text rule dropped stays."""
    for b in doc.blocks:
        if not b.final:
            b.final = KEEP


def edit_blocks(cfg, doc: Doc) -> None:
    """One stage of edits: dropped blocks, then inline strips and substitutions, and (on
    the first pass only) the warnings of ``flag`` rules."""
    j, blocks, lang = doc.journal, doc.blocks, doc.rule_lang
    changes: list[tuple[Edit, Rule, str, str]] = []
    for b in blocks:
        if b.final == DROP:
            changes.append((Edit(b.start, b.end, ""), cfg.by_code[b.code], DROP, b.reason))
    kinds = ("strip", "substitute", "flag") if doc.block_pass == 0 else ("strip", "substitute")
    inline_rules = [r for k in kinds for r in cfg.rules_of(k, lang)]
    found = list(inline.matches(j.text, blocks, inline_rules))
    flags = [m for m in found if m[4] == FLAG]
    edits = [m for m in found if m[4] != FLAG]
    if cfg.allowing:
        edits = [m for m in edits if not cfg.allows(m[3].code, _lines_at(j.text, m[0], m[1]))]
    chosen = [edits[i] for i in resolve_overlaps((s, e, r.order) for s, e, _, r, _ in edits)]
    chosen = _keep_a_word(cfg, doc, chosen)
    for s, e, after, rule, action in chosen:
        changes.append((Edit(s, e, after), rule, action, ""))
    for s, e, _, rule, _ in flags:
        j.flag(rule, s, e)
    j.commit(changes)


def _lines_at(text: str, start: int, end: int) -> str:
    """The whole lines the span ``start:end`` sits on: what a reviewer's mark of an inline
    edit holds, and so what the rule's allow list compares."""
    return text[text.rfind("\n", 0, start) + 1:(text.find("\n", end) + 1 or len(text) + 1) - 1]


def _keep_a_word(cfg, doc: Doc, edits: list) -> list:
    """The inline edits, unless they would leave the page without a word (an inline
    credit that is the whole of what the block rules kept): then the best-supported
    block keeps its text, flagged like the empty-page fallback."""
    code = cfg.codes.fallback
    if not edits or not cfg.on(code):
        return edits
    text = doc.journal.text
    spans = sorted((s, e) for s, e, after, _, _ in edits if not after)
    kept = []
    for b in doc.blocks:  # usually the first kept block has a word no edit touches: cheap
        if b.final == DROP or not _WORDS.search(b.text):
            continue
        kept.append(b)
        pos, rest = b.start, []
        for s, e in spans:
            if e <= b.start or s >= b.end:
                continue
            rest.append(text[pos:max(s, pos)])
            pos = max(pos, e)
        rest.append(text[pos:b.end])
        if _WORDS.search("".join(rest)):
            return edits
    if not kept:
        return edits
    best = max(kept, key=_support)
    inside = [best.start <= m[0] and m[1] <= best.end for m in edits]
    if best.text not in doc.spared:  # flagged once, on the pass that first spared it
        doc.spared.add(best.text)
        why = ", ".join(sorted({m[3].code for m, spare in zip(edits, inside) if spare}))
        doc.journal.flag(cfg.by_code[code], best.start, best.end,
                         f"the inline rules ({why}) would leave no word; kept the best-supported block whole")
    return [m for m, spare in zip(edits, inside) if not spare]


# -- the end ----------------------------------------------------------------------------

def line_roles(cfg, doc: Doc) -> None:
    """The role of each line the output keeps (headline, heading, list item, cell, ...):
    from the DOM for HTML, from the line's shape for text; the headline is the title."""
    j = doc.journal
    lines = structure.line_roles(j.text, doc.blocks, j.maps[doc.blocks_stage:], doc.dom_roles)
    doc.structure = tuple(role for _, role in lines)
    title = " ".join(line for line, role in lines if role == "title")
    if title:
        doc.metadata["title"] = title
    if doc.page is not None and doc.page.url:
        doc.metadata["url"] = doc.page.url


def assemble_text(cfg, doc: Doc) -> None:
    """Final layout: lines stripped, one blank line between paragraphs, a final newline."""
    doc.text = assemble(doc.journal.text)


def safety_valve(cfg, doc: Doc) -> None:
    """Flag (never revert) a document a reviewer should open: it lost more than the rule's
    share of its text, or kept less than ``min_kept_chars`` of a text several times that
    long.  (Losing half of a scraped page is normal; losing nine tenths rarely is.)"""
    j = doc.journal
    before, after = len(j.input.strip()), len(doc.text.strip())
    held = before + (doc.page.hidden_chars if doc.page is not None else 0)  # what the input held, parsed or not
    size = doc.page.source_size if doc.page is not None else len(j.input)  # markup and scripts too
    removed = 1.0 - after / before if before else 0.0
    code = cfg.codes.safety_valve
    if cfg.on(code):
        params = cfg.by_code[code].params
        if removed > params["min_removed_share"]:
            j.note(cfg.by_code[code], f"{removed:.0%} of the text removed")
        elif after < params["min_kept_chars"] and (held > 2 * params["min_kept_chars"] or size >= params["min_input_size"]):
            j.note(cfg.by_code[code], f"{after} of {held} chars kept" + (f" from an input of {size:,}" if size > held else ""))
    doc.metadata["removed_share"] = round(max(removed, 0.0), 4)
    doc.metadata["input_chars"] = held
    doc.metadata["input_size"] = size


def extract_metadata(cfg, doc: Doc) -> None:
    """Fields (byline, agency, date, time) that the ``extract`` patterns of the rules read
    from the blocks they dropped; the first line that gives a field wins."""
    found: dict[str, str] = {}
    by_code = cfg.by_code
    readers = [h for h in doc.journal.hits if h.action == DROP and h.code in by_code and by_code[h.code].extract]
    for h in sorted_hits(readers):
        for key, value in by_code[h.code].fields(h.before).items():
            found.setdefault(key, value)
    doc.metadata.update(found)


def sorted_hits(hits: Sequence) -> tuple:
    """Hits in input order (then by stage): the order a reviewer reads them."""
    return tuple(sorted(hits, key=lambda h: (h.src_start, h.src_end, h.stage)))
