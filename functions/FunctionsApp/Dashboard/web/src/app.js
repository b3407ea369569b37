// The dashboard: an incident list, incident pages, upstream health and ingest status, drawn from the app's
// /api/dashboard-data routes (or, in `analyze --html` reports, from the JSON island in the page).
//
// Everything that comes from logs (hosts, paths, evidence lines, user agents) is attacker-controlled: it is only ever
// put into the page as text (textContent / text nodes). No innerHTML, no insertAdjacentHTML, no inline handlers.
import uPlot from "uplot";

const root = document.getElementById("app");
const reportMode = root.dataset.mode === "report";
const base = root.dataset.base || "/api/dashboard";
const dataBase = base.replace(/\/api\/dashboard$/, "") + "/api/dashboard-data";
const report = reportMode ? JSON.parse(document.getElementById("report-data").textContent) : null;

// ---- DOM helpers: text only -------------------------------------------------------------------------------------

function el(tag, props, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "className") node.className = value;
    else if (name === "onClick") node.addEventListener("click", value);
    else if (name === "onSubmit") node.addEventListener("submit", value);
    else if (name === "href") node.setAttribute("href", safeHref(value));
    else if (name === "dataset") Object.assign(node.dataset, value);
    else node.setAttribute(name, String(value));
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** Links are ours: relative, a fragment, or http(s). Anything else (javascript:, data:) becomes "#". */
function safeHref(value) {
  const text = String(value);
  if (text.startsWith("/") || text.startsWith("#") || text.startsWith("?")) return text;
  try {
    const url = new URL(text, location.href);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : "#";
  } catch {
    return "#";
  }
}

/** Remediation marks directives as `code`: split them into <code> elements, every part still text. */
function withCode(text) {
  return String(text).split("`").map((part, i) => (i % 2 === 1 ? el("code", {}, part) : part));
}

const number = new Intl.NumberFormat("en-US");
const pad = (n) => String(n).padStart(2, "0");

function utc(value) {
  if (!value) return "–";
  const d = new Date(value);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} UTC`;
}

/** The same instant in the site's own log time, "11:02:03 +01:00", when the offset is known and not UTC. */
function siteTime(value, offset) {
  const match = /^([+-])(\d\d):(\d\d)$/.exec(offset || "");
  if (!value || !match || offset === "+00:00") return "";
  const minutes = (match[1] === "-" ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3]));
  const d = new Date(new Date(value).getTime() + minutes * 60000);
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${offset} site time`;
}

function duration(start, end) {
  // An incident of lines pasted without nginx's time has none (null): say nothing rather than "under a second".
  if (!start || !end) return "–";
  const seconds = Math.round((new Date(end) - new Date(start)) / 1000);
  if (seconds < 1) return "under a second";
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ${seconds % 60}s`;
  return `${Math.floor(seconds / 3600)}h ${Math.floor((seconds % 3600) / 60)}m`;
}

// The same table as IncidentCauses.DisplayName in C# (a contract test compares them).
const causeNames = {
  unknown: "unknown cause", upstream_down: "upstream down", misconfiguration: "misconfiguration", timeout: "timeout",
  overload: "overload", dns: "DNS failure", tls_handshake: "TLS handshake failure", invalid_response: "invalid upstream response",
  upstream_returned: "error returned by the upstream", rate_limited: "rate limited",
};
const cause = (c) => causeNames[c] || String(c);
const badge = (text, kind) => el("span", { className: `badge badge-${kind || String(text).replace(/[^a-z_]/gi, "")}` }, text);

function incidentHref(id) {
  return reportMode ? `#/incidents/${encodeURIComponent(id)}` : `${base}/incidents/${encodeURIComponent(id)}`;
}

function listHref() {
  return reportMode ? "#/" : `${base}/`;
}

// ---- Data -------------------------------------------------------------------------------------------------------

class SignInNeeded extends Error {}

async function api(path, options = {}) {
  const response = await fetch(dataBase + path, { credentials: "same-origin", ...options });
  if (response.status === 401) throw new SignInNeeded((await response.json().catch(() => ({}))).detail || "Sign in first");
  if (!response.ok) {
    const problem = await response.json().catch(() => ({}));
    throw new Error(problem.detail || problem.title || `HTTP ${response.status}`);
  }
  return response.status === 204 || response.status === 202 ? null : response.json();
}

async function post(path, body) {
  return api(path, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Requested-With": "dashboard" },
    body: JSON.stringify(body || {}),
  });
}

