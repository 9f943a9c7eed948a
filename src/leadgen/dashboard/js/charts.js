// Small SVG charts written for this dashboard: horizontal (stacked) bars and a funnel.
// Every chart is an image with a title and description for screen readers, shows its numbers
// as text, and carries its data as a table under "Show data". Charts redraw at their width.

import { h, s, uid } from "./dom.js";

const ROW = 30;
const BAR = 20;

// Text colour on a filled segment: white on dark fills, ink on light ones (>= 4.5:1 each).
function inkFor(hex) {
  const n = parseInt(hex.slice(1), 16);
  const [r, g, b] = [(n >> 16) & 255, (n >> 8) & 255, n & 255].map((c) => {
    const v = c / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  });
  const lum = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  return (1.05) / (lum + 0.05) >= 4.5 ? "#ffffff" : "#1c2129";
}

function frame(title, desc, width, height) {
  const titleId = uid("chart-title");
  const descId = uid("chart-desc");
  return s("svg", { viewBox: `0 0 ${width} ${height}`, width, height, role: "img", "aria-labelledby": `${titleId} ${descId}` },
    s("title", { id: titleId }, title), s("desc", { id: descId }, desc));
}

function dataTable(caption, head, rows) {
  return h("details", { class: "data-table" }, h("summary", {}, "Show data"),
    h("div", { class: "table-wrap" }, h("table", { class: "data" },
      h("caption", { class: "visually-hidden" }, caption),
      h("thead", {}, h("tr", {}, head.map((c, i) => h("th", { class: i ? "num" : "", scope: "col" }, c)))),
      h("tbody", {}, rows.map((r) => h("tr", {}, r.map((c, i) => i ? h("td", { class: "num" }, c) : h("th", { scope: "row" }, c))))))));
}

// Redraw `draw(width)` whenever the container's width changes.
export function responsive(container, draw) {
  let last = 0;
  const render = () => {
    const width = Math.max(260, Math.floor(container.clientWidth));
    if (width === last) return;
    last = width;
    const old = container.querySelector("svg");
    const svg = draw(width);
    if (old) old.replaceWith(svg); else container.prepend(svg);
  };
  const observer = new ResizeObserver(render);
  observer.observe(container);
  render();
  return () => observer.disconnect();
}

// rows: [{label, values: {key: n}}]; keys: [{key, label, color}].
export function stackedBars(container, { title, rows, keys, format = String }) {
  const totals = rows.map((r) => keys.reduce((sum, k) => sum + (r.values[k.key] || 0), 0));
  const max = Math.max(1, ...totals);
  const desc = rows.map((r, i) => `${r.label}: ${format(totals[i])} (` +
    keys.filter((k) => r.values[k.key]).map((k) => `${k.label} ${format(r.values[k.key])}`).join(", ") + ")").join("; ");
  const holder = h("div", { class: "chart" });
  const legend = h("ul", { class: "legend", "aria-hidden": "true" },
    keys.map((k) => h("li", {}, h("span", { class: "swatch", style: { background: k.color } }), k.label)));
  container.append(holder);
  const stop = responsive(holder, (width) => {
    const labelW = Math.min(170, Math.round(width * 0.36));
    const totalW = 48;
    const barW = width - labelW - totalW - 8;
    const height = rows.length * ROW + 6;
    const svg = frame(title, desc || "No data.", width, height);
    rows.forEach((r, i) => {
      const y = i * ROW + 4;
      svg.append(s("text", { x: labelW - 8, y: y + BAR / 2 + 4, "text-anchor": "end", class: "axis-label" }, r.label));
      let x = labelW;
      for (const k of keys) {
        const v = r.values[k.key] || 0;
        if (!v) continue;
        const w = Math.max(1, (v / max) * barW);
        svg.append(s("rect", { x, y, width: w, height: BAR, fill: k.color, rx: 2 },
          s("title", {}, `${r.label} · ${k.label}: ${format(v)}`)));
        if (w > 26) {
          svg.append(s("text", { x: x + w / 2, y: y + BAR / 2 + 4, "text-anchor": "middle", class: "seg-value", fill: inkFor(k.color), "aria-hidden": "true" }, format(v)));
        }
        x += w;
      }
      svg.append(s("text", { x: x + 6, y: y + BAR / 2 + 4, class: "value" }, format(totals[i])));
    });
    return svg;
  });
  holder.append(legend, dataTable(title, ["", ...keys.map((k) => k.label), "Total"],
    rows.map((r, i) => [r.label, ...keys.map((k) => format(r.values[k.key] || 0)), format(totals[i])])));
  return stop;
}

