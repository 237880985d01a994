"use strict";
// The what-if page: every change of the selection is sent to POST /api/evaluate and the table, map and profile are
// redrawn from the answer. No library, no network access beyond this server.
(function () {
  const T = {
    zh: {
      preset: "从情景开始", clear: "全部取消", measures: "措施", outfalls: "排污口", save: "保存为情景",
      save_btn: "保存到情景文件", analyses: "分析", optimize: "最低成本方案", montecarlo: "蒙特卡洛", draws: "次",
      report: "下载当前选择的报告", map: "河网与断面", table: "断面水质类别", section: "断面", river: "河流",
      target: "目标", class: "类别", exceeding: "超标参数（倍数）", margin: "余量", baseline: "现状", profile: "沿程浓度",
      units: "浓度 mg/L；余量 = 目标类别限值的剩余比例（负值：超标）；超标倍数 = 浓度/限值 − 1。",
      outfall_hint: "在地图上点击排污口，或在此选择：关闭、接入污水厂、整治。",
      none: "不变", close: "关闭", connect: "接入污水厂", remediate: "整治（削减）", invest: "投资", annual: "运行",
      wan: "万元", wan_a: "万元/年", meeting: "达标断面", updated: "更新", linear: "线性响应", full: "完整求解",
      saved: "已保存情景", running: "计算中…", done: "完成", failed: "失败", apply_plan: "采用此方案",
      plan_cost: "总费用", p_meets: "达标概率", worst_p95: "95%分位", schematic: "示意图（无坐标）",
      legend_src: "污染源（大小按COD负荷）", legend_out: "排污口（可点击）", legend_plant: "污水厂", no_save: "案例未指定情景文件，无法保存",
      need_id: "请填写情景 id", status: "状态", chosen: "选中措施", lang_btn: "English",
    },
    en: {
      preset: "Start from a scenario", clear: "Clear all", measures: "Measures", outfalls: "Outfalls", save: "Save as scenario",
      save_btn: "Save to the scenarios file", analyses: "Analyses", optimize: "Least-cost plan", montecarlo: "Monte Carlo", draws: "draws",
      report: "Download the report of this selection", map: "Network and sections", table: "Section classes", section: "Section", river: "River",
      target: "Target", class: "Class", exceeding: "Exceeding (multiple)", margin: "Margin", baseline: "Now", profile: "Profile along the river",
      units: "Concentrations in mg/L; margin = share of the target-class limit left (negative: exceeded); multiple = value / limit − 1.",
      outfall_hint: "Click an outfall on the map, or choose here: close, connect to a plant, remediate.",
      none: "unchanged", close: "close", connect: "connect to plant", remediate: "remediate (cut)", invest: "invest", annual: "running",
      wan: "10⁴ yuan", wan_a: "10⁴ yuan/a", meeting: "sections meeting", updated: "updated in", linear: "linear response", full: "full solve",
      saved: "Saved scenario", running: "running…", done: "done", failed: "failed", apply_plan: "Use this plan",
      plan_cost: "cost", p_meets: "P(meets target)", worst_p95: "95th pct", schematic: "schematic (no coordinates)",
      legend_src: "sources (size by COD load)", legend_out: "outfalls (click)", legend_plant: "sewage plants", no_save: "the case names no scenarios file; cannot save",
      need_id: "give the scenario an id", status: "status", chosen: "measures chosen", lang_btn: "中文",
    },
  };
  const ROMAN = ["", "I", "II", "III", "IV", "V", "劣V"];
  const token = new URLSearchParams(location.search).get("token") || "";
  let lang = "zh";
  let info = null;
  let last = null;           // latest outcome shown
  let seq = 0;               // last request sent
  let shownSeq = 0;          // last request shown
  const sel = { measures: {}, outfalls: {} };
  const $ = (id) => document.getElementById(id);
  const t = (k) => (T[lang][k] !== undefined ? T[lang][k] : k);

  window.addEventListener("error", () => {
    document.body.dataset.errors = String(Number(document.body.dataset.errors || 0) + 1);
  });

  function api(method, path, body) {
    const headers = { "Content-Type": "application/json" };
    if (token) headers["X-Qingliu-Token"] = token;
    return fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) }).then(async (r) => {
      const ct = r.headers.get("content-type") || "";
      if (!r.ok) {
        let msg = "HTTP " + r.status;
        try { msg = (await r.json()).error || msg; } catch (e) { /* not JSON */ }
        throw new Error(msg);
      }
      return ct.indexOf("json") >= 0 ? r.json() : r.blob();
    });
  }

  function el(tag, attrs, ...kids) {
    const e = document.createElement(tag);
    for (const k in attrs || {}) {
      if (k === "text") e.textContent = attrs[k];
      else if (k.startsWith("on")) e.addEventListener(k.slice(2), attrs[k]);
      else e.setAttribute(k, attrs[k]);
    }
    for (const c of kids) if (c !== null && c !== undefined) e.append(c);
    return e;
  }
  const SVGNS = "http://www.w3.org/2000/svg";
  function sv(tag, attrs, text) {
    const e = document.createElementNS(SVGNS, tag);
    for (const k in attrs || {}) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function message(text, ok) {
    const m = $("message");
    m.hidden = !text;
    m.textContent = text || "";
    m.className = "message" + (ok ? " ok" : "");
  }
  const nm = (o) => (lang === "en" ? o.name_en || o.name || o.id : o.name || o.id);
  function fmt(v) {
    if (v === null || v === undefined) return "–";
    const a = Math.abs(v);
    return a >= 100 ? v.toFixed(1) : a >= 10 ? v.toFixed(2) : a >= 1 ? v.toFixed(3) : v.toFixed(4);
  }
  const classColour = (c) => (info && info.class_colours[c - 1]) || "#9e9e9e";

  // ------------------------------------------------------------------ selection
  function selection() {
    const measures = [];
    for (const m of info.measures) {
      const s = sel.measures[m.id];
      if (!s || !s.on) continue;
      const c = { id: m.id };
      if (m.knob && !m.knob.choice && s.value !== undefined) c.value = s.value;
      if (m.knob && m.knob.choice && s.standard !== undefined) c.standard = s.standard;
      measures.push(c);
    }
    const outfalls = [];
    for (const id of info.outfalls) {
      const o = sel.outfalls[id];
      if (!o || !o.action) continue;
      const c = { outfall: id, action: o.action };
      if (o.action === "connect") c.plant = o.plant;
      if (o.action === "remediate") c.reduction_pct = o.reduction_pct;
      outfalls.push(c);
    }
    return { measures, outfalls };
  }

  let pending = null;
  function changed() {
    // one request in flight at a time; the newest selection is sent as soon as it returns
    if (pending) { pending.again = true; return; }
    document.body.dataset.busy = "1";
    const my = ++seq;
    const t0 = performance.now();
    pending = { again: false };
    api("POST", "/api/evaluate", { selection: selection(), profile: true })
      .then((r) => {
        if (my > shownSeq) {
          shownSeq = my;
          last = r;
          message("");
          renderOutcome();
          // from the change to the redrawn table, map and profile (request, evaluation, answer, drawing)
          const ms = performance.now() - t0;
          document.body.dataset.latencyMs = ms.toFixed(1);
          $("latency").textContent = t("updated") + " " + ms.toFixed(0) + " ms (" + t(r.linear ? "linear" : "full") + ")";
          document.body.dataset.seq = String(my);
        }
      })
      .catch((e) => { message(e.message); document.body.dataset.seq = String(my); })
      .finally(() => {
        const again = pending.again;
        pending = null;
        if (again) changed();
        else document.body.dataset.busy = "0";
      });
  }

  // ------------------------------------------------------------------ panel
  function renderPanel() {
    const box = $("measures");
    box.textContent = "";
    for (const m of info.measures) {
      const s = sel.measures[m.id] || (sel.measures[m.id] = { on: false });
      const cb = el("input", { type: "checkbox", "data-measure": m.id });
      cb.checked = !!s.on;
      cb.addEventListener("change", () => { s.on = cb.checked; changed(); });
      const cost = [];
      if (m.invest_wan) cost.push(t("invest") + " " + m.invest_wan + " " + t("wan"));
      if (m.annual_wan) cost.push(t("annual") + " " + m.annual_wan + " " + t("wan_a"));
      const div = el("div", { class: "measure" },
        el("label", {}, cb, el("span", {}, el("span", { text: nm(m) }), el("br"),
          el("span", { class: "cost", text: (lang === "en" ? m.kind_en : m.kind_zh) + (cost.length ? " · " + cost.join(" · ") : "") }))));
      if (m.knob && !m.knob.choice) {
        const k = m.knob;
        if (s.value === undefined) s.value = k.value;
        const out = el("span", { class: "small", text: k.unit === "%" ? s.value + " %" : Math.round(s.value * 100) + " %" });
        const r = el("input", { type: "range", min: k.min, max: k.max, step: k.step, value: s.value, "data-knob": m.id });
        r.addEventListener("input", () => {
          s.value = Number(r.value);
          out.textContent = k.unit === "%" ? s.value + " %" : Math.round(s.value * 100) + " %";
          if (!s.on) { s.on = true; cb.checked = true; }
          changed();
        });
        div.append(el("div", { class: "knob" }, el("span", { class: "small muted", text: k.param }), r, out));
      } else if (m.knob && m.knob.choice) {
        if (s.standard === undefined) s.standard = m.knob.value;
        const sel2 = el("select", { "data-knob": m.id });
        for (const st of info.standards) {
          const o = el("option", { value: st.key, text: st.key });
          o.title = lang === "en" ? st.name_en : st.name_zh;
          if (st.key === s.standard) o.selected = true;
          sel2.append(o);
        }
        sel2.addEventListener("change", () => {
          s.standard = sel2.value;
          if (!s.on) { s.on = true; cb.checked = true; }
          changed();
        });
        div.append(el("div", { class: "knob" }, el("span", { class: "small muted", text: "standard" }), sel2));
      }
      box.append(div);
    }
    const ob = $("outfalls");
    ob.textContent = "";
    for (const id of info.outfalls) {
      const src = info.sources.find((s) => s.id === id) || { id, name: id };
      const o = sel.outfalls[id] || (sel.outfalls[id] = { action: "", plant: info.plants.length ? info.plants[0].id : "", reduction_pct: 70 });
      const s = el("select", { "data-outfall": id });
      for (const a of ["", "close", "connect", "remediate"]) {
        const opt = el("option", { value: a, text: t(a || "none") });
        if (a === "connect" && !info.plants.length) opt.disabled = true;
        if (a === o.action) opt.selected = true;
        s.append(opt);
      }
      const extra = el("div", { class: "extra" });
      const drawExtra = () => {
        extra.textContent = "";
        if (o.action === "connect") {
          const p = el("select", { "data-plant": id });
          for (const pl of info.plants) {
            const op = el("option", { value: pl.id, text: pl.id + " " + (pl.name || "") });
            if (pl.id === o.plant) op.selected = true;
            p.append(op);
          }
          p.addEventListener("change", () => { o.plant = p.value; changed(); });
          extra.append(p);
        } else if (o.action === "remediate") {
          const n = el("input", { type: "number", min: 0, max: 100, step: 5, value: o.reduction_pct, size: 4, "data-pct": id });
          n.addEventListener("change", () => { o.reduction_pct = Number(n.value); changed(); });
          extra.append(n, el("span", { class: "small", text: "% " }));
        }
      };
      s.addEventListener("change", () => { o.action = s.value; drawExtra(); row.classList.toggle("active", !!o.action); drawMap(); changed(); });
      const row = el("div", { class: "outfall" + (o.action ? " active" : ""), id: "outfall-" + id },
        el("span", { text: id + " " + (src.name || "") }), s, extra);
      drawExtra();
      ob.append(row);
    }
    const pre = $("preset");
    pre.textContent = "";
    pre.append(el("option", { value: "", text: "—" }));
    for (const sc of info.scenarios) pre.append(el("option", { value: sc.id, text: sc.id + " · " + nm(sc) }));
  }

  // ------------------------------------------------------------------ map
  let mapTx = null;
  function drawMap() {
    const svg = $("map");
    svg.textContent = "";
    const pts = [];
    for (const r of info.reaches) for (const p of r.line) pts.push(p);
    for (const s of info.sections) pts.push(s.xy);
    if (!pts.length) return;
    let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
    for (const [x, y] of pts) { x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y); }
    const kx = info.geographic ? Math.cos(((y0 + y1) / 2) * Math.PI / 180) : 1;
    const W = 800, H = 420, pad = 40, padRight = 190;  // room for the section labels right of the points
    const sc = Math.min((W - pad - padRight) / Math.max((x1 - x0) * kx, 1e-9), (H - 2 * pad) / Math.max(y1 - y0, 1e-9));
    const ox = pad + (W - pad - padRight - (x1 - x0) * kx * sc) / 2, oy = (H - (y1 - y0) * sc) / 2;
    mapTx = ([x, y]) => [ox + (x - x0) * kx * sc, H - (oy + (y - y0) * sc)];
    for (const r of info.reaches) {
      if (r.line.length < 2) continue;
      const d = r.line.map((p, i) => (i ? "L" : "M") + mapTx(p).map((v) => v.toFixed(1)).join(" ")).join(" ");
      svg.append(sv("path", { class: "reach", d }, undefined));
      svg.lastChild.append(sv("title", {}, r.id + " " + r.river));
    }
    let maxLoad = 0;
    for (const s of info.sources) if (!s.diffuse) maxLoad = Math.max(maxLoad, s.load_kg_d[0] || 0);
    for (const s of info.sources) {
      if (s.diffuse) continue;
      const [x, y] = mapTx(s.xy);
      const r = 2.5 + 9 * Math.sqrt((s.load_kg_d[0] || 0) / (maxLoad || 1));
      const o = sel.outfalls[s.id];
      const c = sv("circle", { class: "source " + s.type + (o && o.action ? " acted" : ""), cx: x.toFixed(1), cy: y.toFixed(1), r: r.toFixed(1), "data-source": s.id });
      c.append(sv("title", {}, s.id + " " + (s.name || "") + " · COD " + fmt(s.load_kg_d[0]) + " kg/d"));
      if (s.type === "outfall") c.addEventListener("click", (ev) => openPopup(s, ev));
      svg.append(c);
    }
    const out = last ? last.sections : info.baseline.sections;
    const placed = [];  // label boxes drawn so far: a label that would overlap one moves down
    const overlaps = (a) => placed.some((b) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height);
    info.sections.forEach((s, k) => {
      const [x, y] = mapTx(s.xy);
      const cls = out[k].class;
      svg.append(sv("circle", { class: "section", cx: x.toFixed(1), cy: y.toFixed(1), r: 7, fill: classColour(cls), "data-section": s.id, "data-class": cls }));
      const label = sv("text", { class: "section-label", x: (x + 9).toFixed(1), y: (y - 8).toFixed(1) },
        nm(s) + " " + ROMAN[cls] + " / " + ROMAN[s.target]);
      svg.append(label);
      let box = label.getBBox ? label.getBBox() : null;
      for (let i = 0; box && i < 8 && overlaps(box); ++i) {
        label.setAttribute("y", (Number(label.getAttribute("y")) + 14).toFixed(1));
        box = label.getBBox();
      }
      if (box) placed.push(box);
    });
    const lg = $("legend");
    lg.textContent = "";
    for (let c = 1; c <= 6; ++c) lg.append(el("span", { class: "sw", style: "background:" + classColour(c) }), ROMAN[c]);
    lg.append(el("span", { class: "sw", style: "background:#c0392b;border-radius:50%" }), t("legend_out"));
    lg.append(el("span", { class: "sw", style: "background:#16a085;border-radius:50%" }), t("legend_plant"));
    lg.append(el("span", { class: "sw", style: "background:#8c6d46;border-radius:50%" }), t("legend_src"));
    if (info.schematic) lg.append(el("span", { class: "muted", text: " · " + t("schematic") }));
  }

  function openPopup(src, ev) {
    const p = $("popup");
    const card = p.parentElement.getBoundingClientRect();
    p.textContent = "";
    p.append(el("div", { class: "small", text: src.id + " " + (src.name || "") }));
    for (const a of ["close", "connect", "remediate", ""]) {
      const b = el("button", { type: "button", text: t(a || "none"), "data-action": a });
      if (a === "connect" && !info.plants.length) b.disabled = true;
      b.addEventListener("click", () => {
        const s = document.querySelector('select[data-outfall="' + CSS.escape(src.id) + '"]');
        s.value = a;
        s.dispatchEvent(new Event("change"));
        p.hidden = true;
      });
      p.append(b);
    }
    p.style.left = (ev.clientX - card.left + 8) + "px";
    p.style.top = (ev.clientY - card.top + 8) + "px";
    p.hidden = false;
    ev.stopPropagation();
  }
  document.addEventListener("click", (e) => { if (!$("popup").contains(e.target)) $("popup").hidden = true; });

  // ------------------------------------------------------------------ table
  function renderTable() {
    const body = $("sections").tBodies[0];
    body.textContent = "";
    const base = info.baseline.sections;
    info.sections.forEach((s, k) => {
      const r = last ? last.sections[k] : base[k];
      const exc = r.exceeding.map((e) => e.label + " " + fmt(e.multiple)).join("，");
      const margin = r.margin;
      const tr = el("tr", { "data-section": s.id, "data-class": r.class, "data-meets": r.meets ? "1" : "0",
        class: (r.meets ? "" : "miss") + (r.class !== base[k].class ? " changed" : "") },
        el("td", { text: nm(s) }), el("td", { text: s.river }), el("td", { text: ROMAN[s.target] }),
        el("td", { class: "cls", text: ROMAN[r.class], style: "background:" + classColour(r.class) }),
        el("td", { class: "num", text: fmt(r.conc_mgL[0]) }), el("td", { class: "num", text: fmt(r.conc_mgL[1]) }),
        el("td", { class: "num", text: fmt(r.conc_mgL[2]) }), el("td", { class: "exc", text: exc || "—" }),
        el("td", { class: "num " + (margin < 0 ? "margin-neg" : "margin-pos"), text: margin === null ? "–" : (margin * 100).toFixed(1) + " %" }),
        el("td", { class: "cls", text: ROMAN[base[k].class], style: "background:" + classColour(base[k].class) }));
      body.append(tr);
    });
  }

  // ------------------------------------------------------------------ profile
  function drawChart() {
    const svg = $("chart");
    svg.textContent = "";
    const ri = Number($("river").value || 0), ci = Number($("param").value || 0);
    if (!info.rivers.length) return;
    const base = info.baseline.profile[ri] ? info.baseline.profile[ri].points : [];
    const cur = last && last.profile && last.profile[ri] ? last.profile[ri].points : base;
    const W = 800, H = 300, L = 56, R = 12, TOP = 12, B = 34;
    let xmax = info.rivers[ri].length_km || 1, ymax = 0;
    for (const p of base.concat(cur)) ymax = Math.max(ymax, p[1 + ci]);
    const lim = info.constituents[ci].limits;
    ymax = Math.max(ymax * 1.1, lim[2] * 1.2);
    const X = (x) => L + (x / xmax) * (W - L - R), Y = (y) => H - B - (y / ymax) * (H - TOP - B);
    let lo = 0;
    for (let c = 0; c < 6; ++c) {
      const hi = c < 5 ? Math.min(lim[c], ymax) : ymax;
      if (hi > lo) svg.append(sv("rect", { class: "band", x: L, y: Y(hi), width: W - L - R, height: Y(lo) - Y(hi), fill: classColour(c + 1) }));
      if (c < 5 && lim[c] < ymax) svg.append(sv("text", { class: "tick", x: W - R - 4, y: Y(lim[c]) - 2, "text-anchor": "end" }, ROMAN[c + 1] + " " + lim[c]));
      lo = Math.max(lo, hi);
    }
    svg.append(sv("line", { class: "axis", x1: L, y1: H - B, x2: W - R, y2: H - B }));
    svg.append(sv("line", { class: "axis", x1: L, y1: TOP, x2: L, y2: H - B }));
    // ticks at 1, 2 or 5 times a power of ten
    const nice = (span) => { const p = Math.pow(10, Math.floor(Math.log10(span / 5))); const f = span / 5 / p; return (f < 1.5 ? 1 : f < 3.5 ? 2 : 5) * p; };
    const dy = nice(ymax), dx = nice(xmax);
    for (let y = 0; y <= ymax + 1e-12; y += dy)
      svg.append(sv("text", { class: "tick", x: L - 4, y: Y(y) + 4, "text-anchor": "end" }, String(Number(y.toPrecision(6)))));
    for (let x = 0; x <= xmax + 1e-12; x += dx)
      svg.append(sv("text", { class: "tick", x: X(x), y: H - B + 14, "text-anchor": "middle" }, String(Number(x.toPrecision(6)))));
    svg.append(sv("text", { class: "tick", x: W / 2, y: H - 4, "text-anchor": "middle" }, "km · " + info.constituents[ci].label + " mg/L"));
    const path = (pts) => pts.map((p, i) => (i ? "L" : "M") + X(p[0]).toFixed(1) + " " + Y(p[1 + ci]).toFixed(1)).join(" ");
    if (base.length) svg.append(sv("path", { class: "line-base", d: path(base) }));
    if (cur.length) svg.append(sv("path", { class: "line-sel", d: path(cur) }));
    const river = info.rivers[ri].river;
    info.sections.forEach((s, k) => {
      if (s.river_axis !== ri) return;
      const x = X(s.river_km);
      svg.append(sv("line", { class: "sec-mark", x1: x, x2: x, y1: TOP, y2: H - B, "stroke-dasharray": "2 3" }));
      svg.append(sv("text", { class: "tick", x: x + 3, y: TOP + 10 }, nm(s) + " (" + ROMAN[s.target] + ")"));
    });
    void river;
  }

  function renderOutcome() {
    renderTable();
    drawMap();
    drawChart();
    const o = last || info.baseline;
    $("meeting").textContent = t("meeting") + " " + o.meeting + "/" + info.sections.length;
    $("cost").textContent = t("invest") + " " + (o.invest_wan || 0).toLocaleString() + " " + t("wan") + " · " + t("annual") + " " +
      (o.annual_wan || 0).toLocaleString() + " " + t("wan_a");
  }

  function translate() {
    document.documentElement.lang = lang;
    for (const e of document.querySelectorAll("[data-t]")) e.textContent = t(e.dataset.t);
    $("lang").textContent = t("lang_btn");
    $("case-name").textContent = lang === "en" ? info.name_en || info.name : info.name;
    const rs = $("river"), cur = rs.value;
    rs.textContent = "";
    info.rivers.forEach((r, i) => rs.append(el("option", { value: i, text: r.river + " (" + r.length_km.toFixed(1) + " km)" })));
    if (cur) rs.value = cur;
    const ps = $("param"), pc = ps.value;
    ps.textContent = "";
    info.constituents.forEach((c, i) => ps.append(el("option", { value: i, text: lang === "en" ? c.label : c.label_zh + " " + c.label })));
    if (pc) ps.value = pc;
    renderPanel();
    renderOutcome();
  }

  // ------------------------------------------------------------------ jobs, save, report
  function runJob(body) {
    const bar = $("progress"), fill = $("progress-bar");
    $("job-result").textContent = "";
    $("job-status").textContent = t("running");
    bar.hidden = false;
    bar.className = "progress";
    fill.style.width = "0";
    $("optimize").disabled = $("montecarlo").disabled = true;
    const finish = () => { $("optimize").disabled = $("montecarlo").disabled = false; };
    api("POST", "/api/jobs", body).then((j) => {
      const poll = () => api("GET", "/api/jobs/" + j.id).then((s) => {
        if (s.progress === null) bar.className = "progress indeterminate";
        else { bar.className = "progress"; fill.style.width = (100 * s.progress).toFixed(0) + "%"; }
        if (s.state === "running") { setTimeout(poll, 250); return; }
        finish();
        bar.className = "progress";
        fill.style.width = "100%";
        if (s.state === "failed") { $("job-status").textContent = t("failed") + ": " + s.error; return; }
        $("job-status").textContent = t("done");
        showJob(s.kind, s.result);
      }).catch((e) => { finish(); $("job-status").textContent = e.message; });
      poll();
    }).catch((e) => { finish(); bar.hidden = true; $("job-status").textContent = e.message; });
  }

  function showJob(kind, r) {
    const box = $("job-result");
    if (kind === "optimize") {
      box.append(el("div", { class: "small", text: t("status") + ": " + r.status + " · " + t("plan_cost") + " " + r.cost_wan.toLocaleString() + " " + t("wan") }));
      box.append(el("div", { class: "small", text: t("chosen") + ": " + (r.chosen.map((c) => c.id).join(", ") || "—") }));
      const b = el("button", { type: "button", text: t("apply_plan") });
      b.addEventListener("click", () => {
        for (const m of info.measures) sel.measures[m.id] = { on: false };
        for (const c of r.selection.measures) sel.measures[c.id] = { on: true };
        for (const id of info.outfalls) sel.outfalls[id].action = "";
        renderPanel();
        changed();
      });
      box.append(b);
    } else {
      const tb = el("table", {}, el("tr", {}, el("th", { text: t("section") }), el("th", { text: t("p_meets") })));
      info.sections.forEach((s, k) => tb.append(el("tr", {}, el("td", { text: nm(s) }), el("td", { class: "num", text: (100 * r.sections[k].p_meets).toFixed(1) + " %" }))));
      box.append(el("div", { class: "small muted", text: r.draws + " · " + r.ranges }), tb);
    }
  }

  function init() {
    $("lang").addEventListener("click", () => { lang = lang === "zh" ? "en" : "zh"; translate(); });
    $("river").addEventListener("change", drawChart);
    $("param").addEventListener("change", drawChart);
    $("preset").addEventListener("change", () => {
      const sc = info.scenarios.find((s) => s.id === $("preset").value);
      for (const m of info.measures) sel.measures[m.id] = { on: false };
      if (sc) for (const id of sc.measures) if (sel.measures[id]) sel.measures[id].on = true;
      for (const id of info.outfalls) sel.outfalls[id].action = "";
      renderPanel();
      changed();
    });
    $("clear").addEventListener("click", () => {
      for (const m of info.measures) sel.measures[m.id] = { on: false };
      for (const id of info.outfalls) sel.outfalls[id].action = "";
      $("preset").value = "";
      renderPanel();
      changed();
    });
    $("save").addEventListener("click", () => {
      const id = $("save-id").value.trim();
      if (!info.can_save) { $("save-msg").textContent = t("no_save"); return; }
      if (!id) { $("save-msg").textContent = t("need_id"); return; }
      api("POST", "/api/scenarios", { id, name: $("save-name").value.trim(), selection: selection() })
        .then((r) => {
          $("save-msg").textContent = t("saved") + " " + r.id + " → " + r.file;
          $("save-msg").dataset.saved = r.id;
          return api("GET", "/api/case").then((i) => { info.scenarios = i.scenarios; renderPanel(); });
        })
        .catch((e) => { $("save-msg").textContent = e.message; });
    });
    $("optimize").addEventListener("click", () => runJob({ kind: "optimize" }));
    $("montecarlo").addEventListener("click", () => runJob({ kind: "montecarlo", draws: Number($("draws").value), selection: selection() }));
    $("report").addEventListener("click", () => {
      api("POST", "/api/report", { selection: selection(), lang }).then((blob) => {
        const a = el("a", { href: URL.createObjectURL(blob), download: "report.html" });
        document.body.append(a);
        a.click();
        a.remove();
      }).catch((e) => message(e.message));
    });
    api("GET", "/api/case").then((i) => {
      info = i;
      translate();
      document.body.dataset.ready = "1";
    }).catch((e) => message(e.message));
  }
  init();
})();
