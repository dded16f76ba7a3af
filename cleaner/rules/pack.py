"""Rule packs: TOML files of declarative rules, validated when loaded.

A pack is one TOML file with an optional ``[pack]`` table and ``[[rule]]`` entries::

    [[rule]]
    code = "AD201"                 # stable: two or three capitals and three digits
    name = "ads.label-line"        # <pack>.<what-it-matches>
    kind = "drop-block"            # one of KINDS below
    pattern = '''^(advertisement|sponsored)$'''
    ignorecase = true
    langs = ["en"]                 # or ["*"] for every language
    message = "ad label line"
    examples.hit = ["Advertisement"]
    examples.keep = ["The advertisement industry grew 4% last year."]

Kinds and their keys:

* ``drop-block``: the block (a line or paragraph) is dropped when ``pattern`` matches it.
  ``max_chars`` limits the rule to blocks no longer than that.  ``extract`` patterns read
  metadata fields from the dropped block: each named group is a field (``date``,
  ``byline``, ...), the first document line that gives a field wins.
* ``drop-run``: a run of blocks such as a related-stories list.  ``pattern`` matches the
  run's anchor blocks (a "1 hour ago" line); each anchor takes up to ``back`` blocks
  before it (each at most ``max_chars`` long) with it; it fires only when at least
  ``min_items`` anchors stand close together.  Anchor blocks after the last item and
  ``follow`` patterns extend the run.
* ``strip``: the matched span is removed from a kept block.
* ``substitute``: the matched span is replaced by ``replace`` (a Python ``re`` template);
  ``case = "lower"`` or ``"upper"`` changes the case of the replacement.
* ``repair``: like ``substitute``, but runs on the whole text before it is split into
  blocks (invisible characters, literal escapes, spacing).
* ``flag``: the match is reported as a warning; the text is not changed.  A group
  named ``mark`` narrows the flagged span to that group.
* ``score``, ``dedupe``, ``html``, ``unicode``: decisions made by code (block scoring,
  repeated paragraphs, DOM hints, ftfy); the rule gives the code, the name, the message
  and the ``params`` the code reads. Their examples are whole documents.

Every rule has examples: ``examples.hit`` (text the rule must fire on) and
``examples.keep`` (text it must leave alone); ``examples.fixed`` (one per hit example)
gives the expected output for ``substitute`` and ``repair`` rules.  Patterns use Python
``re`` syntax and must stay linear: shapes that can backtrack exponentially are rejected
(:mod:`cleaner.rules.linear`).
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from re import _constants as sre_constants  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Iterable, Mapping

from cleaner.model import line_key as allow_key
from cleaner.rules.linear import check_linear
from cleaner.rules.linear import class_chars as _class_chars
from cleaner.rules.schema import check_params

PATTERN_KINDS = ("drop-block", "drop-run", "strip", "substitute", "repair", "flag")
CODE_KINDS = ("score", "dedupe", "html", "unicode")
KINDS = PATTERN_KINDS + CODE_KINDS
PROFILES = ("safe", "default", "aggressive")

_CODE = re.compile(r"[A-Z]{2,3}[0-9]{3}")
_NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*(?:\.[a-z0-9]+(?:-[a-z0-9]+)*)+")
_LANG = re.compile(r"\*|[a-z]{2,3}")

_COMMON_KEYS = {"code", "name", "kind", "message", "langs", "examples", "profile", "level", "link", "doc"}
_KIND_KEYS = {
    "drop-block": {"pattern", "patterns", "ignorecase", "max_chars", "min_chars", "extract"},
    "drop-run": {"pattern", "patterns", "ignorecase", "back", "max_chars", "min_items", "follow", "gap"},
    "strip": {"pattern", "patterns", "ignorecase"},
    "substitute": {"pattern", "patterns", "ignorecase", "replace", "case"},
    "repair": {"pattern", "patterns", "ignorecase", "replace", "case"},
    "flag": {"pattern", "patterns", "ignorecase"},
    "score": {"params"},
    "dedupe": {"params"},
    "html": {"params"},
    "unicode": {"params"},
}
_EXAMPLE_KEYS = {"hit", "keep", "fixed"}


class RuleError(ValueError):
    """A rule file is invalid; the message names the file, the rule and the problem."""


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    name: str
    kind: str
    message: str
    langs: tuple[str, ...]
    patterns: tuple[str, ...] = ()
    ignorecase: bool = False
    replace: str = ""
    case: str = ""
    params: Mapping = field(default_factory=dict)
    examples_hit: tuple[str, ...] = ()
    examples_keep: tuple[str, ...] = ()
    examples_fixed: tuple[str, ...] = ()
    profile: str = "default"
    level: str = "info"
    source: str = ""
    order: int = 0
    compiled: tuple[re.Pattern, ...] = ()
    needles: frozenset[str] | None = None
    pattern_needles: tuple[frozenset[str] | None, ...] = ()  # each pattern's own needles
    # Each pattern matches only at the text's start and can join one alternation with
    # others (no named groups, no back-references).
    pattern_anchored: tuple[bool, ...] = ()
    # ``extract``: patterns whose named groups read metadata fields from a dropped block.
    extract: tuple[re.Pattern, ...] = ()
    # Lines this rule must leave alone in this run (``[[extend]]`` ``allow``, from a review),
    # as :func:`allow_key` gives them.
    allow: frozenset[str] = frozenset()

    def allows(self, text: str) -> bool:
        """Is ``text`` (a block, or the lines an edit sits on) on this rule's allow list?"""
        return bool(self.allow) and allow_key(text) in self.allow

    def fields(self, text: str) -> dict[str, str]:
        """The metadata fields the first matching ``extract`` pattern reads from ``text``
        (a block this rule dropped); empty groups are left out."""
        for pattern in self.extract:
            m = pattern.match(text)
            if m:
                return {k: v.strip() for k, v in m.groupdict().items() if v and v.strip()}
        return {}

    def may_match(self, lowered: str) -> bool:
        """False when ``lowered`` (lower-cased text) cannot contain a match."""
        return self.needles is None or any(map(lowered.__contains__, self.needles))

    def applies_to(self, lang: str) -> bool:
        return "*" in self.langs or lang in self.langs

    def expand(self, match: re.Match) -> str:
        """The replacement of a ``substitute`` or ``repair`` match."""
        # A template without a backslash has no group reference: skip re's template parser,
        # which Python 3.11 re-runs on every match (8 µs each on a page of 100,000 matches).
        out = match.expand(self.replace) if "\\" in self.replace else self.replace
        if self.case == "lower":
            return out.lower()
        if self.case == "upper":
            return out.upper()
        return out

    def param(self, key: str, default=None):
        return self.params.get(key, default)

    @property
    def pack(self) -> str:
        return self.name.split(".", 1)[0]


