// The operator console: read-only views over the API's own JSON. Every value from the server is
// put on the page as text (textContent), never as HTML, so a route or a parked record cannot
// inject markup.
"use strict";

const view = document.getElementById("view");
const TOKEN_KEY = "tm-console-token";
let refreshTimer = null;

document.getElementById("token").value = sessionStorage.getItem(TOKEN_KEY) || "";
document.getElementById("token-form").addEventListener("submit", (event) => {
  event.preventDefault();
  sessionStorage.setItem(TOKEN_KEY, document.getElementById("token").value.trim());
  show();
});
window.addEventListener("hashchange", show);
show();

async function api(path) {
  const headers = { Accept: "application/json" };
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) {
    headers.Authorization = "Bearer " + token;
  }
  const response = await fetch(path, { headers });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    throw new Error(response.status + " " + (body.message || response.statusText));
  }
  return body;
}

function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    node.setAttribute(name, value);
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

function table(id, headings, rows) {
  return el("table", { id },
    el("thead", {}, el("tr", {}, headings.map((h) => el("th", {}, h)))),
    el("tbody", {}, rows.map((cells) => el("tr", {}, cells.map((c) => el("td", {}, c))))));
}

function render(...nodes) {
  view.replaceChildren(...nodes.filter((node) => node !== null));
}

function failed(error) {
  render(el("p", { class: "error", id: "error" }, error.message));
}

function params(query) {
  return new URLSearchParams(query || "");
}

async function show() {
  clearInterval(refreshTimer);
  const [path, query] = (location.hash.slice(1) || "/routes").split("?");
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  try {
    if (parts[0] === "route" && parts.length === 5) {
      await routePage(parts.slice(1));
    } else if (parts[0] === "pipeline") {
      await pipelinePage();
      refreshTimer = setInterval(() => pipelinePage().catch(failed), 2000);
    } else if (parts[0] === "dead-letters") {
      await deadLettersPage(params(query).get("topic"));
    } else {
      await routesPage(params(query));
    }
  } catch (error) {
    failed(error);
  }
}

function routeLink(r) {
  const key = [r.tenant, r.service, r.env, r.version];
  return el("a", { href: "#/route/" + key.map(encodeURIComponent).join("/") }, key.join("/"));
}

async function routesPage(query) {
  const tenant = query.get("tenant") || "";
  const search = (query.get("q") || "").toLowerCase();
  const form = el("form", { class: "search", id: "route-search" },
    el("label", {}, "Tenant ", el("input", { name: "tenant", id: "tenant", value: tenant, required: "" })),
    el("label", {}, "Search ", el("input", { name: "q", id: "search", value: query.get("q") || "",
      placeholder: "service, env, version or URL" })),
    el("button", { type: "submit" }, "Show"));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const next = new URLSearchParams(new FormData(form));
    location.hash = "#/routes?" + next.toString();
  });
  if (!tenant) {
    render(el("h1", {}, "Routes"), form, el("p", { class: "muted" }, "Name a tenant to list its routes."));
    return;
  }
  const routes = [];
  let cursor = null;
  do {
    const page = await api("/api/v1/routes?limit=500&tenant=" + encodeURIComponent(tenant) +
      (cursor ? "&cursor=" + encodeURIComponent(cursor) : ""));
    routes.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor && routes.length < 5000);
  const shown = routes.filter((r) => !search ||
    [r.service, r.env, r.version, r.url].some((v) => v.toLowerCase().includes(search)));
  render(
    el("h1", {}, "Routes of ", tenant),
    form,
    el("p", { class: "muted" }, shown.length + " of " + routes.length + " routes"),
    table("routes", ["route", "url", "state", "revision", "updated"],
      shown.map((r) => [routeLink(r), r.url,
        el("span", { class: r.active ? "ok" : "muted" }, r.active ? "active" : "inactive"),
        r.revision, r.updated_at])));
}

async function routePage(key) {
  const [tenant, service, env, version] = key;
  const path = key.map(encodeURIComponent).join("/");
  const query = new URLSearchParams({ tenant, service, env, version, limit: "500" });
  const [route, history] = await Promise.all([
    api("/api/v1/routes/" + path),
    api("/api/v1/audit/route?" + query.toString()),
  ]);
  const state = (s) => (s ? s.url + (s.active ? " (active)" : " (inactive)") : "—");
  render(
    el("h1", {}, key.join("/")),
    table("route-state", ["url", "state", "revision", "created", "updated"],
      [[route.url, route.active ? "active" : "inactive", route.revision, route.created_at, route.updated_at]]),
    el("h2", {}, "History"),
    history.items.length === 0
      ? el("p", { class: "muted", id: "history-empty" }, "The audit log has no entry for this route yet.")
      : table("history", ["revision", "action", "before", "after", "actor", "correlation id", "occurred"],
        history.items.map((e) => [e.revision, e.action, state(e.previous), state(e.current), e.actor,
          el("code", {}, e.correlation_id), e.occurred_at])),
    el("p", {}, el("a", { href: "#/routes?tenant=" + encodeURIComponent(tenant) }, "All routes of " + tenant)));
}

