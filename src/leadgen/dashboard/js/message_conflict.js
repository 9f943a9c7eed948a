// The 412 view: the reader's text beside the newer saved version, and the two ways out.

import { clear, h, label } from "./dom.js";

export function renderConflict(host, { mine, theirs, keepMine, takeTheirs }) {
  const column = (title, subject, body, attrs) => h("section", { class: "conflict-col", ...attrs },
    h("h3", {}, title),
    subject ? h("p", { class: "subject" }, subject) : null,
    h("pre", { class: "conflict-text" }, body || ""));
  const changedStatus = theirs.status && theirs.status !== "draft";
  clear(host).append(h("div", { class: "conflict", role: "region", "aria-labelledby": "conflict-title", "data-conflict": "" },
    h("h3", { id: "conflict-title", tabindex: "-1" }, "Someone else changed this message while you were editing"),
    h("p", { class: "small" },
      `The saved copy is now version ${theirs.version}` +
      (changedStatus ? ` and is ${label(theirs.status).toLowerCase()}` : "") +
      ". Your text is safe: it is still in the editor below. Choose which one to keep."),
    h("div", { class: "conflict-cols" },
      column("Your version (not saved)", mine.subject, mine.body, { "data-conflict-mine": "" }),
      column(`Saved version ${theirs.version}`, theirs.subject, theirs.body, { "data-conflict-theirs": "" })),
    h("div", { class: "actions" },
      h("button", { type: "button", class: "btn btn-primary", "data-action": "keep-mine", onclick: keepMine },
        "Keep mine and save"),
      h("button", { type: "button", class: "btn", "data-action": "take-theirs", onclick: takeTheirs },
        "Use the saved version"))));
}