def required_literals(pattern: str, flags: int = 0) -> frozenset[str] | None:
    """Lower-cased strings one of which occurs in every match of ``pattern``, or None.

    A prefilter in the manner of RE2's: a document (or line) containing none of them cannot
    match, so the pattern is not run at all. Python's ``re`` spends 20-50 ns a character
    scanning for a pattern without a literal prefix; a substring test costs ~1 ns.
    """
    try:
        tree = sre_parse.parse(pattern, flags)
    except re.error:
        return None
    found = _seq_literals(list(tree))
    if not found or any(not n for n in found):
        return None
    lowered = {n.lower() for n in found}
    # A needle that contains another adds nothing: where it occurs, so does the other.
    return frozenset(n for n in lowered if not any(m != n and m in n for m in lowered))


def _best(candidates: list[frozenset[str]]) -> frozenset[str] | None:
    """The most selective candidate: longest shortest needle, then fewest needles."""
    if not candidates:
        return None
    return max(candidates, key=lambda c: (min(map(len, c)), -len(c)))


_MAX_RUN = 32  # strings a run of literals and small classes may grow to
_MAX_EXACT = 12  # strings a run may grow to through optional parts and groups


def _single_chars(op, av) -> frozenset[str] | None:
    """The characters one element matches, when it is a literal or a small class."""
    if op == sre_constants.LITERAL:
        return frozenset(chr(av))
    if op == sre_constants.IN:
        chars = _class_chars(av)
        return chars if chars and len(chars) <= 8 else None
    return None