async function pipelinePage() {
  const p = await api("/api/v1/pipeline");
  const number = (n) => (n === null || n === undefined ? "unknown" : n);
  const mine = p.this_instance;
  render(
    el("h1", {}, "Pipeline"),
    el("p", { class: "muted", id: "read-at" }, "Read at " + p.read_at + ", every 2 s"),
    p.kafka_error ? el("p", { class: "error" }, "Kafka: " + p.kafka_error) : null,
    el("h2", {}, "Outbox"),
    table("outbox", ["pending rows", "oldest pending (s)"],
      [[number(p.outbox.pending_rows), number(p.outbox.oldest_pending_age_seconds)]]),
    el("h2", {}, "Processor and consumers"),
    table("groups", ["stage", "group", "state", "members", "lag", "progress"],
      p.groups.map((g) => [g.stage, el("code", {}, g.group),
        el("span", { class: g.state === "stable" ? "ok" : "bad" }, g.state), number(g.members), number(g.lag),
        progressBadge(g, p.read_at)])),
    el("h2", {}, "Dead letters"),
    table("dead-letter-topics", ["topic", "stage", "records"],
      p.dead_letters.map((d) => [
        el("a", { href: "#/dead-letters?topic=" + encodeURIComponent(d.topic) }, d.topic),
        d.stage,
        el("span", { class: d.records > 0 ? "bad" : "" }, number(d.records))])),
    el("h2", {}, "This API instance"),
    table("breakers", ["circuit breaker", "state", "failure rate"],
      mine.circuit_breakers.map((b) => [b.name,
        el("span", { class: b.state === "closed" ? "ok" : "bad" }, b.state), b.failure_rate])),
    table("bulkheads", ["bulkhead", "in use", "of"],
      mine.bulkheads.map((b) => [b.name, b.in_use, b.max_concurrent_calls])));
}

// A group's progress as the API judged it from its committed offsets: the broker cannot tell a
// consumer that paused its partitions from one that works, so "stalled" is what shows of a pause.
function progressBadge(group, readAt) {
  if (!group.progress) {
    return "—";
  }
  if (group.progress !== "stalled") {
    return el("span", { class: "badge " + group.progress }, group.progress);
  }
  const seconds = Math.max(0, Math.floor((Date.parse(readAt) - Date.parse(group.stalled_since)) / 1000));
  return el("span", {
    class: "badge stalled",
    title: "Lag, and no commit since " + group.stalled_since + ": paused or stuck. The consumer's own " +
      "/health (paused_partitions) and tm_consumer_paused say which partitions it paused.",
  }, "stalled " + seconds + " s");
}

async function deadLettersPage(topic) {
  const p = await api("/api/v1/pipeline");
  const topics = p.dead_letters.map((d) => d.topic);
  const picker = el("p", {}, topics.map((t) => [
    el("a", { href: "#/dead-letters?topic=" + encodeURIComponent(t) }, t), " "]));
  if (!topic) {
    render(el("h1", {}, "Dead letters"), picker);
    return;
  }
  const parked = await api("/api/v1/dead-letters?topic=" + encodeURIComponent(topic));
  render(
    el("h1", {}, "Dead letters: ", topic),
    picker,
    parked.items.length === 0
      ? el("p", { class: "muted", id: "no-dead-letters" }, "Nothing is parked here.")
      : table("dead-letters", ["where", "key", "headers", "value", "re-apply with"],
        parked.items.map((r) => [
          r.partition + ":" + r.offset + " at " + r.timestamp,
          el("code", {}, r.key),
          el("pre", {}, Object.entries(r.headers).map(([k, v]) => k + ": " + v).join("\n")),
          el("pre", {}, r.value),
          r.replay_command ? el("code", { class: "replay" }, r.replay_command) : "—"])),
    el("p", { class: "muted" },
      "Fix the cause, stop the stage's processes, then run the command: it replays the group from the parked " +
      "record; what had succeeded is applied again idempotently."));
}