// ---- Views ------------------------------------------------------------------------------------------------------

function page(title, ...content) {
  document.title = `${title} · nginx 502 diagnostics`;
  root.replaceChildren(
    el("header", { className: "top" },
      el("a", { href: listHref(), className: "brand" }, "nginx 502 diagnostics"),
      reportMode ? el("span", { className: "muted" }, `report · ${report.title} · generated ${utc(report.generatedAt)}`) : null),
    el("main", {}, ...content));
}

function signIn(detail) {
  if (detail && /App Service/.test(detail)) {
    const login = `/.auth/login/aad?post_login_redirect_uri=${encodeURIComponent(location.pathname + location.search)}`;
    page("Sign in", el("section", { className: "card" }, el("h1", {}, "Sign in"), el("p", {}, detail), el("a", { href: login, className: "button" }, "Sign in with Microsoft Entra ID")));
    return;
  }

  const input = el("input", { type: "password", name: "key", autocomplete: "off", placeholder: "function key", id: "key", required: true });
  const error = el("p", { className: "error", role: "alert" });
  const form = el("form", {
    className: "card signin",
    onSubmit: async (event) => {
      event.preventDefault();
      const response = await fetch(`${base.replace(/\/api\/dashboard$/, "")}/api/dashboard-session`, {
        method: "POST", credentials: "same-origin", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ key: input.value }),
      });
      if (response.ok) render();
      else error.textContent = "That key was not accepted.";
    },
  },
  el("h1", {}, "Enter a function key"),
  el("p", { className: "muted" }, "Once per browser session: the key is checked and a session cookie is kept until the browser closes."),
  el("label", { for: "key" }, "Function key"), input, el("button", { type: "submit" }, "Open the dashboard"), error);
  page("Sign in", form);
  input.focus();
}

function table(headers, rows, className) {
  return el("table", { className },
    el("thead", {}, el("tr", {}, headers.map((h) => el("th", {}, h)))),
    el("tbody", {}, rows.length ? rows : el("tr", {}, el("td", { colspan: headers.length, className: "muted" }, "None."))));
}

function incidentRows(items) {
  return items.map(({ incident: i, severity, acknowledged }) =>
    el("tr", { className: `state-${i.state}`, dataset: { id: i.id } },
      el("td", {}, badge(severity), " ", badge(i.state), acknowledged ? [" ", badge("acked", "acked")] : null),
      el("td", {}, el("a", { href: incidentHref(i.id), className: "incident-link" }, cause(i.cause))),
      el("td", {}, i.host),
      el("td", { className: "mono" }, i.upstream),
      el("td", {}, i.site || "–"),
      el("td", {}, utc(i.start)),
      el("td", {}, duration(i.start, i.end)),
      el("td", { className: "num" }, number.format(i.failedRequests)),
      el("td", { className: "num" }, i.status === 0 ? "cut short" : String(i.status))));
}