def _seq_literals(items) -> frozenset[str] | None:
    """Needles of a sequence: runs of literals and small classes multiply out ("[ \t],"
    gives " ," and "\t,"); a repeat of one character class ends a run with that class; a
    lookahead's first character extends the run, since the text holds it there too."""
    candidates: list[frozenset[str]] = []
    run: set[str] = set()

    def extend(chars: frozenset[str]) -> None:
        nonlocal run
        if not run:
            run = set(chars)
        elif len(run) * len(chars) <= _MAX_RUN:
            run = {r + c for r in run for c in chars}
        else:
            flush()
            run = set(chars)

    def flush() -> None:
        nonlocal run
        if run and "" not in run:
            candidates.append(frozenset(run))
        run = set()

    for op, av in items:
        chars = _single_chars(op, av)
        if chars is not None:
            extend(chars)
            continue
        # "x?", "(?:a|b)", a group of literals: a small finite set continues the run. Few
        # strings only: each needle costs a scan of the text where it is absent.
        exact = _exact(op, av)
        if exact is not None and len(exact) * max(len(run), 1) <= _MAX_EXACT:
            extend(exact)
            continue
        if op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT, sre_constants.POSSESSIVE_REPEAT) \
                and av[0] >= 1 and len(av[2]) != 1 and (once := _exact_seq(list(av[2]))) is not None \
                and len(once) * max(len(run), 1) <= _MAX_EXACT:
            extend(once)  # the repeat's first pass continues the run
            flush()
            continue
        if op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT, sre_constants.POSSESSIVE_REPEAT) \
                and av[0] >= 1 and len(av[2]) == 1 and (rep := _single_chars(*av[2][0])) is not None:
            extend(rep)  # the repeat's first character continues the run ...
            if av[0] >= 2 and len(run) * len(rep) <= _MAX_RUN:
                run = {r + c for r in run for c in rep}
            flush()
            run = set(rep)  # ... and its last character starts the next one
            continue
        if op == sre_constants.ASSERT and av[0] == 1 and av[1]:
            first = _single_chars(*list(av[1])[0])
            if first is not None:
                extend(first)
            flush()
            sub = _seq_literals(list(av[1]))
            if sub:
                candidates.append(sub)
            continue
        flush()
        sub: frozenset[str] | None = None
        if op == sre_constants.SUBPATTERN:
            sub = _seq_literals(list(av[3]))
        elif op == sre_constants.ATOMIC_GROUP:
            sub = _seq_literals(list(av))
        elif op == sre_constants.BRANCH:
            branches = [_seq_literals(list(b)) for b in av[1]]
            if all(branches):
                sub = frozenset().union(*branches)
        elif op == sre_constants.IN:
            sub = _class_chars(av)
        elif op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT, sre_constants.POSSESSIVE_REPEAT):
            if av[0] >= 1:
                sub = _seq_literals(list(av[2]))
        elif op == sre_constants.ASSERT:
            sub = _seq_literals(list(av[1]))
        if sub:
            candidates.append(sub)
    flush()
    return _best(candidates)


