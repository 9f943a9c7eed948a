// Building DOM without a framework: h() for elements, formatters and the labels of enum values.
// Text always goes in as text nodes (never innerHTML), so data from the API cannot inject markup.

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") el.className = value;
    else if (key === "style") setStyle(el, value);
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (key.startsWith("on") && typeof value === "function") {
      el.addEventListener(key.slice(2).toLowerCase(), value);
    } else if (key === "value" || key === "checked" || key === "disabled" || key === "selected") {
      el[key] = value;
    } else el.setAttribute(key, value === true ? "" : String(value));
  }
  append(el, children);
  return el;
}

// Styles go through the CSSOM (el.style.width = …), which the Content-Security-Policy allows;
// a style *attribute* is inline style, which `style-src 'self'` refuses
// (https://www.w3.org/TR/CSP3/#directive-style-src-attr). Fixed looks belong in app.css.
function setStyle(el, props) {
  if (typeof props !== "object") throw new TypeError("h(): pass style as an object of CSS properties, or use a class");
  Object.assign(el.style, props);
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

// SVG elements need their namespace; same calling convention as h().
const SVG_NS = "http://www.w3.org/2000/svg";
export function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    el.setAttribute(key, String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function clear(el) {
  while (el.firstChild) el.firstChild.remove();
  return el;
}

let idCounter = 0;
export function uid(prefix = "id") {
  idCounter += 1;
  return `${prefix}-${idCounter}`;
}

// ── formatting ───────────────────────────────────────────────
const usd = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD", minimumFractionDigits: 2, maximumFractionDigits: 2 });
const int = new Intl.NumberFormat("en-US");
export const fmtUsd = (v) => usd.format(Number(v || 0));
export const fmtInt = (v) => int.format(Number(v || 0));
export function fmtDate(value) {
  if (!value) return "—";
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return String(value);
  return d.toLocaleString(undefined, { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
}
export function fmtDuration(from, to) {
  if (!from) return "—";
  const ms = (to ? new Date(to) : new Date()) - new Date(from);
  if (!(ms >= 0)) return "—";
  const sec = Math.round(ms / 1000);
  if (sec < 60) return `${sec}s`;
  const min = Math.floor(sec / 60);
  if (min < 60) return `${min}m ${sec % 60}s`;
  return `${Math.floor(min / 60)}h ${min % 60}m`;
}

// ── labels of enum values ────────────────────────────────────
export const STATUSES = ["draft", "approved", "rejected", "sent", "delivered", "replied"];
export const CHANNELS = ["linkedin_connect", "linkedin_message", "email", "call_script"];
export const TONES = ["professional", "casual", "bold", "empathetic"];
const LABELS = {
  draft: "Draft", approved: "Approved", rejected: "Rejected", sent: "Sent", delivered: "Delivered",
  replied: "Replied", linkedin_connect: "LinkedIn connect", linkedin_message: "LinkedIn message",
  email: "Email", call_script: "Call script", professional: "Professional", casual: "Casual",
  bold: "Bold", empathetic: "Empathetic", tier_1_platinum: "Tier 1 · Platinum",
  tier_2_gold: "Tier 2 · Gold", tier_3_silver: "Tier 3 · Silver", tier_4_bronze: "Tier 4 · Bronze",
  tier_5_copper: "Tier 5 · Copper", deprioritize: "Deprioritize", platform_admin: "Platform admin",
  tenant_admin: "Tenant admin", reviewer: "Reviewer", running: "Running", completed: "Completed",
  failed: "Failed", enriched_l2: "Enriched L2",
};
export function label(value) {
  if (value === null || value === undefined || value === "") return "—";
  return LABELS[value] || String(value).replace(/_/g, " ").replace(/^./, (c) => c.toUpperCase());
}
export function tierShort(tier) {
  const m = /^tier_(\d)/.exec(tier || "");
  if (m) return `T${m[1]}`;
  return tier === "deprioritize" ? "Depri." : "—";
}

export function badge(status, text) {
  return h("span", { class: `badge badge-${status}` }, text || label(status));
}

// ── announcements (the aria-live region in index.html) ───────
export function toast(message, { bad = false, ms = 4000 } = {}) {
  const host = document.querySelector("[data-toasts]");
  if (!host) return;
  const el = h("div", { class: `toast${bad ? " toast-bad" : ""}` }, message);
  host.append(el);
  while (host.children.length > 3) host.firstChild.remove();   // never a wall of toasts
  setTimeout(() => el.remove(), ms);
}

// An error from the API rendered the same way everywhere: what happened, then what to do.
export function errorBox(err) {
  const box = h("div", { class: "alert alert-bad", role: "alert" },
    h("strong", {}, err && err.message ? err.message : String(err)));
  if (err && err.hint) box.append(h("p", {}, err.hint));
  return box;
}

export function isTyping(target) {
  if (!target || !(target instanceof Element)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === "TEXTAREA" || tag === "SELECT") return true;
  if (tag === "INPUT") {
    const type = (target.getAttribute("type") || "text").toLowerCase();
    return !["checkbox", "radio", "button", "submit", "reset"].includes(type);
  }
  return false;
}

export function isAdmin(user) {
  return Boolean(user && (user.role === "tenant_admin" || user.role === "platform_admin"));
}
