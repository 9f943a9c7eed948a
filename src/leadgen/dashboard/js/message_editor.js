// The detail pane: read one message, edit subject and body against the channel's limits,
// approve / reject / undo, and resolve a 412 conflict without losing anything typed.

import { api } from "./api.js";
import { badge, clear, errorBox, fmtUsd, h, label, TONES, toast, uid } from "./dom.js";
import { renderConflict } from "./message_conflict.js";
import { historyDetails } from "./message_history.js";

// LinkedIn's limits: a connection note holds 300 characters, a message 8000; email subjects
// are kept short because inboxes cut them off.
export const LIMITS = {
  linkedin_connect: { body: 300 },
  linkedin_message: { body: 8000 },
  email: { subject: 200 },
};

const chars = (text) => [...(text || "")].length;

// Why a message is over its channel's limit, or null when it fits.
export function overLimitText({ channel, subject, body }) {
  const limits = LIMITS[channel] || {};
  if (limits.body && chars(body) > limits.body) return `The message is longer than ${limits.body} characters.`;
  if (limits.subject && chars(subject) > limits.subject) return `The subject is longer than ${limits.subject} characters.`;
  return null;
}

// Edits not yet saved, by message id. Module-wide so they survive moving between messages and
// pages, and signing in again after a session ended; cleared only by signing out.
const UNSAVED = new Map();
export function forgetUnsaved() {
  UNSAVED.clear();
}
export function hasUnsaved() {
  return UNSAVED.size > 0;
}

export class MessageEditor {
  constructor(pane, { onChange, onBack }) {
    this.pane = pane;
    this.onChange = onChange;
    this.onBack = onBack;
    this.base = null;            // the server's version we are editing on top of
    this.conflict = null;        // the newer server version after a 412
    this.unsaved = UNSAVED;      // id → edits the reader made and has not saved
    this.busy = false;
    this.showEmpty();
  }

  showEmpty(text = "Pick a message from the list, or press j to start.") {
    this.base = null;
    clear(this.pane).append(h("div", { class: "detail-empty" }, h("p", {}, text)));
  }

  async show(id, listItem) {
    this.stash();
    this.conflict = null;
    if (listItem) this.render(listItem);
    try {
      const { data, etag } = await api.getFull(`/api/messages/${encodeURIComponent(id)}`);
      if (etag && data && data.version === undefined) data.version = Number(etag);
      if (this.base && this.base.id === id && this.base.version === data.version
          && this.base.status === data.status) {
        this.base = data;        // the list's copy was current: keep the pane (and focus) as is
      } else if (!this.base || this.base.id === id) {
        this.stash();            // anything typed while the fresh copy was on its way
        this.renderKeepingFocus(data);
      }
      return data;
    } catch (err) {
      if (!this.base || this.base.id === id) {
        clear(this.pane).append(errorBox(err));
      }
      return null;
    }
  }

  // Keep what the reader typed when they move to another message.
  stash() {
    if (!this.base || !this.fields) return;
    if (this.isDirty()) this.unsaved.set(this.base.id, this.values());
    else this.unsaved.delete(this.base.id);
  }

  values() {
    return {
      subject: this.fields.subject ? this.fields.subject.value : this.base.subject,
      body: this.fields.body.value,
      tone: this.fields.tone.value || null,
      review_notes: this.fields.notes.value,
    };
  }

  isDirty() {
    if (!this.base || !this.fields) return false;
    const v = this.values();
    return (v.subject || "") !== (this.base.subject || "") || v.body !== (this.base.body || "")
      || (v.tone || "") !== (this.base.tone || "") || (v.review_notes || "") !== (this.base.review_notes || "");
  }

  editable() {
    return this.base && (this.base.status || "draft") === "draft";
  }

  // Re-render without taking the reader's cursor away from the field they are in.
  renderKeepingFocus(message) {
    const active = document.activeElement;
    const field = active && this.pane.contains(active) ? active.dataset.field : null;
    const range = field && "selectionStart" in active ? [active.selectionStart, active.selectionEnd] : null;
    this.render(message);
    const again = field && this.pane.querySelector(`[data-field="${field}"]`);
    if (again) {
      again.focus();
      if (range) again.setSelectionRange(range[0], range[1]);
    }
  }

