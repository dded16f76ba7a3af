"""Rule-pack changes from a review: a reviewer's marks become TOML a person can read.

* A hit marked **wrong** becomes, on that rule, an ``examples.keep`` case (the rule's own
  tests fail until its pattern or parameters are fixed) and an ``allow`` entry (runs that
  load the pack leave that line alone meanwhile), both in an ``[[extend]]`` table.
* A kept line marked **should go** becomes a draft ``drop-block`` rule (``RV###``) whose
  pattern is that line and whose ``examples.hit`` it is; a person generalises it.

The pack is edited with tomlkit, so an existing pack keeps its comments, order and
layout, and applying the same marks twice adds nothing.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable

import tomlkit
from tomlkit.items import AoT, Table

from cleaner.rules.pack import Rule, RuleError, allow_key, parse_rule

HEADER = """\
Rule-pack changes from a review (clean-articles review apply). Load it with --rules.
[[extend]]: a hit marked wrong adds a keep example to its rule (the rule's tests fail
until it is fixed: clean-articles rules test --rules THIS_FILE) and an allow entry
(a run with --rules THIS_FILE leaves that line alone meanwhile).
[[rule]] RV###: drafts from lines marked "should go"; generalise each pattern, then test."""

DRAFT_PREFIX = "RV"


@dataclass(frozen=True)
class WrongHit:
    """A hit a reviewer marked wrong: rule ``code`` should have left ``text`` alone."""

    code: str
    text: str
    where: str = ""  # the document (title or URL) it came from, for the comment


@dataclass(frozen=True)
class MissedLine:
    """A line the output kept that a reviewer says should go."""

    text: str
    where: str = ""


@dataclass
class PackChanges:
    """What :func:`apply_marks` changed, for the summary a person reads."""

    keep_added: dict[str, list[str]] = field(default_factory=dict)  # code -> new keep examples
    allow_added: dict[str, list[str]] = field(default_factory=dict)  # code -> new allow lines
    drafts: list[tuple[str, str]] = field(default_factory=list)  # (code, line)
    already: int = 0  # marks the pack held already
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (mark, why)

    @property
    def changed(self) -> bool:
        return bool(self.keep_added or self.allow_added or self.drafts)


def apply_marks(pack_text: str | None, wrong: Iterable[WrongHit], missed: Iterable[MissedLine],
                rules: Iterable[Rule], source: str = "review pack") -> tuple[str, PackChanges]:
    """The pack ``pack_text`` (None: a new pack) with ``wrong`` and ``missed`` applied,
    and what changed. ``rules`` are the loaded rules (codes marks name, codes in use)."""
    doc = tomlkit.parse(pack_text) if pack_text and pack_text.strip() else _new_pack()
    by_code = {r.code: r for r in rules}
    changes = PackChanges()
    extensions: dict[str, _Extension] = {}
    for mark in wrong:
        text = mark.text.strip()
        if mark.code not in by_code:
            changes.skipped.append((f"{mark.code} wrong", "no loaded rule has this code (load its pack with --rules)"))
            continue
        if not allow_key(text):
            changes.skipped.append((f"{mark.code} wrong", "the mark holds no text"))
            continue
        rule = by_code[mark.code]
        if rule.code not in extensions:
            extensions[rule.code] = _Extension(doc, rule)
        extensions[rule.code].add(text, mark.where, changes)
    for extension in extensions.values():
        extension.write()
    drafted = _drafted_lines(doc)
    used = set(by_code) | _codes_in(doc)
    for mark in missed:
        text = mark.text.strip()
        key = allow_key(text)
        if not key:
            continue
        if key in drafted:
            changes.already += 1
            continue
        code = _next_code(used)
        try:
            raw = _draft(code, text, mark.where)
            parse_rule(raw, source, 0)  # the draft must load as it is written
        except RuleError as exc:
            changes.skipped.append((f"should go: {text[:60]!r}", str(exc)))
            continue
        used.add(code)
        drafted.add(key)
        _rules_aot(doc).append(_draft_table(raw, mark.where))
        changes.drafts.append((code, text))
    return tomlkit.dumps(doc), changes


def _new_pack():
    doc = tomlkit.document()
    for line in HEADER.splitlines():
        doc.add(tomlkit.comment(line))
    doc.add(tomlkit.nl())
    pack = tomlkit.table()
    pack["description"] = "Rule changes from a review of hits."
    pack.add(tomlkit.nl())
    doc["pack"] = pack
    return doc


def _aot(doc, key: str) -> AoT:
    if key not in doc:
        doc[key] = tomlkit.aot()
    return doc[key]


def _rules_aot(doc) -> AoT:
    return _aot(doc, "rule")


