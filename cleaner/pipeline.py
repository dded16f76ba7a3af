"""The pipeline, declared: which stages run, in which order, and which rules each owns.

Read :data:`TEXT_PIPELINE` and :data:`HTML_PIPELINE` top to bottom; every difference
between scraped text and HTML input is a difference between the two tuples.  Each stage
names the rule kinds it runs and the code-decided rules it owns; a :class:`Repeat` runs
its stages again on what is left until nothing changes (block decisions depend on
neighbours, and a dropped neighbour changes them: so cleaning the output again changes
nothing).  What a stage does is in :mod:`cleaner.stages.steps`.

:class:`Cleaner` holds the loaded rules (immutable after construction) and is safe to
share between threads; :func:`clean` uses a default instance.
"""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Callable, Iterable, Iterator, Mapping, Sequence

from cleaner.stages import classify, steps as stages
from cleaner.stages.decode import is_html_input
from cleaner.stages.lang import LanguageDetector
from cleaner.model import CleanResult
from cleaner.rules import Rule, RuleError, load_rules, select_rules
from cleaner.rules.html import compile_html_rules
from cleaner.content import learned
from cleaner.content.score import ScoreParams
from cleaner.stages.steps import Doc


@dataclass(frozen=True)
class Stage:
    """One step of a pipeline: a function of :mod:`cleaner.stages.steps`, the rule kinds it runs
    and the codes of the code-decided rules it owns."""

    name: str
    run: Callable[..., None]
    kinds: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Repeat:
    """Stages run again on what is left, until a pass changes nothing (at most ``passes``)."""

    name: str
    stages: tuple[Stage, ...]
    passes: int


_UNICODE = ("UC101", "UC102", "UC103", "UC104", "UC105")
_SCORE = ("BS101", "BS102", "BS103", "BS104", "BS105", "BS106")
_DEDUPE = ("DU101", "DU102")
_HTML = tuple(f"HT{n}" for n in (*range(100, 121), *range(201, 217)))

TEXT_PIPELINE: tuple[Stage | Repeat, ...] = (
    Stage("decode", stages.decode_text, codes=("EN101",)),
    Stage("language", stages.detect_language),
    Stage("repair", stages.repair_text, kinds=("repair",), codes=_UNICODE),
    Stage("page-type", stages.recognise_text_page, codes=("PT001",)),
    Repeat("blocks", (
        Stage("segment", stages.split_lines),
        Stage("block-rules", stages.block_rules, kinds=("drop-block",)),
        Stage("run-rules", stages.run_rules, kinds=("drop-run",)),
        Stage("join", stages.join_fragments, kinds=("drop-block",)),
        Stage("allow", stages.spare_allowed),
        Stage("headline", stages.mark_headline),
        Stage("dedupe", stages.dedupe_blocks, codes=_DEDUPE),
        Stage("score", stages.score, codes=_SCORE),
        Stage("selection", stages.undo_disabled),
        Stage("fallback", stages.empty_fallback, codes=("SV002",)),
        Stage("edit", stages.edit_blocks, kinds=("strip", "substitute", "flag")),
    ), passes=8),
    Stage("structure", stages.line_roles),
    Stage("assemble", stages.assemble_text),
    Stage("safety-valve", stages.safety_valve, codes=("SV001",)),
    Stage("metadata", stages.extract_metadata, kinds=("drop-block",)),
    Stage("confirm-language", stages.confirm_language),
)

HTML_PIPELINE: tuple[Stage | Repeat, ...] = (
    Stage("parse", stages.parse_html, codes=("HT100",)),
    Stage("language", stages.detect_html_language),
    Stage("select-main", stages.select_main_dom, codes=(*_HTML, "SV002", "PT001")),
    Stage("repair", stages.repair_text, kinds=("repair",), codes=_UNICODE),
    Stage("blocks", stages.dom_blocks),
    Stage("block-rules", stages.dom_block_rules, kinds=("drop-block",)),
    Stage("allow", stages.spare_allowed),
    Stage("dedupe", stages.dedupe_lead, codes=_DEDUPE),
    Stage("fallback", stages.empty_fallback, codes=("SV002",)),
    Stage("keep-rest", stages.keep_rest),
    Stage("edit", stages.edit_blocks, kinds=("strip", "substitute", "flag")),
    Stage("structure", stages.line_roles),
    Stage("assemble", stages.assemble_text),
    Stage("safety-valve", stages.safety_valve, codes=("SV001",)),
    Stage("metadata", stages.extract_metadata, kinds=("drop-block",)),
    Stage("confirm-language", stages.confirm_language),
)