function renderList(data, filtered) {
  const open = data.incidents.filter((r) => r.incident.state === "open").length;
  const sections = [
    el("section", { className: "summary" },
      el("div", { className: "stat" }, el("b", {}, String(open)), " open"),
      el("div", { className: "stat" }, el("b", {}, String(data.incidents.length)), " listed"),
      data.upstreams ? el("div", { className: "stat" }, el("b", {}, String(data.upstreams.filter((u) => u.health === "failing").length)), " upstreams failing") : null,
      el("div", { className: "muted" }, `as of ${utc(data.generatedAt)}`)),
    el("section", { id: "incidents" },
      el("h2", {}, "Incidents"),
      filtered ? el("p", { className: "note" }, `The ${data.incidents.length} incident(s) of one message. `, el("a", { href: listHref() }, "Show all")) : null,
      table(["Severity", "Cause", "Host", "Upstream", "Site", "Started", "Lasted", "Failed", "Status"], incidentRows(data.incidents), "incidents")),
  ];
  if (data.upstreams) {
    sections.push(el("section", { id: "upstreams" }, el("h2", {}, "Upstreams"),
      table(["Upstream", "Site", "Health", "Served", "Gateway failures", "Failed tries", "Last served", "Last failure"],
        data.upstreams.map((u) => el("tr", {},
          el("td", { className: "mono" }, u.upstream), el("td", {}, u.site), el("td", {}, badge(u.health)),
          el("td", { className: "num" }, number.format(u.served)), el("td", { className: "num" }, number.format(u.gatewayFailures)),
          el("td", { className: "num" }, number.format(u.failedTries)), el("td", {}, utc(u.lastServed)), el("td", {}, utc(u.lastFailure)))), "upstreams")));
  }
  if (data.sites) {
    sections.push(el("section", { id: "status" }, el("h2", {}, "Ingest and analysis"),
      data.sites.length === 0 ? el("p", { className: "muted" }, "No site analyzed yet.") : null,
      data.sites.map((s) => el("div", { className: "card site" },
        el("h3", {}, `Site ${s.site}`),
        el("p", {}, `Last run ${utc(s.lastRun)} · log time reached ${utc(s.logTimeReached)}`,
          s.analysisLagSeconds != null ? ` · ${duration(0, s.analysisLagSeconds * 1000)} behind` : "",
          ` · ${number.format(s.accessLines)} access, ${number.format(s.errorLines)} error lines · `,
          el("b", { className: s.malformedLines ? "warn" : "" }, `${number.format(s.malformedLines)} malformed`),
          ` · ${s.openIncidents} open`),
        table(["Source", "Kind", "Last batch", "Lines", "Waiting", "Shipping lag"], s.sources.map((src) => el("tr", {},
          el("td", {}, src.source), el("td", {}, src.kind), el("td", {}, utc(src.lastBatchAt)), el("td", { className: "num" }, number.format(src.lastBatchLines)),
          el("td", { className: "num" }, String(src.unanalyzed)), el("td", {}, src.shippingLagSeconds != null ? `${src.shippingLagSeconds}s` : "–"))), "sources"),
        s.malformedSamples.length ? el("details", {}, el("summary", {}, "Malformed lines (first examples)"), s.malformedSamples.map((m) => el("pre", {}, m))) : null))));
  }
  page("Incidents", ...sections);
}

function facts(pairs) {
  return el("dl", { className: "facts" }, pairs.filter(([, v]) => v !== null && v !== undefined && v !== "").map(([k, v]) => [el("dt", {}, k), el("dd", {}, v)]));
}

function timelineChart(incident) {
  const points = incident.timeline || [];
  if (points.length === 0) {
    return el("p", { className: "muted" }, "No timeline: the access log does not name this upstream, or its minutes are older than the two hours the analyzer keeps.");
  }
  const holder = el("div", { className: "chart", id: "timeline-chart" });
  const start = new Date(incident.start).getTime() / 1000;
  const end = new Date(incident.end).getTime() / 1000;
  // Every minute from 15 before the first failure to 5 after the last (or the last one known): quiet minutes are zeros.
  const byMinute = new Map(points.map((p) => [new Date(p.minute).getTime() / 1000, p]));
  const first = Math.min(Math.floor(start / 60) * 60 - 15 * 60, ...byMinute.keys());
  const last = Math.max(Math.floor(end / 60) * 60 + 5 * 60, ...byMinute.keys());
  const xs = [];
  for (let t = first; t <= last; t += 60) xs.push(t);
  const at = (t, field) => (byMinute.get(t) ? byMinute.get(t)[field] : 0);
  const shade = {
    hooks: {
      drawClear: [(u) => {
        const left = u.valToPos(Math.floor(start / 60) * 60, "x", true);
        const right = u.valToPos(Math.floor(end / 60) * 60 + 60, "x", true);
        u.ctx.save();
        u.ctx.fillStyle = "rgba(220, 38, 38, 0.08)";
        u.ctx.fillRect(left, u.bbox.top, Math.max(2, right - left), u.bbox.height);
        u.ctx.restore();
      }],
    },
  };
  const options = {
    width: 900, height: 260, plugins: [shade],
    scales: { x: { time: true } },
    axes: [{}, { label: "requests / minute" }],
    series: [
      { value: (u, v) => (v == null ? "" : utc(v * 1000)) },
      { label: "Requests", stroke: "#2563eb", width: 2 },
      { label: "502", stroke: "#dc2626", width: 2 },
      { label: "503", stroke: "#d97706", width: 2 },
      { label: "504", stroke: "#7c3aed", width: 2 },
      { label: "Upstream 5xx", stroke: "#6b7280", width: 1, dash: [4, 4] },
    ],
  };
  const data = [xs, ...["requests", "status502", "status503", "status504", "upstream5xx"].map((field) => xs.map((t) => at(t, field)))];
  queueMicrotask(() => { options.width = Math.max(320, Math.min(1100, holder.clientWidth || 900)); new uPlot(options, data, holder); });
  return holder;
}