def _exact(op, av) -> frozenset[str] | None:
    r"""Every string one element can match, when that is a small finite set: an optional
    character (``[ \t]?`` gives "", " ", "\t"), a group or alternation of literals."""
    if op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT) and av[0] == 0 and av[1] == 1 \
            and len(av[2]) == 1 and (chars := _single_chars(*av[2][0])) is not None:
        return chars | {""}
    if op == sre_constants.SUBPATTERN:
        return _exact_seq(list(av[3]))
    if op == sre_constants.BRANCH:
        branches = [_exact_seq(list(b)) for b in av[1]]
        if all(b is not None for b in branches):
            out = frozenset().union(*branches)
            return out if len(out) <= _MAX_RUN else None
    return None


def _exact_seq(items) -> frozenset[str] | None:
    """Every string a sequence can match, when it is made of literals, small classes and
    the elements of :func:`_exact` and has at most ``_MAX_RUN`` strings; else None."""
    out = {""}
    for op, av in items:
        chars = _single_chars(op, av)
        if chars is None:
            chars = _exact(op, av)
        if chars is None or len(out) * len(chars) > _MAX_RUN:
            return None
        out = {o + c for o in out for c in chars}
    return frozenset(out)


def _compile_checked(pattern: str, ignorecase: bool, source: str, rid: str, what: str,
                     bounded: bool = False) -> re.Pattern:
    """A rule's pattern compiled with the flags it runs with; a bad or backtracking-prone
    pattern is an error naming the file, the rule and the pattern.  ``bounded``: the
    pattern reads only text of bounded length, where a quadratic shape costs a constant."""
    try:
        compiled = re.compile(pattern, re.MULTILINE | (re.IGNORECASE if ignorecase else 0))
    except re.error as exc:
        raise _fail(source, rid, f"bad {what} {pattern!r}: {exc}") from None
    why = check_linear(pattern, re.IGNORECASE if ignorecase else 0, runs=not bounded)
    if why:
        raise _fail(source, rid, f"{what} {pattern!r} may take exponential time: {why}")
    return compiled


def _fail(source: str, rule: str, problem: str) -> RuleError:
    where = f"{source}: rule {rule}" if rule else source
    return RuleError(f"{where}: {problem}")


def _as_tuple(value, source, rid, key) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise _fail(source, rid, f"'{key}' must be a string or a list of strings")