class _Extension:
    """The ``[[extend]]`` table of one rule, with the keys of the lines it holds and the
    lines to add, so that each mark costs the same however many the table has: tomlkit
    reindexes a whole array on each ``add_line``, so the new lines go in at once (:meth:`write`)."""

    def __init__(self, doc, rule: Rule):
        table = next((t for t in _aot(doc, "extend") if t.get("code") == rule.code), None)
        if table is None:
            table = tomlkit.table()
            table["code"] = rule.code
            table["note"] = f"{rule.name}: hits a reviewer marked wrong"
            _array(table, _KEEP)
            _array(table, _ALLOW)
            table.add(tomlkit.nl())
            _aot(doc, "extend").append(table)
        self.code, self.table = rule.code, table
        self.kept = {allow_key(k) for k in list(_array(table, _KEEP)) + list(rule.examples_keep)}
        self.allowed = {allow_key(a) for a in _array(table, _ALLOW)}
        self.new_keep: list[tuple[str, str]] = []
        self.new_allow: list[tuple[str, str]] = []

    def add(self, text: str, where: str, changes: PackChanges) -> None:
        key = allow_key(text)
        added = False
        if key not in self.kept:
            self.kept.add(key)
            self.new_keep.append((text, _comment(where)))
            changes.keep_added.setdefault(self.code, []).append(text)
            added = True
        if key not in self.allowed:
            self.allowed.add(key)
            self.new_allow.append((text, _comment(where)))
            changes.allow_added.setdefault(self.code, []).append(text)
            added = True
        if not added:
            changes.already += 1

    def write(self) -> None:
        """The new lines into the table's arrays, one line each with its comment."""
        for path, lines in ((_KEEP, self.new_keep), (_ALLOW, self.new_allow)):
            if lines:
                _append_lines(self.table, path, lines)


_KEEP, _ALLOW = ("examples", "keep"), ("allow",)


def _append_lines(table: Table, path: tuple[str, ...], lines: list[tuple[str, str]]) -> None:
    """``lines`` (text, comment) at the end of the array at ``path``, as ``add_line`` would
    write each, in time linear in the array: the first through ``add_line`` (which puts the
    comma after the array's last value), the rest as text before its closing bracket, and
    the array parsed again once."""
    arr = _array(table, path)
    (first, note), rest = lines[0], lines[1:]
    arr.add_line(first, comment=note or None)
    if not rest:
        return
    head = arr.as_string()
    tail = "".join(f"    {tomlkit.item(text).as_string()},{f' # {note}' if note else ''}\n" for text, note in rest)
    parsed = tomlkit.parse(f"a = {head[:-1]}{tail}]")["a"]
    node = table
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = parsed


def _array(table: Table, path: tuple[str, ...]):
    """The multi-line array at ``path`` in ``table`` (``examples.keep`` as a dotted key)."""
    node = table
    for part in path[:-1]:
        node = node.get(part) if part in node else None
        if node is None:
            break
    if node is not None and path[-1] in node:
        return node[path[-1]]
    arr = tomlkit.array()
    arr.multiline(True)
    if len(path) == 1:
        table[path[0]] = arr
    elif path[0] in table:
        table[path[0]][path[1]] = arr
    else:
        table.add(tomlkit.key(list(path)), arr)
    return _array(table, path)


def _comment(where: str) -> str:
    """Where a mark came from, as a one-line TOML comment (no control characters)."""
    return "".join(c for c in " ".join(where.split()) if c.isprintable())[:160]


def _drafted_lines(doc) -> set[str]:
    out = set()
    for t in doc.get("rule", []):
        if str(t.get("code", "")).startswith(DRAFT_PREFIX):
            hit = t.get("examples", {}).get("hit", [])
            out.update(allow_key(h) for h in ([hit] if isinstance(hit, str) else hit))
    return out


def _codes_in(doc) -> set[str]:
    return {str(t.get("code")) for t in doc.get("rule", [])}


def _next_code(used: set[str]) -> str:
    n = 1 + max((int(c[len(DRAFT_PREFIX):]) for c in used
                 if c.startswith(DRAFT_PREFIX) and c[len(DRAFT_PREFIX):].isdigit()), default=0)
    if n > 999:
        raise RuleError("review apply: every draft code RV001-RV999 is in use")
    return f"{DRAFT_PREFIX}{n:03d}"


def draft_pattern(line: str) -> str:
    r"""The pattern of a draft rule: the whole line, literally, any run of spaces as ``\s+``.

    >>> draft_pattern("Sign up  (free)!")
    '^\\s*Sign\\s+up\\s+\\(free\\)!\\s*$'
    """
    return r"^\s*" + r"\s+".join(re.escape(w) for w in line.split()) + r"\s*$"


def _draft(code: str, line: str, where: str) -> dict:
    return {
        "code": code,
        "name": f"review.draft-{code[len(DRAFT_PREFIX):]}",
        "kind": "drop-block",
        "pattern": draft_pattern(line),
        "langs": ["*"],
        "message": "draft from review: a line a reviewer marked \u201cshould go\u201d",
        "examples": {"hit": [line], "keep": [f"A paragraph that quotes \u201c{line}\u201d is kept."]},
    }


def _draft_table(raw: dict, where: str) -> Table:
    t = tomlkit.table()
    t.add(tomlkit.comment("Draft: matches this one line only. Generalise the pattern (and add keep"))
    t.add(tomlkit.comment("examples), or delete the rule." + (f" Marked in {_comment(where)}" if where else "")))
    for key in ("code", "name", "kind"):
        t[key] = raw[key]
    pattern = raw["pattern"]
    literal = "'" not in pattern and not any(ord(c) < 32 or ord(c) == 127 for c in pattern)
    t["pattern"] = tomlkit.string(pattern, literal=True) if literal else pattern  # '...': no doubled backslashes
    t["langs"] = raw["langs"]
    t["message"] = raw["message"]
    t.add(tomlkit.key(["examples", "hit"]), raw["examples"]["hit"])
    t.add(tomlkit.key(["examples", "keep"]), raw["examples"]["keep"])
    t.add(tomlkit.nl())
    return t
