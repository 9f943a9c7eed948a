// Batches: one card per batch, and for the chosen batch its companies by status and tier,
// the funnel from contacts to sent messages, messages by status and what it cost.

import { api, items } from "./api.js";
import { clear, errorBox, fmtInt, fmtUsd, h, label, STATUSES } from "./dom.js";
import { bars, funnel, stackedBars } from "./charts.js";
import { buildHash, replaceRoute } from "./router.js";

export const TIERS = [
  { key: "tier_1_platinum", color: "#1d3f8f" },
  { key: "tier_2_gold", color: "#2f6fc4" },
  { key: "tier_3_silver", color: "#7fb0e8" },
  { key: "tier_4_bronze", color: "#c4dbf5" },
  { key: "tier_5_copper", color: "#e9c46a" },
  { key: "deprioritize", color: "#b9bec6" },
  { key: "none", color: "#e6e8eb" },
];
const STATUS_COLORS = {
  draft: "#8c96a3", approved: "#176b32", rejected: "#b0261b", sent: "#1f56ad",
  delivered: "#0d5c5c", replied: "#5a3fa0",
};
// An empty Airtable select loads as NULL; the stats count such messages under "none".
const NO_STATUS = "none";
const NO_STATUS_LABEL = "(no status)";

export function mountBatches(main, { route }) {
  const cards = h("div", { class: "batch-cards", role: "list", "aria-label": "Batches" });
  const detail = h("div", { "data-batch-detail": "", "aria-busy": "false" });
  main.append(h("div", { class: "page" },
    h("div", { class: "page-head" }, h("h1", {}, "Batches"), h("p", {}, "Where each batch stands, at a glance.")),
    cards, detail));
  let batches = [];
  let stops = [];
  let selected = route.parts[0] || null;
  let generation = 0;

  function renderCards() {
    clear(cards);
    if (!batches.length) {
      cards.append(h("p", { class: "muted" }, "No batches yet. They appear here once companies are loaded."));
      return;
    }
    for (const b of batches) {
      cards.append(h("a", {
        class: "batch-card", role: "listitem", href: buildHash("batches", {}, [b.id]),
        "aria-current": b.id === selected ? "true" : null, "data-batch": b.id,
      },
      h("strong", {}, b.name),
      h("div", { class: "nums" },
        h("span", {}, h("b", {}, fmtInt(b.companies)), " companies"),
        h("span", {}, h("b", {}, fmtInt(b.contacts)), " contacts"),
        h("span", {}, h("b", {}, fmtInt(b.messages)), " messages"))));
    }
  }

  async function showBatch(id) {
    const gen = ++generation;
    for (const stop of stops) stop();
    stops = [];
    detail.setAttribute("aria-busy", "true");
    clear(detail).append(h("p", { class: "muted" }, "Loading batch statistics…"));
    let stats;
    try {
      stats = await api.get(`/api/batches/${encodeURIComponent(id)}/stats`);
    } catch (err) {
      if (gen === generation) clear(detail).append(errorBox(err));
      return;
    }
    if (gen !== generation) return;
    detail.setAttribute("aria-busy", "false");
    renderStats(stats);
  }

  function card(title, ...body) {
    return h("section", { class: "card chart-card", "aria-label": title }, h("h2", {}, title), ...body);
  }

  function renderStats(stats) {
    clear(detail);
    const batch = stats.batch || {};
    const cost = stats.cost || { enrichment_usd: 0, generation_usd: 0 };
    const f = stats.funnel || { contacts: 0, with_messages: 0, approved: 0, sent: 0 };
    const contacts = stats.contacts || { total: 0, processed: 0 };
    const totalCost = Number(cost.enrichment_usd || 0) + Number(cost.generation_usd || 0);

    // Companies: one bar per status, stacked by tier.
    const byStatus = new Map();
    for (const row of stats.companies_by_status_tier || []) {
      const status = row.status || NO_STATUS;
      if (!byStatus.has(status)) byStatus.set(status, {});
      const tier = row.tier || "none";
      byStatus.get(status)[tier] = (byStatus.get(status)[tier] || 0) + Number(row.count || 0);
    }
    const statusRows = [...byStatus.entries()]
      .map(([status, values]) => ({ label: status === NO_STATUS ? NO_STATUS_LABEL : label(status), values }))
      .sort((a, b) => Object.values(b.values).reduce((x, y) => x + y, 0) - Object.values(a.values).reduce((x, y) => x + y, 0));
    const usedTiers = TIERS.filter((t) => statusRows.some((r) => r.values[t.key]))
      .map((t) => ({ ...t, label: t.key === "none" ? "No tier" : label(t.key) }));

    const companiesCard = card("Companies by status and tier");
    companiesCard.classList.add("wide");
    if (statusRows.length) {
      stops.push(stackedBars(companiesCard, { title: `Companies in ${batch.name || "this batch"} by status and tier`, rows: statusRows, keys: usedTiers, format: fmtInt }));
    } else companiesCard.append(h("p", { class: "muted" }, "No companies in this batch yet."));

    const funnelCard = card("From contacts to sent messages");
    stops.push(funnel(funnelCard, {
      title: "Outreach funnel", format: fmtInt,
      steps: [
        { label: "Contacts", value: Number(f.contacts || 0), color: "#1d3f8f" },
        { label: "With messages", value: Number(f.with_messages || 0), color: "#2f6fc4" },
        { label: "Approved", value: Number(f.approved || 0), color: "#176b32" },
        { label: "Sent", value: Number(f.sent || 0), color: "#5a3fa0" },
      ],
    }));

    const costCard = card("Cost",
      h("div", { class: "stat-row" },
        h("div", {}, h("span", { class: "muted small" }, "Total so far"), h("span", { class: "big-number", "data-total-cost": "" }, fmtUsd(totalCost))),
        f.approved ? h("div", {}, h("span", { class: "muted small" }, "Per approved message"), h("span", { class: "big-number" }, fmtUsd(totalCost / f.approved))) : null));
    stops.push(bars(costCard, {
      title: "Cost by kind", format: fmtUsd,
      items: [
        { label: "Enrichment", value: Number(cost.enrichment_usd || 0), color: "#2f6fc4" },
        { label: "Message writing", value: Number(cost.generation_usd || 0), color: "#5a3fa0" },
      ],
    }));

    const mbs = stats.messages_by_status || {};
    const msgCard = card("Messages by status");
    stops.push(bars(msgCard, {
      title: "Messages by review status", format: fmtInt,
      items: [
        ...STATUSES.map((st) => ({ label: label(st), value: Number(mbs[st] || 0), color: STATUS_COLORS[st] })),
        // messages migrated from an empty Airtable Status (the API's "none" key)
        ...(mbs[NO_STATUS] ? [{ label: NO_STATUS_LABEL, value: Number(mbs[NO_STATUS]), color: "#6b6b6b" }] : []),
      ],
    }));

    const pct = contacts.total ? Math.round((contacts.processed / contacts.total) * 100) : 0;
    const contactsCard = card("Contact enrichment",
      h("div", { class: "progress-label" }, h("span", {}, "Contacts enriched"),
        h("span", {}, `${fmtInt(contacts.processed)} of ${fmtInt(contacts.total)} (${pct}%)`)),
      h("div", { class: "bar", role: "progressbar", "aria-label": "Contacts enriched", "aria-valuemin": "0",
        "aria-valuemax": String(contacts.total || 0), "aria-valuenow": String(contacts.processed || 0) },
      h("div", { class: `bar-fill${pct === 100 ? " done" : ""}`, style: { width: `${pct}%` } })),
      h("p", { class: "small mt-md" },
        h("a", { href: buildHash("messages", { batch: batch.id || selected, owner: "all", status: "draft" }) }, "Review this batch's drafts →")));

    // Node.append() would print a null child as the text "null": leave absent parts out.
    detail.append(...[h("h2", { class: "mt-sm" }, batch.name || "Batch"),
      batch.description ? h("p", { class: "muted" }, batch.description) : null,
      h("div", { class: "chart-grid" }, companiesCard, funnelCard, costCard, msgCard, contactsCard),
    ].filter(Boolean));
  }

  async function load() {
    try {
      batches = items(await api.get("/api/batches"));
    } catch (err) {
      clear(cards).append(errorBox(err));
      return;
    }
    if (!selected && batches.length) {
      selected = batches[0].id;
      replaceRoute("batches", {}, [selected]);
    }
    renderCards();
    if (selected) showBatch(selected);
  }
  load();

  return {
    update(next) {
      const id = next.parts[0] || (batches[0] && batches[0].id) || null;
      if (id && id !== selected) {
        selected = id;
        renderCards();
        showBatch(id);
      }
    },
    unmount() {
      generation += 1;
      for (const stop of stops) stop();
    },
  };
}
