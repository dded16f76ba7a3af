"use strict";
(function () {
  var D = JSON.parse(document.getElementById("report-data").textContent);
  var ACT = D.actions, RULES = D.rules, DOCS = D.docs, MSG = D.messages;
  var PAGE = 100, HIT_CTX = 120;
  /* the SVG namespace, from the page's own empty <svg> (the parser knows it) */
  var SVGNS = document.getElementById("svg-ns").namespaceURI;
  /* set: a chart's selection of documents ({label, test(docIndex)}), or null */
  var state = { rule: -1, query: "", doc: -1, set: null, view: "input", sort: ["removed", -1] };
  var docRows = [], hitRows = [], docShown = 0, hitShown = 0;
  var MARK_KEY = "clean-articles-marks:" + D.title;
  var marks = loadMarks();

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function svg(tag, attrs) {
    var e = document.createElementNS(SVGNS, tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, String(attrs[k])); });
    return e;
  }
  function plural(count, noun) { return count + " " + noun + (count === 1 ? "" : "s"); }
  function pct(x) { return (Math.round(x * 1000) / 10) + "%"; }
  function num(n) { return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ","); }
  function ruleBadge(r) { return el("span", "badge r" + r, RULES[r].code); }
  function hitLabel(d, h) {
    var r = RULES[h[0]];
    return r.code + " " + r.name + " (" + ACT[h[1]] + "): " + MSG[h[4]];
  }
  function docName(d) { return d.title || d.id; }
  function worth(d) { return d.score >= D.look; }

  /* ---------- overview: triage count and summary ---------- */
  function renderSummary() {
    var hits = 0, warned = 0, sum = 0, look = 0;
    RULES.forEach(function (r) { hits += r.hits; });
    DOCS.forEach(function (d) { sum += d.share; if (d.share > D.warn) warned++; if (worth(d)) look++; });
    document.getElementById("look").textContent = look + " of " + plural(DOCS.length, "document") +
      " worth a look" + (look ? "; they come first below." : ".");
    document.getElementById("summary").textContent = plural(DOCS.length, "document") + ", " + plural(hits, "hit") +
      " from " + plural(RULES.length, "rule") + "; mean share removed " + pct(DOCS.length ? sum / DOCS.length : 0) +
      "; " + plural(warned, "document") + " lost more than " + pct(D.warn) + " of their text.";
  }

  /* ---------- rules table: sortable, default by characters removed ---------- */
  function renderRules() {
    var select = document.getElementById("f-rule");
    RULES.forEach(function (r, i) {
      var o = el("option", null, r.code + " " + r.name + " (" + r.hits + ")");
      o.value = String(i);
      select.appendChild(o);
    });
    document.querySelectorAll("#rules th[data-sort]").forEach(function (th) {
      var key = th.getAttribute("data-sort"), b = el("button", "sort", th.textContent);
      b.type = "button";
      th.textContent = "";
      th.appendChild(b);
      b.addEventListener("click", function () {
        var numeric = key !== "code" && key !== "name";
        state.sort = [key, state.sort[0] === key ? -state.sort[1] : (numeric ? -1 : 1)];
        fillRules();
      });
    });
    fillRules();
  }
  function fillRules() {
    var key = state.sort[0], dir = state.sort[1];
    var order = RULES.map(function (_, i) { return i; }).sort(function (a, b) {
      var x = RULES[a][key], y = RULES[b][key];
      var c = typeof x === "number" ? x - y : String(x).localeCompare(String(y));
      return dir * c || RULES[a].code.localeCompare(RULES[b].code);
    });
    document.querySelectorAll("#rules th[data-sort]").forEach(function (th) {
      var k = th.getAttribute("data-sort");
      th.setAttribute("aria-sort", k === key ? (dir > 0 ? "ascending" : "descending") : "none");
    });
    var body = document.querySelector("#rules tbody");
    body.textContent = "";
    order.forEach(function (i) { body.appendChild(ruleRow(i)); });
  }
  function ruleRow(i) {
    var r = RULES[i], tr = el("tr");
    tr.setAttribute("data-code", r.code);
    var td = el("td"), b = el("button", "link code rule-link badge r" + i, r.code);
    b.type = "button";
    b.setAttribute("data-rule", String(i));
    b.setAttribute("aria-label", "list every hit of rule " + r.code);
    b.addEventListener("click", function () { setRule(i, true); });
    td.appendChild(b);
    tr.appendChild(td);
    tr.appendChild(el("td", null, r.name));
    tr.appendChild(el("td", "num", num(r.removed)));
    tr.appendChild(el("td", "num", r.hits));
    tr.appendChild(el("td", "num", r.docs));
    /* counts only where they add to the hit count: with one action or message, it is the hit count */
    var acts = Object.keys(r.actions);
    tr.appendChild(el("td", null, acts.map(function (a) {
      return acts.length > 1 ? a + " " + r.actions[a] : a;
    }).join(", ")));
    var mtd = el("td"), ul = el("ul", "msgs");
    r.messages.slice(0, 8).forEach(function (m) {
      ul.appendChild(el("li", null, (r.messages.length > 1 ? m[1] + " \u00d7 " : "") + MSG[m[0]]));
    });
    if (r.messages.length > 8) ul.appendChild(el("li", null, "\u2026 " + (r.messages.length - 8) + " more messages"));
    mtd.appendChild(ul);
    tr.appendChild(mtd);
    return tr;
  }

  /* ---------- charts: inline SVG, each mark filters the hits it stands for ---------- */
  function chartItem(g, label, onPick) {
    g.setAttribute("tabindex", "0");
    g.setAttribute("role", "button");
    g.setAttribute("aria-label", label);
    var t = svg("title");
    t.textContent = label;
    g.appendChild(t);
    g.addEventListener("click", onPick);
    g.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); onPick(); } });
    return g;
  }
  function svgText(x, y, text, attrs) {
    var t = svg("text", Object.assign({ x: x, y: y }, attrs || {}));
    t.textContent = text;
    return t;
  }
  function renderCharts() {
    var rules = RULES.map(function (_, i) { return i; }).filter(function (i) { return RULES[i].removed > 0; })
      .sort(function (a, b) { return RULES[b].removed - RULES[a].removed || RULES[a].code.localeCompare(RULES[b].code); })
      .slice(0, 20);
    /* bars: characters removed per rule */
    var W = 480, row = 18, left = 70, max = rules.length ? RULES[rules[0]].removed : 1;
    var s1 = svg("svg", { viewBox: "0 0 " + W + " " + Math.max(row, rules.length * row + 4), "class": "chart", role: "group" });
    rules.forEach(function (ri, k) {
      var r = RULES[ri], w = Math.max(1, (W - left - 70) * r.removed / max);
      var g = chartItem(svg("g", { "data-rule": ri, "class": "item" }), r.code + ": " + num(r.removed) +
        " characters removed in " + plural(r.docs, "document"), function () { setRule(ri, true); });
      g.appendChild(svgText(left - 4, k * row + 13, r.code, { "text-anchor": "end", "class": "lbl" }));
      g.appendChild(svg("rect", { x: left, y: k * row + 2, width: w, height: row - 5, "class": "r" + ri + " fill" }));
      g.appendChild(svgText(left + w + 4, k * row + 13, num(r.removed), { "class": "val" }));
      s1.appendChild(g);
    });
    if (!rules.length) s1.appendChild(svgText(4, 13, "no characters removed", { "class": "val" }));
    document.getElementById("chart-rules").appendChild(s1);
    /* histogram of share removed per document */
    var H = 140, bins = D.hist, top = Math.max.apply(null, bins.concat([1])), bw = (W - 40) / bins.length;
    var T = 14, s2 = svg("svg", { viewBox: "0 0 " + W + " " + (T + H + 36), "class": "chart", role: "group" });
    bins.forEach(function (n, b) {
      var h = n ? Math.max(2, H * n / top) : 0, lo = b / bins.length, hi = (b + 1) / bins.length;
      var label = n + " documents with " + pct(lo) + "\u2013" + pct(hi) + " removed";
      var g = chartItem(svg("g", { "data-bin": b, "class": "item" }), label, function () {
        setSet(pct(lo) + "\u2013" + pct(hi) + " removed", function (i) {
          var s = DOCS[i].share;
          return s >= lo && (s < hi || (b === bins.length - 1 && s <= 1));
        });
      });
      g.appendChild(svg("rect", { x: 30 + b * bw + 1, y: T, width: bw - 2, height: H, "class": "hot" }));
      g.appendChild(svg("rect", { x: 30 + b * bw + 1, y: T + H - h, width: bw - 2, height: h, "class": "bin" }));
      g.appendChild(svgText(30 + b * bw + bw / 2, T + H - h - 3, n || "", { "text-anchor": "middle", "class": "val" }));
      g.appendChild(svgText(30 + b * bw + bw / 2, T + H + 14, Math.round(lo * 100) + "%", { "text-anchor": "middle", "class": "lbl" }));
      s2.appendChild(g);
    });
    s2.appendChild(svgText(W / 2, T + H + 32, "share of the document removed", { "text-anchor": "middle", "class": "lbl" }));
    document.getElementById("chart-hist").appendChild(s2);
    /* heatmap: rule x document group, characters removed */
    var G = D.groups.names, heat = rules.slice(0, 15), cw = Math.min(90, (W - left) / Math.max(1, G.length));
    var hm = 0;
    heat.forEach(function (ri) { D.heat[ri].forEach(function (v) { hm = Math.max(hm, v); }); });
    var fig = document.getElementById("chart-heat");
    fig.querySelector("figcaption").textContent = "Characters removed per rule and " + D.groups.by +
      " (click a cell: those hits)";
    var s3 = svg("svg", { viewBox: "0 0 " + W + " " + (heat.length * row + 40), "class": "chart", role: "group" });
    G.forEach(function (name, gi) {
      s3.appendChild(svgText(left + gi * cw + cw / 2, 12, name.length > 14 ? name.slice(0, 13) + "\u2026" : name,
        { "text-anchor": "middle", "class": "lbl" }));
    });
    heat.forEach(function (ri, k) {
      s3.appendChild(svgText(left - 4, 20 + k * row + 13, RULES[ri].code, { "text-anchor": "end", "class": "lbl" }));
      G.forEach(function (name, gi) {
        var v = D.heat[ri][gi];
        var g = chartItem(svg("g", { "data-rule": ri, "data-group": gi, "class": "item" }),
          RULES[ri].code + ", " + name + ": " + num(v) + " characters removed", function () {
            setRule(ri, false);
            setSet(name, function (i) { return DOCS[i].g === gi; });
            document.getElementById("hits-section").scrollIntoView();
          });
        var a = v ? 0.15 + 0.85 * v / hm : 0;
        g.appendChild(svg("rect", { x: left + gi * cw + 1, y: 20 + k * row + 1, width: cw - 2, height: row - 2,
          "class": "cell", "fill-opacity": a.toFixed(3) }));
        if (v) g.appendChild(svgText(left + gi * cw + cw / 2, 20 + k * row + 13, num(v),
          { "text-anchor": "middle", "class": "val" + (a > 0.6 ? " inv" : "") }));
        s3.appendChild(g);
      });
    });
    fig.appendChild(s3);
  }

  /* ---------- documents table, in triage order ---------- */
  function docHasRule(d, r) {
    for (var i = 0; i < d.hits.length; i++) if (d.hits[i][0] === r) return true;
    return false;
  }
  function queryMatches(d, q) {
    return d.id.indexOf(q) >= 0 || d.title.indexOf(q) >= 0 || d.url.indexOf(q) >= 0;
  }
  /* An open document filters by identity: "doc-1" must not also match "doc-10". */
  function docSelected(i) {
    if (state.doc >= 0) return i === state.doc;
    return (!state.query || queryMatches(DOCS[i], state.query)) && (!state.set || state.set.test(i));
  }
  function docMatches(i) {
    return docSelected(i) && (state.rule < 0 || docHasRule(DOCS[i], state.rule));
  }
  function refreshDocs() {
    docRows = [];
    for (var i = 0; i < DOCS.length; i++) if (docMatches(i)) docRows.push(i);
    document.querySelector("#docs tbody").textContent = "";
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
    var d = DOCS[i], tr = el("tr", worth(d) ? "look" : null);
    tr.setAttribute("data-doc", d.id);
    tr.setAttribute("data-score", String(d.score));
    var wtd = el("td");
    if (d.share > D.warn) {
      tr.classList.add("warn");
      var w = el("span", "warnmark", "\u26a0");
      w.title = "more than " + pct(D.warn) + " of the text was removed";
      w.setAttribute("role", "img");
      w.setAttribute("aria-label", w.title);
      wtd.appendChild(w);
    }
    tr.appendChild(wtd);
    var ntd = el("td", "docname"), b = el("button", "link doc-link", docName(d));
    b.type = "button";
    b.addEventListener("click", function () { openDoc(i, true); });
    ntd.appendChild(b);
    if (d.url) ntd.appendChild(el("div", "url", d.url));
    if (d.title) ntd.appendChild(el("div", "file", d.id));
    tr.appendChild(ntd);
    var ytd = el("td", "why");
    if (d.why.length) ytd.appendChild(el("span", worth(d) ? "score hot" : "score", d.score));
    d.why.forEach(function (y) { ytd.appendChild(el("div", null, y)); });
    tr.appendChild(ytd);
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
  /* `other`: a hit shown only so that the context does not pass its removal off as kept text */
  function hitNode(di, hi, cont, other) {
    var d = DOCS[di], h = d.hits[hi];
    var n = el("mark", "hit r" + h[0] + " a-" + ACT[h[1]] + (cont ? " cont" : "") + (other ? " other" : "") +
      (isMarked(d, hi) ? " marked" : ""));
    n.title = hitLabel(d, h);
    n.setAttribute("data-code", RULES[h[0]].code);
    if (!cont && !other) {
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
  /* Render DOCS[di]'s input in [from, to) with the hits listed in `hs` (indices);
     with `primary`, every other hit is drawn as a muted "other" hit. */
  function renderText(di, hs, from, to, parent, inline, primary) {
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
    function isOther(hi) { return primary !== undefined && hi !== primary; }
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
        var n = hitNode(di, o.hi, true, isOther(o.hi));
        top().appendChild(n);
        stack.push({ hi: o.hi, end: o.end, node: n });
      });
      (zeros[p] || []).forEach(function (hi) {
        var n = hitNode(di, hi, false, isOther(hi));
        n.className += " zero";
        top().appendChild(n);
        closeHit(di, hi, n);
      });
      (opens[p] || []).sort(function (a, b) { return d.hits[b][3] - d.hits[a][3]; }).forEach(function (hi) {
        var n = hitNode(di, hi, false, isOther(hi));
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
  function hitsIn(d, from, to) {
    var out = [];
    for (var i = 0; i < d.hits.length; i++) if (d.hits[i][2] >= 0 && d.hits[i][2] < to && d.hits[i][3] > from) out.push(i);
    return out;
  }
  /* A document stored whole comes as context windows plus the rest: join them once, when opened. */
  function wholeText(d) {
    if (d.rest) {
      var parts = d.chunks.concat(d.rest).sort(function (a, b) { return a[0] - b[0]; });
      d.chunks = parts.length ? [[0, parts.map(function (c) { return c[1]; }).join("")]] : [];
      d.rest = null;
      d.whole = true;
    }
    return d.whole ? (d.chunks.length ? d.chunks[0][1] : "") : null;
  }
  function outputText(d) {
    var text = wholeText(d);
    if (text === null || !d.out) return null;
    var lines = text.split("\n");
    return d.out.map(function (x) {
      if (typeof x === "string") return x;
      if (typeof x === "number") return lines[x];
      return lines[x[0]].slice(x[1], lines[x[0]].length - x[2]);
    }).join("\n");
  }

  /* ---------- one document ---------- */
  function openDoc(i, scroll) {
    state.doc = i;
    var d = DOCS[i], sec = document.getElementById("doc-section");
    wholeText(d);
    sec.hidden = false;
    document.getElementById("doc-h").textContent = d.title ? d.title : "Document " + d.id;
    var meta = document.getElementById("doc-meta");
    meta.textContent = "";
    if (d.url) meta.appendChild(el("p", "url", d.url));
    if (d.title) meta.appendChild(el("p", "file", "file " + d.id));
    meta.appendChild(el("p", null, (d.type ? "Page type " + d.type + ". " : "") + "Input " + d.nin +
      " characters, output " + d.nout + " characters, " + pct(d.share) + " removed, " + d.hits.length + " hits" +
      (state.rule >= 0 ? " (showing rule " + RULES[state.rule].code + " only)" : "") + "."));
    if (d.why.length) meta.appendChild(el("p", worth(d) ? "why hot" : "why", "Suspicion " + d.score + ": " + d.why.join("; ") + "."));
    if (d.share > D.warn) meta.appendChild(el("p", "warnmark", "\u26a0 More than " + pct(D.warn) + " of this document was removed."));
    renderDoc();
    state.query = d.id;
    document.getElementById("f-doc").value = d.id;
    refreshDocs();
    refreshHits();
    if (scroll) sec.scrollIntoView();
  }
  function renderDoc() {
    var i = state.doc, d = DOCS[i], view = document.getElementById("doc-view");
    view.textContent = "";
    view.className = "text view-" + state.view;
    if (state.view === "input") { renderInput(i, view); return; }
    var out = outputText(d);
    var outBox = el("div", "out");
    if (out === null) outBox.appendChild(el("span", "nospan", "The output of a document this long is not in the report."));
    else outBox.textContent = out;
    if (state.view === "output") { view.appendChild(outBox); return; }
    var left = el("div", "in");
    left.appendChild(el("div", "colh", "input"));
    renderInput(i, left);
    var right = el("div", "outcol");
    right.appendChild(el("div", "colh", "output"));
    right.appendChild(outBox);
    view.appendChild(left);
    view.appendChild(right);
  }
  function renderInput(i, view) {
    var d = DOCS[i], hs = visibleHits(d), unplaced = hs.filter(function (hi) { return d.hits[hi][2] < 0; });
    var r = docRange(d);
    if (r[1] > r[0]) {
      if (r[0] > 0) view.appendChild(el("span", "gap", "\u2026 " + r[0] + " characters before \u2026"));
      var pos = r[0];
      d.runs.forEach(function (run) {
        if (run[0] < pos || run[1] > r[1]) return;
        if (run[0] > pos) renderText(i, hs, pos, run[0], view, false);
        view.appendChild(band(i, hs, run));
        pos = run[1];
      });
      if (pos < r[1]) renderText(i, hs, pos, r[1], view, false);
      if (r[1] < d.nin) view.appendChild(el("span", "gap", "\u2026 input continues \u2026"));
    } else {
      view.appendChild(el("span", "nospan", "No hits with a position in this document."));
    }
    unplaced.forEach(function (hi) { view.appendChild(unplacedHit(i, hi)); });
  }
  /* A run of removed lines as one band: its rules and size; a click shows the lines struck through. */
  function band(di, hs, run) {
    var box = el("div", "band"), b = el("button", "band-toggle");
    b.type = "button";
    b.setAttribute("aria-expanded", "false");
    var label = el("span", "band-label", run[3] + " lines removed (" + num(run[1] - run[0]) + " characters) by ");
    b.appendChild(label);
    run[2].forEach(function (ri) { b.appendChild(ruleBadge(ri)); });
    box.setAttribute("data-codes", run[2].map(function (ri) { return RULES[ri].code; }).join(" "));
    box.appendChild(b);
    var body = el("div", "band-body");
    body.hidden = true;
    box.appendChild(body);
    b.addEventListener("click", function () {
      var open = b.getAttribute("aria-expanded") !== "true";
      b.setAttribute("aria-expanded", open ? "true" : "false");
      if (open && !body.firstChild) renderText(di, hs, run[0], run[1], body, false);
      body.hidden = !open;
    });
    return box;
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
      (state.set && state.doc < 0 ? " (" + state.set.label + ")" : "") +
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
    if (ACT[h[1]] !== "flag") head.appendChild(markButton(di, hi, li));
    li.appendChild(head);
    var ctx = el("div", "text ctx");
    if (h[2] < 0) ctx.appendChild(unplacedHit(di, hi));
    else {
      var from = wordStart(d, Math.max(chunkOf(d, h[2])[0], h[2] - HIT_CTX));
      var to = wordEnd(d, Math.min(chunkEnd(chunkOf(d, h[3])), h[3] + HIT_CTX));
      renderText(di, hitsIn(d, from, to), from, to, ctx, true, hi);
    }
    li.appendChild(ctx);
    if (isMarked(d, hi)) li.classList.add("marked");
    return li;
  }

  /* ---------- marks: a wrong hit, or kept text that should go; kept in localStorage ---------- */
  function loadMarks() {
    try {
      var m = JSON.parse(window.localStorage.getItem(MARK_KEY) || "[]");
      return Array.isArray(m) ? m : [];
    } catch (e) { return []; }
  }
  function saveMarks() {
    try { window.localStorage.setItem(MARK_KEY, JSON.stringify(marks)); } catch (e) { /* private mode: marks last the visit */ }
    renderMarks();
  }
  function hitKey(d, hi) { var h = d.hits[hi]; return d.id + "\u0000" + RULES[h[0]].code + "\u0000" + h[2] + "\u0000" + h[3]; }
  function isMarked(d, hi) {
    var k = hitKey(d, hi);
    return marks.some(function (m) { return m.key === k; });
  }
  /* The lines a hit sits on, from the input the page holds: what the rule should keep. */
  function hitLines(d, h) {
    var c = chunkOf(d, h[2]), text = c[1], s = h[2] - c[0], e = Math.min(text.length, h[3] - c[0]);
    while (s > 0 && text.charAt(s - 1) !== "\n") s--;
    while (e < text.length && text.charAt(e) !== "\n") e++;
    return text.slice(s, e).trim();
  }
  function markButton(di, hi, li) {
    var d = DOCS[di], b = el("button", "mark-wrong");
    b.type = "button";
    function paint() {
      var on = isMarked(d, hi);
      b.textContent = on ? "marked wrong (undo)" : "mark wrong";
      b.setAttribute("aria-pressed", on ? "true" : "false");
      li.classList.toggle("marked", on);
    }
    b.addEventListener("click", function () {
      var k = hitKey(d, hi), h = d.hits[hi];
      if (isMarked(d, hi)) marks = marks.filter(function (m) { return m.key !== k; });
      else marks.push({ key: k, kind: "wrong", doc: d.id, title: d.title, url: d.url, code: RULES[h[0]].code,
                        rule: RULES[h[0]].name, action: ACT[h[1]], message: MSG[h[4]],
                        text: h[2] >= 0 ? hitLines(d, h) : (h[6] || "") });
      saveMarks();
      paint();
    });
    paint();
    return b;
  }
  function markMissed() {
    var sel = window.getSelection(), view = document.getElementById("doc-view");
    if (state.doc < 0 || !sel || !sel.rangeCount || !view.contains(sel.anchorNode)) return;
    var d = DOCS[state.doc];
    sel.toString().split("\n").forEach(function (line) {
      line = line.trim();
      if (!line) return;
      var k = d.id + "\u0000missed\u0000" + line;
      if (!marks.some(function (m) { return m.key === k; })) {
        marks.push({ key: k, kind: "missed", doc: d.id, title: d.title, url: d.url, text: line });
      }
    });
    sel.removeAllRanges();
    saveMarks();
  }
  function renderMarks() {
    var wrong = marks.filter(function (m) { return m.kind === "wrong"; }).length;
    document.getElementById("marks-summary").textContent = marks.length ?
      plural(wrong, "hit") + " marked wrong, " + plural(marks.length - wrong, "line") + " marked \u201cshould go\u201d." :
      "No marks yet: in a document, mark a hit wrong, or select kept text and press \u201cSelected text should go\u201d.";
    var list = document.getElementById("marks-list");
    list.textContent = "";
    marks.forEach(function (m) {
      var li = el("li", "mark-" + m.kind);
      li.appendChild(el("span", "code", m.kind === "wrong" ? m.code + " wrong" : "should go"));
      li.appendChild(document.createTextNode(" " + (m.title || m.doc) + ": " +
        (m.text.length > 120 ? m.text.slice(0, 119) + "\u2026" : m.text)));
      list.appendChild(li);
    });
    document.getElementById("marks-download").disabled = !marks.length;
  }
  /* The marks a re-run was given (--marks) and whether it now satisfies each. */
  function renderMarksRun() {
    var rows = D.marks_status || [];
    if (!rows.length) return;
    var ok = rows.filter(function (m) { return m.status === "satisfied"; }).length;
    var unseen = rows.filter(function (m) { return m.status === "unseen"; }).length;
    document.getElementById("marks-run").hidden = false;
    document.getElementById("marks-run-summary").textContent = ok + " of " + rows.length + " marks satisfied" +
      (unseen ? " (" + unseen + " in documents this run did not clean)." : ".");
    var list = document.getElementById("marks-run-list");
    rows.forEach(function (m) {
      var li = el("li", "mark-" + m.status);
      li.appendChild(el("span", "code", m.status));
      li.appendChild(document.createTextNode(" " + (m.kind === "wrong" ? m.code + " wrong" : "should go") + ": " +
        m.doc + ": " + (m.text.length > 120 ? m.text.slice(0, 119) + "\u2026" : m.text) +
        (m.by && m.by.length ? " (still taken by " + m.by.join(", ") + ")" : "")));
      list.appendChild(li);
    });
  }
  function downloadMarks() {
    var body = JSON.stringify({ report: D.title, marks: marks.map(function (m) {
      var o = {};
      Object.keys(m).forEach(function (k) { if (k !== "key") o[k] = m[k]; });
      return o;
    }) }, null, 1);
    var a = el("a");
    a.href = URL.createObjectURL(new Blob([body], { type: "application/json" }));
    a.download = "MARKS.json";
    document.body.appendChild(a);
    a.click();
    a.remove();
  }

  /* ---------- filters ---------- */
  function setRule(r, scroll) {
    state.rule = r;
    document.getElementById("f-rule").value = r < 0 ? "" : String(r);
    if (scroll) { state.query = ""; state.doc = -1; state.set = null; showSet();
                  document.getElementById("f-doc").value = ""; document.getElementById("doc-section").hidden = true; }
    refreshDocs();
    refreshHits();
    if (state.doc >= 0) openDoc(state.doc, false);
    if (scroll) document.getElementById("hits-section").scrollIntoView();
  }
  function setSet(label, test) {
    state.set = { label: label, test: test };
    state.doc = -1; state.query = "";
    document.getElementById("f-doc").value = "";
    document.getElementById("doc-section").hidden = true;
    showSet();
    refreshDocs();
    refreshHits();
    document.getElementById("docs-section").scrollIntoView();
  }
  function showSet() {
    var s = document.getElementById("f-set");
    s.hidden = !state.set;
    s.textContent = state.set ? "Documents: " + state.set.label : "";
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
    tip.style.left = Math.max(0, Math.min(rect.left, document.documentElement.clientWidth - 320) + window.scrollX) + "px";
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
    state.query = ""; state.doc = -1; state.set = null;
    showSet();
    document.getElementById("doc-section").hidden = true;
    setRule(-1, false);
  });
  document.querySelectorAll("input[name=view]").forEach(function (r) {
    r.addEventListener("change", function () { state.view = r.value; if (state.doc >= 0) renderDoc(); });
  });
  document.getElementById("mark-missed").addEventListener("click", markMissed);
  document.getElementById("marks-download").addEventListener("click", downloadMarks);
  document.getElementById("marks-clear").addEventListener("click", function () { marks = []; saveMarks(); if (state.doc >= 0) refreshHits(); });
  document.getElementById("docs-more").addEventListener("click", moreDocs);
  document.getElementById("hits-more").addEventListener("click", moreHits);
  /* sticky table headers sit below the sticky filter bar, never under it */
  function stickTop() {
    document.documentElement.style.setProperty("--fh", document.getElementById("filters").offsetHeight + "px");
  }
  window.addEventListener("resize", stickTop);

  renderSummary();
  renderRules();
  renderCharts();
  refreshDocs();
  refreshHits();
  renderMarks();
  renderMarksRun();
  stickTop();
  window.__reportRendered = performance.now();
})();
