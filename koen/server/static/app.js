// The web page: plain DOM, no build step. Text is always inserted with textContent, never
// as HTML, so a translation cannot inject markup.
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  let lastSegments = null;
  let lastName = "translation";

  function headers(extra) {
    const h = Object.assign({}, extra || {});
    const key = $("api-key").value.trim();
    if (key) h["X-API-Key"] = key;
    return h;
  }

  function say(text) { $("status").textContent = text; }

  // ---- views (tabs) ----
  function show(view) {
    for (const name of ["translate", "glossary"]) {
      const on = name === view;
      $("tab-" + name).setAttribute("aria-selected", String(on));
      $("view-" + name).hidden = !on;
    }
    if (view === "glossary") { $("glossary-q").focus(); searchTerms(); }
  }
  $("tab-translate").addEventListener("click", () => show("translate"));
  $("tab-glossary").addEventListener("click", () => show("glossary"));

  // ---- marking spans ----
  // spans: [{start, end, cls, title}]; overlapping spans nest as one mark per piece.
  function marked(text, spans) {
    const frag = document.createDocumentFragment();
    const cuts = new Set([0, text.length]);
    for (const s of spans) { cuts.add(s.start); cuts.add(s.end); }
    const points = Array.from(cuts).filter((p) => p >= 0 && p <= text.length).sort((a, b) => a - b);
    for (let i = 0; i + 1 < points.length; i++) {
      const a = points[i], b = points[i + 1];
      const piece = text.slice(a, b);
      const over = spans.filter((s) => s.start <= a && s.end >= b && s.end > s.start);
      if (!over.length) { frag.appendChild(document.createTextNode(piece)); continue; }
      const mark = document.createElement("mark");
      mark.className = Array.from(new Set(over.flatMap((s) => s.cls.split(" ")))).join(" ");
      mark.title = over.map((s) => s.title).join("\n");
      mark.textContent = piece;
      frag.appendChild(mark);
    }
    return frag;
  }

  function spansFor(seg, side) {
    const spans = [];
    for (const t of seg.terms) {
      const title = `${t.source} → ${t.target}: ${t.status}` + (t.found ? ` (found “${t.found}”)` : "") +
        (t.strategy ? ` [${t.strategy}]` : "");
      if (side === "source") spans.push({ start: t.start, end: t.end, cls: "term " + t.status, title });
      else if (t.target_start !== null && t.target_end !== null)
        spans.push({ start: t.target_start, end: t.target_end, cls: "term " + t.status, title });
    }
    for (const q of seg.qa) {
      if (q.side === side) spans.push({ start: q.start, end: q.end, cls: "qa " + q.severity,
        title: `${q.code} (${q.severity}): ${q.message}` });
    }
    return spans;
  }

  function render(data) {
    lastSegments = data.segments;
    const body = document.querySelector("#segments tbody");
    body.textContent = "";
    for (const seg of data.segments) {
      const tr = document.createElement("tr");
      const n = document.createElement("td"); n.className = "n"; n.textContent = seg.index;
      const ko = document.createElement("td"); ko.lang = "ko"; ko.appendChild(marked(seg.source, spansFor(seg, "source")));
      const en = document.createElement("td"); en.lang = "en"; en.appendChild(marked(seg.translation, spansFor(seg, "target")));
      const problems = [...seg.terms.filter((t) => t.status === "missed" || t.status === "forbidden-present")
        .map((t) => ({ cls: "error", text: `term ${t.source} → ${t.target}: ${t.status}` })),
        ...seg.qa.map((q) => ({ cls: q.severity, text: `${q.code} (${q.severity}): ${q.message}` }))];
      if (problems.length) {
        const ul = document.createElement("ul"); ul.className = "findings";
        for (const p of problems) { const li = document.createElement("li"); li.className = p.cls; li.textContent = p.text; ul.appendChild(li); }
        en.appendChild(ul);
      }
      tr.append(n, ko, en);
      body.appendChild(tr);
    }
    const r = data.report, st = r.status;
    const qaErrors = r.qa ? Object.values(r.qa).reduce((a, c) => a + c.error, 0) : 0;
    const qaWarnings = r.qa ? Object.values(r.qa).reduce((a, c) => a + c.warning, 0) : 0;
    $("summary").textContent = `${r.segments} segments · terms: ${r.found} found — ${st.applied} applied, ` +
      `${st.missed} missed, ${st["forbidden-present"]} forbidden-present, ${st["skipped-by-context"]} skipped-by-context` +
      ` · QA: ${qaErrors} errors, ${qaWarnings} warnings`;
    const link = $("download-file");
    if (data.download) { link.href = data.download; link.hidden = false; link.setAttribute("download", data.name); }
    else { link.hidden = true; link.removeAttribute("href"); }
    $("result").hidden = false;
  }

  async function call(url, options) {
    const res = await fetch(url, options);
    const body = await res.json().catch(() => ({}));
    if (!res.ok) throw new Error(body.error || body.message || `HTTP ${res.status}`);
    return body;
  }

  async function translate() {
    const file = $("file").files[0];
    const glossary = $("glossary-id").value;
    say("Translating…");
    $("translate-button").disabled = true;
    try {
      let data;
      if (file) {
        const form = new FormData();
        form.append("file", file);
        if (glossary) form.append("glossary_id", glossary);
        data = await call("/api/translate_file", { method: "POST", body: form, headers: headers() });
        lastName = data.name;
      } else {
        const text = $("source").value;
        if (!text.trim()) { say("Paste some Korean text or choose a file first."); return; }
        data = await call("/api/translate", { method: "POST", body: JSON.stringify({ text, glossary_id: glossary || null }),
          headers: headers({ "Content-Type": "application/json" }) });
        lastName = "translation";
      }
      render(data);
      say(`Done: ${data.segments.length} segments.`);
    } catch (e) {
      say("Could not translate: " + e.message);
    } finally {
      $("translate-button").disabled = false;
    }
  }

  $("translate-form").addEventListener("submit", (e) => { e.preventDefault(); translate(); });
  $("source").addEventListener("keydown", (e) => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); translate(); }
  });
  $("source").addEventListener("input", () => { if ($("source").value) $("file").value = ""; });

  // ---- drop a file ----
  const drop = $("drop");
  drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => {
    e.preventDefault(); drop.classList.remove("over");
    if (e.dataTransfer.files.length) { $("file").files = e.dataTransfer.files; say(`File chosen: ${e.dataTransfer.files[0].name}`); }
  });
  drop.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); $("file").click(); } });

  // ---- downloads ----
  async function download(format) {
    if (!lastSegments) return;
    try {
      const res = await fetch("/api/export", { method: "POST", headers: headers({ "Content-Type": "application/json" }),
        body: JSON.stringify({ segments: lastSegments, format, name: lastName }) });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const blob = await res.blob();
      const a = document.createElement("a");
      a.href = URL.createObjectURL(blob);
      a.download = lastName.replace(/\.[^.]*$/, "") + (format === "xliff" ? ".xlf" : "." + format);
      document.body.appendChild(a); a.click(); a.remove();
    } catch (e) { say("Could not export: " + e.message); }
  }
  $("download-tmx").addEventListener("click", () => download("tmx"));
  $("download-xliff").addEventListener("click", () => download("xliff"));

  // ---- glossaries ----
  async function loadGlossaries() {
    try {
      const data = await call("/v2/glossaries", { headers: headers() });
      const select = $("glossary-id");
      for (const g of data.glossaries) {
        if (g.glossary_id === "curated") continue;
        const o = document.createElement("option"); o.value = g.glossary_id; o.textContent = `${g.name} (${g.entry_count})`;
        select.appendChild(o);
      }
    } catch (e) { /* keys required: the list stays curated-only */ }
  }

  async function searchTerms() {
    const q = $("glossary-q").value;
    try {
      const data = await call("/api/glossary?q=" + encodeURIComponent(q), { headers: headers() });
      const list = $("terms"); list.textContent = "";
      for (const t of data.terms) {
        const li = document.createElement("li");
        const head = document.createElement("div");
        const src = document.createElement("span"); src.lang = "ko"; src.textContent = t.source;
        const tgt = document.createElement("span"); tgt.className = "target"; tgt.textContent = " → " + t.target;
        head.append(src, tgt); li.appendChild(head);
        const meta = [];
        if (t.variants.length) meta.push("variants: " + t.variants.join(", "));
        if (t.forbidden.length) meta.push("forbidden: " + t.forbidden.join(", "));
        if (t.context.when.length) meta.push("only with: " + t.context.when.join(", "));
        if (t.context.unless.length) meta.push("not with: " + t.context.unless.join(", "));
        if (t.note) meta.push("note: " + t.note);
        if (t.file) meta.push(`${t.file}:${t.line}`);
        for (const m of meta) { const d = document.createElement("div"); d.className = "meta"; d.textContent = m; li.appendChild(d); }
        for (const ex of t.examples) {
          const d = document.createElement("div"); d.className = "meta";
          d.textContent = "example: " + ex.source + (ex.translation ? " — " + ex.translation : "") +
            (ex.contains.length ? ` (contains ${ex.contains.join(", ")})` : "");
          li.appendChild(d);
        }
        list.appendChild(li);
      }
      $("glossary-status").textContent = `${data.terms.length} of ${data.total} terms`;
    } catch (e) { $("glossary-status").textContent = "Could not search: " + e.message; }
  }
  $("glossary-form").addEventListener("submit", (e) => { e.preventDefault(); searchTerms(); });

  loadGlossaries();
})();
