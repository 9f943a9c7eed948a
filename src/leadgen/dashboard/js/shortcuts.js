// Keyboard shortcuts of the review page, and the help dialog `?` opens.
// Single-letter keys are ignored while the reader types in a field, and with Ctrl/Alt/Cmd.

import { h, isTyping } from "./dom.js";

export const SHORTCUTS = [
  ["j", "Next message"],
  ["k", "Previous message"],
  ["a", "Approve the open message"],
  ["r", "Reject the open message (asks for a note)"],
  ["e", "Edit the message text"],
  ["u", "Undo an approval or rejection"],
  ["x", "Select or unselect the open message"],
  ["Ctrl+S", "Save edits (also while typing)"],
  ["Esc", "Leave the text field / close this help"],
  ["?", "Show this help"],
];

export function helpDialog() {
  const dialog = h("dialog", { "aria-labelledby": "shortcut-title", "data-shortcut-help": "" },
    h("h2", { id: "shortcut-title" }, "Keyboard shortcuts"),
    h("table", { class: "shortcut-table" },
      h("tbody", {}, SHORTCUTS.map(([key, what]) => h("tr", {}, h("td", {}, h("kbd", {}, key)), h("td", {}, what))))),
    h("form", { method: "dialog" }, h("button", { class: "btn btn-primary", type: "submit" }, "Close")));
  return dialog;
}

export function bindShortcuts(handlers) {
  const onKey = (event) => {
    if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === "s") {
      event.preventDefault();
      handlers.save();
      return;
    }
    if (event.key === "Escape" && isTyping(event.target) && !event.target.closest("dialog")) {
      event.target.blur();
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
    if (isTyping(event.target) || document.querySelector("dialog[open]")) return;
    const action = {
      j: handlers.next, k: handlers.previous, a: handlers.approve, r: handlers.reject,
      e: handlers.edit, u: handlers.undo, x: handlers.toggle, "?": handlers.help,
    }[event.key];
    if (!action) return;
    event.preventDefault();
    action();
  };
  document.addEventListener("keydown", onKey);
  return () => document.removeEventListener("keydown", onKey);
}
