// Tenant administration: users (create, deactivate), API keys (shown once, revoke) and the
// n8n webhook (URL, write-only secret). Only tenant and platform admins see this page.

import { api, items } from "./api.js";
import { badge, clear, errorBox, fmtDate, h, label, toast, uid } from "./dom.js";

const field = (id, text, input, help) => h("div", { class: "field" },
  h("label", { for: id }, text), input, help ? h("span", { class: "field-help", id: `${id}-help` }, help) : null);

export function mountAdmin(main, { session, route }) {
  const users = h("section", { class: "card", "aria-labelledby": "users-title", id: "users" });
  const keys = h("section", { class: "card", "aria-labelledby": "keys-title", id: "keys" });
  const settings = h("section", { class: "card", "aria-labelledby": "settings-title", id: "settings" });
  main.append(h("div", { class: "page" },
    h("div", { class: "page-head" }, h("h1", {}, "Admin"), h("p", {}, `People, keys and the pipeline webhook of ${session.tenant ? session.tenant.name : "your team"}.`)),
    h("div", { class: "admin-grid" }, users, keys, settings)));
  let owners = [];

  // ── users ────────────────────────────────────────────────
  const userList = h("div", {});
  const userErrors = h("div", {});
  const email = h("input", { id: "nu-email", type: "email", required: true, autocomplete: "off" });
  const name = h("input", { id: "nu-name", type: "text", autocomplete: "off" });
  const password = h("input", { id: "nu-password", type: "password", required: true, minlength: "10", autocomplete: "new-password", "aria-describedby": "nu-password-help" });
  const role = h("select", { id: "nu-role" }, ["reviewer", "tenant_admin"].concat(session.user.role === "platform_admin" ? ["platform_admin"] : [])
    .map((r) => h("option", { value: r }, label(r))));
  const owner = h("select", { id: "nu-owner" }, h("option", { value: "" }, "None"));
  const userForm = h("form", { class: "admin-form", "aria-label": "Add a user", onsubmit: addUser },
    field("nu-email", "Email", email), field("nu-name", "Name", name),
    field("nu-password", "Password", password, "At least 10 characters."),
    field("nu-role", "Role", role), field("nu-owner", "Reviews as owner", owner),
    h("div", {}, h("button", { type: "submit", class: "btn btn-primary", "data-action": "add-user" }, "Add user")));
  users.append(h("h2", { id: "users-title" }, "Users"), userList, h("h3", { class: "mt-lg" }, "Add a user"), userForm, userErrors);

  async function loadUsers() {
    let list;
    try { list = items(await api.get("/api/users")); } catch (err) { clear(userList).append(errorBox(err)); return; }
    const ownerName = (id) => (owners.find((o) => o.id === id) || {}).name || "—";
    clear(userList).append(h("div", { class: "table-wrap" }, h("table", { class: "data", "data-users": "" },
      h("thead", {}, h("tr", {}, ["Email", "Name", "Role", "Owner", "Last sign-in", "Status", ""].map((c, i) =>
        h("th", { scope: "col", class: [1, 3, 4].includes(i) ? "hide-narrow" : "" }, c)))),
      h("tbody", {}, list.map((u) => h("tr", { "data-user": u.email },
        h("td", {}, u.email), h("td", { class: "hide-narrow" }, u.display_name || "—"), h("td", {}, label(u.role)),
        h("td", { class: "hide-narrow" }, ownerName(u.owner_id)), h("td", { class: "hide-narrow" }, fmtDate(u.last_login_at)),
        h("td", {}, u.is_active ? badge("approved", "Active") : badge("rejected", "Deactivated")),
        h("td", {}, u.id === session.user.id ? h("span", { class: "muted small" }, "You") :
          h("button", { type: "button", class: `btn btn-small${u.is_active ? " btn-bad" : ""}`,
            onclick: () => setActive(u, !u.is_active) },
          u.is_active ? "Deactivate" : "Reactivate", h("span", { class: "visually-hidden" }, ` ${u.email}`)))))))));
  }

  async function setActive(u, active) {
    if (!active && !window.confirm(`Deactivate ${u.email}? They are signed out at once.`)) return;
    try {
      await api.patch(`/api/users/${u.id}`, { is_active: active });
      toast(`${u.email} ${active ? "reactivated" : "deactivated"}.`);
      loadUsers();
    } catch (err) { toast(err.message, { bad: true }); }
  }

  async function addUser(event) {
    event.preventDefault();
    clear(userErrors);
    if (!email.value.trim() || password.value.length < 10) {
      userErrors.append(errorBox({ message: "Enter an email and a password of at least 10 characters." }));
      (email.value.trim() ? password : email).focus();
      return;
    }
    const body = { email: email.value.trim(), password: password.value, role: role.value,
      display_name: name.value.trim() || null };
    if (owner.value) body.owner_id = owner.value;
    try {
      await api.post("/api/users", body);
      toast(`Added ${body.email}.`);
      userForm.reset();
      loadUsers();
    } catch (err) { userErrors.append(errorBox(err)); }
  }

  // ── API keys ─────────────────────────────────────────────
  const keyList = h("div", {});
  const keyOnce = h("div", { "aria-live": "polite" });
  const keyName = h("input", { id: "nk-name", type: "text", required: true, autocomplete: "off", placeholder: "e.g. n8n production" });
  const keyForm = h("form", { class: "field-row mt-md", "aria-label": "Create an API key", onsubmit: addKey },
    h("div", { class: "field field-grow" }, h("label", { for: "nk-name" }, "Key name"), keyName),
    h("button", { type: "submit", class: "btn btn-primary", "data-action": "add-key" }, "Create key"));
  keys.append(h("h2", { id: "keys-title" }, "API keys"),
    h("p", { class: "muted small" }, "For machines such as n8n. A key is shown once, when it is created."),
    keyList, keyForm, keyOnce);

  async function loadKeys() {
    let list;
    try { list = items(await api.get("/api/keys")); } catch (err) { clear(keyList).append(errorBox(err)); return; }
    clear(keyList).append(list.length ? h("div", { class: "table-wrap" }, h("table", { class: "data", "data-keys": "" },
      h("thead", {}, h("tr", {}, ["Name", "Prefix", "Created", "Last used", "Status", ""].map((c, i) =>
        h("th", { scope: "col", class: [2, 3].includes(i) ? "hide-narrow" : "" }, c)))),
      h("tbody", {}, list.map((k) => h("tr", { "data-key": k.name },
        h("td", {}, k.name), h("td", { class: "mono" }, k.prefix), h("td", { class: "hide-narrow" }, fmtDate(k.created_at)),
        h("td", { class: "hide-narrow" }, fmtDate(k.last_used_at)),
        h("td", {}, k.revoked_at ? badge("rejected", "Revoked") : badge("approved", "Active")),
        h("td", {}, k.revoked_at ? null : h("button", { type: "button", class: "btn btn-small btn-bad", onclick: () => revoke(k) },
          "Revoke", h("span", { class: "visually-hidden" }, ` ${k.name}`)))))))) : h("p", { class: "muted" }, "No keys yet."));
  }

  async function addKey(event) {
    event.preventDefault();
    clear(keyOnce);
    if (!keyName.value.trim()) { keyOnce.append(errorBox({ message: "Give the key a name." })); keyName.focus(); return; }
    try {
      const created = await api.post("/api/keys", { name: keyName.value.trim() });
      keyForm.reset();
      showKeyOnce(created);
      loadKeys();
    } catch (err) { keyOnce.append(errorBox(err)); }
  }

  function showKeyOnce(created) {
    const id = uid("new-key");
    const input = h("input", { id, type: "text", readonly: true, value: created.key, "data-new-key": "", "aria-describedby": `${id}-note` });
    const copy = h("button", { type: "button", class: "btn", "data-action": "copy-key", onclick: async () => {
      input.select();
      try {
        await navigator.clipboard.writeText(created.key);
      } catch {
        document.execCommand("copy");   // older browsers, or clipboard permission refused
      }
      copy.textContent = "Copied";
      toast("Key copied to the clipboard.");
    } }, "Copy");
    clear(keyOnce).append(h("div", { class: "alert alert-ok key-once" },
      h("label", { for: id }, `New key “${created.name}”`),
      h("div", { class: "key-row" }, input, copy),
      h("p", { id: `${id}-note` }, "Copy it now: it is shown only this once and cannot be recovered.")));
    input.focus();
    input.select();
  }

  async function revoke(k) {
    if (!window.confirm(`Revoke the key “${k.name}”? Anything using it stops working.`)) return;
    try {
      await api.del(`/api/keys/${k.id}`);
      toast(`Revoked “${k.name}”.`);
      loadKeys();
    } catch (err) { toast(err.message, { bad: true }); }
  }

  // ── settings: the n8n webhook ─────────────────────────────
  const hookUrl = h("input", { id: "st-url", type: "url", placeholder: "https://n8n.example.com/webhook/…", autocomplete: "off" });
  const hookSecret = h("input", { id: "st-secret", type: "password", autocomplete: "new-password", "aria-describedby": "st-secret-help" });
  const clearSecret = h("input", { id: "st-clear", type: "checkbox" });
  const secretState = h("span", { "data-secret-state": "" });
  const settingsErrors = h("div", {});
  const settingsForm = h("form", { class: "editor", "aria-label": "Pipeline webhook", onsubmit: saveSettings },
    field("st-url", "n8n webhook URL", hookUrl),
    h("div", { class: "field" }, h("label", { for: "st-secret" }, "Webhook secret"), hookSecret,
      h("span", { class: "field-help", id: "st-secret-help" }, secretState, " Leave empty to keep the current secret; it is never shown again.")),
    h("label", { for: "st-clear", class: "check-label plain" }, clearSecret, "Remove the secret"),
    h("div", {}, h("button", { type: "submit", class: "btn btn-primary", "data-action": "save-settings" }, "Save webhook settings")),
    settingsErrors);
  settings.append(h("h2", { id: "settings-title" }, "Pipeline webhook"),
    h("p", { class: "muted small" }, "Starting a run calls this n8n webhook with the batch and owner."), settingsForm);

  function showSettings(s) {
    hookUrl.value = s.n8n_webhook_url || "";
    hookSecret.value = "";
    clearSecret.checked = false;
    secretState.textContent = s.has_webhook_secret ? "A secret is set." : "No secret is set.";
  }

  async function loadSettings() {
    try { showSettings(await api.get("/api/settings")); } catch (err) { clear(settingsErrors).append(errorBox(err)); }
  }

  async function saveSettings(event) {
    event.preventDefault();
    clear(settingsErrors);
    const body = { n8n_webhook_url: hookUrl.value.trim() || null };
    if (clearSecret.checked) body.n8n_webhook_secret = "";
    else if (hookSecret.value) body.n8n_webhook_secret = hookSecret.value;
    try {
      showSettings(await api.put("/api/settings", body));
      toast("Webhook settings saved.");
    } catch (err) { settingsErrors.append(errorBox(err)); }
  }

  async function init() {
    owners = items(await api.get("/api/owners").catch(() => []));
    owner.append(...owners.map((o) => h("option", { value: o.id }, o.name)));
    await Promise.all([loadUsers(), loadKeys(), loadSettings()]);
    const section = route.params.section && document.getElementById(route.params.section);
    if (section) section.scrollIntoView();
  }
  init();
  return {};
}
