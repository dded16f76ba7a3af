"""Batch review report: every hit of a batch in one self-contained HTML page.

A reviewer has to trust the cleaner before trusting its output, so the page shows what
each rule did where it did it: the input around every hit, removed spans struck through
and coloured by rule, rewrites as before -> after, warnings marked.  The page must stay
usable for 10,000 documents, so it never holds whole texts: each document keeps only the
input around its hits (``context`` characters either side, close windows merged, long
removed spans cut in the middle).  Its size therefore grows with the number of hits, not
with the size of the corpus.  The data travels as JSON in the page and is rendered by a
small script on demand, always through ``textContent``: article text is untrusted and
must never become markup.  A Content-Security-Policy with a per-file nonce backs that up.

Usage::

    writer = ReportWriter(title="batch 2024-05-01")
    for doc_id, result in results:
        writer.add(doc_id, result.input_text, result.text,
                   [h.to_dict() for h in result.hits], removed_share)
    writer.write("report.html")
"""
from __future__ import annotations

import html
import json
import math
import re
import secrets
from bisect import bisect_left
from pathlib import Path
from typing import Any, Iterable, Mapping

from cleaner.model import ACTIONS

#: A document loses "more than half" of its text above this share: it gets a warning mark.
WARN_SHARE = 0.5

_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")


def context_ranges(
    spans: Iterable[tuple[int, int]],
    length: int,
    *,
    context: int = 200,
    keep: int = 300,
    merge_gap: int = 40,
    text: str | None = None,
) -> list[tuple[int, int]]:
    """Input ranges a reviewer needs to judge the hits at ``spans``.

    Each span gets ``context`` characters either side; a span longer than ``2 * keep``
    keeps only ``keep`` characters at each end, because a long dropped block is judged by
    how it starts and ends, and its middle would make the page grow with the corpus.
    Ranges closer than ``merge_gap`` are merged so neighbouring hits read as one passage.
    Given the ``text``, range ends move out to the nearest word boundary.
    """
    raw: list[tuple[int, int]] = []
    for start, end in spans:
        if end - start > 2 * keep + merge_gap:
            raw.append((start - context, start + keep))
            raw.append((end - keep, end + context))
        else:
            raw.append((start - context, end + context))
    merged: list[tuple[int, int]] = []
    for start, end in sorted((max(0, s), min(length, e)) for s, e in raw):
        if text is not None:
            start, end = _snap(text, start, end)
        if merged and start - merged[-1][1] <= merge_gap:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def _snap(text: str, start: int, end: int, slack: int = 20) -> tuple[int, int]:
    """Widen a range to whole words (by at most ``slack``): context cut mid-word reads as noise."""
    if 0 < start < len(text) and not text[start - 1].isspace():
        i = start - 1
        while i > max(0, start - slack) and not text[i - 1].isspace():
            i -= 1
        if i == 0 or text[i - 1].isspace():
            start = i
    if 0 < end < len(text) and not text[end].isspace():
        j = end + 1
        while j < min(len(text), end + slack) and not text[j].isspace():
            j += 1
        if j == len(text) or text[j].isspace():
            end = j
    return start, end


class _Utf16:
    """Converts Python offsets (code points) to JavaScript offsets (UTF-16 units).

    The page slices texts in JavaScript, where a character outside the BMP (an emoji)
    counts twice; without this, every hit after an emoji would be shifted.
    """

    __slots__ = ("_astral",)

    def __init__(self, text: str):
        self._astral = [m.start() for m in _ASTRAL.finditer(text)]

    def __call__(self, pos: int) -> int:
        return pos + bisect_left(self._astral, pos) if self._astral else pos


def _clip(text: str, limit: int) -> str:
    """Cut an overlong hit field so one odd hit cannot bloat the page."""
    if len(text) <= limit:
        return text
    half = limit // 2
    return f"{text[:half]} … [{len(text) - 2 * half} characters] … {text[-half:]}"


def _share(value: float) -> float:
    """A share in [0, 1] rounded for the page; NaN and junk become 0 rather than break it."""
    try:
        value = float(value)
    except (TypeError, ValueError):
        return 0.0
    if math.isnan(value):
        return 0.0
    return round(min(1.0, max(0.0, value)), 4)


