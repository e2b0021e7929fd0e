// Restructure a legacy file with mouse and keyboard (templates/altakten/gliederung.html). The form works without this
// script (check boxes + "Gruppierung aktualisieren"); the script only sets the same check boxes and re-groups at once.
(function () {
  "use strict";
  function start() {
    var formular = document.getElementById("gliederung-formular");
    if (!formular) return;
    var fokus = document.getElementById("gliederung-fokus");
    function neuGruppieren(seite) {
      fokus.value = String(seite);
      var knopf = formular.querySelector("button[value='vorschau']");
      formular.requestSubmit(knopf);
    }
    function kasten(seite) {
      return formular.querySelector("input[name='beginn_" + seite + "']");
    }
    function grenzeSetzen(seite, wert) {
      var k = kasten(seite);
      if (!k || k.checked === wert) return false;
      k.checked = wert;
      neuGruppieren(seite);
      return true;
    }
    formular.addEventListener("click", function (e) {
      var grenze = e.target.closest(".gliederung-grenze");
      if (!grenze) return;
      var seite = grenze.getAttribute("data-vor");
      var k = kasten(seite);
      if (k) grenzeSetzen(seite, !k.checked);
    });
    var seiten = Array.prototype.slice.call(formular.querySelectorAll(".gliederung-seite[tabindex]"));
    formular.addEventListener("keydown", function (e) {
      var li = e.target.closest(".gliederung-seite[tabindex]");
      if (!li || e.target !== li || e.ctrlKey || e.altKey || e.metaKey) return;
      var seite = Number(li.getAttribute("data-seite"));
      var taste = e.key.toLowerCase();
      if (taste === "n") {
        e.preventDefault();
        grenzeSetzen(seite, true);
      } else if (taste === "v") {
        // join the document this page belongs to with the previous one: remove its first page's boundary
        e.preventDefault();
        var gruppe = li.closest(".gliederung-dokument");
        var erste = gruppe && gruppe.querySelector(".gliederung-seite[tabindex]");
        if (erste) grenzeSetzen(Number(erste.getAttribute("data-seite")), false);
      } else if (e.key === "ArrowRight" || e.key === "ArrowLeft") {
        var i = seiten.indexOf(li) + (e.key === "ArrowRight" ? 1 : -1);
        if (i >= 0 && i < seiten.length) {
          e.preventDefault();
          seiten[i].focus();
        }
      }
    });
    var ziel = new URLSearchParams(window.location.search).get("fokus") || formular.getAttribute("data-fokus");
    if (ziel) {
      var el = document.getElementById("seite-" + ziel);
      if (el) el.focus();
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
