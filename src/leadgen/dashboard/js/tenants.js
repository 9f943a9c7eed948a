// The platform's tenants (platform admins only): list with size, users and last activity;
// create; disable and enable; export as a download; erase after the slug is typed again;
// open a tenant's dashboard with the signed-in session (recorded in that tenant's audit trail).
// The same operations are `leadgen tenant create|disable|enable|export|erase`.

import { api, items } from "./api.js";
import { badge, clear, errorBox, fmtDate, fmtInt, h, toast } from "./dom.js";

const SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;

export function mountTenants(main, { session }) {
  const list = h("div", { "aria-live": "polite" });
  const eraseBox = h("div", {});
  const createErrors = h("div", {});
  const slug = h("input", { id: "nt-slug", type: "text", required: true, autocomplete: "off",
    "aria-describedby": "nt-slug-help" });
  const name = h("input", { id: "nt-name", type: "text", required: true, autocomplete: "off" });
  const createForm = h("form", { class: "field-row mt-md", "aria-label": "Create a tenant", onsubmit: create },
    h("div", { class: "field" }, h("label", { for: "nt-slug" }, "Slug"), slug,
      h("span", { class: "field-help", id: "nt-slug-help" }, "Lower-case letters, digits and dashes.")),
    h("div", { class: "field field-grow" }, h("label", { for: "nt-name" }, "Name"), name),
    h("button", { type: "submit", class: "btn btn-primary", "data-action": "create-tenant" }, "Create tenant"));
  main.append(h("div", { class: "page" },
    h("div", { class: "page-head" }, h("h1", {}, "Tenants"),
      h("p", {}, "Every customer on this platform. Disabling signs a tenant's people and keys out at once; erasing cannot be undone, so export first.")),
    h("section", { class: "card", "aria-labelledby": "tenants-title" },
      h("h2", { id: "tenants-title" }, "All tenants"), list, eraseBox),
    h("section", { class: "card", "aria-labelledby": "new-tenant-title" },
      h("h2", { id: "new-tenant-title" }, "Create a tenant"), createForm, createErrors)));

  async function load() {
    let rows;
    try { rows = items(await api.get("/api/admin/tenants/overview")); } catch (err) { clear(list).append(errorBox(err)); return; }
    clear(list).append(h("div", { class: "table-wrap" }, h("table", { class: "data", "data-tenants": "" },
      h("thead", {}, h("tr", {}, ["Tenant", "Slug", "Users", "Rows", "Last activity", "Status", "Actions"].map((c, i) =>
        h("th", { scope: "col", class: [1, 3, 4].includes(i) ? "hide-narrow" : "" }, c)))),
      h("tbody", {}, rows.map((t) => row(t))))));
  }

  function row(t) {
    const own = session.tenant && session.tenant.id === t.id;
    const hidden = (text) => h("span", { class: "visually-hidden" }, ` ${text}`);
    const actions = own ? h("span", { class: "muted small" }, "Your tenant") : h("div", { class: "field-row" },
      h("button", { type: "button", class: `btn btn-small${t.is_active ? " btn-bad" : ""}`, "data-action": t.is_active ? "disable" : "enable",
        onclick: () => toggle(t) }, t.is_active ? "Disable" : "Enable", hidden(t.slug)),
      h("a", { class: "btn btn-small", href: `/api/admin/tenants/${encodeURIComponent(t.slug)}/export`,
        download: `${t.slug}.tar.gz`, "data-action": "export" }, "Export", hidden(t.slug)),
      t.is_active ? h("button", { type: "button", class: "btn btn-small", "data-action": "open", onclick: () => openTenant(t) },
        "Open", hidden(t.slug)) : null,
      h("button", { type: "button", class: "btn btn-small btn-bad", "data-action": "erase", onclick: () => askErase(t) },
        "Erase", hidden(t.slug)));
    return h("tr", { "data-tenant": t.slug },
      h("td", {}, t.name), h("td", { class: "hide-narrow mono" }, t.slug), h("td", {}, fmtInt(t.users)),
      h("td", { class: "hide-narrow" }, fmtInt(t.rows)), h("td", { class: "hide-narrow" }, fmtDate(t.last_activity_at)),
      h("td", {}, t.is_active ? badge("approved", "Active") : badge("rejected", "Disabled")),
      h("td", {}, actions));
  }

  async function toggle(t) {
    const verb = t.is_active ? "disable" : "enable";
    if (t.is_active && !window.confirm(`Disable ${t.name}? Its people and API keys are refused from their next request.`)) return;
    try {
      await api.post(`/api/admin/tenants/${encodeURIComponent(t.slug)}/${verb}`, {});
      toast(`${t.name} ${verb}d.`);
      load();
    } catch (err) { toast(err.message, { bad: true }); }
  }

  async function openTenant(t) {
    try {
      await api.post(`/api/admin/tenants/${encodeURIComponent(t.slug)}/open`, {});
    } catch (err) { toast(err.message, { bad: true }); return; }
    // The whole page starts again as the opened tenant (its name in the top bar, its data).
    location.hash = "#/messages";
    location.reload();
  }

  function askErase(t) {
    const id = "erase-confirm";
    const typed = h("input", { id, type: "text", autocomplete: "off", "aria-describedby": `${id}-help` });
    const go = h("button", { type: "submit", class: "btn btn-bad", disabled: true, "data-action": "confirm-erase" }, `Erase ${t.slug}`);
    const errors = h("div", {});
    typed.addEventListener("input", () => { go.disabled = typed.value !== t.slug; });
    const form = h("form", { class: "alert alert-bad mt-md", "aria-label": `Erase ${t.slug}`, "data-erase": t.slug, onsubmit: async (event) => {
      event.preventDefault();
      try {
        const receipt = await api.post(`/api/admin/tenants/${encodeURIComponent(t.slug)}/erase`, { confirm: typed.value });
        const rows = Object.values(receipt.row_counts).reduce((a, b) => a + b, 0);
        clear(eraseBox);
        toast(`${t.slug} erased: ${fmtInt(rows)} rows removed. Receipt ${receipt.id}.`);
        load();
      } catch (err) { clear(errors).append(errorBox(err)); }
    } },
      h("div", { class: "field" }, h("label", { for: id }, `Type ${t.slug} to erase every row of ${t.name}`), typed,
        h("span", { class: "field-help", id: `${id}-help` }, "This cannot be undone. A receipt (counts only) is kept.")),
      h("div", { class: "field-row" }, go,
        h("button", { type: "button", class: "btn", onclick: () => clear(eraseBox) }, "Cancel")),
      errors);
    clear(eraseBox).append(form);
    typed.focus();
  }

  async function create(event) {
    event.preventDefault();
    clear(createErrors);
    if (!SLUG.test(slug.value) || !name.value.trim()) {
      createErrors.append(errorBox({ message: "Enter a slug (lower-case letters, digits, dashes) and a name." }));
      (SLUG.test(slug.value) ? name : slug).focus();
      return;
    }
    try {
      const created = await api.post("/api/admin/tenants", { slug: slug.value, name: name.value.trim() });
      toast(`Created ${created.name}.`);
      createForm.reset();
      load();
    } catch (err) { createErrors.append(errorBox(err)); }
  }

  load();
  return {};
}
