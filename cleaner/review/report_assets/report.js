
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