def parse_rule(raw: Mapping, source: str, order: int) -> Rule:
    rid = str(raw.get("code") or raw.get("name") or f"#{order + 1}")
    kind = raw.get("kind")
    if kind not in KINDS:
        raise _fail(source, rid, f"unknown kind {kind!r} (expected one of {', '.join(KINDS)})")
    allowed = _COMMON_KEYS | _KIND_KEYS[kind]
    for key in raw:
        if key not in allowed:
            raise _fail(source, rid, f"unknown key {key!r} for kind {kind!r}")
    for key in ("code", "name", "message"):
        if not isinstance(raw.get(key), str) or not raw.get(key).strip():
            raise _fail(source, rid, f"missing or empty '{key}'")
    code, name = raw["code"], raw["name"]
    if not _CODE.fullmatch(code):
        raise _fail(source, rid, "code must be two or three capital letters and three digits, e.g. AD201")
    if not _NAME.fullmatch(name):
        raise _fail(source, rid, "name must be dotted lower-case words, e.g. ads.label-line")
    langs = _as_tuple(raw.get("langs", ["*"]), source, rid, "langs")
    if not langs or not all(_LANG.fullmatch(x) for x in langs):
        raise _fail(source, rid, "langs must list ISO 639-1 codes or '*'")
    profile = raw.get("profile", "default")
    if profile not in PROFILES:
        raise _fail(source, rid, f"profile must be one of {', '.join(PROFILES)}")
    examples = raw.get("examples", {})
    if not isinstance(examples, dict):
        raise _fail(source, rid, "'examples' must be a table with 'hit' and 'keep'")
    for key in examples:
        if key not in _EXAMPLE_KEYS:
            raise _fail(source, rid, f"unknown key 'examples.{key}'")
    hit = _as_tuple(examples.get("hit", []), source, rid, "examples.hit")
    keep = _as_tuple(examples.get("keep", []), source, rid, "examples.keep")
    fixed = _as_tuple(examples.get("fixed", []), source, rid, "examples.fixed")
    if not hit:
        raise _fail(source, rid, "missing example: 'examples.hit' needs at least one text the rule fires on")
    if not keep:
        raise _fail(source, rid, "missing example: 'examples.keep' needs at least one text the rule must leave alone")
    patterns: tuple[str, ...] = ()
    compiled: tuple[re.Pattern, ...] = ()
    needles: frozenset[str] | None = None
    per_pattern: list[frozenset[str] | None] = []
    anchored: tuple[bool, ...] = ()
    ignorecase = bool(raw.get("ignorecase", False))
    if kind in PATTERN_KINDS:
        if "pattern" in raw and "patterns" in raw:
            raise _fail(source, rid, "give 'pattern' or 'patterns', not both")
        patterns = _as_tuple(raw.get("pattern", raw.get("patterns", [])), source, rid, "pattern")
        if not patterns:
            raise _fail(source, rid, "missing 'pattern'")
        compiled = tuple(_compile_checked(p, ignorecase, source, rid, "pattern") for p in patterns)
        per_pattern = [required_literals(p, re.IGNORECASE if ignorecase else 0) for p in patterns]
        if all(per_pattern):
            needles = frozenset().union(*per_pattern)
        anchored = tuple(is_anchored(p) and "(?P" not in p and not _has_groupref(p) for p in patterns)
    if kind in ("substitute", "repair"):
        if not isinstance(raw.get("replace"), str):
            raise _fail(source, rid, "missing 'replace' (use \"\" to delete)")
        if raw.get("case", "") not in ("", "lower", "upper"):
            raise _fail(source, rid, "'case' must be \"lower\" or \"upper\"")
        if len(fixed) != len(hit):
            raise _fail(source, rid, "'examples.fixed' must give the expected output of each 'examples.hit'")
        for p in compiled:  # a bad template fails here, at load, not on every file at run time
            try:
                sre_parse.parse_template(raw["replace"], p)
            except (re.error, IndexError) as exc:
                raise _fail(source, rid, f"bad replacement {raw['replace']!r} for pattern {p.pattern!r}: {exc}") from None
    params = raw.get("params", {})
    if not isinstance(params, dict):
        raise _fail(source, rid, "'params' must be a table")
    if kind in CODE_KINDS:
        why = check_params(code, kind, params)
        if why:
            raise _fail(source, rid, why)
    extra = {k: raw[k] for k in ("back", "max_chars", "min_chars", "min_items", "gap") if k in raw}
    for k, v in extra.items():
        if not isinstance(v, int) or v < 0:
            raise _fail(source, rid, f"'{k}' must be a non-negative integer")
    if "follow" in raw:
        follow = _as_tuple(raw["follow"], source, rid, "follow")
        extra["follow"] = tuple(_compile_checked(p, ignorecase, source, rid, "follow pattern") for p in follow)
    extract: tuple[re.Pattern, ...] = ()
    if "extract" in raw:
        # Case-sensitive unless the pattern says otherwise ((?i:...)): fields are read, not matched.
        # It reads only a block this rule dropped: with max_chars that block is short, and
        # a quadratic shape (a lazy field before a trailing run) costs a bounded amount.
        bounded = isinstance(raw.get("max_chars"), int)
        extract = tuple(_compile_checked(p, False, source, rid, "extract pattern", bounded=bounded)
                        for p in _as_tuple(raw["extract"], source, rid, "extract"))
        for p in extract:
            if not p.groupindex:
                raise _fail(source, rid, f"extract pattern {p.pattern!r} has no named group: "
                                         "name each field it reads, e.g. (?P<date>...)")
    return Rule(
        code=code, name=name, kind=kind, message=raw["message"].strip(), langs=langs,
        patterns=patterns, ignorecase=ignorecase, replace=raw.get("replace", ""), case=raw.get("case", ""),
        params={**params, **extra}, examples_hit=hit, examples_keep=keep, examples_fixed=fixed,
        profile=profile, level=str(raw.get("level", "warning" if kind == "flag" else "info")),
        source=source, order=order, compiled=compiled, needles=needles,
        pattern_needles=tuple(per_pattern), pattern_anchored=anchored, extract=extract,
    )