def run_stages(steps: Sequence[Stage | Repeat], cfg: "Cleaner", doc: Doc) -> None:
    """Run a pipeline's stages in order on one document."""
    for step in steps:
        if isinstance(step, Stage):
            step.run(cfg, doc)
            continue
        for n in range(step.passes):
            doc.block_pass = n
            before = doc.journal.stage
            for stage in step.stages:
                stage.run(cfg, doc)
            if doc.journal.stage == before:
                break
        doc.block_pass = 0


@dataclass(frozen=True)
class Codes:
    """The codes the stages address by role, from the stage declarations above."""

    decode_fallback: str = "EN101"
    guard: str = "BS106"
    safety_valve: str = "SV001"
    fallback: str = "SV002"
    page_type: str = "PT001"
    headline_dom: str = "HT205"
    score: Mapping[str, str] = field(default_factory=dict)   # role (low, context, ...) -> code
    dedupe: Mapping[str, str] = field(default_factory=dict)  # role (repeat, standfirst) -> code

    @classmethod
    def declared(cls) -> "Codes":
        roles_score = ("low", "context", "window", "repeat", "headline")
        return cls(score=dict(zip(roles_score, _SCORE)), dedupe=dict(zip(("repeat", "standfirst"), _DEDUPE)))


CODES = Codes.declared()
SCORE_CODES = CODES.score
MODEL_CODES = (learned.TEXT_CODE, learned.HTML_CODE)


@dataclass(frozen=True)
class Config:
    """What a cleaner is built from: rule folders, selection, profile.  Picklable and
    hashable: a worker process gets this, never the loaded rules."""

    rule_dirs: tuple[str, ...] = ()
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    profile: str = "default"
    builtin: bool = True
    model: str = ""                 # a content-model file other than the built-in one

    @classmethod
    def of(cls, rule_dirs: Iterable[Path | str] = (), select: Iterable[str] = (), ignore: Iterable[str] = (),
           profile: str = "default", builtin: bool = True, model: str = "") -> "Config":
        return cls(tuple(str(p) for p in rule_dirs), tuple(select), tuple(ignore), profile, builtin, str(model))

    def build(self) -> "Cleaner":
        """The cleaner of this configuration, built once per process (a pure cache)."""
        return _build(self)


@lru_cache(maxsize=16)
def _build(config: Config) -> "Cleaner":
    return Cleaner(config.rule_dirs, select=config.select, ignore=config.ignore, profile=config.profile,
                   builtin=config.builtin, model=config.model)


