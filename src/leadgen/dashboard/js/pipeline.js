// Pipeline runs: start one for a batch and owner, watch L1 / L2 / person enrichment move live
// (Server-Sent Events from the API), and look back at earlier runs.

import { api, items } from "./api.js";
import { badge, clear, errorBox, fmtDate, fmtDuration, fmtInt, fmtUsd, h, isAdmin, label, toast } from "./dom.js";
import { buildHash, replaceRoute } from "./router.js";

const STAGES = [
  ["l1", "L1 · company enrichment"],
  ["l2", "L2 · deep company research"],
  ["person", "Person enrichment"],
];

export function mountPipeline(main, { session, route }) {
  const batchSel = h("select", { id: "run-batch", required: true }, h("option", { value: "" }, "Choose a batch…"));
  const ownerSel = h("select", { id: "run-owner", required: true }, h("option", { value: "" }, "Choose an owner…"));
  const startBtn = h("button", { type: "submit", class: "btn btn-primary", "data-action": "start-run" }, "Start run");
  const formErrors = h("div", {});
  const form = h("form", { class: "card", "aria-labelledby": "start-title", onsubmit: start },
    h("h2", { id: "start-title" }, "Start a run"),
    h("p", { class: "muted small" }, "Enriches the batch's companies and contacts through the n8n pipeline."),
    h("div", { class: "field-row" },
      h("div", { class: "field field-grow-sm" }, h("label", { for: "run-batch" }, "Batch"), batchSel),
      h("div", { class: "field field-grow-sm" }, h("label", { for: "run-owner" }, "Owner"), ownerSel),
      startBtn),
    formErrors);
  const live = h("section", { class: "card", "aria-labelledby": "live-title", "data-live-run": "" });
  const historyBody = h("div", {}, h("p", { class: "muted" }, "Loading runs…"));
  const history = h("section", { class: "card", "aria-labelledby": "history-title" },
    h("h2", { id: "history-title" }, "Run history"), historyBody);
  main.append(h("div", { class: "page" },
    h("div", { class: "page-head" }, h("h1", {}, "Pipeline"), h("p", {}, "Run enrichment and watch it progress.")),
    h("div", { class: "admin-grid" }, form, live, history)));

  let source = null;
  let runId = route.params.run || null;
  let runs = [];
  let bars = null;
  let ownersById = new Map();

  function closeStream() {
    if (source) { source.close(); source = null; }
  }

  async function start(event) {
    event.preventDefault();
    clear(formErrors);
    if (!batchSel.value || !ownerSel.value) {
      formErrors.append(errorBox({ message: "Choose both a batch and an owner." }));
      (batchSel.value ? ownerSel : batchSel).focus();
      return;
    }
    startBtn.disabled = true;
    try {
      const run = await api.post("/api/runs", { batch_id: batchSel.value, owner_id: ownerSel.value });
      toast("Run started.");
      runId = run.id;
      replaceRoute("pipeline", { run: run.id });
      watch(run);
      loadHistory();
    } catch (err) {
      const box = errorBox(err.status === 409 && !err.hint
        ? { message: err.message, hint: "An admin must set the tenant's n8n webhook first." } : err);
      if (err.status === 409 && isAdmin(session.user)) {
        box.append(h("p", {}, h("a", { href: buildHash("admin", { section: "settings" }) }, "Open the webhook settings")));
      }
      formErrors.append(box);
      if (err.body && err.body.run) {   // the run exists but n8n refused it: show it as failed
        runId = err.body.run.id;
        replaceRoute("pipeline", { run: runId });
        watch(err.body.run);
        loadHistory();
      }
    } finally {
      startBtn.disabled = false;
    }
  }

  function renderLive(run) {
    const batchName = run.batch_name || (batchSel.querySelector(`option[value="${run.batch_id}"]`) || {}).textContent || "batch";
    const statusEl = h("span", { "data-run-status": "" }, badge(run.status || "running"));
    const costEl = h("span", { class: "big-number", "data-run-cost": "" }, fmtUsd(run.cost_usd));
    const timeEl = h("span", { class: "muted small" });
    bars = { statusEl, costEl, timeEl };
    const block = h("div", { class: "progress-block" });
    for (const [key, text] of STAGES) {
      const count = h("span", { "data-count": key });
      const fill = h("div", { class: "bar-fill" });
      const bar = h("div", { class: "bar", role: "progressbar", "aria-label": text, "aria-valuemin": "0", "data-bar": key }, fill);
      bars[key] = { count, fill, bar };
      block.append(h("div", {}, h("div", { class: "progress-label" }, h("span", {}, text), count), bar));
    }
    clear(live).append(
      h("div", { class: "detail-head" }, h("h2", { id: "live-title" }, `Run on ${batchName}`), statusEl),
      h("div", { class: "stat-row" },
        h("div", {}, h("span", { class: "muted small" }, "Cost so far"), costEl),
        h("div", {}, h("span", { class: "muted small" }, "Owner"), h("span", {}, ownerName(run.owner_id))),
        h("div", {}, h("span", { class: "muted small" }, "Started"), h("span", {}, fmtDate(run.started_at)), timeEl)),
      block,
      h("p", { class: "visually-hidden", "aria-live": "polite", "data-run-announce": "" }));
    updateLive(run);
  }

  function updateLive(run) {
    if (!bars) return;
    const failed = run.status === "failed";
    for (const [key] of STAGES) {
      const total = Number(run[`${key}_total`] || 0);
      const done = Number(run[`${key}_done`] || 0);
      const pct = total ? Math.min(100, Math.round((done / total) * 100)) : 0;
      const b = bars[key];
      b.count.textContent = total ? `${fmtInt(done)} / ${fmtInt(total)} · ${pct}%` : "waiting";
      b.fill.style.width = `${pct}%`;
      b.fill.className = `bar-fill${failed ? " failed" : pct === 100 ? " done" : ""}`;
      b.bar.setAttribute("aria-valuemax", String(total));
      b.bar.setAttribute("aria-valuenow", String(done));
      b.bar.setAttribute("aria-valuetext", total ? `${done} of ${total}` : "not started");
    }
    bars.costEl.textContent = fmtUsd(run.cost_usd);
    const previous = bars.statusEl.dataset.status;
    clear(bars.statusEl).append(badge(run.status || "running"));
    bars.statusEl.dataset.status = run.status || "running";
    bars.timeEl.textContent = ` · ${run.completed_at ? "took" : "running for"} ${fmtDuration(run.started_at, run.completed_at)}`;
    if (previous && previous !== bars.statusEl.dataset.status) {
      const msg = `Run ${label(run.status).toLowerCase()}.${run.error ? ` ${run.error}` : ""}`;
      live.querySelector("[data-run-announce]").textContent = msg;
      toast(msg, { bad: failed });
    }
    const row = runs.findIndex((r) => r.id === run.id);
    if (row !== -1) { runs[row] = run; renderHistory(); }
  }

  function watch(run) {
    closeStream();
    renderLive(run);
    if (run.status && run.status !== "running") return;
    source = new EventSource(`/api/runs/${encodeURIComponent(run.id)}/events`);
    source.addEventListener("progress", (event) => {
      let data;
      try { data = JSON.parse(event.data); } catch { return; }
      if (data.id && data.id !== runId) return;
      updateLive(data);
      if (data.status === "completed" || data.status === "failed") closeStream();
    });
    source.addEventListener("error", () => {
      // The browser reconnects by itself; once the stream is closed for good, say so.
      if (source && source.readyState === EventSource.CLOSED) {
        closeStream();
        toast("Live progress stopped; reload to reconnect.", { bad: true });
      }
    });
  }

  function ownerName(id) {
    return (ownersById.get(id) || {}).name || "—";
  }

  function renderHistory() {
    const rows = runs.map((r) => {
      const done = STAGES.map(([k]) => `${fmtInt(r[`${k}_done`])}/${fmtInt(r[`${k}_total`])}`).join(" · ");
      return h("tr", { class: r.id === runId ? "is-current" : "" },
        h("td", {}, fmtDate(r.started_at)),
        h("td", {}, r.batch_name || "—"),
        h("td", { class: "hide-narrow" }, ownerName(r.owner_id)),
        h("td", {}, badge(r.status || "running")),
        h("td", { class: "hide-narrow mono small" }, done),
        h("td", { class: "num" }, fmtUsd(r.cost_usd)),
        h("td", { class: "hide-narrow" }, fmtDuration(r.started_at, r.completed_at)),
        h("td", {}, h("button", { type: "button", class: "btn btn-small", onclick: () => select(r) },
          r.id === runId ? "Showing" : "Show", h("span", { class: "visually-hidden" }, ` run started ${fmtDate(r.started_at)}`))));
    });
    clear(historyBody).append(
      runs.length ? h("div", { class: "table-wrap" }, h("table", { class: "data", "data-run-history": "" },
        h("thead", {}, h("tr", {}, ["Started", "Batch", "Owner", "Status", "L1 · L2 · Person", "Cost", "Duration", ""].map((c, i) =>
          h("th", { scope: "col", class: [2, 4, 6].includes(i) ? "hide-narrow" : i === 5 ? "num" : "" }, c)))),
        h("tbody", {}, rows))) : h("p", { class: "muted" }, "No runs yet."));
  }

  function select(run) {
    runId = run.id;
    replaceRoute("pipeline", { run: run.id });
    watch(run);
    renderHistory();
  }

  async function loadHistory() {
    try {
      runs = items(await api.get("/api/runs"));
    } catch (err) {
      clear(historyBody).append(errorBox(err));
      return;
    }
    renderHistory();
  }

  async function init() {
    clear(live).append(h("h2", { id: "live-title" }, "Live progress"), h("p", { class: "muted" }, "Start a run, or pick one from the history."));
    const [batches, owners] = await Promise.all([
      api.get("/api/batches").then(items).catch(() => []),
      api.get("/api/owners").then(items).catch(() => []),
    ]);
    ownersById = new Map(owners.map((o) => [o.id, o]));
    batchSel.append(...batches.map((b) => h("option", { value: b.id }, b.name)));
    ownerSel.append(...owners.map((o) => h("option", { value: o.id }, o.name)));
    if (session.user.owner_id) ownerSel.value = session.user.owner_id;
    await loadHistory();
    if (runId) {
      try {
        select(await api.get(`/api/runs/${encodeURIComponent(runId)}`));
      } catch (err) {
        clear(live).append(h("h2", { id: "live-title" }, "Live progress"), errorBox(err));
      }
    } else {
      const running = runs.find((r) => r.status === "running");
      if (running) select(running);
    }
  }
  init();

  return { unmount: closeStream };
}
