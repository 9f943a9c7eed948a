// The review queue: rows rendered a page at a time as the reader scrolls (keyset cursor pages,
// IntersectionObserver on a sentinel), a current row for the detail pane, and checkboxes.

import { api, qs } from "./api.js";
import { badge, clear, h, label, tierShort } from "./dom.js";
import { overLimitText } from "./message_editor.js";

const PAGE_SIZE = 50;

export class MessageList {
  constructor({ scroller, list, end, onOpen, onSelectionChange, onLoaded }) {
    this.scroller = scroller;
    this.list = list;
    this.end = end;
    this.onOpen = onOpen;
    this.onSelectionChange = onSelectionChange;
    this.onLoaded = onLoaded;
    this.rows = new Map();     // id → {item, li}
    this.order = [];
    this.selected = new Set();
    this.currentId = null;
    this.cursor = null;
    this.done = false;
    this.loading = null;
    this.generation = 0;
    this.filters = {};
    this.observer = null;
    this.narrow = window.matchMedia("(max-width: 900px)");
    this.onMedia = () => this.observe();
    this.narrow.addEventListener("change", this.onMedia);
  }

  destroy() {
    this.generation += 1;
    if (this.observer) this.observer.disconnect();
    this.narrow.removeEventListener("change", this.onMedia);
  }

  // The scroll container is the list pane on a laptop and the page itself on a phone, so the
  // observer's root follows the layout.
  observe() {
    if (this.observer) this.observer.disconnect();
    const style = getComputedStyle(this.scroller);
    const root = /(auto|scroll)/.test(style.overflowY) ? this.scroller : null;
    this.observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) this.loadMore();
    }, { root, rootMargin: "400px 0px" });
    this.observer.observe(this.end);
  }

  async reset(filters) {
    this.generation += 1;
    this.filters = filters;
    this.rows.clear();
    this.order = [];
    this.selected.clear();
    this.currentId = null;
    this.cursor = null;
    this.done = false;
    this.loading = null;
    clear(this.list);
    this.scroller.scrollTop = 0;
    this.setEnd("Loading messages…");
    this.list.setAttribute("aria-busy", "true");
    this.onSelectionChange(this.selected);
    try {
      await this.loadMore();
    } finally {
      this.list.setAttribute("aria-busy", "false");
    }
    this.observe();
  }

  loadMore() {
    if (this.done) return Promise.resolve(false);
    if (this.loading) return this.loading;
    const generation = this.generation;
    const params = { ...this.filters, limit: PAGE_SIZE, cursor: this.cursor };
    this.loading = api.get(`/api/messages${qs(params)}`).then((page) => {
      if (generation !== this.generation) return false;   // filters changed meanwhile
      this.loading = null;
      const fresh = (page.items || []).filter((item) => !this.rows.has(item.id));
      const frag = document.createDocumentFragment();
      for (const item of fresh) frag.append(this.renderRow(item));
      this.list.append(frag);
      if (fresh.length && !performance.getEntriesByName("leadgen:first-rows").length) {
        performance.mark("leadgen:first-rows");   // how long until a reviewer sees work
      }
      this.cursor = page.next_cursor || null;
      this.done = !this.cursor;
      this.setEnd(this.done ? (this.order.length ? `All ${this.order.length} loaded.` : "No messages match these filters.") : "Loading more…");
      if (this.onLoaded) this.onLoaded(fresh.length);
      // Re-arm the observer: if the sentinel is still in view it fires again at once.
      if (!this.done && this.observer) {
        this.observer.unobserve(this.end);
        this.observer.observe(this.end);
      }
      return fresh.length > 0;
    }).catch((err) => {
      if (generation !== this.generation) return false;
      this.loading = null;
      this.setEnd(`Could not load messages: ${err.message}`);
      throw err;
    });
    return this.loading;
  }

  setEnd(text) {
    this.end.textContent = text;
  }

  renderRow(item) {
    const id = item.id;
    const checkbox = h("input", {
      type: "checkbox", "aria-label": `Select message to ${item.contact_name || "contact"}`,
      checked: this.selected.has(id),
      onchange: () => this.toggle(id, checkbox.checked),
    });
    const open = h("button", { type: "button", class: "msg-open", onclick: () => this.onOpen(id) });
    const li = h("li", { class: "msg-row", dataset: { id } }, h("span", { class: "pick" }, checkbox), open);
    this.rows.set(id, { item, li, checkbox, open });
    this.order.push(id);
    this.fillRow(id);
    return li;
  }

  fillRow(id) {
    const row = this.rows.get(id);
    const item = row.item;
    const company = [item.job_title, item.company_name].filter(Boolean).join(" · ");
    const score = item.contact_score === null || item.contact_score === undefined ? "—" : item.contact_score;
    clear(row.open).append(
      h("span", { class: "msg-line1" },
        h("span", { class: "msg-name" }, item.contact_name || "(no name)"),
        h("span", { class: "msg-score", title: "Contact score" }, `score ${score}`)),
      h("span", { class: "msg-line2" }, company || "—"),
      h("span", { class: "msg-line3" },
        item.status ? badge(item.status) : badge("none", "(no status)"),
        h("span", { class: "badge", title: label(item.tier) }, tierShort(item.tier)),
        h("span", {}, label(item.channel)),
        item.sequence_step ? h("span", {}, `· step ${item.sequence_step}`) : null,
        overLimitText(item) ? h("span", { class: "badge badge-over", title: overLimitText(item) }, "Too long") : null));
    row.open.setAttribute("aria-label",
      `${item.contact_name || "Contact"}, ${company || "no company"}, ${label(item.tier)}, score ${score}, ${label(item.channel)}, ${item.status ? label(item.status) : "no status"}`);
  }

  update(item) {
    const row = this.rows.get(item.id);
    if (!row) return;
    row.item = { ...row.item, ...item };
    this.fillRow(item.id);
  }

  item(id) {
    const row = this.rows.get(id);
    return row ? row.item : null;
  }

  setCurrent(id, { scroll = true } = {}) {
    const previous = this.rows.get(this.currentId);
    if (previous) {
      previous.li.classList.remove("is-current");
      previous.open.removeAttribute("aria-current");
    }
    this.currentId = id;
    const row = this.rows.get(id);
    if (!row) return;
    row.li.classList.add("is-current");
    row.open.setAttribute("aria-current", "true");
    if (scroll) row.li.scrollIntoView({ block: "nearest" });
  }

  // The id `step` rows away from the current one, loading the next page when needed.
  async neighbour(step) {
    let index = this.order.indexOf(this.currentId);
    if (index === -1) return this.order[0] || null;
    index += step;
    if (index >= this.order.length && !this.done) {
      await this.loadMore();
    }
    if (index < 0 || index >= this.order.length) return null;
    return this.order[index];
  }

  toggle(id, on) {
    if (on) this.selected.add(id); else this.selected.delete(id);
    const row = this.rows.get(id);
    if (row) row.checkbox.checked = on;
    this.onSelectionChange(this.selected);
  }

  selectAll(on) {
    for (const id of this.order) {
      const row = this.rows.get(id);
      // Only drafts can be approved in bulk; selecting others would only produce "skipped".
      if (on && row.item.status !== "draft") continue;
      this.toggle(id, on);
    }
    if (!on) this.selected.clear();
    this.onSelectionChange(this.selected);
  }
}
