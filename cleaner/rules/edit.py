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
    for mark in wrong:
        text = mark.text.strip()
        if mark.code not in by_code:
            changes.skipped.append((f"{mark.code} wrong", "no loaded rule has this code (load its pack with --rules)"))
            continue
        if not allow_key(text):
            changes.skipped.append((f"{mark.code} wrong", "the mark holds no text"))
            continue
        _extend(doc, by_code[mark.code], text, mark.where, changes)
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


def _extend(doc, rule: Rule, text: str, where: str, changes: PackChanges) -> None:
    table = next((t for t in _aot(doc, "extend") if t.get("code") == rule.code), None)
    if table is None:
        table = tomlkit.table()
        table["code"] = rule.code
        table["note"] = f"{rule.name}: hits a reviewer marked wrong"
        _array(table, ("examples", "keep"))
        _array(table, ("allow",))
        table.add(tomlkit.nl())
        _aot(doc, "extend").append(table)
    keep = _array(table, ("examples", "keep"))
    allow = _array(table, ("allow",))
    key = allow_key(text)
    added = False
    if key not in {allow_key(k) for k in list(keep) + list(rule.examples_keep)}:
        keep.add_line(text, comment=_comment(where))
        changes.keep_added.setdefault(rule.code, []).append(text)
        added = True
    if key not in {allow_key(a) for a in allow}:
        allow.add_line(text, comment=_comment(where))
        changes.allow_added.setdefault(rule.code, []).append(text)
        added = True
    if not added:
        changes.already += 1


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
    return " ".join(where.split())[:160]


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
