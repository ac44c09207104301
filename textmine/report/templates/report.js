(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";
  var LINES_PAGE = 200;

  // -- tables: sort, fold, filter ------------------------------------------------------------------------
  function refold(table) {
    var limit = parseInt(table.getAttribute("data-fold"), 10) || 0;
    var rows = table.tBodies[0].rows, shown = 0;
    for (var i = 0; i < rows.length; i++) {
      var hidden = rows[i].classList.contains("filtered");
      rows[i].classList.toggle("more", !hidden && limit > 0 && shown >= limit);
      if (!hidden) shown++;
    }
  }
  function key(cell) {
    var v = cell.getAttribute("data-sort");
    return v === null ? null : parseFloat(v);
  }
  function sortBy(th) {
    var table = th.closest("table"), body = table.tBodies[0];
    var index = Array.prototype.indexOf.call(th.parentNode.children, th);
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    var numeric = th.classList.contains("num");
    Array.prototype.forEach.call(th.parentNode.children, function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = a.cells[index], y = b.cells[index], r;
      if (numeric) {
        var kx = key(x), ky = key(y);
        if (kx === null || ky === null) return (kx === null) - (ky === null);
        r = kx - ky;
      } else {
        r = x.textContent.localeCompare(y.textContent, "zh-Hans-CN");
      }
      return ascending ? r : -r;
    });
    rows.forEach(function (row) { body.appendChild(row); });
    refold(table);
  }
  function filterTable(table, text) {
    var needle = text.trim().toLowerCase(), rows = table.tBodies[0].rows, n = 0;
    for (var i = 0; i < rows.length; i++) {
      var keep = !needle || rows[i].textContent.toLowerCase().indexOf(needle) >= 0;
      rows[i].classList.toggle("filtered", !keep);
      if (keep) n++;
    }
    if (needle) table.classList.remove("folded");
    refold(table);
    return n;
  }
  function addFilters() {
    Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (table) {
      if (table.tBodies[0].rows.length < 8) return;
      var caption = table.closest("figure").querySelector("figcaption");
      if (!caption) return;
      var input = document.createElement("input");
      input.type = "search";
      input.className = "filter";
      input.placeholder = "filter rows";
      input.setAttribute("aria-label", "filter the rows of this table");
      var count = document.createElement("span");
      count.className = "filter-count";
      input.addEventListener("input", function () {
        var n = filterTable(table, input.value);
        count.textContent = input.value.trim() ? n + " rows" : "";
      });
      caption.appendChild(input);
      caption.appendChild(count);
    });
  }

  // -- a row a finding links to: unfold its table and show it ----------------------------------------------
  function reveal(id) {
    var target = id && document.getElementById(id);
    if (!target) return;
    var table = target.closest("table");
    if (table) {
      if (target.classList.contains("filtered")) {
        var input = table.closest("figure").querySelector("input.filter");
        if (input) { input.value = ""; filterTable(table, ""); }
      }
      if (target.classList.contains("more")) {
        table.classList.remove("folded");
        var button = table.closest("figure").querySelector("button.unfold");
        if (button) button.textContent = button.getAttribute("data-less");
      }
    }
    var details = target.closest("details");
    if (details) details.open = true;
    target.classList.add("flash");
    setTimeout(function () { target.classList.remove("flash"); }, 2000);
    target.scrollIntoView({block: "center"});
  }

  // -- the search -------------------------------------------------------------------------------------------
  var data = null, loading = null, folded = null, current = null;

  function decode(text) {
    var raw = atob(text.trim()), bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"));
    return new Response(stream).text().then(JSON.parse);
  }
  function load() {
    if (loading) return loading;
    var node = document.getElementById("search-data");
    if (!node || !node.textContent.trim()) return Promise.reject(new Error("no search data"));
    loading = decode(node.textContent).then(function (d) {
      data = d;
      folded = d.units.map(function (u) { return fold(u[2]); });
      d.exceptions.forEach(function (e) {
        var t = folded[e[0]];
        folded[e[0]] = t.slice(0, e[1]) + e[2] + t.slice(e[1] + 1);
      });
      return d;
    });
    return loading;
  }
  function widthFold(ch) {
    var f = ch.normalize("NFKC");
    return f.length === 1 ? f : ch;
  }
  function fold(text) {
    var map = data.fold, out = "";
    for (var i = 0; i < text.length; i++) {
      var ch = text[i], m = map[ch];
      out += m !== undefined ? m : ch;
    }
    return out;
  }
  function foldQuery(text) {
    var out = "";
    for (var i = 0; i < text.length; i++) {
      var ch = text[i], m = data.fold[ch];
      out += m !== undefined ? m : widthFold(ch);
    }
    return out;
  }
  var LATIN = /[A-Za-z0-9]/, JOIN = "-.+_";
  // textmine.themes.occurrences: every start (overlapping too); a Latin edge must not continue a Latin name
  function occurrences(term, text) {
    var found = [], latinStart = LATIN.test(term[0]), latinEnd = LATIN.test(term[term.length - 1]);
    var pos = text.indexOf(term);
    while (pos >= 0) {
      var end = pos + term.length, ok = true;
      if (latinStart && pos > 0) {
        var before = text[pos - 1];
        ok = !LATIN.test(before) && !(JOIN.indexOf(before) >= 0 && pos > 1 && LATIN.test(text[pos - 2]));
      }
      if (ok && latinEnd && end < text.length) {
        var after = text[end];
        ok = !LATIN.test(after) && !(JOIN.indexOf(after) >= 0 && end + 1 < text.length && LATIN.test(text[end + 1]));
      }
      if (ok) found.push(pos);
      pos = text.indexOf(term, pos + 1);
    }
    return found;
  }

  // hits: [unit, start, length, how] in document and paragraph order
  function find(query) {
    var theme = data.themes.indexOf(query), hits = [];
    if (theme >= 0) {
      data.mentions.forEach(function (m) { if (m[0] === theme) hits.push([m[1], m[2], m[3], data.hows[m[4]]]); });
      return {hits: hits, theme: true};
    }
    var term = foldQuery(query.trim());
    if (!term) return {hits: hits, theme: false};
    for (var u = 0; u < folded.length; u++) {
      if (folded[u].indexOf(term) < 0) continue;
      occurrences(term, folded[u]).forEach(function (p) { hits.push([u, p, term.length, ""]); });
    }
    return {hits: hits, theme: false};
  }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function svg(tag, attrs) {
    var node = document.createElementNS(SVG, tag);
    for (var k in attrs) node.setAttribute(k, attrs[k]);
    return node;
  }
  function fmt(x) { return x >= 100 ? Math.round(x).toLocaleString("en") : x.toFixed(1); }

  function run(query, docs) {
    var status = document.getElementById("search-status");
    query = (query || "").trim();
    document.getElementById("q").value = query;
    if (!query && !(docs && docs.length)) { status.textContent = ""; return Promise.resolve(); }
    status.textContent = "searching …";
    return load().then(function () {
      var found = query ? find(query) : {hits: [], theme: false};
      current = {query: query, found: found, docs: (docs || []).slice(), pages: 1};
      if (!query) {   // a document's text: all its paragraphs
        current.whole = true;
      }
      var counts = new Array(data.docs.length).fill(0);
      found.hits.forEach(function (h) { counts[data.units[h[0]][0]]++; });
      current.counts = counts;
      var total = found.hits.length, inDocs = counts.filter(function (c) { return c > 0; }).length;
      status.textContent = query ? "«" + query + "»: " + total.toLocaleString("en") + " " +
        (found.theme ? "counted mentions of the theme" : "occurrences") + " in " + inDocs + " of " +
        data.docs.length + " documents" : "";
      chart();
      filters();
      lines();
      try { history.replaceState(null, "", "#q=" + encodeURIComponent(query) +
        (current.docs.length ? "&docs=" + encodeURIComponent(JSON.stringify(current.docs)) : "")); } catch (e) { /* file: */ }
    }).catch(function (e) { status.textContent = "search unavailable: " + e.message; });
  }

  function chart() {
    var box = document.getElementById("search-chart");
    box.textContent = "";
    if (!current.query) return;
    var docs = data.docs, timed = docs.every(function (d) { return d[2] !== null; });
    var W = 940, H = 230, L = 56, R = 16, T = 14, B = 34;
    var xs = docs.map(function (d, i) { return timed ? d[2] : i; });
    var rates = docs.map(function (d, i) { return d[3] > 0 ? current.counts[i] / d[3] * 1e4 : 0; });
    var lo = Math.min.apply(null, xs), hi = Math.max.apply(null, xs);
    if (hi - lo < 1e-9) { lo -= 0.5; hi += 0.5; }
    var pad = (hi - lo) * 0.03;
    lo -= pad; hi += pad;
    var top = Math.max.apply(null, rates.concat([1e-9])) * 1.1;
    function X(x) { return L + (x - lo) / (hi - lo) * (W - L - R); }
    function Y(y) { return T + (1 - y / top) * (H - T - B); }
    var root = svg("svg", {viewBox: "0 0 " + W + " " + H, class: "chart", role: "img",
      "aria-label": "rate of " + current.query + " per document"});
    root.appendChild(svg("line", {x1: L, x2: W - R, y1: Y(0), y2: Y(0), class: "axis"}));
    niceTicks(0, top, 4).forEach(function (v) {
      root.appendChild(svg("line", {x1: L, x2: W - R, y1: Y(v), y2: Y(v), class: "grid"}));
      var t = svg("text", {x: L - 6, y: Y(v) + 4, class: "tick", "text-anchor": "end"});
      t.textContent = Math.abs(v - Math.round(v)) < 1e-9 ? String(Math.round(v)) : v.toPrecision(2);
      root.appendChild(t);
    });
    var label = svg("text", {x: 12, y: T + (H - T - B) / 2, class: "tick", transform: "rotate(-90 12 " + (T + (H - T - B) / 2) + ")", "text-anchor": "middle"});
    label.textContent = "per 10k";
    root.appendChild(label);
    timeTicks(lo, hi, timed, docs).forEach(function (t) {
      var x = X(t[0]);
      root.appendChild(svg("line", {x1: x, x2: x, y1: Y(0), y2: Y(0) + 4, class: "axis"}));
      var text = svg("text", {x: x, y: H - B + 18, class: "tick", "text-anchor": "middle"});
      text.textContent = t[1];
      root.appendChild(text);
    });
    // the rate of all the documents of each period, as a line (periods that are dates)
    if (timed && data.periods.length > 1) {
      var points = [];
      data.periods.forEach(function (p) {
        if (p[1] === null) return;
        var c = 0, n = 0;
        p[2].forEach(function (i) { c += current.counts[i]; n += docs[i][3]; });
        if (n > 0) points.push([X(p[1]), Y(c / n * 1e4)]);
      });
      points.sort(function (a, b) { return a[0] - b[0]; });
      if (points.length > 1) root.appendChild(svg("polyline", {points: points.map(function (p) { return p.join(","); }).join(" "), class: "pooled"}));
    }
    var small = docs.length > 60;
    docs.forEach(function (d, i) {
      var chosen = current.docs.indexOf(d[0]) >= 0;
      var dot = svg("circle", {cx: X(xs[i]), cy: Y(rates[i]), r: chosen ? 5 : small ? 2.6 : 4,
        class: "dot" + (d[4] ? " stub" : "") + (chosen ? " chosen" : "") + (current.counts[i] ? "" : " zero"),
        "data-doc": d[0], tabindex: small ? -1 : 0});
      var title = svg("title", {});
      title.textContent = d[0] + (d[1] ? " (" + d[1] + ")" : "") + ": " + current.counts[i] + " × in " +
        d[3].toLocaleString("en") + " word tokens = " + fmt(rates[i]) + " per 10k" + (d[4] ? " (stub)" : "");
      dot.appendChild(title);
      root.appendChild(dot);
    });
    box.appendChild(root);
    var note = el("p", "chart-note", "dots: documents" + (timed ? " on a time axis" : " in corpus order") +
      (timed && data.periods.length > 1 ? "; line: all documents of each period together" : "") +
      "; hollow: stub. Click a dot to keep its lines only.");
    box.appendChild(note);
  }
  function niceTicks(lo, hi, n) {
    var span = hi - lo, step = Math.pow(10, Math.floor(Math.log10(span / n)));
    [1, 2, 2.5, 5, 10].some(function (m) { if (span / (step * m) <= n) { step *= m; return true; } return false; });
    var out = [];
    for (var v = Math.ceil(lo / step) * step; v <= hi + 1e-9; v += step) out.push(v);
    return out;
  }
  function timeTicks(lo, hi, timed, docs) {
    if (!timed) {
      var step = Math.max(1, Math.ceil(docs.length / 12)), out = [];
      for (var i = 0; i < docs.length; i += step) out.push([i, docs.length <= 40 ? docs[i][0].slice(0, 12) : String(i + 1)]);
      return out;
    }
    if (hi - lo <= 3) {
      var months = [], first = Math.ceil(lo * 12), last = Math.floor(hi * 12), every = hi - lo <= 0.6 ? 1 : hi - lo <= 1.6 ? 3 : 6;
      for (var m = first; m <= last; m++) if (m % every === 0) months.push([m / 12, Math.floor(m / 12) + "-" + ("0" + (m % 12 + 1)).slice(-2)]);
      return months;
    }
    return niceTicks(lo, hi, 8).filter(function (v) { return Math.abs(v - Math.round(v)) < 1e-9; })
      .map(function (v) { return [v, String(Math.round(v))]; });
  }

  function filters() {
    var box = document.getElementById("search-filter");
    box.textContent = "";
    if (!current.docs.length) return;
    box.appendChild(el("span", "", "only: "));
    current.docs.forEach(function (d) {
      var chip = el("button", "chip", d + " ×");
      chip.type = "button";
      chip.setAttribute("data-doc", d);
      box.appendChild(chip);
    });
    var all = el("button", "chip all", "all documents");
    all.type = "button";
    box.appendChild(all);
  }

  function lines() {
    var box = document.getElementById("search-lines");
    box.textContent = "";
    var width = data.width, keep = current.docs.length ? current.docs : null;
    var chosen = [];
    if (current.whole) {
      data.units.forEach(function (u, i) { if (keep && keep.indexOf(data.docs[u[0]][0]) >= 0) chosen.push([i, 0, 0, ""]); });
    } else {
      current.found.hits.forEach(function (h) {
        if (!keep || keep.indexOf(data.docs[data.units[h[0]][0]][0]) >= 0) chosen.push(h);
      });
    }
    // documents by date, then the order of the text
    var order = data.docs.map(function (d, i) { return i; }).sort(function (a, b) {
      var x = data.docs[a][2], y = data.docs[b][2];
      return (x === null) - (y === null) || (x || 0) - (y || 0) || a - b;
    });
    var rank = {};
    order.forEach(function (d, r) { rank[d] = r; });
    chosen.sort(function (a, b) {
      return rank[data.units[a[0]][0]] - rank[data.units[b[0]][0]] || a[0] - b[0] || a[1] - b[1];
    });
    if (!chosen.length) {
      if (current.query) box.appendChild(el("p", "note", "No line of the shown documents holds «" + current.query + "»."));
      return;
    }
    var shown = Math.min(chosen.length, current.pages * LINES_PAGE);
    var table = el("table", "kwic-lines");
    var head = el("thead"), hr = el("tr");
    ["document · page", "left", current.whole ? "paragraph" : "match", "right"].concat(current.found.theme ? ["how"] : []).forEach(function (h) {
      hr.appendChild(el("th", "", h));
    });
    head.appendChild(hr);
    table.appendChild(head);
    var body = el("tbody");
    for (var k = 0; k < shown; k++) {
      var h = chosen[k], unit = data.units[h[0]], doc = data.docs[unit[0]], text = unit[2];
      var tr = el("tr");
      tr.appendChild(el("td", "kdoc", doc[0] + (doc[1] ? " · " + doc[1] : "") + (unit[1] ? " · p. " + unit[1] : "")));
      if (current.whole) {
        tr.appendChild(el("td", "left", ""));
        tr.appendChild(el("td", "para", text));
        tr.appendChild(el("td", "right", ""));
      } else {
        tr.appendChild(el("td", "left", (h[1] > width ? "…" : "") + text.slice(Math.max(0, h[1] - width), h[1])));
        var cell = el("td", "match"), mark = el("mark", h[3].indexOf("rule") === 0 ? "by-rule" : "", text.slice(h[1], h[1] + h[2]));
        cell.appendChild(mark);
        tr.appendChild(cell);
        tr.appendChild(el("td", "right", text.slice(h[1] + h[2], h[1] + h[2] + width) + (h[1] + h[2] + width < text.length ? "…" : "")));
        if (current.found.theme) tr.appendChild(el("td", "how", h[3]));
      }
      body.appendChild(tr);
    }
    table.appendChild(body);
    var wrap = el("div", "scroll kwic");
    wrap.appendChild(table);
    box.appendChild(el("p", "note", shown < chosen.length ? "the first " + shown + " of " + chosen.length + " lines" : chosen.length + " line" + (chosen.length === 1 ? "" : "s")));
    box.appendChild(wrap);
    if (shown < chosen.length) {
      var more = el("button", "unfold more-lines", "show " + Math.min(LINES_PAGE, chosen.length - shown) + " more lines");
      more.type = "button";
      box.appendChild(more);
    }
  }

  function startSearch(query, docs) {
    var section = document.getElementById("search");
    if (!section) return;
    section.scrollIntoView({block: "start"});
    run(query, docs);
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest("a.evidence[data-q]");
    if (link) {
      event.preventDefault();
      var docs = [];
      try { docs = JSON.parse(link.getAttribute("data-docs") || "[]"); } catch (e) { docs = []; }
      startSearch(link.getAttribute("data-q"), docs);
      return;
    }
    var row = event.target.closest("a.row-link, a[href^='#']");
    if (row && row.getAttribute("href").length > 1 && !row.classList.contains("evidence")) {
      var id = row.getAttribute("href").slice(1);
      if (document.getElementById(id)) {
        event.preventDefault();
        reveal(id);
        try { history.replaceState(null, "", "#" + id); } catch (e) { /* file: */ }
        return;
      }
    }
    var dot = event.target.closest("circle.dot");
    if (dot && current) {
      var d = dot.getAttribute("data-doc"), i = current.docs.indexOf(d);
      if (i >= 0) current.docs.splice(i, 1); else current.docs = [d];
      run(current.query, current.docs);
      return;
    }
    var button = event.target.closest("button");
    if (!button) return;
    if (button.id === "search-go") { run(document.getElementById("q").value, []); return; }
    if (button.classList.contains("chip") && current) {
      if (button.classList.contains("all")) current.docs = [];
      else current.docs.splice(current.docs.indexOf(button.getAttribute("data-doc")), 1);
      run(current.query, current.docs);
      return;
    }
    if (button.classList.contains("more-lines") && current) { current.pages++; lines(); return; }
    if (button.classList.contains("sort")) sortBy(button.closest("th"));
    if (button.classList.contains("unfold")) {
      var table = button.parentNode.querySelector("table");
      var isFolded = table.classList.toggle("folded");
      button.textContent = button.getAttribute(isFolded ? "data-more" : "data-less");
    }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.target.id === "q") run(event.target.value, []);
    if (event.key === "Enter" && event.target.matches("circle.dot")) event.target.dispatchEvent(new MouseEvent("click", {bubbles: true}));
  });
  window.addEventListener("beforeprint", function () {
    Array.prototype.forEach.call(document.querySelectorAll("details"), function (d) { d.open = true; });
  });

  addFilters();
  var hash = location.hash.slice(1);
  if (hash.indexOf("q=") === 0) {
    var parts = {};
    hash.split("&").forEach(function (p) { var kv = p.split("="); parts[kv[0]] = decodeURIComponent(kv.slice(1).join("=")); });
    var docs = [];
    try { docs = parts.docs ? JSON.parse(parts.docs) : []; } catch (e) { docs = []; }
    startSearch(parts.q, docs);
  } else if (hash) {
    reveal(hash);
  }
})();