function metricsCharts(metrics) {
  if (!metrics || !metrics.resources || metrics.resources.length === 0) return [];
  const charts = [];
  for (const resource of metrics.resources) {
    for (const series of resource.series || []) {
      const points = (series.points || []).filter((p) => p.average != null);
      if (points.length === 0) continue;
      const holder = el("div", { className: "chart small" });
      const name = resource.resourceId.split("/").pop();
      const options = { width: 520, height: 180, scales: { x: { time: true } }, series: [{}, { label: `${series.name} (${series.unit})`, stroke: "#0f766e", width: 2 }] };
      const data = [points.map((p) => new Date(p.time).getTime() / 1000), points.map((p) => p.average)];
      queueMicrotask(() => new uPlot(options, data, holder));
      charts.push(el("figure", {}, el("figcaption", {}, `${name}: ${series.name}`), holder));
    }
  }
  return charts;
}

const knownFields = new Set(["id", "upstream", "host", "status", "statuses", "cause", "confidence", "summary", "start", "end", "state",
  "failedRequests", "failedTriesRecovered", "successesBefore", "evidence", "remediation", "site", "metrics", "updatedAt", "detectedAt",
  "siteUtcOffset", "upstreamRequests", "timeline"]);

function renderIncident(detail) {
  const i = detail.incident;
  const statuses = Object.entries(i.statuses || {}).map(([s, n]) => `${s}×${number.format(n)}`).join(", ");
  const share = i.upstreamRequests ? ` · ${Math.round((100 * i.failedRequests) / i.upstreamRequests)}% of ${number.format(i.upstreamRequests)} requests to the upstream` : "";
  const upstream = i.upstream === "-" ? "nginx itself (no upstream)" : `upstream ${i.upstream}`;
  const actions = el("div", { className: "actions" });
  const outcome = el("span", { className: "outcome", role: "status" });
  if (!reportMode) {
    const act = (label, path, body, done) => el("button", {
      type: "button",
      disabled: label === "Acknowledge" && detail.acknowledged,
      onClick: async (event) => {
        event.target.disabled = true;
        try {
          await post(path, body);
          outcome.textContent = done;
          if (label === "Acknowledge") ackBadge.hidden = false;
        } catch (error) {
          outcome.textContent = error.message;
          event.target.disabled = false;
        }
      },
    }, label);
    append(actions, [
      act("Acknowledge", `/incidents/${encodeURIComponent(i.id)}/ack`, {}, "Acknowledged: no more messages about it until it resolves."),
      act("Silence 1 h", `/incidents/${encodeURIComponent(i.id)}/silence`, { duration: "PT1H" }, "Silenced for an hour."),
      act("Silence 4 h", `/incidents/${encodeURIComponent(i.id)}/silence`, { duration: "PT4H" }, "Silenced for four hours."),
      outcome,
    ]);
  }
  const ackBadge = badge("acknowledged", "acked");
  ackBadge.hidden = !detail.acknowledged;
  const other = Object.entries(i).filter(([k]) => !knownFields.has(k));
  const metricsLine = i.metrics && !(i.metrics.verdict === "no_data" && i.metrics.reason === "no_mapping")
    ? `${i.metrics.verdict.replace("_", " ")}: ${i.metrics.summary}` : null;

  // Status 0: answers that broke after nginx had passed the upstream's own status on (`analyze` of such a paste).
  const what = i.status === 0 ? "Answers cut short" : `${i.status}s`;
  page(`${what} on ${i.upstream}`,
    el("p", {}, el("a", { href: listHref() }, "← All incidents")),
    el("section", { className: "card incident", id: "incident", dataset: { id: i.id } },
      el("h1", {}, `${what} on ${upstream}`, el("span", { className: "muted" }, ` (${i.host}${i.site ? `, site ${i.site}` : ""})`)),
      el("p", {}, badge(detail.severity), " ", badge(i.state), " ", badge(cause(i.cause), "cause"), " ", ackBadge),
      facts([
        ["When", [utc(i.start), " → ", utc(i.end), i.siteUtcOffset && i.siteUtcOffset !== "+00:00" ? el("span", { className: "muted" }, ` (${siteTime(i.start, i.siteUtcOffset)})`) : ""]],
        ["Lasted", duration(i.start, i.end)],
        ["Reported", i.detectedAt ? utc(i.detectedAt) : null],
        ["How bad", `${number.format(i.failedRequests)} failed requests (${statuses})${share}`],
        ["Recovered tries", i.failedTriesRecovered ? number.format(i.failedTriesRecovered) : null],
        ["Why", `${cause(i.cause)} (confidence ${Number(i.confidence).toFixed(2)}): ${i.summary}`],
        ["CPU/memory", metricsLine],
      ]),
      actions),
    el("section", {}, el("h2", {}, "Timeline"), timelineChart(i)),
    metricsLine ? el("section", {}, el("h2", {}, "CPU and memory"), metricsCharts(i.metrics)) : null,
    el("section", { id: "evidence" }, el("h2", {}, "Evidence"),
      (i.evidence || []).map((e) => el("div", { className: "evidence" },
        el("p", {}, el("b", {}, `${number.format(e.count)}×`), " ", e.signature, " ", el("span", { className: "muted" }, `(${e.source} log)`)),
        el("pre", { className: "sample" }, e.sample)))),
    el("section", { id: "remediation" }, el("h2", {}, "What to do"), el("ol", {}, (i.remediation || []).map((step) => el("li", {}, withCode(step))))),
    reportMode ? null : el("section", { id: "notifications" }, el("h2", {}, "Notifications"),
      table(["Receiver", "Kind", "State", "Queued", "Sent", "Attempts", "Last error"], (detail.notifications || []).map((n) => el("tr", {},
        el("td", {}, n.receiver), el("td", {}, n.kind || "digest"), el("td", {}, badge(n.state)), el("td", {}, utc(n.createdAt)),
        el("td", {}, utc(n.sentAt)), el("td", { className: "num" }, String(n.attempts)), el("td", {}, n.lastError || ""))), "notifications"),
      (detail.silences || []).length ? el("p", {}, `Silenced until ${utc(detail.silences[0].endsAt)} by ${detail.silences[0].createdBy}.`) : null),
    other.length ? el("section", {}, el("h2", {}, "More"), facts(other.map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]))) : null);
}