def embed_json(data: Any) -> str:
    """JSON that is safe inside ``<script type="application/json">``.

    Every ``<``, ``>`` and ``&`` is written as a ``\\u`` escape, so no ``</script>``,
    ``<!--`` or ``<script`` in article text can end or change the data block; the
    line separators U+2028/9 are escaped as well for older parsers.
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


class ReportWriter:
    """Collects documents one at a time and writes the batch's review page.

    Only the compact form of a document (the input around its hits, the hits themselves)
    is kept, so a writer can take a large batch without holding its texts in memory.
    """

    def __init__(
        self,
        *,
        title: str = "clean-articles review",
        context: int = 200,
        keep: int = 300,
        max_field: int = 1000,
        warn_share: float = WARN_SHARE,
    ):
        self.title = title
        self.context = context
        self.keep = keep
        self.max_field = max_field
        self.warn_share = warn_share
        self._docs: list[dict] = []
        self._rules: dict[str, dict] = {}
        self._rule_list: list[dict] = []
        self._messages: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self._docs)

    def add(
        self,
        doc_id: str,
        input_text: str,
        output_text: str,
        hits: Iterable[Mapping[str, Any] | Any],
        removed_share: float,
    ) -> None:
        """Add one document: its input, its output and its hits (``Hit.to_dict()`` shape).

        ``Hit`` objects are accepted too.  Hit spans are offsets into ``input_text``; a
        hit without a usable span (-1, or outside the input) is still listed, without
        context, so no hit is ever hidden from the reviewer.
        """
        hit_dicts = [h.to_dict() if hasattr(h, "to_dict") else dict(h) for h in hits]
        length = len(input_text)
        placed = [h for h in hit_dicts if _placed(h, length)]
        ranges = context_ranges(
            ((h["start"], h["end"]) for h in placed),
            length,
            context=self.context,
            keep=self.keep,
            text=input_text,
        )
        u16 = _Utf16(input_text)
        chunks = [[u16(s), input_text[s:e]] for s, e in ranges]
        rows = [self._hit_row(h, input_text, u16, length) for h in hit_dicts]
        self._docs.append(
            {
                "id": str(doc_id),
                "share": _share(removed_share),
                "nin": length,
                "nout": len(output_text),
                "chunks": chunks,
                "hits": rows,
            }
        )
        for index in {row[0] for row in rows}:
            self._rule_list[index]["docs"] += 1

    def _hit_row(self, hit: Mapping[str, Any], text: str, u16: _Utf16, length: int) -> list:
        """One hit as a compact row: rule, action, span, message, after, before, detail.

        ``before`` is left out (null) when it is what the input holds at the span, which
        is the usual case and halves the size of removal-heavy pages.
        """
        code = str(hit.get("code", "?"))
        rule = self._rules.get(code)
        if rule is None:
            rule = self._rules[code] = {
                "index": len(self._rules),
                "code": code,
                "name": str(hit.get("name", "")),
                "actions": {},
                "messages": {},
                "hits": 0,
                "docs": 0,
            }
            self._rule_list.append(rule)
        action = str(hit.get("action", "flag"))
        action_index = ACTIONS.index(action) if action in ACTIONS else ACTIONS.index("flag")
        message = str(hit.get("message", ""))
        msg_index = self._messages.setdefault(message, len(self._messages))
        rule["hits"] += 1
        rule["actions"][action] = rule["actions"].get(action, 0) + 1
        rule["messages"][msg_index] = rule["messages"].get(msg_index, 0) + 1
        before = str(hit.get("before", ""))
        after = _clip(str(hit.get("after", "")), self.max_field)
        detail = _clip(str(hit.get("detail", "") or ""), self.max_field)
        if _placed(hit, length):
            start, end = int(hit["start"]), int(hit["end"])
            shown_before = None if text[start:end] == before else _clip(before, self.max_field)
            return [rule["index"], action_index, u16(start), u16(end), msg_index, after, shown_before, detail]
        return [rule["index"], action_index, -1, -1, msg_index, after, _clip(before, self.max_field), detail]

    def overview(self) -> dict:
        """Batch counts the page's overview shows (also handy for tests and the CLI)."""
        hits_per_rule = {code: r["hits"] for code, r in self._rules.items()}
        return {
            "documents": len(self._docs),
            "hits": sum(hits_per_rule.values()),
            "hits_per_rule": hits_per_rule,
            "warned": sum(1 for d in self._docs if d["share"] > self.warn_share),
        }

    def data(self) -> dict:
        """Everything the page's script needs, documents sorted by share removed."""
        messages = sorted(self._messages, key=self._messages.__getitem__)
        rules = [
            {
                "code": r["code"],
                "name": r["name"],
                "actions": r["actions"],
                "hits": r["hits"],
                "docs": r["docs"],
                "messages": [[m, n] for m, n in sorted(r["messages"].items(), key=lambda kv: -kv[1])],
            }
            for r in self._rules.values()
        ]
        docs = sorted(self._docs, key=lambda d: -d["share"])
        return {
            "title": self.title,
            "warn": self.warn_share,
            "actions": list(ACTIONS),
            "messages": messages,
            "rules": rules,
            "docs": docs,
        }

    def render(self) -> str:
        """The whole page as one string: no external assets, nothing fetched."""
        nonce = secrets.token_urlsafe(18)
        rule_css = "".join(
            f".r{r['index']}{{--rc:{_rule_colour(r['index'])}}}" for r in self._rules.values()
        )
        return _PAGE.format(
            title=html.escape(self.title),
            nonce=nonce,
            css=_CSS + rule_css,
            data=embed_json(self.data()),
            script=_SCRIPT,
        )

    def write(self, path: str | Path) -> Path:
        """Write the page as UTF-8; lone surrogates from broken input become JSON escapes."""
        path = Path(path)
        path.write_text(self.render(), encoding="utf-8", errors="backslashreplace")
        return path


