// The dashboard's entry point: who is signed in, the top bar, and which page the hash shows.

import { api, setUnauthorizedHandler } from "./api.js";
import { clear, h, isAdmin, toast } from "./dom.js";
import { renderLogin } from "./login.js";
import { forgetUnsaved } from "./message_editor.js";
import { parseHash } from "./router.js";
import { mountMessages } from "./messages.js";
import { mountBatches } from "./batches.js";
import { mountPipeline } from "./pipeline.js";
import { mountAdmin } from "./admin.js";
import { mountTenants } from "./tenants.js";

const PAGES = { messages: mountMessages, batches: mountBatches, pipeline: mountPipeline, admin: mountAdmin,
  tenants: mountTenants };
const TITLES = { messages: "Messages", batches: "Batches", pipeline: "Pipeline", admin: "Admin", tenants: "Tenants" };
const isPlatformAdmin = (user) => Boolean(user && user.role === "platform_admin");

const main = document.getElementById("main");
const topbar = document.querySelector(".topbar");
let session = null;   // {user, tenant}
let current = null;   // {page, view}

async function boot() {
  setUnauthorizedHandler(() => showLogin());
  try {
    session = await api.get("/api/auth/me", { quiet401: true });
  } catch (err) {
    if (err.status === 401) return showLogin();
    clear(main).append(h("div", { class: "page" }, h("div", { class: "alert alert-bad", role: "alert" },
      h("strong", {}, err.message), err.hint ? h("p", {}, err.hint) : null)));
    return;
  }
  showApp();
}

function showLogin() {
  session = null;
  if (current && current.view && current.view.unmount) current.view.unmount();
  current = null;
  topbar.hidden = true;
  document.title = "Sign in · leadgen";
  renderLogin(main, (result) => {
    session = result;
    showApp();
  });
}

function showApp() {
  topbar.hidden = false;
  document.querySelector("[data-tenant-name]").textContent = session.tenant ? session.tenant.name : "";
  const who = session.user.display_name || session.user.email;
  document.querySelector("[data-user-name]").textContent = who;
  document.querySelector("[data-admin-only]").hidden = !isAdmin(session.user);
  document.querySelector("[data-platform-only]").hidden = !isPlatformAdmin(session.user);
  route();
}

function route() {
  if (!session) return;
  const r = parseHash();
  let page = PAGES[r.page] ? r.page : "messages";
  if (page === "admin" && !isAdmin(session.user)) page = "messages";
  if (page === "tenants" && !isPlatformAdmin(session.user)) page = "messages";
  for (const link of document.querySelectorAll("[data-nav]")) {
    if (link.dataset.nav === page) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  document.title = `${TITLES[page]} · ${session.tenant ? session.tenant.name : "leadgen"}`;
  if (current && current.page === page && current.view.update) {
    current.view.update(r);
    return;
  }
  if (current && current.view.unmount) current.view.unmount();
  clear(main);
  const view = PAGES[page](main, { session, route: r });
  current = { page, view };
  // Move focus to the new page's heading so screen readers announce the page change.
  const heading = main.querySelector("h1");
  if (heading && document.activeElement && document.activeElement.closest(".topbar")) {
    heading.setAttribute("tabindex", "-1");
    heading.focus({ preventScroll: true });
  }
}

document.querySelector("[data-logout]").addEventListener("click", async () => {
  try {
    await api.post("/api/auth/logout", {}, { quiet401: true });
  } catch (err) {
    if (err.status !== 401) toast(err.message, { bad: true });
  }
  history.replaceState(null, "", "#/messages");
  forgetUnsaved();   // the next person at this browser must not see these drafts
  showLogin();
  toast("You are signed out.");
});

window.addEventListener("hashchange", route);
boot();
