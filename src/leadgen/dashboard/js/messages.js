// The review page: filters kept in the URL, counts per status, the queue, the detail pane,
// bulk approval and keyboard shortcuts.

import { api, items, qs } from "./api.js";
import { CHANNELS, clear, fmtInt, h, label, STATUSES, toast } from "./dom.js";
import { hasUnsaved, MessageEditor } from "./message_editor.js";
import { MessageList } from "./message_list.js";
import { navigate, replaceRoute } from "./router.js";
import { bindShortcuts, helpDialog } from "./shortcuts.js";

const FILTER_KEYS = ["owner", "status", "channel", "batch", "campaign", "q"];
const narrow = window.matchMedia("(max-width: 900px)");

// Filters as the URL holds them; a missing owner means "mine", a missing status "draft".
function filtersFrom(params, user) {
  return {
    owner: params.owner || (user.owner_id ? String(user.owner_id) : "all"),
    status: params.status || "draft",
    channel: params.channel || "", batch: params.batch || "", campaign: params.campaign || "",
    q: params.q || "",
  };
}

function apiFilters(f, { withStatus = true } = {}) {
  return {
    owner_id: f.owner === "all" ? "" : f.owner,
    status: withStatus && f.status !== "all" ? f.status : "",
    channel: f.channel, batch_id: f.batch, campaign_id: f.campaign, q: f.q,
  };
}

const sameFilters = (a, b) => FILTER_KEYS.every((k) => (a[k] || "") === (b[k] || ""));

