// The officer's console: plain JavaScript over the API, with the token the
// officer pastes (partials/token.html keeps it in this tab's session storage).
// Requests go to this portal's own origin (/v1/...), which make dev passes to
// the local API. Everything the API answers is put in the page as text, never
// as HTML: notes, reasons and names are other people's input.
(function () {
  "use strict";

  // Every route this page calls, as the spec writes it. The portal's tests
  // hold each one to infra/openapi.yaml (tests/portal_compliance_test.go).
  const ROUTES = {
    reviews: "GET /v1/kyc/reviews",
    review: "POST /v1/customers/{customer_id}/kyc/review",
    cases: "GET /v1/cases",
    getCase: "GET /v1/cases/{case_id}",
    assign: "POST /v1/cases/{case_id}/assign",
    note: "POST /v1/cases/{case_id}/notes",
    move: "POST /v1/cases/{case_id}/status",
    decide: "POST /v1/cases/{case_id}/decision",
    exportCase: "GET /v1/cases/{case_id}/export",
    release: "POST /v1/deposits/{transfer_id}/release",
    blocklist: "GET /v1/compliance/blocklist",
    block: "POST /v1/compliance/blocklist",
    unblock: "DELETE /v1/compliance/blocklist/{chain}/{address}",
    rules: "GET /v1/compliance/rules",
    sanctions: "GET /v1/compliance/sanctions",
  };

  const $ = (id) => document.getElementById(id);
  const status = $("off-status");

  // el builds an element; children are nodes or strings (set as text).
  function el(tag, attrs, ...children) {
    const n = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") n.className = v;
      else if (k.startsWith("data-")) n.setAttribute(k, v);
      else n[k] = v;
    }
    for (const c of children) {
      if (c === null || c === undefined) continue;
      n.append(c instanceof Node ? c : String(c));
    }
    return n;
  }

  function say(text, isError) {
    status.textContent = text;
    status.classList.toggle("off-error", !!isError);
  }

  // APIError is a refusal as the API names it: {error: {code, message, param}}.
  class APIError extends Error {
    constructor(httpStatus, body) {
      const e = (body && body.error) || {};
      super(e.message || "HTTP " + httpStatus);
      this.code = e.code || String(httpStatus);
      this.param = e.param || "";
    }
  }

  function describe(err) {
    if (err instanceof APIError) {
      return "Refused: " + err.code + (err.param ? " (" + err.param + ")" : "") + ": " + err.message;
    }
    return "The API cannot be reached: " + err.message;
  }

  // call sends one route's request. params fill the path; query is added to
  // it; body (an object) is sent as JSON. raw returns the Response unread.
  async function call(name, params, opts) {
    opts = opts || {};
    const [method, tpl] = ROUTES[name].split(" ");
    let path = tpl.replace(/\{(\w+)\}/g, (_, k) => encodeURIComponent(params[k]));
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(opts.query || {})) {
      if (v !== "" && v !== null && v !== undefined) q.set(k, v);
    }
    if ([...q].length) path += "?" + q.toString();
    const token = window.sgToken ? window.sgToken() : "";
    if (!token) throw new APIError(401, {error: {code: "no_token", message: "paste your token first"}});
    const headers = {Authorization: "Bearer " + token};
    const init = {method, headers};
    if (method !== "GET") headers["Idempotency-Key"] = crypto.randomUUID();
    if (opts.body !== undefined) {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(opts.body);
    }
    const r = await fetch(path, init);
    if (opts.raw && r.ok) return r;
    const text = await r.text();
    let body = null;
    try { body = text ? JSON.parse(text) : null; } catch (e) { body = null; }
    if (!r.ok) throw new APIError(r.status, body);
    return body;
  }

  // run wraps a handler: it reports progress and refusals in the status line.
  function run(what, fn) {
    return async (ev) => {
      if (ev && ev.preventDefault) ev.preventDefault();
      say(what + "…");
      try {
        const done = await fn(ev);
        say(done || what + ": done.");
      } catch (err) {
        say(describe(err), true);
      }
    };
  }

  const when = (s) => (s ? String(s).replace("T", " ").replace(/\.\d+/, "").replace("Z", " UTC") : "");

  // ---- the KYC review queue ----

  let reviewsCursor = null;

  async function loadReviews(more) {
    const tbody = $("reviews-table").querySelector("tbody");
    if (!more) { tbody.replaceChildren(); reviewsCursor = null; }
    const page = await call("reviews", {}, {query: {limit: 50, cursor: more ? reviewsCursor : ""}});
    for (const c of page.data || []) tbody.append(reviewRow(c));
    reviewsCursor = page.next_cursor || null;
    $("reviews-more").hidden = !page.has_more;
    $("reviews-table").hidden = tbody.children.length === 0;
    $("reviews-empty").hidden = tbody.children.length !== 0;
    return tbody.children.length + " customer(s) waiting.";
  }

  function reviewRow(c) {
    const kyc = c.kyc || {};
    const form = el("form", {class: "off-decide"},
      el("label", {}, "Tier ", el("input", {name: "tier", value: kyc.tier || "", size: 8, autocomplete: "off"})),
      el("label", {}, "Reason ", el("input", {name: "reason", required: true, maxLength: 500, autocomplete: "off"})),
      el("button", {type: "submit", name: "decision", value: "approve"}, "Approve"),
      el("button", {type: "submit", name: "decision", value: "reject", class: "off-danger"}, "Reject"));
    form.addEventListener("submit", run("Deciding " + c.id, async (ev) => {
      const f = ev.target;
      const decision = ev.submitter ? ev.submitter.value : "approve";
      const body = {version: c.version, decision, reason: f.reason.value.trim()};
      if (decision === "approve" && f.tier.value.trim()) body.tier = f.tier.value.trim();
      const after = await call("review", {customer_id: c.id}, {body});
      const tbody = form.closest("tbody");
      form.closest("tr").remove();
      $("reviews-table").hidden = tbody.children.length === 0;
      $("reviews-empty").hidden = tbody.children.length !== 0;
      return c.id + " is now " + ((after.kyc && after.kyc.status) || decision + "d") + ".";
    }));
    return el("tr", {"data-customer": c.id},
      el("td", {}, el("code", {}, c.id)), el("td", {}, c.name), el("td", {}, c.date_of_birth || ""),
      el("td", {}, c.country), el("td", {}, kyc.tier || ""), el("td", {}, when(kyc.updated_at || c.updated_at)),
      el("td", {}, form));
  }

  // ---- cases ----

  let casesCursor = null;
  let current = null; // the case shown

  async function loadCases(more) {
    const f = $("cases-filter");
    const tbody = $("cases-table").querySelector("tbody");
    if (!more) { tbody.replaceChildren(); casesCursor = null; }
    const page = await call("cases", {}, {query: {status: f.status.value, kind: f.kind.value, assignee: f.assignee.value.trim(), limit: 50, cursor: more ? casesCursor : ""}});
    for (const c of page.data || []) {
      const open = el("a", {href: "#case-detail"}, c.id);
      open.addEventListener("click", run("Reading " + c.id, async (ev) => { await showCase(c.id); return c.id + " read."; }));
      tbody.append(el("tr", {"data-case": c.id}, el("td", {}, open), el("td", {}, c.kind), el("td", {}, c.status),
        el("td", {}, c.subject || ""), el("td", {}, c.assignee || ""), el("td", {}, when(c.created_at))));
    }
    casesCursor = page.next_cursor || null;
    $("cases-more").hidden = !page.has_more;
    $("cases-table").hidden = tbody.children.length === 0;
    $("cases-empty").hidden = tbody.children.length !== 0;
    return tbody.children.length + " case(s).";
  }

  async function showCase(id) {
    render(await call("getCase", {case_id: id}));
  }

  function render(c) {
    current = c;
    $("case-detail").hidden = false;
    $("case-title").textContent = "Case " + c.id;
    const facts = [["kind", c.kind], ["status", c.status], ["subject", c.subject], ["summary", c.summary],
      ["assignee", c.assignee], ["opened", when(c.created_at)], ["updated", when(c.updated_at)]];
    const d = c.decision;
    if (d) {
      facts.push(["decision", [d.outcome, d.by && "by " + d.by, when(d.at)].filter(Boolean).join(", ")]);
      facts.push(["reason", d.reason]);
      if (d.certificate) facts.push(["certificate", d.certificate.certificate_id + " (" + d.certificate.course_id + ")"]);
    }
    $("case-facts").replaceChildren(...facts.filter(([, v]) => v !== undefined && v !== null && v !== "")
      .flatMap(([k, v]) => [el("dt", {}, k), el("dd", {}, v)]));
    const notes = c.notes || [];
    $("case-notes").replaceChildren(...(notes.length ? notes.map((n) =>
      el("li", {}, el("span", {class: "off-meta"}, [n.author, when(n.at)].filter(Boolean).join(", ") + ": "), n.text))
      : [el("li", {class: "off-meta"}, "none")]));
    const ev = c.evidence || {};
    const items = [];
    for (const [kind, list] of [["transfer", ev.transfers || c.transfers], ["alert", ev.alerts || c.alerts],
      ["address", ev.addresses || c.addresses], ["record", ev.records || c.records]]) {
      for (const x of list || []) items.push(el("li", {}, el("span", {class: "off-meta"}, kind + " "), el("code", {}, typeof x === "string" ? x : (x.id || JSON.stringify(x)))));
    }
    $("case-evidence").replaceChildren(...(items.length ? items : [el("li", {class: "off-meta"}, "none")]));
    const closed = String(c.status || "").startsWith("closed");
    for (const f of $("case-actions").querySelectorAll("form")) {
      for (const x of f.elements) x.disabled = closed;
    }
    // A quarantined deposit is released on a case decided closed_no_action.
    for (const x of $("case-release").elements) x.disabled = c.status !== "closed_no_action";
    $("case-raw").textContent = JSON.stringify(c, null, 2);
  }

  // After a change, the case and its row show the case as it now stands.
  async function changed(c, what) {
    render(c);
    const row = document.querySelector('#cases-table tr[data-case="' + CSS.escape(c.id) + '"]');
    if (row) {
      row.children[2].textContent = c.status;
      row.children[4].textContent = c.assignee || "";
    }
    return what;
  }

  function caseForm(id, name, label, body, done) {
    $(id).addEventListener("submit", run(label, async (ev) => {
      if (!current) throw new Error("open a case first");
      const c = await call(name, {case_id: current.id}, {body: body(ev.target)});
      ev.target.reset();
      return changed(c, done(c));
    }));
  }

  caseForm("case-assign", "assign", "Assigning", (f) => ({assignee: f.assignee.value.trim()}), (c) => c.id + " assigned to " + c.assignee + ".");
  caseForm("case-note", "note", "Adding the note", (f) => ({text: f.text.value.trim()}), (c) => "Note added to " + c.id + ".");
  caseForm("case-status", "move", "Moving the case", (f) => ({status: f.status.value}), (c) => c.id + " is " + c.status + ".");
  caseForm("case-decide", "decide", "Deciding", (f) => ({outcome: f.outcome.value, reason: f.reason.value.trim()}), (c) => c.id + " decided: " + c.status + ".");

  $("case-release").addEventListener("submit", run("Releasing", async (ev) => {
    if (!current) throw new Error("open a case first");
    const f = ev.target;
    const t = await call("release", {transfer_id: f.transfer_id.value.trim()}, {body: {case_id: current.id, note: f.note.value.trim()}});
    f.reset();
    return t.id + " released: " + t.amount + " " + t.asset + " is available to its wallet.";
  }));

  for (const b of document.querySelectorAll("#case-detail [data-export]")) {
    b.addEventListener("click", run("Exporting", async () => {
      if (!current) throw new Error("open a case first");
      const format = b.dataset.export;
      const r = await call("exportCase", {case_id: current.id}, {query: {format}, raw: true});
      const url = URL.createObjectURL(await r.blob());
      const a = el("a", {href: url, download: current.id + "." + format});
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
      return current.id + "." + format + " downloaded.";
    }));
  }

  // ---- the blocklist ----

  async function loadBlocklist() {
    const tbody = $("blocklist-table").querySelector("tbody");
    const page = await call("blocklist", {});
    tbody.replaceChildren();
    for (const b of page.data || []) {
      const remove = el("button", {type: "button", class: "off-danger"}, "Unblock");
      remove.addEventListener("click", run("Unblocking", async () => {
        await call("unblock", {chain: b.chain, address: b.address});
        remove.closest("tr").remove();
        $("blocklist-table").hidden = tbody.children.length === 0;
        $("blocklist-empty").hidden = tbody.children.length !== 0;
        return b.address + " unblocked.";
      }));
      tbody.append(el("tr", {}, el("td", {}, b.chain), el("td", {}, el("code", {}, b.address)), el("td", {}, b.reason || ""),
        el("td", {}, b.added_by || ""), el("td", {}, when(b.added_at)), el("td", {}, remove)));
    }
    $("blocklist-table").hidden = tbody.children.length === 0;
    $("blocklist-empty").hidden = tbody.children.length !== 0;
    return tbody.children.length + " blocked address(es).";
  }

  $("block-add").addEventListener("submit", run("Blocking", async (ev) => {
    const f = ev.target;
    const b = await call("block", {}, {body: {chain: f.chain.value, address: f.address.value.trim(), reason: f.reason.value.trim()}});
    f.reset();
    await loadBlocklist();
    return (b && b.address ? b.address : "The address") + " is blocked.";
  }));

  // ---- the sanctions list and the rules ----

  const ruleParams = ["window", "direction", "count", "threshold", "percent", "unit", "dormant"];

  async function loadRules() {
    // No list loaded yet is an answer too (503 sanctions_list_unavailable): payouts wait meanwhile.
    let list = {};
    try {
      list = await call("sanctions", {});
    } catch (err) {
      if (!(err instanceof APIError) || err.code !== "sanctions_list_unavailable") throw err;
    }
    const perChain = Object.entries(list.counts || {}).map(([c, n]) => n + " on " + c).join(", ");
    const facts = list.version
      ? [["sanctions list", list.source], ["version", list.version], ["published", list.date], ["loaded", when(list.loaded_at)],
        ["addresses", list.count + (perChain ? " (" + perChain + ")" : "")]]
      : [["sanctions list", "none loaded yet: payouts wait until one is"]];
    $("sanctions-facts").replaceChildren(...facts.filter(([, v]) => v !== undefined && v !== null && v !== "")
      .flatMap(([k, v]) => [el("dt", {}, k), el("dd", {}, v)]));
    $("sanctions-facts").hidden = false;

    const rs = await call("rules", {});
    const tbody = $("rules-table").querySelector("tbody");
    tbody.replaceChildren();
    for (const r of rs.rules || []) {
      const params = ruleParams.filter((k) => r[k] !== undefined && r[k] !== "" && r[k] !== 0).map((k) => k + " " + r[k]).join(", ");
      tbody.append(el("tr", {}, el("td", {}, el("code", {}, r.id)), el("td", {}, r.kind), el("td", {}, r.enabled ? "yes" : "no"),
        el("td", {}, r.version === undefined ? "" : r.version), el("td", {}, params)));
    }
    $("rules-version").textContent = "Rule set version " + (rs.version || 0) + (rs.updated_by ? ", put by " + rs.updated_by : "") + (rs.updated_at ? " on " + when(rs.updated_at) : "") + ".";
    $("rules-version").hidden = false;
    $("rules-table").hidden = tbody.children.length === 0;
    $("rules-empty").hidden = tbody.children.length !== 0;
    return "Sanctions list " + (list.version || "(none loaded)") + "; rule set version " + (rs.version || 0) + ".";
  }

  $("reviews-load").addEventListener("click", run("Loading the queue", () => loadReviews(false)));
  $("reviews-more").addEventListener("click", run("Loading more", () => loadReviews(true)));
  $("cases-filter").addEventListener("submit", run("Listing cases", () => loadCases(false)));
  $("cases-more").addEventListener("click", run("Loading more", () => loadCases(true)));
  $("blocklist-load").addEventListener("click", run("Loading the blocklist", loadBlocklist));
  $("rules-load").addEventListener("click", run("Loading", loadRules));
})();
