// Small behaviours of the caseworker pages. No inline scripts (CSP script-src 'self'); every page works without it.
(function () {
  "use strict";

  function csrfToken() {
    var m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : "";
  }

  // htmx requests carry the CSRF token like forms do.
  document.addEventListener("htmx:configRequest", function (ev) {
    ev.detail.headers["X-CSRFToken"] = csrfToken();
  });

  // A stale edit (409, optimistic locking) answers with the part that shows the saved state beside the user's own
  // input: htmx swaps it like a success instead of dropping it as an error.
  document.addEventListener("htmx:beforeSwap", function (ev) {
    if (ev.detail.xhr && ev.detail.xhr.status === 409) {
      ev.detail.shouldSwap = true;
      ev.detail.isError = false;
    }
  });

  // After an in-place update keep keyboard focus on something that still exists — only when the swap removed the
  // focused element (a button inside the part). Parts loaded with the page or polled (hx-trigger "load"/"every")
  // never take the focus: it stays where the user is (first Tab from the top of the page, WCAG 2.4.3).
  var fokusImZiel = false;
  document.addEventListener("htmx:beforeSwap", function (ev) {
    var aktiv = document.activeElement;
    var ziel = ev.detail.target;
    fokusImZiel = !!(ziel && aktiv && aktiv !== document.body && ziel.contains(aktiv));
  });
  document.addEventListener("htmx:afterSwap", function (ev) {
    var aktiv = document.activeElement;
    if (fokusImZiel && (!aktiv || aktiv === document.body)) {
      var ziel = ev.detail.target;
      if (ziel && !ziel.hasAttribute("tabindex")) { ziel.setAttribute("tabindex", "-1"); }
      if (ziel) { ziel.focus({ preventScroll: true }); }
    }
    fokusImZiel = false;
  });

  // Register tree: mark the chosen register after an htmx click.
  document.addEventListener("click", function (ev) {
    var link = ev.target.closest(".registerbaum a");
    if (!link) { return; }
    document.querySelectorAll(".registerbaum a[aria-current]").forEach(function (a) { a.removeAttribute("aria-current"); });
    link.setAttribute("aria-current", "true");
  });

  // Document viewer: zoom and page keys.
  var STUFEN = [50, 75, 100, 150, 200];

  function viewer() { return document.getElementById("seiten"); }

  function zoom(richtung) {
    var s = viewer();
    if (!s) { return; }
    var i = STUFEN.indexOf(parseInt(s.dataset.zoom || "100", 10));
    if (i < 0) { i = 2; }
    i = Math.max(0, Math.min(STUFEN.length - 1, i + richtung));
    s.dataset.zoom = String(STUFEN[i]);
    var stand = document.getElementById("zoom-stand");
    if (stand) { stand.textContent = "Zoom " + STUFEN[i] + " %"; }
  }

  function aktuelleSeite() {
    var seiten = Array.prototype.slice.call(document.querySelectorAll(".seite"));
    var mitte = window.innerHeight / 3;
    for (var i = 0; i < seiten.length; i++) {
      var r = seiten[i].getBoundingClientRect();
      if (r.bottom > mitte) { return i; }
    }
    return seiten.length - 1;
  }

  function blaettern(richtung) {
    var seiten = document.querySelectorAll(".seite");
    if (!seiten.length) { return; }
    var i = Math.max(0, Math.min(seiten.length - 1, aktuelleSeite() + richtung));
    seiten[i].scrollIntoView({ block: "start" });
    seiten[i].focus({ preventScroll: true });
  }

  document.addEventListener("click", function (ev) {
    var z = ev.target.closest("[data-zoom]");
    if (z && z.tagName === "BUTTON") { zoom(z.dataset.zoom === "+" ? 1 : -1); return; }
    var b = ev.target.closest("[data-blaettern]");
    if (b) { blaettern(parseInt(b.dataset.blaettern, 10)); }
  });

  document.addEventListener("keydown", function (ev) {
    if (!viewer() || ev.altKey || ev.ctrlKey || ev.metaKey) { return; }
    var t = ev.target;
    if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable)) { return; }
    if (ev.key === "+" || ev.key === "=") { zoom(1); ev.preventDefault(); }
    else if (ev.key === "-") { zoom(-1); ev.preventDefault(); }
    else if (ev.key === "j" || ev.key === "PageDown") { blaettern(1); ev.preventDefault(); }
    else if (ev.key === "k" || ev.key === "PageUp") { blaettern(-1); ev.preventDefault(); }
  });

  // "Alle auswählen": a checkbox that ticks every checkbox named like its data attribute in the same form.
  // Hidden without JavaScript (nothing would happen); shown here.
  document.querySelectorAll("[data-alle-auswaehlen]").forEach(function (alle) {
    var huelle = alle.closest("[hidden]");
    if (huelle) { huelle.hidden = false; }
    var name = alle.getAttribute("data-alle-auswaehlen");
    function einzelne() { return alle.form.querySelectorAll('input[type="checkbox"][name="' + name + '"]'); }
    alle.addEventListener("change", function () {
      einzelne().forEach(function (c) { c.checked = alle.checked; });
    });
    alle.form.addEventListener("change", function (ev) {
      if (ev.target === alle) { return; }
      var liste = Array.prototype.slice.call(einzelne());
      var an = liste.filter(function (c) { return c.checked; }).length;
      alle.checked = an === liste.length;
      alle.indeterminate = an > 0 && an < liste.length;
    });
  });
})();
