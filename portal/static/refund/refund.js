// The hosted refund page: reads one refund link, found by the token in the
// page's URL (?t=rfl_...), and sends the payer's address to it. The token
// is the page's only credential and goes nowhere but the Stablegate API.
(function () {
  "use strict";
  var root = document.getElementById("refund");
  var $ = function (id) { return document.getElementById(id); };
  var CHAINS = { ethereum: "Ethereum", tron: "Tron" };
  var api = (root.dataset.api || location.origin).replace(/\/+$/, "");
  var t = new URLSearchParams(location.search).get("t") || "";
  var url = api + "/v1/refund-links/" + encodeURIComponent(t);
  var key = "rfc-" + (window.crypto && crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random());

  function fail(msg) { var e = $("rf-error"); e.textContent = msg; e.hidden = false; root.setAttribute("aria-busy", "false"); }
  function render(v) {
    $("rf-loading").hidden = true;
    $("rf-body").hidden = false;
    root.setAttribute("aria-busy", "false");
    $("rf-amount").textContent = v.amount;
    $("rf-chain").textContent = $("rf-chain2").textContent = CHAINS[v.chain] || v.chain;
    $("rf-status").textContent = v.status.replace(/_/g, " ");
    $("rf-status").dataset.status = v.status;
    $("rf-expires").textContent = new Date(v.expires_at).toLocaleString();
    $("rf-expires").dateTime = v.expires_at;
    $("rf-form").hidden = v.status !== "awaiting_address";
    $("rf-expires-row").hidden = v.status !== "awaiting_address";
    if (v.refund) {
      $("rf-done").hidden = false;
      $("rf-done-amount").textContent = v.refund.amount;
      $("rf-done-to").textContent = v.refund.to_address;
      $("rf-refund-state").textContent = v.refund.state;
    }
  }
  function answer(r) {
    return r.json().then(function (b) {
      if (!r.ok) throw new Error((b.error && b.error.message) || "The refund could not be read.");
      return b;
    });
  }
  if (!/^rfl_[A-Za-z0-9_-]{4,124}$/.test(t)) { fail("This link has no refund token. Use the link the merchant sent you."); return; }
  fetch(url).then(answer).then(render).catch(function (e) { fail(e.message); });
  $("rf-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    $("rf-submit").disabled = true;
    fetch(url, { method: "POST", headers: { "Content-Type": "application/json", "Idempotency-Key": key },
      body: JSON.stringify({ to_address: $("rf-address").value.trim() }) })
      .then(answer).then(function (v) { $("rf-error").hidden = true; render(v); })
      .catch(function (e) { $("rf-submit").disabled = false; fail(e.message); });
  });
})();
