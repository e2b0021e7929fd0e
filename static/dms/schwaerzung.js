/* Redaction editor of an inspection copy (templates/dms/gericht/akteneinsicht.html). Every box is one row of form
   fields (page, left, top, width, height in mm from the top left of the page as shown, reason); the server converts
   them to PDF points. This script only keeps the rows and the boxes over the page images in step:
   - mouse: drag on a page to draw a box; drag a box to move it, its corner handle to resize it;
   - keyboard: "Bereich auf dieser Seite hinzufügen" adds a row (focus goes to its first number), a box on the page
     is focusable: arrow keys move it by 1 mm (Umschalt: resize), Entf removes it, Enter jumps to its row.
   No inline script or style (CSP): positions are set through the CSSOM. */
(function () {
  "use strict";
  var form = document.querySelector("[data-schwaerzung]");
  if (!form) { return; }
  var tbody = form.querySelector("#bereiche tbody");
  var vorlage = document.getElementById("bereich-vorlage");
  var status = document.getElementById("bereiche-status");
  var flaechen = {};
  form.querySelectorAll(".schwaerz-flaeche").forEach(function (f) { flaechen[f.dataset.seite] = f; });
  form.querySelectorAll(".bereich-neu, .bereich-ganz").forEach(function (b) { b.hidden = false; });

  function zahl(text) {
    var v = parseFloat(String(text).replace(",", "."));
    return isNaN(v) ? 0 : v;
  }
  function runden(v) { return Math.round(v * 10) / 10; }
  function feld(zeile, name) { return zeile.querySelector("[name='b_" + name + "']"); }
  function werte(zeile) {
    return {
      seite: feld(zeile, "seite").value,
      links: zahl(feld(zeile, "links").value),
      oben: zahl(feld(zeile, "oben").value),
      breite: zahl(feld(zeile, "breite").value),
      hoehe: zahl(feld(zeile, "hoehe").value)
    };
  }
  function setzen(zeile, w) {
    ["links", "oben", "breite", "hoehe"].forEach(function (n) { feld(zeile, n).value = runden(w[n]); });
    zeichnen(zeile);
  }
  function groesse(flaeche) {
    return { breite: zahl(flaeche.dataset.breiteMm), hoehe: zahl(flaeche.dataset.hoeheMm) };
  }
  function begrenzen(w, seite) {
    w.breite = Math.max(1, Math.min(w.breite, seite.breite));
    w.hoehe = Math.max(1, Math.min(w.hoehe, seite.hoehe));
    w.links = Math.max(0, Math.min(w.links, seite.breite - w.breite));
    w.oben = Math.max(0, Math.min(w.oben, seite.hoehe - w.hoehe));
    return w;
  }

  function melden() {
    var zeilen = tbody.querySelectorAll("tr.bereich");
    zeilen.forEach(function (z, i) {
      z.querySelector(".bereich__nr").textContent = String(i + 1);
      if (z.kasten) { beschriften(z, i + 1); }
    });
    status.textContent = zeilen.length + (zeilen.length === 1 ? " Bereich" : " Bereiche") + " markiert.";
  }
  function beschriften(zeile, nr) {
    var w = werte(zeile);
    zeile.kasten.setAttribute("aria-label", "Bereich " + nr + ": " + runden(w.links) + " mm von links, " +
      runden(w.oben) + " mm von oben, " + runden(w.breite) + " × " + runden(w.hoehe) + " mm");
    zeile.kasten.querySelector(".schwaerz-kasten__nr").textContent = String(nr);
  }

  function zeichnen(zeile) {
    var w = werte(zeile);
    var flaeche = flaechen[w.seite];
    if (zeile.kasten && zeile.kasten.parentNode !== flaeche) { zeile.kasten.remove(); zeile.kasten = null; }
    if (!flaeche) { return; }
    if (!zeile.kasten) { zeile.kasten = kastenAnlegen(zeile, flaeche); }
    var seite = groesse(flaeche);
    var k = zeile.kasten;
    k.style.left = (100 * w.links / seite.breite) + "%";
    k.style.top = (100 * w.oben / seite.hoehe) + "%";
    k.style.width = (100 * w.breite / seite.breite) + "%";
    k.style.height = (100 * w.hoehe / seite.hoehe) + "%";
    beschriften(zeile, Array.prototype.indexOf.call(tbody.children, zeile) + 1);
  }

  function kastenAnlegen(zeile, flaeche) {
    var k = document.createElement("div");
    k.className = "schwaerz-kasten";
    k.tabIndex = 0;
    k.setAttribute("role", "button");
    k.setAttribute("aria-describedby", "schwaerzung-hilfe");
    var nr = document.createElement("span");
    nr.className = "schwaerz-kasten__nr";
    nr.setAttribute("aria-hidden", "true");
    k.appendChild(nr);
    var griff = document.createElement("span");
    griff.className = "schwaerz-kasten__griff";
    griff.setAttribute("aria-hidden", "true");
    k.appendChild(griff);
    k.zeile = zeile;
    k.addEventListener("keydown", function (ev) { tasten(ev, zeile); });
    flaeche.appendChild(k);
    return k;
  }

  function tasten(ev, zeile) {
    var schritte = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    if (ev.key === "Delete" || ev.key === "Backspace") {
      ev.preventDefault();
      entfernen(zeile);
      return;
    }
    if (ev.key === "Enter" || ev.key === " ") {
      ev.preventDefault();
      feld(zeile, "links").focus();
      return;
    }
    var s = schritte[ev.key];
    if (!s) { return; }
    ev.preventDefault();
    var w = werte(zeile);
    if (ev.shiftKey) { w.breite += s[0]; w.hoehe += s[1]; } else { w.links += s[0]; w.oben += s[1]; }
    setzen(zeile, begrenzen(w, groesse(flaechen[w.seite])));
  }

  function entfernen(zeile) {
    var naechster = zeile.nextElementSibling || zeile.previousElementSibling;
    if (zeile.kasten) { zeile.kasten.remove(); }
    zeile.remove();
    melden();
    var ziel = naechster ? (naechster.kasten || feld(naechster, "links")) : form.querySelector(".bereich-neu");
    if (ziel) { ziel.focus(); }
  }

  function verbinden(zeile) {
    zeile.querySelectorAll("input, select").forEach(function (el) {
      el.addEventListener("input", function () { zeichnen(zeile); });
    });
    zeile.querySelector(".bereich__entfernen").addEventListener("click", function () { entfernen(zeile); });
    zeichnen(zeile);
  }

  function neueZeile(seite, w) {
    var zeile = vorlage.content.firstElementChild.cloneNode(true);
    tbody.appendChild(zeile);
    feld(zeile, "seite").value = seite;
    setzen(zeile, w);
    verbinden(zeile);
    melden();
    return zeile;
  }

  tbody.querySelectorAll("tr.bereich").forEach(verbinden);
  melden();

  form.querySelectorAll(".bereich-neu").forEach(function (b) {
    b.addEventListener("click", function () {
      var seite = groesse(flaechen[b.dataset.seite]);
      var w = begrenzen({ links: 20, oben: 20, breite: 80, hoehe: 15 }, seite);
      feld(neueZeile(b.dataset.seite, w), "links").focus();
    });
  });
  form.querySelectorAll(".bereich-ganz").forEach(function (b) {
    b.addEventListener("click", function () {
      var seite = groesse(flaechen[b.dataset.seite]);
      neueZeile(b.dataset.seite, { links: 0, oben: 0, breite: seite.breite, hoehe: seite.hoehe });
      b.focus();
    });
  });

  /* Mouse (pointer) drawing, moving and resizing, in mm of the page as shown. */
  function inMm(flaeche, ev) {
    var r = flaeche.getBoundingClientRect();
    var seite = groesse(flaeche);
    return {
      x: Math.max(0, Math.min(seite.breite, (ev.clientX - r.left) / r.width * seite.breite)),
      y: Math.max(0, Math.min(seite.hoehe, (ev.clientY - r.top) / r.height * seite.hoehe))
    };
  }
  Object.keys(flaechen).forEach(function (wert) {
    var flaeche = flaechen[wert];
    var zug = null;
    flaeche.addEventListener("pointerdown", function (ev) {
      if (ev.button !== 0) { return; }
      ev.preventDefault();
      var start = inMm(flaeche, ev);
      var kasten = ev.target.closest(".schwaerz-kasten");
      if (kasten) {
        var w = werte(kasten.zeile);
        var art = ev.target.classList.contains("schwaerz-kasten__griff") ? "groesse" : "verschieben";
        zug = { art: art, zeile: kasten.zeile, start: start, w: w };
        kasten.focus();
      } else {
        zug = { art: "neu", start: start, zeile: null };
      }
      flaeche.setPointerCapture(ev.pointerId);
    });
    flaeche.addEventListener("pointermove", function (ev) {
      if (!zug) { return; }
      var p = inMm(flaeche, ev);
      var seite = groesse(flaeche);
      if (zug.art === "neu") {
        var w = { links: Math.min(p.x, zug.start.x), oben: Math.min(p.y, zug.start.y),
          breite: Math.abs(p.x - zug.start.x), hoehe: Math.abs(p.y - zug.start.y) };
        if (!zug.zeile && w.breite > 1 && w.hoehe > 1) { zug.zeile = neueZeile(wert, w); }
        if (zug.zeile) { setzen(zug.zeile, w); }
      } else if (zug.art === "verschieben") {
        setzen(zug.zeile, begrenzen({ links: zug.w.links + p.x - zug.start.x, oben: zug.w.oben + p.y - zug.start.y,
          breite: zug.w.breite, hoehe: zug.w.hoehe }, seite));
      } else {
        setzen(zug.zeile, begrenzen({ links: zug.w.links, oben: zug.w.oben,
          breite: zug.w.breite + p.x - zug.start.x, hoehe: zug.w.hoehe + p.y - zug.start.y }, seite));
      }
    });
    function ende(ev) {
      if (!zug) { return; }
      if (zug.zeile) { melden(); zug.zeile.kasten.focus(); }
      zug = null;
      if (flaeche.hasPointerCapture(ev.pointerId)) { flaeche.releasePointerCapture(ev.pointerId); }
    }
    flaeche.addEventListener("pointerup", ende);
    flaeche.addEventListener("pointercancel", ende);
  });
})();
