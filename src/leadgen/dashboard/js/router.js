// Routes live in the URL hash (#/page/part?key=value) so a reload, a bookmark and the
// back/forward buttons all restore the same view, with no server-side routing needed.

export function parseHash(hash = location.hash) {
  const raw = hash.replace(/^#\/?/, "");
  const [path, query = ""] = raw.split("?");
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  const params = Object.fromEntries(new URLSearchParams(query));
  return { page: parts[0] || "messages", parts: parts.slice(1), params };
}

export function buildHash(page, params = {}, parts = []) {
  const path = [page, ...parts].map(encodeURIComponent).join("/");
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== "") query.set(k, v);
  }
  const q = query.toString();
  return `#/${path}${q ? `?${q}` : ""}`;
}

// A new history entry (filters: back/forward walk through them).
export function navigate(page, params, parts) {
  const next = buildHash(page, params, parts);
  if (next !== location.hash) location.hash = next;
}

// Same entry, new URL (moving through the list: no history entry per keystroke).
export function replaceRoute(page, params, parts) {
  const next = buildHash(page, params, parts);
  if (next !== location.hash) history.replaceState(history.state, "", next);
}
