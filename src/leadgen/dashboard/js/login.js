// The sign-in page: email and password, errors said plainly next to the form.

import { api } from "./api.js";
import { clear, h } from "./dom.js";

export function renderLogin(main, onSignedIn) {
  const error = h("div", { "data-login-error": "", "aria-live": "assertive" });
  const email = h("input", { id: "login-email", type: "email", name: "email", autocomplete: "username", required: true });
  const password = h("input", { id: "login-password", type: "password", name: "password", autocomplete: "current-password", required: true });
  const submit = h("button", { type: "submit", class: "btn btn-primary" }, "Sign in");
  const form = h("form", { novalidate: true },
    h("div", { class: "field" }, h("label", { for: "login-email" }, "Email"), email),
    h("div", { class: "field" }, h("label", { for: "login-password" }, "Password"), password),
    error, submit);

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clear(error);
    if (!email.value.trim() || !password.value) {
      showError("Enter your email and password.");
      (email.value.trim() ? password : email).focus();
      return;
    }
    submit.disabled = true;
    submit.textContent = "Signing in…";
    try {
      const result = await api.post("/api/auth/login",
        { email: email.value.trim(), password: password.value }, { quiet401: true });
      password.value = "";
      const me = result && result.user ? result : await api.get("/api/auth/me");
      onSignedIn(me);
    } catch (err) {
      if (err.status === 401 || err.status === 400 || err.status === 422) {
        showError(err.status === 401 ? "That email and password do not match an active account." : err.message,
          err.status === 401 ? "Check for typos, or ask your team's admin to reset your password." : err.hint);
      } else if (err.status === 429) {
        showError(err.message || "Too many attempts.", err.hint || "Wait a minute, then try again.");
      } else {
        showError(err.message, err.hint);
      }
      password.focus();
      password.select();
    } finally {
      submit.disabled = false;
      submit.textContent = "Sign in";
    }
  });

  function showError(message, hint) {
    clear(error).append(h("div", { class: "alert alert-bad", role: "alert" },
      h("strong", {}, message), hint ? h("p", {}, hint) : null));
  }

  clear(main).append(h("div", { class: "login-wrap" },
    h("section", { class: "card login-card", "aria-labelledby": "login-title" },
      h("h1", { id: "login-title" }, "Sign in to leadgen"),
      h("p", { class: "muted" }, "Review outreach, watch batches and runs."),
      form)));
  email.focus();
}