  render(message) {
    this.base = message;
    const draft = this.unsaved.get(message.id);
    const limits = LIMITS[message.channel] || {};
    const ro = !this.editable();
    const subjectId = uid("subject");
    const bodyId = uid("body");
    const notesId = uid("notes");
    const toneId = uid("tone");

    const subjectCounter = h("span", { class: "counter", id: `${subjectId}-count`, "aria-live": "polite" });
    const bodyCounter = h("span", { class: "counter", id: `${bodyId}-count`, "aria-live": "polite" });
    const showSubject = message.channel === "email" || Boolean(message.subject);
    const subject = showSubject ? h("input", {
      id: subjectId, type: "text", "data-field": "subject", readonly: ro, "aria-describedby": `${subjectId}-count`,
      value: draft ? draft.subject || "" : message.subject || "",
    }) : null;
    const body = h("textarea", {
      id: bodyId, rows: message.channel === "linkedin_connect" ? 5 : 11, "data-field": "body", readonly: ro,
      "aria-describedby": `${bodyId}-count`, value: draft ? draft.body : message.body || "",
    });
    const tone = h("select", { id: toneId, "data-field": "tone", disabled: ro },
      h("option", { value: "" }, "—"),
      TONES.map((t) => h("option", { value: t, selected: (draft ? draft.tone : message.tone) === t }, label(t))));
    const notes = h("textarea", { id: notesId, rows: 2, "data-field": "review_notes", readonly: ro,
      value: draft ? draft.review_notes || "" : message.review_notes || "" });
    this.fields = { subject, body, tone, notes };

    const update = () => {
      if (subject) this.count(subject, subjectCounter, limits.subject);
      this.count(body, bodyCounter, limits.body);
      dirtyFlag.hidden = !this.isDirty();
      saveBtn.disabled = !this.isDirty() || this.busy;
    };
    const dirtyFlag = h("span", { class: "dirty-flag", hidden: true }, "Unsaved changes");
    const saveBtn = h("button", { type: "button", class: "btn btn-primary", "data-action": "save", onclick: () => this.save() },
      "Save", h("kbd", { "aria-hidden": "true" }, "Ctrl+S"));
    for (const el of [subject, body, notes]) if (el) el.addEventListener("input", update);
    tone.addEventListener("change", update);

    // NULL: a message migrated from an empty Airtable Status; the API reviews drafts only
    const status = message.status || "none";
    const actions = h("div", { class: "actions" });
    if (status === "draft") {
      actions.append(saveBtn,
        h("button", { type: "button", class: "btn btn-ok", "data-action": "approve", onclick: () => this.approve() },
          "Approve", h("kbd", { "aria-hidden": "true" }, "a")),
        h("button", { type: "button", class: "btn btn-bad", "data-action": "reject", onclick: () => this.startReject() },
          "Reject…", h("kbd", { "aria-hidden": "true" }, "r")),
        dirtyFlag);
    } else if (status === "approved" || status === "rejected") {
      actions.append(h("button", { type: "button", class: "btn", "data-action": "undo", onclick: () => this.undo() },
        `Undo ${status === "approved" ? "approval" : "rejection"}`, h("kbd", { "aria-hidden": "true" }, "u")),
      h("span", { class: "muted small" }, "Undo returns it to draft so it can be edited."));
    } else if (status === "none") {
      actions.append(h("span", { class: "muted small" }, "This message has no status (its Airtable Status was empty), so it cannot be reviewed."));
    } else {
      actions.append(h("span", { class: "muted small" }, `This message is ${label(status).toLowerCase()}; it can no longer be changed.`));
    }

    this.rejectBox = this.buildRejectBox(message);
    this.errors = h("div", { "data-editor-errors": "" });
    this.conflictHost = h("div", { "data-conflict-host": "" });

    const meta = h("div", { class: "detail-meta" },
      h("span", {}, h("b", {}, message.job_title || "—"), message.company_name ? ` at ${message.company_name}` : ""),
      h("span", {}, "Tier ", h("b", {}, label(message.tier))),
      h("span", {}, "Score ", h("b", {}, message.contact_score ?? "—")),
      h("span", {}, h("b", {}, label(message.channel)), ` · step ${message.sequence_step || 1}`, message.variant ? ` · variant ${message.variant.toUpperCase()}` : ""),
      message.owner_name ? h("span", {}, "Owner ", h("b", {}, message.owner_name)) : null,
      message.language ? h("span", {}, "Language ", h("b", {}, message.language.toUpperCase())) : null,
      message.generation_cost_usd !== null && message.generation_cost_usd !== undefined
        ? h("span", {}, "Cost ", h("b", {}, fmtUsd(message.generation_cost_usd))) : null);

    // The actions sit at the top, where a reviewer's eyes and mouse already are.
    clear(this.pane).append(
      h("div", { class: "detail-head" },
        h("button", { type: "button", class: "btn btn-small back-to-list", onclick: () => this.onBack() }, "← Back to list"),
        h("h2", { id: "detail-title", tabindex: "-1" }, message.contact_name || "Message"),
        badge(status, status === "none" ? "(no status)" : undefined)),
      meta, h("div", { class: "detail-actions" }, actions, this.rejectBox), this.errors, this.conflictHost,
      h("form", { class: "editor", "aria-labelledby": "detail-title", onsubmit: (e) => { e.preventDefault(); this.save(); } },
        subject ? h("div", { class: "field" },
          h("div", { class: "label-row" }, h("label", { for: subjectId }, "Subject"), subjectCounter), subject) : null,
        h("div", { class: "field" },
          h("div", { class: "label-row" }, h("label", { for: bodyId }, "Message"), bodyCounter), body),
        h("div", { class: "field-row" },
          h("div", { class: "field field-tone" }, h("label", { for: toneId }, "Tone"), tone)),
        h("div", { class: "field" }, h("label", { for: notesId }, "Review notes"), notes)),
      historyDetails(message.id));
    update();
    this.refresh = update;
  }