class Cleaner:
    """A configured cleaner: which packs, which rules, which profile.

    It pickles as its :class:`Config` (a worker process builds its own copy once), so it
    can be handed to a process pool or a Dask cluster as it is.

    >>> Cleaner().clean("Title\\n\\nAdvertisement\\n\\nThe body of the story goes on here, as bodies do.").text
    'Title\\n\\nThe body of the story goes on here, as bodies do.\\n'
    """

    def __init__(self, rule_dirs: Iterable[Path | str] = (), *, select: Iterable[str] = (),
                 ignore: Iterable[str] = (), profile: str = "default", builtin: bool = True,
                 rules: Sequence[Rule] | None = None, model: str | Path = ""):
        """Load the built-in packs and ``rule_dirs`` (or take already loaded ``rules``);
        ``model`` is a content-model file to use instead of the built-in one."""
        self.config = None
        self.model_path = str(model)
        if rules is None:
            self.config = Config.of(rule_dirs, select, ignore, profile, builtin, model)
            rules = load_rules([Path(d) for d in rule_dirs], builtin=builtin)
        self.all_rules = tuple(rules)
        self.rules = tuple(select_rules(self.all_rules, select, ignore, profile))
        self.by_code = {r.code: r for r in self.all_rules}
        self.enabled = frozenset(r.code for r in self.rules)
        self.allowing = frozenset(r.code for r in self.rules if r.allow)  # reviewed allow lists
        self.codes = CODES
        params = self.by_code.get(CODES.score["low"])
        self.score_params = ScoreParams.from_params(params.params) if params else None
        dedupe_rule = self.by_code.get(CODES.dedupe["repeat"])
        self.dedupe_params = dict(dedupe_rule.params) if dedupe_rule else {}
        self.detector = LanguageDetector()
        langs = {lang for r in self.rules for lang in r.langs if lang != "*"} | {"en"}
        self._by_lang = {lang: self._rules_for(lang) for lang in langs}
        self._by_lang["*"] = self._rules_for("*")

    def __reduce__(self):
        if self.config is None:
            raise TypeError("a Cleaner built from loaded rules cannot be sent to another process; "
                            "build it from rule folders (Cleaner(rule_dirs, ...))")
        return _build, (self.config,)

    def _rules_for(self, lang: str) -> dict:
        out: dict[str, list[Rule]] = {}
        for r in self.rules:
            if r.applies_to(lang):
                out.setdefault(r.kind, []).append(r)
        by_kind: dict = {k: tuple(v) for k, v in out.items()}
        by_kind["matcher"] = classify.BlockMatcher(by_kind.get("drop-block", ()))
        return by_kind

    def rule_lang(self, language: str) -> str:
        """Whose rules apply: the language's own, English when it is unknown, else the
        language-free ones."""
        return language if language in self._by_lang else ("en" if language in ("und", "") else "*")

    @staticmethod
    def word_lang(language: str) -> str:
        """Whose stopwords measure prose: English for an unknown language, as for the rules."""
        return "en" if language in ("und", "") else language

    def rules_of(self, kind: str, lang: str) -> tuple[Rule, ...]:
        return self._by_lang.get(lang, self._by_lang["*"]).get(kind, ())

    def block_matcher(self, lang: str) -> classify.BlockMatcher:
        return self._by_lang.get(lang, self._by_lang["*"])["matcher"]

    def on(self, code: str) -> bool:
        return code in self.enabled

    def allows(self, code: str, text: str) -> bool:
        """Is ``text`` on the allow list a review gave rule ``code`` (``[[extend]]``)?"""
        return code in self.allowing and self.by_code[code].allows(text)

    def clean_iter(self, docs: Iterable[dict], *, text_field: str = "text", input: str = "auto",
                   html_field: str | None = None) -> Iterator[dict]:
        """Generator step over ``{id, text, metadata}`` dicts: each comes back cleaned, with
        its language, hits per rule and what the metadata stage read in ``metadata``."""
        for doc in docs:
            yield self.clean_doc(doc, text_field, input=input, html_field=html_field)[0]

    def clean_doc(self, doc: dict, text_field: str = "text", *, input: str = "auto",
                  html_field: str | None = None) -> tuple[dict, CleanResult]:
        """Clean one ``{id, text, metadata}`` dict: a new dict (the input is left as it
        was) and the result; a document without a string text field is a :class:`BadDocument`.

        ``input`` says what the field holds: ``text``, ``html``, or ``auto`` (HTML when the
        record's content is markup, as datatrove's WARC reader leaves it).  With
        ``html_field``, the page is read from that field (always as HTML) and the clean text
        goes to ``text_field``; the HTML field passes through like any other."""
        if not isinstance(doc, dict):
            raise BadDocument(f"not a JSON object but {type(doc).__name__}")
        source = html_field or text_field
        text = doc.get(source)
        if not isinstance(text, str):
            why = "missing" if source not in doc else f"not a string but {type(text).__name__}"
            raise BadDocument(f"{'HTML' if html_field else 'text'} field {source!r} {why}")
        metadata = doc.get("metadata")
        if metadata is None:
            metadata = {}
        elif not isinstance(metadata, dict):
            raise BadDocument(f"metadata is not an object but {type(metadata).__name__}")
        html = bool(html_field) or is_html_input(text, input)
        result = self.clean(text, html=html)
        out = dict(doc)
        out[text_field] = result.text
        out["metadata"] = {**metadata, **result_metadata(result)}
        return out, result

    @cached_property
    def content_model(self):
        """The learned content model (``rules/content-model.json``), loaded when one of its
        rules (ML101 text, ML102 HTML) is on; None when both are off (``--ignore ML``:
        the hand-set scorer decides alone)."""
        if not (self.on(learned.TEXT_CODE) or self.on(learned.HTML_CODE)):
            return None
        return learned.load_model(self.model_path or None)

    @cached_property
    def html_rules(self):
        """The ``html`` pack compiled for the HTML path (loaded on first HTML page).

        Thresholds come from every loaded rule; the selection only decides which hint
        rules mark elements (and which decisions make hits)."""
        return compile_html_rules(self.all_rules, self.enabled)

    def clean(self, data: str | bytes, *, lang: str | None = None, html: bool = False) -> CleanResult:
        """Clean one page: scraped text (``str``, or ``bytes`` in any encoding) or, with
        ``html=True``, an HTML page (``bytes`` may be gzipped; the charset is detected)."""
        steps = HTML_PIPELINE if html else TEXT_PIPELINE
        doc = Doc(data, lang)
        run_stages(steps, self, doc)
        if doc.relanguage:  # once, in the language the cleaned text reads as
            doc = Doc(data, doc.relanguage)
            run_stages(steps, self, doc)
        j = doc.journal
        return CleanResult(text=doc.text, hits=stages.sorted_hits(j.hits), language=doc.language,
                           input_text=j.input, metadata=doc.metadata, structure=doc.structure)


