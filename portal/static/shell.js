// The docs shell's behaviour: theme toggle, copy buttons on code blocks, the
// phone menu, and the Pagefind search box. No dependencies; labels come from
// data attributes the layout fills from i18n.
(function () {
  "use strict";
  var body = document.body, root = document.documentElement;

  // Theme: the system's (prefers-color-scheme) until the reader picks one.
  var dark = window.matchMedia("(prefers-color-scheme: dark)");
  var toggle = document.getElementById("theme-toggle");
  function effective() { return root.dataset.theme || (dark.matches ? "dark" : "light"); }
  function label() {
    if (!toggle) return;
    var d = effective() === "dark";
    toggle.textContent = d ? body.dataset.light : body.dataset.dark; // what a click switches to
    toggle.setAttribute("aria-pressed", d ? "true" : "false");
  }
  if (toggle) {
    toggle.addEventListener("click", function () {
      var next = effective() === "dark" ? "light" : "dark";
      root.dataset.theme = next;
      try { localStorage.setItem("sg-theme", next); } catch (e) { /* private mode: this page only */ }
      label();
    });
  }
  if (dark.addEventListener) dark.addEventListener("change", label);
  label();

  // Copy buttons on every highlighted block.
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    return new Promise(function (ok, fail) {
      var ta = document.createElement("textarea");
      ta.value = text; ta.setAttribute("readonly", ""); ta.style.position = "fixed"; ta.style.opacity = "0";
      document.body.appendChild(ta); ta.select();
      var done = false;
      try { done = document.execCommand("copy"); } catch (e) { done = false; }
      ta.remove();
      if (done) { ok(); } else { fail(new Error("copy refused")); }
    });
  }
  document.querySelectorAll(".code-block").forEach(function (block) {
    var code = block.querySelector(".highlight pre code") || block.querySelector("pre");
    if (!code) return;
    var b = document.createElement("button");
    b.type = "button"; b.className = "copy"; b.textContent = body.dataset.copy;
    b.setAttribute("aria-live", "polite");
    b.addEventListener("click", function () {
      copyText(code.innerText.replace(/\n$/, "")).then(function () { b.textContent = body.dataset.copied; },
        function () { b.textContent = body.dataset.copyFailed; });
      setTimeout(function () { b.textContent = body.dataset.copy; }, 2500);
    });
    block.appendChild(b);
  });

  // The sidebar behind a button on narrow screens.
  var menu = document.querySelector(".menu-toggle"), side = document.getElementById("sidebar");
  if (menu && side) {
    menu.addEventListener("click", function () {
      var open = side.classList.toggle("open");
      menu.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }

  // On this page: the section being read is marked in the contents.
  var tocLinks = {};
  document.querySelectorAll(".page-toc a[href^='#']").forEach(function (a) { tocLinks[decodeURIComponent(a.hash.slice(1))] = a; });
  if (window.IntersectionObserver && Object.keys(tocLinks).length) {
    var seen = new IntersectionObserver(function (entries) {
      entries.forEach(function (e) {
        if (!e.isIntersecting || !tocLinks[e.target.id]) return;
        Object.keys(tocLinks).forEach(function (id) { tocLinks[id].classList.toggle("active", id === e.target.id); });
      });
    }, { rootMargin: "-60px 0px -70% 0px" });
    Object.keys(tocLinks).forEach(function (id) { var h = document.getElementById(id); if (h) seen.observe(h); });
  }

  // Search: Pagefind's UI over the index make portal writes (portal/public/pagefind), in the page's language.
  document.addEventListener("DOMContentLoaded", function () {
    var el = document.getElementById("search");
    if (!el || typeof PagefindUI === "undefined") return;
    new PagefindUI({ element: "#search", showSubResults: true, showImages: false, resetStyles: false,
      translations: { placeholder: el.dataset.placeholder } });
  });
})();
