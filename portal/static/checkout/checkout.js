// The hosted checkout page: shows one invoice, found by the token in the
// page's URL (/checkout/#chk_... or ?t=chk_...), and follows it live over
// the WebSocket API (polling the checkout route every 10 s while the socket
// is down). No framework, no external assets; the token is the page's only
// credential and is never sent anywhere but the Stablegate API.
(function () {
  "use strict";
  var root = document.getElementById("checkout");
  var S = JSON.parse(document.getElementById("co-strings").textContent);
  var $ = function (id) { return document.getElementById(id); };
  var POLL_MS = 10000, BACKOFF_MAX_MS = 30000;
  var FINAL = { paid: 1, overpaid: 1, paid_late: 1, expired: 1, cancelled: 1 };
  var TOKEN_RE = /^[A-Za-z0-9_-]{8,128}$/;
  var CHAINS = { ethereum: "Ethereum", tron: "Tron" };

  function chainName(o) { return CHAINS[o.chain] || o.chain; }
  // "Ethereum (ERC20)": the chain, and the token standard when given.
  function optionName(o) { return chainName(o) + (o.network ? " (" + o.network + ")" : ""); }

  function readToken() {
    var h = location.hash.replace(/^#/, ""), q = new URLSearchParams(location.search);
    var fromHash = new URLSearchParams(h).get("t");
    var t = q.get("t") || fromHash || (h.indexOf("=") < 0 ? h : "");
    return TOKEN_RE.test(t || "") ? t : "";
  }

  // API and WebSocket bases: the build's params, else the page's origin
  // (make dev serves /v1/ and /live beside the portal).
  var api = (root.dataset.api || location.origin).replace(/\/+$/, "");
  var wsBase = root.dataset.ws || (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/live";
  var token = readToken();
  var view = null, chain = null, skew = 0, ws = null, wsFailures = 0, live = false;
  var pollTimer = null, reconnectTimer = null, tick = null, lastStatus = "";

  // The language link keeps the token.
  var lang = $("co-lang");
  if (lang) lang.href = lang.getAttribute("href") + location.search + location.hash;

  function show(el, on) { el.hidden = !on; }
  function isZero(a) { return /^0*\.?0*$/.test(a || "0"); }
  function text(id, s) { $(id).textContent = s; }

  function fail(msg) {
    var e = $("co-error");
    e.textContent = msg;
    show(e, true);
    show($("co-loading"), false);
    root.setAttribute("aria-busy", "false");
  }

  function checkoutURL() { return api + "/v1/checkout/" + encodeURIComponent(token); }

  // pushes counts the views the socket pushed: a read that was in flight
  // when one arrived may carry the older state (the push is at least as
  // new), so it is not shown over it.
  var pushes = 0;
  function load() {
    var at = pushes;
    return fetch(checkoutURL(), { headers: { Accept: "application/json" }, credentials: "omit", cache: "no-store" })
      .then(function (r) {
        var d = Date.parse(r.headers.get("Date") || "");
        if (!isNaN(d)) skew = d - Date.now();
        if (r.status === 404) { stopAll(); fail(S.checkout_not_found); return; }
        if (!r.ok) throw new Error("status " + r.status);
        return r.json().then(function (v) { show($("co-error"), false); if (pushes === at) render(v); });
      })
      .catch(function () { if (!view) fail(S.checkout_unavailable); });
  }

  function safeURL(u, schemes) {
    try {
      var p = new URL(u);
      return schemes.indexOf(p.protocol) >= 0 ? p.href : "";
    } catch (e) { return ""; }
  }

  function render(v) {
    if (!v || typeof v.status !== "string" || (v.object && v.object !== "checkout")) return;
    view = v;
    show($("co-loading"), false);
    show($("co-body"), true);
    root.setAttribute("aria-busy", "false");
    if (v.description) { text("co-desc", v.description); document.title = v.description; }
    text("co-amount", v.amount);
    text("co-asset", v.asset);
    var f = v.fiat;
    show($("co-fiat-row"), !!f);
    show($("co-rate-row"), !!f);
    if (f) {
      text("co-fiat", f.amount + " " + f.currency);
      text("co-rate", "1 " + v.asset + " = " + f.rate + " " + f.currency);
    }
    var partly = !isZero(v.paid) && !FINAL[v.status];
    show($("co-paid-row"), !isZero(v.paid));
    text("co-paid", v.paid + " " + v.asset);
    show($("co-remaining-row"), partly);
    text("co-remaining", v.remaining + " " + v.asset);

    var st = $("co-status");
    st.textContent = S["status_" + v.status] || v.status;
    st.dataset.status = v.status;
    lastStatus = v.status;

    var final = !!FINAL[v.status];
    show($("co-pay"), !final && (v.options || []).length > 0);
    show($("co-timer-row"), !final);
    show($("co-end"), final);
    if (final) text("co-end-text", S["end_" + v.status] || "");
    root.dataset.state = final ? "final" : "open";

    renderOptions(v.options || []);
    renderPayments(v.payments || []);

    // The merchant's page is offered once the invoice is settled.
    var ret = $("co-return"), u = final && v.redirect_url ? safeURL(v.redirect_url, ["https:", "http:"]) : "";
    show(ret, !!u);
    if (u) ret.href = u;

    if (final && !(v.payments || []).some(function (p) { return p.state === "pending"; })) stopAll();
    countdown();
  }

  function renderOptions(opts) {
    var box = $("co-chains");
    if (!opts.length) return;
    if (!chain || !opts.some(function (o) { return o.chain === chain; })) chain = opts[0].chain;
    if (box.dataset.chains !== opts.map(function (o) { return o.chain; }).join(",")) {
      box.textContent = "";
      opts.forEach(function (o) {
        var id = "co-chain-" + o.chain.replace(/[^a-z0-9]/gi, "");
        var input = document.createElement("input");
        input.type = "radio"; input.name = "co-chain"; input.id = id; input.value = o.chain;
        input.addEventListener("change", function () { chain = o.chain; renderOptions(view.options); });
        var label = document.createElement("label");
        label.htmlFor = id;
        var name = document.createElement("strong"), std = document.createElement("small");
        name.textContent = chainName(o); std.textContent = o.network || "";
        label.appendChild(name); label.appendChild(std);
        box.appendChild(input); box.appendChild(label);
      });
      box.dataset.chains = opts.map(function (o) { return o.chain; }).join(",");
    }
    var o = opts.filter(function (x) { return x.chain === chain; })[0];
    box.querySelectorAll("input").forEach(function (i) { i.checked = i.value === chain; });
    $("co-address").value = o.address;
    $("co-pay-amount").value = o.amount;
    var qr = $("co-qr"), src = checkoutURL() + "/qr?chain=" + encodeURIComponent(o.chain) + "&format=svg";
    if (qr.getAttribute("src") !== src) qr.src = src;
    qr.alt = S.checkout_qr_alt + " " + optionName(o) + ": " + o.address;
    var w = $("co-wallet"), raw = o.payment_uri || o.uri, uri = raw ? safeURL(raw, ["ethereum:", "tron:"]) : "";
    show(w, !!uri);
    if (uri) w.href = uri;
  }

  function renderPayments(ps) {
    var ul = $("co-payments-list");
    show($("co-payments"), ps.length > 0);
    ul.textContent = "";
    ps.forEach(function (p) {
      var li = document.createElement("li");
      li.dataset.state = p.state;
      var amt = document.createElement("strong");
      amt.textContent = p.amount + " " + (view.asset || "");
      var st = document.createElement("span");
      st.className = "co-pstate";
      st.textContent = (S["payment_" + p.state] || p.state) + " · " + p.confirmations + " " + S.checkout_confirmations;
      var tx = document.createElement("code");
      tx.textContent = p.tx_hash;
      li.appendChild(amt); li.appendChild(st); li.appendChild(tx);
      ul.appendChild(li);
    });
  }

  function countdown() {
    clearInterval(tick);
    if (!view || FINAL[view.status]) return;
    var end = Date.parse(view.expires_at), refreshed = false;
    var step = function () {
      var left = Math.max(0, Math.floor((end - (Date.now() + skew)) / 1000));
      var t = $("co-timer");
      t.dateTime = "PT" + left + "S";
      if (left === 0) {
        t.textContent = S.checkout_time_up;
        // The server says whether the invoice expired; ask it once.
        if (!refreshed) { refreshed = true; load(); }
        return;
      }
      var h = Math.floor(left / 3600), m = Math.floor(left % 3600 / 60), s = left % 60;
      t.textContent = (h ? h + ":" + String(m).padStart(2, "0") : m) + ":" + String(s).padStart(2, "0");
    };
    step();
    tick = setInterval(step, 1000);
  }

  // Live updates: subscribe over the WebSocket; while it is down, poll.
  function setLive(on) {
    live = on;
    text("co-live", on ? S.checkout_live : S.checkout_polling);
    $("co-live").dataset.mode = on ? "live" : "polling";
    if (on) { clearInterval(pollTimer); pollTimer = null; }
    else if (!pollTimer && !stopped) pollTimer = setInterval(load, POLL_MS);
  }

  var stopped = false;
  function stopAll() {
    stopped = true;
    clearInterval(pollTimer); pollTimer = null;
    clearTimeout(reconnectTimer);
    if (ws) { ws.onclose = null; ws.close(); ws = null; }
    text("co-live", "");
  }

  function connect() {
    if (stopped || typeof WebSocket === "undefined") { setLive(false); return; }
    var sock;
    try { sock = new WebSocket(wsBase + "?checkout=" + encodeURIComponent(token)); } catch (e) { return retry(); }
    ws = sock;
    sock.onopen = function () {
      sock.send(JSON.stringify({ action: "subscribe_checkout", token: token }));
    };
    sock.onmessage = function (ev) {
      var m;
      try { m = JSON.parse(ev.data); } catch (e) { return; }
      if (m.type === "subscribed") {
        wsFailures = 0;
        setLive(true);
        load(); // a change between the first load and the subscription
      } else if (m.type === "checkout") {
        pushes++;
        render(m.checkout);
      } else if (m.type === "error") {
        sock.close();
      }
    };
    sock.onclose = function () { if (ws === sock) { ws = null; retry(); } };
  }

  function retry() {
    setLive(false);
    if (stopped) return;
    var wait = Math.min(BACKOFF_MAX_MS, 1000 * Math.pow(2, wsFailures++));
    reconnectTimer = setTimeout(connect, wait / 2 + Math.random() * wait / 2);
  }

  function copy(btn) {
    var input = $(btn.dataset.target), label = btn.textContent, done = function (ok) {
      btn.textContent = ok ? S.checkout_copied : label;
      btn.dataset.copied = ok ? "yes" : "no";
      text("co-announce", ok ? btn.dataset.done : S.checkout_copy_failed);
      setTimeout(function () { btn.textContent = S.checkout_copy; delete btn.dataset.copied; }, 2000);
    };
    var fallback = function () {
      input.focus(); input.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      done(ok);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(input.value).then(function () { done(true); }, fallback);
    } else fallback();
  }
  document.querySelectorAll("#co-copy-address, #co-copy-amount").forEach(function (b) {
    b.addEventListener("click", function () { copy(b); });
  });
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden && view && !stopped) load();
  });

  if (!token) { fail(S.checkout_no_token); return; }
  load().then(function () { if (!stopped) connect(); });
  window.stablegateCheckout = { state: function () { return { status: lastStatus, live: live, chain: chain, stopped: stopped }; } };
})();