// steps: [{label, value, color?}]; each bar also says its share of the first step.
export function funnel(container, { title, steps, color = "#1f56ad", format = String }) {
  const first = Math.max(1, steps[0] ? steps[0].value : 1);
  const pct = (v) => `${Math.round((v / first) * 100)}%`;
  const desc = steps.map((st) => `${st.label}: ${format(st.value)} (${pct(st.value)})`).join("; ");
  const holder = h("div", { class: "chart" });
  container.append(holder);
  const stop = responsive(holder, (width) => {
    const labelW = Math.min(150, Math.round(width * 0.34));
    const valueW = 96;
    const barW = width - labelW - valueW;
    const height = steps.length * (ROW + 6) + 4;
    const svg = frame(title, desc, width, height);
    steps.forEach((st, i) => {
      const y = i * (ROW + 6) + 4;
      const w = Math.max(2, (st.value / first) * barW);
      const fill = st.color || color;
      svg.append(s("text", { x: labelW - 8, y: y + BAR / 2 + 5, "text-anchor": "end", class: "axis-label" }, st.label));
      svg.append(s("rect", { x: labelW, y, width: barW, height: BAR + 4, fill: "#eef1f5", rx: 3 }));
      svg.append(s("rect", { x: labelW, y, width: w, height: BAR + 4, fill, rx: 3 },
        s("title", {}, `${st.label}: ${format(st.value)}`)));
      svg.append(s("text", { x: labelW + barW + 8, y: y + BAR / 2 + 5, class: "value" }, `${format(st.value)} · ${pct(st.value)}`));
    });
    return svg;
  });
  holder.append(dataTable(title, ["Step", "Count", "Share"], steps.map((st) => [st.label, format(st.value), pct(st.value)])));
  return stop;
}

// A plain bar per item (each with its own colour), values formatted by `format`.
export function bars(container, { title, items, format = String }) {
  const max = Math.max(1e-9, ...items.map((it) => it.value));
  const desc = items.map((it) => `${it.label}: ${format(it.value)}`).join("; ");
  const holder = h("div", { class: "chart" });
  container.append(holder);
  const stop = responsive(holder, (width) => {
    const labelW = Math.min(150, Math.round(width * 0.34));
    const valueW = 80;
    const barW = width - labelW - valueW;
    const height = items.length * ROW + 6;
    const svg = frame(title, desc, width, height);
    items.forEach((it, i) => {
      const y = i * ROW + 4;
      const w = it.value > 0 ? Math.max(2, (it.value / max) * barW) : 0;
      svg.append(s("text", { x: labelW - 8, y: y + BAR / 2 + 4, "text-anchor": "end", class: "axis-label" }, it.label));
      svg.append(s("rect", { x: labelW, y, width: w, height: BAR, fill: it.color || "#1f56ad", rx: 2 },
        s("title", {}, `${it.label}: ${format(it.value)}`)));
      svg.append(s("text", { x: labelW + w + 6, y: y + BAR / 2 + 4, class: "value" }, format(it.value)));
    });
    return svg;
  });
  holder.append(dataTable(title, ["", "Value"], items.map((it) => [it.label, format(it.value)])));
  return stop;
}