def _placed(hit: Mapping[str, Any], length: int) -> bool:
    """Whether a hit's span points into the input (hits mapped to -1 have no place)."""
    try:
        start, end = int(hit["start"]), int(hit["end"])
    except (KeyError, TypeError, ValueError):
        return False
    return 0 <= start <= end <= length


def _rule_colour(index: int) -> str:
    """A distinct, light colour per rule: golden-angle hues keep neighbours apart."""
    return f"hsl({(index * 137.508) % 360:.0f} 75% 80%)"


def write_report(path: str | Path, documents: Iterable[tuple], **options: Any) -> Path:
    """Write a report for ``(doc_id, input_text, output_text, hits, removed_share)`` tuples."""
    writer = ReportWriter(**options)
    for doc in documents:
        writer.add(*doc)
    return writer.write(path)


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'nonce-{nonce}'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>{css}</style>
</head>
<body>
<header><h1 id="title">{title}</h1><p id="summary" aria-live="polite">Loading…</p></header>
<main>
<section id="rules-section" aria-labelledby="rules-h"><h2 id="rules-h">Rules</h2>
<table id="rules"><thead><tr><th scope="col">Rule</th><th scope="col">Name</th><th scope="col">Actions</th><th scope="col">Hits</th><th scope="col">Docs</th><th scope="col">Messages</th></tr></thead><tbody></tbody></table>
</section>
<section id="filters" aria-label="Filters">
<label>Rule <select id="f-rule"><option value="">all rules</option></select></label>
<label>Document <input id="f-doc" type="search" placeholder="document id contains…" autocomplete="off"></label>
<button type="button" id="f-clear">Clear filters</button>
</section>
<section id="docs-section" aria-labelledby="docs-h"><h2 id="docs-h">Documents <small>(most removed first)</small></h2>
<table id="docs"><thead><tr><th scope="col"><span class="sr">warning</span></th><th scope="col">Document</th><th scope="col">Removed</th><th scope="col">Hits</th><th scope="col">Rules</th></tr></thead><tbody></tbody></table>
<button type="button" class="more" id="docs-more" hidden>Show more documents</button>
</section>
<section id="doc-section" aria-labelledby="doc-h" hidden><h2 id="doc-h">Document</h2><div id="doc-meta"></div><div id="doc-view" class="text"></div></section>
<section id="hits-section" aria-labelledby="hits-h"><h2 id="hits-h">Hits</h2>
<ol id="hit-list"></ol>
<button type="button" class="more" id="hits-more" hidden>Show more hits</button>
</section>
</main>
<div id="tip" role="tooltip" hidden></div>
<script type="application/json" id="report-data">{data}</script>
<script nonce="{nonce}">{script}</script>
</body>
</html>
"""

_CSS = """
:root{--bg:#fff;--fg:#1a1a1a;--muted:#666;--line:#ddd;--warn:#b00020}
*{box-sizing:border-box}
body{margin:0;padding:0 1.5rem 3rem;font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);background:var(--bg)}
header{border-bottom:2px solid var(--line);margin-bottom:1rem}
h1{font-size:1.5rem;margin:1rem 0 .25rem}
h2{font-size:1.15rem;margin:1.5rem 0 .5rem}
section{scroll-margin-top:3.5rem}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.25rem .5rem;border-bottom:1px solid var(--line);vertical-align:top}
th{font-weight:600;background:#f5f5f5}
td.num{text-align:right;font-variant-numeric:tabular-nums}
button{font:inherit;cursor:pointer}
button.link{background:none;border:0;padding:0;color:#0645ad;text-decoration:underline;text-align:left}
button:focus-visible,.hit:focus-visible,select:focus-visible,input:focus-visible{outline:3px solid #1a73e8;outline-offset:1px}
.sw{display:inline-block;width:.9em;height:.9em;border:1px solid #888;background:var(--rc);vertical-align:-.1em;margin-right:.3em}
.code{font-family:ui-monospace,Menlo,Consolas,monospace;font-weight:600}
.badge{font-family:ui-monospace,Menlo,Consolas,monospace;background:var(--rc);border:1px solid #999;border-radius:3px;padding:0 .3em;margin-right:.3em}
.msgs{margin:0;padding-left:1.1em;color:var(--muted)}
.bar{display:inline-block;width:6em;height:.7em;background:#eee;margin-right:.4em;vertical-align:middle}
.bar>span{display:block;height:100%;background:#888}
tr.warn .bar>span{background:var(--warn)}
.warnmark{color:var(--warn);font-weight:700}
#filters{position:sticky;top:0;background:var(--bg);padding:.5rem 0;border-bottom:1px solid var(--line);display:flex;gap:1rem;flex-wrap:wrap;align-items:center;z-index:2}
.text{white-space:pre-wrap;overflow-wrap:anywhere;font-family:Georgia,"Times New Roman",serif;background:#fafafa;border:1px solid var(--line);padding:.75rem;line-height:1.6}
.gap{display:block;text-decoration:none;color:var(--muted);font:italic 12px system-ui,sans-serif;margin:.4em 0;white-space:normal}
.gap.inline{display:inline-block;margin:0 .3em;text-decoration:none}
.hit{background:var(--rc);color:inherit;border-radius:2px}
.hit.a-drop>.b,.hit.a-strip>.b{text-decoration:line-through;text-decoration-thickness:2px;color:#444}
.hit.a-substitute>.b,.hit.a-repair>.b{text-decoration:line-through;color:#444}
.hit.a-flag{background:none;text-decoration:underline wavy var(--warn);box-shadow:inset 0 -0.4em 0 var(--rc)}
.hit.a-flag::before{content:"\\26A0";color:var(--warn);font-size:.8em;margin-right:.1em}
.hit.cont::before{content:none}
ins.after{text-decoration:none;background:#d4f7d4;border:1px solid #7c7;border-radius:2px;padding:0 .15em;margin-left:.15em}
ins.after::before{content:"\\2192 ";color:#363}
.hit.zero{padding:0 .1em}
#tip{position:absolute;z-index:10;max-width:32rem;background:#222;color:#fff;padding:.4rem .6rem;border-radius:4px;font:13px/1.35 system-ui,sans-serif;box-shadow:0 2px 8px rgba(0,0,0,.3);pointer-events:none;white-space:pre-wrap}
#tip .tcode{font-family:ui-monospace,Menlo,Consolas,monospace;font-weight:700}
#hit-list{padding-left:1.8em}
#hit-list>li{margin:.6rem 0;border-bottom:1px solid var(--line);padding-bottom:.5rem}
.hit-head{display:flex;gap:.6em;flex-wrap:wrap;align-items:baseline;margin-bottom:.25rem}
.hit-head .msg{color:var(--muted)}
.ctx{padding:.4rem .6rem}
.nospan{color:var(--muted);font-style:italic}
.more{margin:.5rem 0}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
"""

_SCRIPT = r"""
"use strict";
(function () {
  var D = JSON.parse(document.getElementById("report-data").textContent);
  var ACT = D.actions, RULES = D.rules, DOCS = D.docs, MSG = D.messages;
  var PAGE = 100, HIT_CTX = 120;
  var state = { rule: -1, query: "", doc: -1 };
  var docRows = [], hitRows = [], docShown = 0, hitShown = 0;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function plural(count, noun) { return count + " " + noun + (count === 1 ? "" : "s"); }
  function pct(x) { return (Math.round(x * 1000) / 10) + "%"; }
  function ruleBadge(r) {
    var b = el("span", "badge r" + r, RULES[r].code);
    return b;
  }
  function hitLabel(d, h) {
    var r = RULES[h[0]];
    return r.code + " " + r.name + " (" + ACT[h[1]] + "): " + MSG[h[4]];
  }

  /* ---------- overview ---------- */
  function renderSummary() {
    var hits = 0, warned = 0, sum = 0;
    RULES.forEach(function (r) { hits += r.hits; });
    DOCS.forEach(function (d) { sum += d.share; if (d.share > D.warn) warned++; });
    var s = document.getElementById("summary");
    s.textContent = plural(DOCS.length, "document") + ", " + plural(hits, "hit") + " from " + plural(RULES.length, "rule") +
      "; mean share removed " + pct(DOCS.length ? sum / DOCS.length : 0) + "; " +
      plural(warned, "document") + " lost more than " + pct(D.warn) + " of their text.";
  }

  function renderRules() {
    var body = document.querySelector("#rules tbody");
    var select = document.getElementById("f-rule");
    RULES.forEach(function (r, i) {
      var tr = el("tr");
      tr.setAttribute("data-code", r.code);
      var td = el("td");
      td.appendChild(el("span", "sw r" + i));
      var b = el("button", "link code rule-link", r.code);
      b.type = "button";
      b.setAttribute("data-rule", String(i));
      b.setAttribute("aria-label", "list every hit of rule " + r.code);
      b.addEventListener("click", function () { setRule(i, true); });
      td.appendChild(b);
      tr.appendChild(td);
      tr.appendChild(el("td", null, r.name));
      tr.appendChild(el("td", null, Object.keys(r.actions).map(function (a) {
        return a + " " + r.actions[a];
      }).join(", ")));
      tr.appendChild(el("td", "num", r.hits));
      tr.appendChild(el("td", "num", r.docs));
      var mtd = el("td"), ul = el("ul", "msgs");
      r.messages.slice(0, 8).forEach(function (m) {
        ul.appendChild(el("li", null, m[1] + " \u00d7 " + MSG[m[0]]));
      });
      if (r.messages.length > 8) ul.appendChild(el("li", null, "\u2026 " + (r.messages.length - 8) + " more messages"));
      mtd.appendChild(ul);
      tr.appendChild(mtd);
      body.appendChild(tr);
      var o = el("option", null, r.code + " " + r.name + " (" + r.hits + ")");
      o.value = String(i);
      select.appendChild(o);
    });
  }

  function docHasRule(d, r) {
    for (var i = 0; i < d.hits.length; i++) if (d.hits[i][0] === r) return true;
    return false;
  }
  /* An open document filters by identity: "doc-1" must not also match "doc-10". */
  function docSelected(i) {
    if (state.doc >= 0) return i === state.doc;
    return !state.query || DOCS[i].id.indexOf(state.query) >= 0;
  }
  function docMatches(i) {
    return docSelected(i) && (state.rule < 0 || docHasRule(DOCS[i], state.rule));
  }

  function refreshDocs() {
    docRows = [];
    for (var i = 0; i < DOCS.length; i++) if (docMatches(i)) docRows.push(i);
    var body = document.querySelector("#docs tbody");
    body.textContent = "";
    docShown = 0;
    moreDocs();
  }
  function moreDocs() {
    var body = document.querySelector("#docs tbody");
    var end = Math.min(docRows.length, docShown + PAGE);
    for (; docShown < end; docShown++) body.appendChild(docRow(docRows[docShown]));
    var more = document.getElementById("docs-more");
    more.hidden = docShown >= docRows.length;
    more.textContent = "Show more documents (" + (docRows.length - docShown) + " left)";
  }
  function docRow(i) {
    var d = DOCS[i], tr = el("tr");
    var warn = d.share > D.warn;
    if (warn) tr.className = "warn";
    tr.setAttribute("data-doc", d.id);
    var wtd = el("td");
    if (warn) {
      var w = el("span", "warnmark", "\u26a0");
      w.title = "more than " + pct(D.warn) + " of the text was removed";
      w.setAttribute("role", "img");
      w.setAttribute("aria-label", w.title);
      wtd.appendChild(w);
    }
    tr.appendChild(wtd);
    var ntd = el("td"), b = el("button", "link doc-link", d.id);
    b.type = "button";
    b.addEventListener("click", function () { openDoc(i, true); });
    ntd.appendChild(b);
    tr.appendChild(ntd);
    var std = el("td", "num"), bar = el("span", "bar"), fill = el("span");
    fill.style.width = pct(d.share);
    bar.appendChild(fill);
    std.appendChild(bar);
    std.appendChild(document.createTextNode(pct(d.share)));
    tr.appendChild(std);
    tr.appendChild(el("td", "num", d.hits.length));
    var rtd = el("td"), seen = {};
    d.hits.forEach(function (h) {
      if (!seen[h[0]]) { seen[h[0]] = 1; rtd.appendChild(ruleBadge(h[0])); }
    });
    tr.appendChild(rtd);
    return tr;
  }

  /* ---------- text rendering: input around hits, hits nested as elements ---------- */
  function hitNode(di, hi, cont) {
    var d = DOCS[di], h = d.hits[hi];
    var n = el("mark", "hit r" + h[0] + " a-" + ACT[h[1]] + (cont ? " cont" : ""));
    n.title = hitLabel(d, h);
    n.setAttribute("data-code", RULES[h[0]].code);
    if (!cont) {
      n.tabIndex = 0;
      n.setAttribute("aria-describedby", "tip");
      n.setAttribute("data-hit", di + ":" + hi);
    }
    var b = el("span", "b");
    n.appendChild(b);
    n._inner = b;
    return n;
  }
  function closeHit(di, hi, node) {
    var h = DOCS[di].hits[hi], action = ACT[h[1]];
    if (action !== "flag" && h[5] !== "" && (action === "substitute" || action === "repair" || h[5].trim() !== "")) {
      node.appendChild(el("ins", "after", h[5]));
    }
  }
  function textAt(d, a, b) {
    for (var i = 0; i < d.chunks.length; i++) {
      var c = d.chunks[i], s = c[0], e = c[0] + c[1].length;
      if (a >= s && b <= e) return c[1].slice(a - s, b - s);
    }
    return null;
  }
  /* Render DOCS[di]'s input in [from, to) with the hits listed in `hs` (indices). */
  function renderText(di, hs, from, to, parent, inline) {
    var d = DOCS[di], pts = {}, i;
    pts[from] = 1; pts[to] = 1;
    d.chunks.forEach(function (c) {
      var s = c[0], e = c[0] + c[1].length;
      if (s > from && s < to) pts[s] = 1;
      if (e > from && e < to) pts[e] = 1;
    });
    var opens = {}, zeros = {};
    hs.forEach(function (hi) {
      var h = d.hits[hi];
      if (h[2] < 0 || h[3] < from || h[2] > to) return;
      if (h[2] < h[3] && (h[3] === from || h[2] === to)) return;  /* touches the range only */
      var s = Math.max(h[2], from), e = Math.min(h[3], to);
      pts[s] = 1; pts[e] = 1;
      if (h[2] === h[3]) (zeros[s] = zeros[s] || []).push(hi);
      else (opens[s] = opens[s] || []).push(hi);
    });
    var P = Object.keys(pts).map(Number).sort(function (a, b) { return a - b; });
    var stack = [];            /* [{hi, end, node}] */
    function top() { return stack.length ? stack[stack.length - 1].node._inner : parent; }
    for (i = 0; i < P.length; i++) {
      var p = P[i];
      /* close every hit ending here; reopen those that were closed on the way */
      var reopen = [];
      for (var k = stack.length - 1; k >= 0; k--) {
        if (stack[k].end <= p) {
          while (stack.length > k + 1) reopen.unshift(stack.pop());
          var done = stack.pop();
          if (DOCS[di].hits[done.hi][3] <= to) closeHit(di, done.hi, done.node);
        }
      }
      reopen.forEach(function (o) {
        var n = hitNode(di, o.hi, true);
        top().appendChild(n);
        stack.push({ hi: o.hi, end: o.end, node: n });
      });
      (zeros[p] || []).forEach(function (hi) {
        var n = hitNode(di, hi, false);
        n.className += " zero";
        top().appendChild(n);
        closeHit(di, hi, n);
      });
      (opens[p] || []).sort(function (a, b) { return d.hits[b][3] - d.hits[a][3]; }).forEach(function (hi) {
        var n = hitNode(di, hi, false);
        top().appendChild(n);
        stack.push({ hi: hi, end: Math.min(d.hits[hi][3], to), node: n });
      });
      if (i + 1 < P.length) {
        var q = P[i + 1], t = textAt(d, p, q);
        if (t !== null) top().appendChild(document.createTextNode(t));
        else if (!(i > 0 && textAt(d, P[i - 1], p) === null)) {
          var g = el("span", "gap" + (inline ? " inline" : ""));
          g.textContent = "\u2026 " + (q - p) + " characters not shown \u2026";
          top().appendChild(g);
        }
      }
    }
  }
  function chunkOf(d, pos) {
    for (var i = 0; i < d.chunks.length; i++) {
      if (d.chunks[i][0] <= pos && pos <= chunkEnd(d.chunks[i])) return d.chunks[i];
    }
    return [pos, ""];
  }
  /* Move a context edge out to a word boundary (at most 20 characters, never off the chunk). */
  function wordStart(d, pos) {
    var c = chunkOf(d, pos), i = pos - c[0], k = 0;
    while (k++ < 20 && i > 0 && !/\s/.test(c[1].charAt(i - 1))) i--;
    return c[0] + i;
  }
  function wordEnd(d, pos) {
    var c = chunkOf(d, pos), i = pos - c[0], k = 0;
    while (k++ < 20 && i < c[1].length && !/\s/.test(c[1].charAt(i))) i++;
    return c[0] + i;
  }
  function chunkEnd(c) { return c[0] + c[1].length; }
  function docRange(d) {
    if (!d.chunks.length) return [0, 0];
    var last = d.chunks[d.chunks.length - 1];
    return [d.chunks[0][0], last[0] + last[1].length];
  }
  function visibleHits(d) {
    var out = [];
    for (var i = 0; i < d.hits.length; i++) if (state.rule < 0 || d.hits[i][0] === state.rule) out.push(i);
    return out;
  }

  /* ---------- one document ---------- */
  function openDoc(i, scroll) {
    state.doc = i;
    var d = DOCS[i], sec = document.getElementById("doc-section");
    sec.hidden = false;
    document.getElementById("doc-h").textContent = "Document " + d.id;
    var meta = document.getElementById("doc-meta");
    meta.textContent = "";
    meta.appendChild(el("p", null, "Input " + d.nin + " characters, output " + d.nout +
      " characters, " + pct(d.share) + " removed, " + d.hits.length + " hits" +
      (state.rule >= 0 ? " (showing rule " + RULES[state.rule].code + " only)" : "") + "."));
    if (d.share > D.warn) meta.appendChild(el("p", "warnmark", "\u26a0 More than " + pct(D.warn) + " of this document was removed."));
    var view = document.getElementById("doc-view");
    view.textContent = "";
    var hs = visibleHits(d), unplaced = hs.filter(function (hi) { return d.hits[hi][2] < 0; });
    var r = docRange(d);
    if (r[1] > r[0]) {
      if (r[0] > 0) view.appendChild(el("span", "gap", "\u2026 " + r[0] + " characters before \u2026"));
      renderText(i, hs, r[0], r[1], view, false);
      if (r[1] < d.nin) view.appendChild(el("span", "gap", "\u2026 input continues \u2026"));
    } else {
      view.appendChild(el("span", "nospan", "No hits with a position in this document."));
    }
    unplaced.forEach(function (hi) { view.appendChild(unplacedHit(i, hi)); });
    state.query = d.id;
    document.getElementById("f-doc").value = d.id;
    refreshDocs();
    refreshHits();
    if (scroll) sec.scrollIntoView();
  }
  function unplacedHit(di, hi) {
    var h = DOCS[di].hits[hi], box = el("div", "nospan");
    box.appendChild(document.createTextNode("Hit without a position: "));
    var n = hitNode(di, hi, false);
    n._inner.textContent = h[6] === null ? "" : h[6];
    box.appendChild(n);
    closeHit(di, hi, n);
    return box;
  }

  /* ---------- hit list ---------- */
  function refreshHits() {
    hitRows = [];
    for (var di = 0; di < DOCS.length; di++) {
      var d = DOCS[di];
      if (!docSelected(di)) continue;
      for (var hi = 0; hi < d.hits.length; hi++) {
        if (state.rule < 0 || d.hits[hi][0] === state.rule) hitRows.push([di, hi]);
      }
    }
    var h = document.getElementById("hits-h");
    var docs = {};
    hitRows.forEach(function (x) { docs[x[0]] = 1; });
    h.textContent = "Hits" + (state.rule >= 0 ? " of rule " + RULES[state.rule].code : "") +
      (state.doc >= 0 ? " in document \u201c" + DOCS[state.doc].id + "\u201d" :
       state.query ? " in documents matching \u201c" + state.query + "\u201d" : "") +
      ": " + hitRows.length + " in " + plural(Object.keys(docs).length, "document");
    document.getElementById("hit-list").textContent = "";
    hitShown = 0;
    moreHits();
  }
  function moreHits() {
    var list = document.getElementById("hit-list");
    var end = Math.min(hitRows.length, hitShown + PAGE);
    for (; hitShown < end; hitShown++) list.appendChild(hitCard(hitRows[hitShown][0], hitRows[hitShown][1]));
    var more = document.getElementById("hits-more");
    more.hidden = hitShown >= hitRows.length;
    more.textContent = "Show more hits (" + (hitRows.length - hitShown) + " left)";
  }
  function hitCard(di, hi) {
    var d = DOCS[di], h = d.hits[hi], li = el("li", "hit-card");
    li.setAttribute("data-code", RULES[h[0]].code);
    li.setAttribute("data-doc", d.id);
    var head = el("div", "hit-head");
    head.appendChild(ruleBadge(h[0]));
    head.appendChild(el("span", null, ACT[h[1]]));
    var b = el("button", "link doc-link", d.id);
    b.type = "button";
    b.addEventListener("click", function () { openDoc(di, true); });
    head.appendChild(b);
    head.appendChild(el("span", "msg", MSG[h[4]]));
    if (h[7]) head.appendChild(el("span", "msg", "(" + h[7] + ")"));
    li.appendChild(head);
    var ctx = el("div", "text ctx");
    if (h[2] < 0) ctx.appendChild(unplacedHit(di, hi));
    else renderText(di, [hi], wordStart(d, Math.max(chunkOf(d, h[2])[0], h[2] - HIT_CTX)),
                    wordEnd(d, Math.min(chunkEnd(chunkOf(d, h[3])), h[3] + HIT_CTX)), ctx, true);
    li.appendChild(ctx);
    return li;
  }

  /* ---------- filters ---------- */
  function setRule(r, scroll) {
    state.rule = r;
    document.getElementById("f-rule").value = r < 0 ? "" : String(r);
    if (scroll) { state.query = ""; state.doc = -1; document.getElementById("f-doc").value = ""; document.getElementById("doc-section").hidden = true; }
    refreshDocs();
    refreshHits();
    if (state.doc >= 0) openDoc(state.doc, false);
    if (scroll) document.getElementById("hits-section").scrollIntoView();
  }
  function setQuery(q) {
    state.query = q;
    var exact = -1;
    for (var i = 0; q && i < DOCS.length; i++) if (DOCS[i].id === q) { exact = i; break; }
    if (exact >= 0) { openDoc(exact, false); return; }
    state.doc = -1;
    document.getElementById("doc-section").hidden = true;
    refreshDocs();
    refreshHits();
  }

  /* ---------- tooltip: on hover and on keyboard focus ---------- */
  var tip = document.getElementById("tip");
  function showTip(n) {
    var key = n.getAttribute("data-hit");
    if (!key) return;
    var parts = key.split(":"), d = DOCS[+parts[0]], h = d.hits[+parts[1]], r = RULES[h[0]];
    tip.textContent = "";
    tip.appendChild(el("span", "tcode", r.code));
    tip.appendChild(document.createTextNode(" " + r.name + " \u00b7 " + ACT[h[1]] + "\n" + MSG[h[4]]));
    if (h[6] !== null && h[6] !== undefined && h[2] >= 0) tip.appendChild(document.createTextNode("\nbefore: " + h[6]));
    if (h[5]) tip.appendChild(document.createTextNode("\nafter: " + h[5]));
    if (h[7]) tip.appendChild(document.createTextNode("\n" + h[7]));
    tip.hidden = false;
    var rect = n.getBoundingClientRect();
    tip.style.left = Math.max(0, rect.left + window.scrollX) + "px";
    tip.style.top = (rect.bottom + window.scrollY + 4) + "px";
  }
  function hideTip() { tip.hidden = true; }
  function hitFrom(t) { return t && t.closest ? t.closest(".hit[data-hit]") : null; }
  document.addEventListener("focusin", function (e) { var n = hitFrom(e.target); if (n) showTip(n); });
  document.addEventListener("focusout", function (e) { if (hitFrom(e.target)) hideTip(); });
  document.addEventListener("mouseover", function (e) { var n = hitFrom(e.target); if (n) showTip(n); });
  document.addEventListener("mouseout", function (e) { if (hitFrom(e.target) && document.activeElement !== hitFrom(e.target)) hideTip(); });
  document.addEventListener("keydown", function (e) { if (e.key === "Escape") hideTip(); });

  document.getElementById("f-rule").addEventListener("change", function (e) {
    setRule(e.target.value === "" ? -1 : Number(e.target.value), false);
  });
  document.getElementById("f-doc").addEventListener("input", function (e) { setQuery(e.target.value); });
  document.getElementById("f-clear").addEventListener("click", function () {
    document.getElementById("f-doc").value = "";
    state.query = ""; state.doc = -1;
    document.getElementById("doc-section").hidden = true;
    setRule(-1, false);
  });
  document.getElementById("docs-more").addEventListener("click", moreDocs);
  document.getElementById("hits-more").addEventListener("click", moreHits);

  renderSummary();
  renderRules();
  refreshDocs();
  refreshHits();
  window.__reportRendered = performance.now();
})();
"""