  count(input, counter, limit) {
    const n = chars(input.value);
    const over = limit && n > limit;
    counter.textContent = limit ? `${n} / ${limit}${over ? ` — ${n - limit} over the limit` : ""}` : `${n} characters`;
    counter.classList.toggle("over", Boolean(over));
    input.setAttribute("aria-invalid", over ? "true" : "false");
  }

  overLimit() {
    return overLimitText({ channel: this.base.channel, ...this.values() });
  }

  buildRejectBox(message) {
    const noteId = uid("reject-note");
    const note = h("textarea", { id: noteId, rows: 2, required: true, "aria-required": "true",
      value: message.review_notes || "" });
    const err = h("p", { class: "counter over", id: `${noteId}-err`, hidden: true }, "A note is required to reject: say what should change.");
    note.setAttribute("aria-describedby", `${noteId}-err`);
    const box = h("div", { class: "reject-box", hidden: true, "data-reject-box": "" },
      h("label", { for: noteId }, "Why reject it? (required)"), note, err,
      h("div", { class: "actions" },
        h("button", { type: "button", class: "btn btn-bad", "data-action": "confirm-reject", onclick: () => this.confirmReject(note, err) }, "Reject message"),
        h("button", { type: "button", class: "btn btn-quiet", onclick: () => { box.hidden = true; } }, "Cancel")));
    note.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) this.confirmReject(note, err);
      if (e.key === "Escape") { box.hidden = true; }
    });
    box.note = note;
    return box;
  }

  startReject() {
    if (!this.editable() || !this.rejectBox) return;
    this.rejectBox.hidden = false;
    this.rejectBox.note.focus();
  }

  focusBody() {
    if (this.fields && this.editable()) this.fields.body.focus();
  }

  showError(err) {
    clear(this.errors).append(errorBox(err));
  }

  // PATCH with If-Match; on 412 keep the reader's text and show the newer version beside it.
  async save({ quiet = false } = {}) {
    if (!this.base || !this.editable() || this.busy) return this.base;
    if (!this.isDirty()) return this.base;
    const v = this.values();
    const patch = {};
    if ((v.subject || "") !== (this.base.subject || "") && this.fields.subject) patch.subject = v.subject;
    if (v.body !== this.base.body) patch.body = v.body;
    if ((v.tone || "") !== (this.base.tone || "")) patch.tone = v.tone;
    if ((v.review_notes || "") !== (this.base.review_notes || "")) patch.review_notes = v.review_notes;
    if (patch.body !== undefined && !patch.body.trim()) {
      this.showError({ message: "The message cannot be empty." });
      return null;
    }
    this.busy = true;
    clear(this.errors);
    try {
      const { data } = await api.patchFull(`/api/messages/${this.base.id}`, patch, { ifMatch: this.base.version });
      this.unsaved.delete(data.id);
      this.renderKeepingFocus(data);
      this.onChange(data, { advance: false });
      if (!quiet) toast("Saved.");
      return data;
    } catch (err) {
      if (err.status === 412 && err.body && err.body.current) this.showConflict(err.body.current);
      else this.showError(err);
      return null;
    } finally {
      this.busy = false;
      if (this.refresh) this.refresh();
    }
  }

  showConflict(current) {
    this.conflict = current;
    this.unsaved.set(this.base.id, this.values());
    renderConflict(this.conflictHost, {
      mine: this.values(), theirs: current,
      keepMine: () => this.keepMine(),
      takeTheirs: () => this.takeTheirs(),
    });
    const heading = this.conflictHost.querySelector("h3");
    if (heading) heading.focus();
  }

  async keepMine() {
    const mine = this.values();
    const current = this.conflict;
    this.conflict = null;
    this.unsaved.set(current.id, mine);
    this.render(current);          // base := newer version, fields keep the reader's text
    if (current.status && current.status !== "draft") {
      this.showError({ message: `Someone else already ${label(current.status).toLowerCase()} this message.`,
        hint: "Undo that first if it should be edited again." });
      return;
    }
    await this.save();
  }

  takeTheirs() {
    const current = this.conflict;
    this.conflict = null;
    this.unsaved.delete(current.id);
    this.render(current);
    this.onChange(current, { advance: false });
    toast("Showing the saved version.");
  }

  async act(kind, body) {
    if (this.busy || !this.base) return;
    this.busy = true;
    clear(this.errors);
    try {
      const data = await api.post(`/api/messages/${this.base.id}/${kind}`, body, { ifMatch: this.base.version });
      this.unsaved.delete(data.id);
      this.render(data);
      const verb = { approve: "Approved", reject: "Rejected", undo: "Back to draft" }[kind];
      toast(`${verb}: ${data.contact_name || "message"}.`);
      this.onChange(data, { advance: kind !== "undo" });
    } catch (err) {
      if (err.status === 412 && err.body && err.body.current) this.showConflict(err.body.current);
      else this.showError(err);
    } finally {
      this.busy = false;
    }
  }

  async approve() {
    if (!this.editable()) return;
    const over = this.overLimit();
    if (over) {
      this.showError({ message: over, hint: "Shorten it before approving; LinkedIn would refuse it." });
      return;
    }
    if (this.isDirty()) {
      const saved = await this.save({ quiet: true });
      if (!saved) return;
    }
    const notes = this.fields.notes.value.trim();
    await this.act("approve", notes ? { notes } : {});
  }

  async confirmReject(note, err) {
    const text = note.value.trim();
    if (!text) {
      err.hidden = false;
      note.setAttribute("aria-invalid", "true");
      note.focus();
      return;
    }
    if (this.isDirty()) {
      const saved = await this.save({ quiet: true });
      if (!saved) return;
    }
    await this.act("reject", { notes: text });
  }

  async undo() {
    const status = this.base && this.base.status;
    if (status !== "approved" && status !== "rejected") return;
    await this.act("undo", {});
  }
}