export function mountMessages(main, { session, route }) {
  const user = session.user;
  let filters = filtersFrom(route.params, user);
  let currentId = route.params.m || null;

  const select = (id, text, name, options) => h("div", { class: "field" },
    h("label", { for: id }, text),
    h("select", { id, name }, options));
  const ownerSel = select("f-owner", "Owner", "owner", [h("option", { value: "all" }, "All owners")]);
  const batchSel = select("f-batch", "Batch", "batch", [h("option", { value: "" }, "All batches")]);
  const campaignSel = select("f-campaign", "Campaign", "campaign", [h("option", { value: "" }, "All campaigns")]);
  const channelSel = select("f-channel", "Channel", "channel", [h("option", { value: "" }, "All channels"),
    CHANNELS.map((c) => h("option", { value: c }, label(c)))]);
  const search = h("input", { id: "f-q", type: "search", name: "q", placeholder: "Contact name or message text", autocomplete: "off" });
  const form = h("form", { class: "filters", role: "search", "aria-label": "Filter messages", onsubmit: (e) => { e.preventDefault(); commit(); } },
    ownerSel, channelSel, batchSel, campaignSel,
    h("div", { class: "field field-search" }, h("label", { for: "f-q" }, "Search"), search));
  const tabs = h("div", { class: "status-tabs", role: "group", "aria-label": "Status" });

  const selectAll = h("input", { type: "checkbox", id: "select-all", onchange: () => list.selectAll(selectAll.checked) });
  const selectedInfo = h("span", { class: "muted small", "aria-live": "polite" });
  const bulkBtn = h("button", { type: "button", class: "btn btn-ok btn-small", "data-action": "bulk-approve", disabled: true, onclick: bulkApprove }, "Approve selected");
  const scroller = h("div", { class: "list-scroll" });
  const ol = h("ol", { class: "msg-list", "aria-label": "Messages" });
  const end = h("div", { class: "list-end", "data-list-end": "" });
  scroller.append(ol, end);
  const listPane = h("section", { class: "list-pane", "aria-label": "Message list" },
    h("div", { class: "list-toolbar" },
      h("label", { for: "select-all", class: "small check-label" }, selectAll, "Select all drafts"),
      selectedInfo, h("span", { class: "spacer" }), bulkBtn),
    scroller);
  const detailPane = h("section", { class: "detail-pane", "aria-label": "Message detail", "data-detail": "" });
  const review = h("div", { class: "review" }, listPane, detailPane);
  const dialog = helpDialog();
  const helpBtn = h("button", { type: "button", class: "btn btn-quiet btn-small", "aria-haspopup": "dialog", onclick: () => dialog.showModal() },
    "Keyboard shortcuts ", h("kbd", {}, "?"));

  main.append(h("div", { class: "page" },
    h("div", { class: "page-head" }, h("h1", {}, "Messages"),
      h("p", {}, "Review AI-written outreach before it goes out."), h("span", { class: "shortcut-help push-right" }, helpBtn)),
    form, tabs, review, dialog));

  const editor = new MessageEditor(detailPane, {
    onChange: (item, { advance }) => {
      list.update(item);
      refreshCounts();
      if (advance) move(1);
    },
    onBack: () => {
      review.classList.remove("show-detail");
      currentId = null;
      replaceRoute("messages", { ...route.params, m: undefined });
      const row = list.rows.get(list.currentId);
      if (row) row.open.focus();
    },
  });
  const list = new MessageList({
    scroller, list: ol, end,
    onOpen: (id) => open(id),
    onSelectionChange: (sel) => {
      selectedInfo.textContent = sel.size ? `${fmtInt(sel.size)} selected` : "";
      bulkBtn.disabled = sel.size === 0;
      bulkBtn.textContent = sel.size ? `Approve selected (${fmtInt(sel.size)})` : "Approve selected";
      if (sel.size === 0) selectAll.checked = false;
    },
  });

  function commit(extra = {}) {
    const next = {
      owner: ownerSel.querySelector("select").value, channel: channelSel.querySelector("select").value,
      batch: batchSel.querySelector("select").value, campaign: campaignSel.querySelector("select").value,
      q: search.value.trim(), status: filters.status, ...extra,
    };
    navigate("messages", next);
  }
  for (const wrap of [ownerSel, channelSel, batchSel, campaignSel]) {
    wrap.querySelector("select").addEventListener("change", () => commit());
  }
  let searchTimer = null;
  search.addEventListener("input", () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => commit(), 400);
  });

  function syncForm() {
    ownerSel.querySelector("select").value = filters.owner;
    channelSel.querySelector("select").value = filters.channel;
    batchSel.querySelector("select").value = filters.batch;
    campaignSel.querySelector("select").value = filters.campaign;
    if (document.activeElement !== search) search.value = filters.q;
  }

  function renderTabs(counts) {
    const total = STATUSES.reduce((sum, s) => sum + Number((counts && counts[s]) || 0), 0);
    const tab = (value, text, n) => h("button", {
      type: "button", class: "status-tab", "aria-pressed": String(filters.status === value),
      "data-status": value, onclick: () => commit({ status: value }),
    }, text, " ", h("span", { class: "count" }, counts ? fmtInt(n) : "…"));
    clear(tabs).append(tab("all", "All", total),
      ...STATUSES.map((s) => tab(s, label(s), (counts && counts[s]) || 0)));
  }

  let countsTimer = null;
  let countsGen = 0;
  function refreshCounts() {
    clearTimeout(countsTimer);
    countsTimer = setTimeout(async () => {
      const gen = ++countsGen;
      try {
        const counts = await api.get(`/api/messages/counts${qs(apiFilters(filters, { withStatus: false }))}`);
        if (gen === countsGen) renderTabs(counts.status && typeof counts.status === "object" ? counts.status : counts);
      } catch (err) {
        if (gen === countsGen) toast(`Counts unavailable: ${err.message}`, { bad: true });
      }
    }, 150);
  }

  async function open(id, { focus = false } = {}) {
    currentId = id;
    list.setCurrent(id);
    review.classList.add("show-detail");
    if (narrow.matches) window.scrollTo(0, 0);   // phone: the message replaces the list
    replaceRoute("messages", { ...route.params, m: id });
    const pending = editor.show(id, list.item(id));
    if (focus) {
      const title = detailPane.querySelector("#detail-title");
      if (title) title.focus({ preventScroll: true });
    }
    return pending;
  }

  async function move(step) {
    const id = list.currentId ? await list.neighbour(step) : list.order[0];
    if (id) await open(id);
    else if (step > 0 && list.done) toast("That was the last message in this view.");
  }

  async function bulkApprove() {
    const ids = [...list.selected];
    if (!ids.length) return;
    bulkBtn.disabled = true;
    try {
      // The API takes up to 500 ids a call; a long scroll can select more.
      const result = { approved: [], skipped: [] };
      for (let i = 0; i < ids.length; i += 500) {
        const part = await api.post("/api/messages/bulk-approve", { ids: ids.slice(i, i + 500) });
        result.approved.push(...(part.approved || []));
        result.skipped.push(...(part.skipped || []));
      }
      for (const id of result.approved || []) {
        const item = list.item(id);
        if (item) list.update({ ...item, status: "approved" });
      }
      list.selectAll(false);
      const skipped = result.skipped || [];
      toast(`Approved ${fmtInt((result.approved || []).length)}` +
        (skipped.length ? `; skipped ${fmtInt(skipped.length)} (already reviewed or gone).` : "."));
      refreshCounts();
      if (currentId && (result.approved || []).includes(currentId)) editor.show(currentId);
    } catch (err) {
      toast(`Bulk approve failed: ${err.message}`, { bad: true });
      bulkBtn.disabled = false;
    }
  }

  async function loadOptions() {
    const [owners, batches, campaigns] = await Promise.all([
      api.get("/api/owners").then(items).catch(() => []),
      api.get("/api/batches").then(items).catch(() => []),
      api.get("/api/campaigns").then(items).catch(() => []),
    ]);
    ownerSel.querySelector("select").append(...owners.map((o) => h("option", { value: o.id }, o.name)));
    batchSel.querySelector("select").append(...batches.map((b) => h("option", { value: b.id }, b.name)));
    campaignSel.querySelector("select").append(...campaigns.map((c) => h("option", { value: c.id }, c.name)));
    syncForm();
  }

  async function reload() {
    syncForm();
    renderTabs(null);
    refreshCounts();
    try {
      await list.reset(apiFilters(filters));
    } catch {
      return;
    }
    if (currentId) {
      list.setCurrent(currentId);
      if (list.item(currentId)) review.classList.add("show-detail");
      editor.show(currentId, list.item(currentId));
    } else {
      editor.showEmpty(list.order.length ? undefined : "Nothing to review here.");
    }
  }

  const unbind = bindShortcuts({
    next: () => move(1), previous: () => move(-1),
    approve: () => editor.approve(), reject: () => editor.startReject(),
    edit: () => editor.focusBody(), undo: () => editor.undo(), save: () => editor.save(),
    toggle: () => { if (list.currentId) list.toggle(list.currentId, !list.selected.has(list.currentId)); },
    help: () => dialog.showModal(),
  });

  // Closing or reloading the tab with unsaved edits asks first.
  const beforeUnload = (event) => {
    editor.stash();
    if (hasUnsaved()) event.preventDefault();
  };
  window.addEventListener("beforeunload", beforeUnload);

  loadOptions();
  reload();

  return {
    update(next) {
      route = next;
      const nextFilters = filtersFrom(next.params, user);
      if (!sameFilters(nextFilters, filters)) {
        filters = nextFilters;
        currentId = next.params.m || null;
        reload();
      } else if ((next.params.m || null) !== currentId) {
        if (next.params.m) open(next.params.m);
      }
    },
    unmount() {
      window.removeEventListener("beforeunload", beforeUnload);
      unbind();
      list.destroy();
      editor.stash();
    },
  };
}
