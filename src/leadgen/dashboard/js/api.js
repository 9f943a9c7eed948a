// The one way the dashboard talks to the API: same-origin fetch with the session cookie,
// the CSRF header on every unsafe request, and errors turned into ApiError with a hint.

export class ApiError extends Error {
  constructor(status, code, message, hint, body) {
    super(message);
    this.status = status;
    this.code = code;
    this.hint = hint;
    this.body = body;
  }
}

const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);
let onUnauthorized = () => {};

// main.js registers what to do when the session is gone (show the login page).
export function setUnauthorizedHandler(fn) {
  onUnauthorized = fn;
}

export async function request(method, path, { body, ifMatch, quiet401 = false } = {}) {
  const headers = { Accept: "application/json" };
  if (UNSAFE.has(method)) headers["X-Requested-With"] = "leadgen";
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (ifMatch !== undefined && ifMatch !== null) headers["If-Match"] = `"${ifMatch}"`;
  let response;
  try {
    response = await fetch(path, {
      method, headers, credentials: "same-origin", cache: "no-store",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    throw new ApiError(0, "network", "The server could not be reached.",
      "Check your connection and that `leadgen serve` is running, then try again.");
  }
  const text = await response.text();
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch { data = text; }
  }
  if (!response.ok) {
    const err = (data && typeof data === "object" && data.error) || {};
    const message = err.message || defaultMessage(response.status);
    const apiError = new ApiError(response.status, err.code || `http_${response.status}`, message,
      err.hint || null, data);
    if (response.status === 401 && !quiet401) onUnauthorized(apiError);
    throw apiError;
  }
  return { data, status: response.status, etag: parseEtag(response.headers.get("ETag")) };
}

function parseEtag(value) {
  if (!value) return null;
  const m = /^(?:W\/)?"?([^"]*)"?$/.exec(value.trim());
  return m ? m[1] : value;
}

function defaultMessage(status) {
  if (status === 401) return "Your session has ended. Please sign in again.";
  if (status === 403) return "You do not have permission to do that.";
  if (status === 404) return "Not found.";
  if (status >= 500) return "The server had a problem. Please try again.";
  return `Request failed (${status}).`;
}

export const api = {
  get: (path, opts) => request("GET", path, opts).then((r) => r.data),
  getFull: (path, opts) => request("GET", path, opts),
  post: (path, body, opts = {}) => request("POST", path, { ...opts, body: body ?? {} }).then((r) => r.data),
  postFull: (path, body, opts = {}) => request("POST", path, { ...opts, body: body ?? {} }),
  patchFull: (path, body, opts = {}) => request("PATCH", path, { ...opts, body }),
  patch: (path, body, opts = {}) => request("PATCH", path, { ...opts, body }).then((r) => r.data),
  put: (path, body, opts = {}) => request("PUT", path, { ...opts, body }).then((r) => r.data),
  del: (path, opts) => request("DELETE", path, opts).then((r) => r.data),
};

// Query strings from plain objects, leaving out empty values.
export function qs(params) {
  const out = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== "") out.set(k, v);
  }
  const text = out.toString();
  return text ? `?${text}` : "";
}

// Lists may arrive bare or wrapped ({items: [...]}); the dashboard accepts both.
export function items(data) {
  if (Array.isArray(data)) return data;
  if (data && Array.isArray(data.items)) return data.items;
  return [];
}