def is_anchored(pattern: str) -> bool:
    r"""Does every match of ``pattern`` start at the beginning (``^`` first, no ``|`` outside
    groups and character classes)?

    >>> is_anchored(r"^\s*(?:home|menu)$"), is_anchored(r"^home|menu"), is_anchored(r"\bcookie")
    (True, False, False)
    """
    if not pattern.startswith("^"):
        return False
    depth, in_class, escaped = 0, False, False
    for ch in pattern:
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            return False
    return True


def _has_groupref(pattern: str) -> bool:
    return bool(re.search(r"\\[1-9]|\(\?P=", pattern))


@dataclass(frozen=True, slots=True)
class Extension:
    """An ``[[extend]]`` entry: more for a rule another pack defines, from a review.

    ``keep`` is appended to the rule's ``examples.keep`` (its own tests fail until the
    rule is fixed); ``allow`` lists lines the rule leaves alone in any run that loads the
    pack (a block with that text is not dropped by it, nor edited inside those lines)."""

    code: str
    keep: tuple[str, ...]
    allow: tuple[str, ...]
    source: str


_EXTEND_KEYS = {"code", "examples", "allow", "note"}


def _parse_extension(raw, source: str, index: int) -> Extension:
    if not isinstance(raw, dict):
        raise _fail(source, "", "'extend' must be an array of tables ([[extend]])")
    rid = str(raw.get("code") or f"extend #{index + 1}")
    for key in raw:
        if key not in _EXTEND_KEYS:
            raise _fail(source, rid, f"unknown key {key!r} in [[extend]] (expected code, examples.keep, allow, note)")
    code = raw.get("code")
    if not isinstance(code, str) or not _CODE.fullmatch(code):
        raise _fail(source, rid, "[[extend]] needs the 'code' of the rule it extends, e.g. AD201")
    examples = raw.get("examples", {})
    if not isinstance(examples, dict) or set(examples) - {"keep"}:
        raise _fail(source, rid, "[[extend]] takes 'examples.keep' only (a rule's hits are its own)")
    keep = _as_tuple(examples.get("keep", []), source, rid, "examples.keep")
    allow = _as_tuple(raw.get("allow", []), source, rid, "allow")
    if "note" in raw and not isinstance(raw["note"], str):
        raise _fail(source, rid, "'note' must be a string")
    if not keep and not allow:
        raise _fail(source, rid, "[[extend]] adds nothing: give 'examples.keep' or 'allow'")
    return Extension(code, keep, allow, source)