class BadDocument(ValueError):
    """A document (or JSONL line) the cleaner cannot take; the message says why."""


# The prefix of every field a clean adds to a record (JSONL metadata, Parquet columns,
# the engines' documents): a crawl's own url, date or language is never overwritten.
PREFIX = "article_"


# The fields a clean adds to every record, on every path (JSONL and WARC metadata,
# Parquet and Dask columns, the datatrove, datasets and NeMo adapters), always all of
# them and each of one type: article_removed_share a float, article_rule_hits a JSON
# object as text ('{"BP101":2}', '{}' for none), every other a string, "" where the page
# did not say.  Engines infer a table's schema from its first rows: a key that comes and
# goes, a null, or an object whose keys vary by row would break it.
ARTICLE_FIELDS = tuple(PREFIX + name for name in (
    "language", "page_type", "page_type_confidence", "page_type_reason", "removed_share", "rule_hits", "title",
    "url", "byline", "agency", "date", "time", "input_chars", "input_size"))
_FLOAT_FIELDS = frozenset({PREFIX + "removed_share", PREFIX + "page_type_confidence"})
_INT_FIELDS = frozenset({PREFIX + "input_chars", PREFIX + "input_size"})


def rule_hits_json(result: CleanResult) -> str:
    """Hits per rule code as compact JSON, sorted by code: ``{"BP101":2,"WS001":1}``."""
    counts = dict(sorted(Counter(h.code for h in result.hits).items()))
    return json.dumps(counts, separators=(",", ":"))


def result_metadata(result: CleanResult) -> dict:
    """What a clean adds to a record: every name of :data:`ARTICLE_FIELDS` in its order
    (the language, hits per rule, page type, removed share, and what was read from the
    page: title, canonical url, byline, agency, date, time), then the fields a custom rule
    pack's ``extract`` patterns read under other names, prefixed likewise.  A record's own
    ``url``, ``date`` (the fetch) or ``language`` (an earlier filter's) stays as it was,
    beside these."""
    read = {PREFIX + key: value for key, value in result.metadata.items()}
    meta: dict = {}
    for name in ARTICLE_FIELDS:
        value = read.pop(name, None)
        if name in _FLOAT_FIELDS:
            meta[name] = float(value or 0.0)
        elif name in _INT_FIELDS:
            meta[name] = int(value or 0)
        else:
            meta[name] = "" if value is None else str(value)
    meta[PREFIX + "language"] = result.language or ""
    meta[PREFIX + "rule_hits"] = rule_hits_json(result)
    meta.update(read)
    return meta


def default_cleaner() -> Cleaner:
    """The cleaner with the built-in packs and the default profile, built once per process."""
    return Config().build()


def clean(data: str | bytes, *, lang: str | None = None, html: bool = False) -> CleanResult:
    """Clean one document with the built-in rules: ``clean(text).text``, ``.hits``,
    ``.language``, ``.metadata``; ``html=True`` for an HTML page."""
    return default_cleaner().clean(data, lang=lang, html=html)


# Text repair only: the unicode, whitespace and machine-translation packs (no block drops).
REPAIR_SELECT = ("UC", "WS", "MT")


def repair_cleaner() -> Cleaner:
    """A cleaner that only repairs text: broken Unicode, stray escapes, spacing, MT garbles."""
    return Config(select=REPAIR_SELECT).build()


def repair_text(data: str | bytes, *, lang: str | None = None) -> CleanResult:
    r"""Repair one text without removing any block: ``repair_text(text).text`` and ``.hits``.

    >>> repair_text("The cafÃ© said the the plan , which \u200bworks.", lang="en").text.strip()
    'The café said the plan, which works.'
    """
    return repair_cleaner().clean(data, lang=lang)


__all__ = ["ARTICLE_FIELDS", "BadDocument", "Cleaner", "Config", "RuleError", "clean", "default_cleaner", "repair_text",
           "result_metadata"]