function renderError(error) {
  page("Error", el("section", { className: "card" }, el("h1", {}, "Something went wrong"), el("p", { className: "error" }, error.message)));
}

// ---- Routing ----------------------------------------------------------------------------------------------------

function route() {
  if (reportMode) {
    const match = /^#\/incidents\/([^/?#]+)/.exec(location.hash);
    return match ? { page: "incident", id: decodeURIComponent(match[1]) } : { page: "list" };
  }
  const rest = location.pathname.startsWith(base) ? location.pathname.slice(base.length) : "";
  const match = /^\/incidents\/([0-9a-f]{1,64})\/?$/.exec(rest);
  return match ? { page: "incident", id: match[1] } : { page: "list", ids: new URLSearchParams(location.search).get("ids") };
}

async function render() {
  const where = route();
  try {
    if (reportMode) {
      const incidents = report.report.incidents;
      if (where.page === "incident") {
        const incident = incidents.find((i) => i.id === where.id);
        if (!incident) throw new Error(`No incident ${where.id} in this report.`);
        renderIncident({ incident, severity: incident.failedRequests >= 100 ? "critical" : "warning", acknowledged: false });
      } else {
        renderList({
          generatedAt: report.generatedAt,
          incidents: incidents.map((i) => ({ incident: i, severity: i.failedRequests >= 100 ? "critical" : "warning", acknowledged: false })),
          upstreams: null,
          sites: null,
        }, false);
        const stats = report.report.stats;
        append(root.querySelector("main"), [el("section", { id: "status" }, el("h2", {}, "What was read"),
          el("p", {}, `${number.format(stats.accessLines)} access lines (format ${stats.format}), ${number.format(stats.errorLines)} error lines, ${number.format(stats.malformedLines)} malformed.`),
          (stats.malformedSamples || []).map((m) => el("pre", {}, m)))]);
      }
    } else if (where.page === "incident") {
      renderIncident(await api(`/incidents/${where.id}`));
    } else {
      renderList(await api(`/overview${where.ids ? `?ids=${encodeURIComponent(where.ids)}` : ""}`), Boolean(where.ids));
    }
    root.dataset.ready = where.page;
  } catch (error) {
    if (error instanceof SignInNeeded) signIn(error.message);
    else renderError(error);
    root.dataset.ready = "error";
  }
}

window.addEventListener("hashchange", render);
render();