def read_pack(path: Path, start_order: int = 0) -> tuple[list[Rule], list[Extension]]:
    """A pack's rules and its ``[[extend]]`` entries, validated."""
    source = str(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise _fail(source, "", f"not valid TOML: {exc}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise _fail(source, "", f"cannot read: {exc}") from None
    for key in data:
        if key not in ("pack", "rule", "extend"):
            raise _fail(source, "", f"unknown top-level key {key!r} (expected [pack], [[rule]] and [[extend]])")
    rules = data.get("rule", [])
    if not isinstance(rules, list):
        raise _fail(source, "", "'rule' must be an array of tables ([[rule]])")
    extends = data.get("extend", [])
    if not isinstance(extends, list):
        raise _fail(source, "", "'extend' must be an array of tables ([[extend]])")
    return ([parse_rule(r, source, start_order + i) for i, r in enumerate(rules)],
            [_parse_extension(e, source, i) for i, e in enumerate(extends)])


def load_pack(path: Path, start_order: int = 0) -> list[Rule]:
    return read_pack(path, start_order)[0]


def extend_rules(rules: list[Rule], extensions: Iterable[Extension]) -> list[Rule]:
    """``rules`` with each extension's keep examples and allow list added to its rule."""
    index = {r.code: i for i, r in enumerate(rules)}
    out = list(rules)
    for ext in extensions:
        if ext.code not in index:
            raise _fail(ext.source, ext.code, f"[[extend]]: no loaded rule has the code {ext.code}")
        r = out[index[ext.code]]
        keep = r.examples_keep + tuple(k for k in ext.keep if k not in r.examples_keep)
        out[index[ext.code]] = replace(r, examples_keep=keep,
                                       allow=r.allow | {allow_key(a) for a in ext.allow if allow_key(a)})
    return out


def builtin_rules_dir() -> Path:
    """The packs shipped with the package (installed) or beside it (source checkout)."""
    package = Path(__file__).resolve().parent.parent  # cleaner/
    for candidate in (package / "packs", package.parent / "rules"):
        if candidate.is_dir():
            return candidate
    raise RuleError("built-in rule packs not found: the installation is incomplete")


def load_rules(dirs: Iterable[Path] | None = None, *, builtin: bool = True) -> list[Rule]:
    """Load the built-in packs, then user packs (files or folders) in the order given."""
    paths: list[Path] = []
    if builtin:
        paths += sorted(builtin_rules_dir().glob("*.toml"))
    for d in dirs or ():
        d = Path(d)
        if d.is_dir():
            paths += sorted(d.glob("*.toml"))
        elif d.is_file():
            paths.append(d)
        else:
            raise RuleError(f"{d}: no such rule file or folder")
    rules: list[Rule] = []
    extensions: list[Extension] = []
    seen: dict[str, str] = {}
    for p in paths:
        pack_rules, pack_extensions = read_pack(p, len(rules))
        extensions += pack_extensions
        for rule in pack_rules:
            for key in (rule.code, rule.name):
                if key in seen:
                    raise _fail(rule.source, rule.code, f"{key} is already defined in {seen[key]}")
                seen[key] = rule.source
            rules.append(rule)
    return extend_rules(rules, extensions)  # after every pack: a pack may extend a later one


def select_rules(rules: Iterable[Rule], select: Iterable[str] = (), ignore: Iterable[str] = (),
                 profile: str = "default") -> list[Rule]:
    """Filter by code or name prefixes (``AD``, ``CA4``, ``ads.``) and by profile.

    The ``safe`` profile keeps only safe rules, ``default`` adds default ones and
    ``aggressive`` everything.  A key that names no loaded rule is an error: a typo must
    not silently switch every rule off.
    """
    select, ignore = tuple(select), tuple(ignore)
    if profile not in PROFILES:
        raise RuleError(f"unknown profile {profile!r} (expected one of {', '.join(PROFILES)})")
    rank = PROFILES.index(profile)

    def matches(rule: Rule, keys: tuple[str, ...]) -> bool:
        return any(rule.code.startswith(k) or rule.name == k or rule.name.startswith(k.rstrip(".") + ".") for k in keys)

    rules = list(rules)
    for option, keys in (("--select", select), ("--ignore", ignore)):
        for k in keys:
            if not any(matches(r, (k,)) for r in rules):
                hint = ""
                if k != k.upper() and any(matches(r, (k.upper(),)) for r in rules):
                    hint = f" (codes are upper case: {k.upper()})"
                raise RuleError(f"{option}: no rule has the code, prefix or name {k!r}{hint}; "
                                "`clean-articles rules` lists them")
    out = []
    for r in rules:
        if select and not matches(r, select):
            continue
        if ignore and matches(r, ignore):
            continue
        if not select and PROFILES.index(r.profile) > rank:
            continue
        out.append(r)
    return out
