// A message's history from the audit trail (who changed what, newest first), loaded only when
// the reader opens it.

import { api, items } from "./api.js";
import { clear, errorBox, fmtDate, h, label } from "./dom.js";

// Bookkeeping columns the database maintains itself; they would only add noise here.
const HIDDEN = new Set(["version", "status_code", "review_rank", "contact_score", "updated_at"]);
const short = (text) => {
  if (text === null || text === undefined || text === "") return "—";
  const flat = String(text).replace(/\s+/g, " ").trim();
  return flat.length > 90 ? `${flat.slice(0, 89)}…` : flat;
};

export function historyDetails(messageId) {
  const body = h("div", { class: "small" });
  const details = h("details", { class: "history", "data-history": "" },
    h("summary", {}, "History of this message"), body);
  let loaded = false;
  details.addEventListener("toggle", async () => {
    if (!details.open || loaded) return;
    loaded = true;
    clear(body).append(h("p", { class: "muted" }, "Loading…"));
    let entries;
    try {
      entries = items(await api.get(`/api/audit/messages/${encodeURIComponent(messageId)}`));
    } catch (err) {
      if (err.status === 404) entries = [];
      else { clear(body).append(errorBox(err)); loaded = false; return; }
    }
    const shown = entries.filter((e) => !HIDDEN.has(e.field_name));
    clear(body).append(shown.length ? h("ol", { class: "history-list" }, shown.map((e) => h("li", {},
      h("span", { class: "muted" }, `${fmtDate(e.changed_at)} · ${e.changed_by || "someone"} · `),
      e.event === "update"
        ? [h("b", {}, label(e.field_name)), `: ${short(e.old_value)} → ${short(e.new_value)}`]
        : h("b", {}, e.event === "insert" ? "created" : e.event))))
      : h("p", { class: "muted" }, "No changes recorded yet."));
  });
  return details;
}
