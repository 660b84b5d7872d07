// ---- ref: the reference pages' behaviour: the samples' language tabs (the
// choice is kept for the session) and "try it", which sends the operation to
// this portal's own /v1/ with the token the console and the course pages
// share (sessionStorage "sg-token"). No dependencies.
(function () {
  "use strict";
  var langs = ["curl", "go", "node"];
  function show(lang) {
    document.querySelectorAll(".samples").forEach(function (box) {
      box.querySelectorAll(".tab").forEach(function (b) { b.setAttribute("aria-pressed", b.dataset.lang === lang ? "true" : "false"); });
      box.querySelectorAll(".code-block[data-lang]").forEach(function (c) { c.hidden = c.dataset.lang !== lang; });
    });
    try { sessionStorage.setItem("sg-sample-lang", lang); } catch (e) { /* private mode */ }
  }
  document.querySelectorAll(".samples .tab").forEach(function (b) {
    b.addEventListener("click", function () { show(b.dataset.lang); });
  });
  var saved = null;
  try { saved = sessionStorage.getItem("sg-sample-lang"); } catch (e) { saved = null; }
  show(langs.indexOf(saved) >= 0 ? saved : "curl");

  function token() {
    if (window.sgToken) return window.sgToken();
    try { return sessionStorage.getItem("sg-token") || ""; } catch (e) { return ""; }
  }
  function randomKey() {
    var b = new Uint8Array(16); crypto.getRandomValues(b);
    return Array.prototype.map.call(b, function (x) { return ("0" + x.toString(16)).slice(-2); }).join("");
  }
  document.querySelectorAll("form.tryit").forEach(function (form) {
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var out = form.querySelector(".tryit-out");
      var url = form.dataset.url.replace(/\$\{([A-Z_]+)\}/g, function (_, name) {
        var input = form.elements[name];
        return encodeURIComponent(input ? input.value.trim() : "");
      });
      var headers = {};
      if (form.dataset.public !== "true") {
        var tok = token();
        if (!tok) { out.textContent = form.dataset.noToken || "Paste a token above first (locally: make -s token)."; return; }
        headers.Authorization = "Bearer " + tok;
      }
      if (form.dataset.idem === "true") headers["Idempotency-Key"] = randomKey();
      var init = { method: form.dataset.method, headers: headers };
      if (form.dataset.ctype && form.elements.body) {
        headers["Content-Type"] = form.dataset.ctype;
        init.body = form.elements.body.value;
      }
      out.textContent = "…";
      fetch(url, init).then(function (res) {
        return res.text().then(function (text) {
          var shown = text;
          try { shown = JSON.stringify(JSON.parse(text), null, 2); } catch (e) { /* not JSON: as sent */ }
          out.textContent = res.status + " " + res.statusText + "\n" + shown;
        });
      }, function (err) { out.textContent = String(err); });
    });
  });
})();
