/* Poststelle: drag-and-drop multi-file upload with progress bars and live status (no inline script, CSP-safe). */
(function () {
  "use strict";
  var form = document.getElementById("upload-form");
  if (!form) { return; }
  var ablage = document.getElementById("ablage");
  var auswahl = document.getElementById("datei-auswahl");
  var tbody = document.querySelector("#uploads tbody");
  var statusUrl = form.getAttribute("data-status-url");
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var offen = {};  // id -> table row
  var FERTIG = { zugeordnet: 1, zu_pruefen: 1, fehler: 1, aufgeteilt: 1 };

  function zelle(zeile, i) { return zeile.children[i]; }

  function zeigeStatus(zeile, e) {
    zelle(zeile, 2).textContent = e.status_anzeige;
    zelle(zeile, 2).className = "status-" + e.status;
    var ergebnis = zelle(zeile, 3);
    ergebnis.textContent = "";
    if (e.aktenzeichen) { ergebnis.textContent = "Akte " + e.aktenzeichen; }
    else if (e.fehler) {
      var s = document.createElement("span"); s.className = "fehler"; s.textContent = e.fehler; ergebnis.appendChild(s);
      var a = document.createElement("a"); a.href = e.original; a.textContent = " Original herunterladen"; ergebnis.appendChild(a);
    } else if (e.team) { ergebnis.textContent = "Postkorb " + e.team; }
    else if (e.hinweis) { ergebnis.textContent = e.hinweis; }
  }

  function hochladen(datei) {
    var zeile = document.createElement("tr");
    for (var i = 0; i < 4; i++) { zeile.appendChild(document.createElement("td")); }
    zelle(zeile, 0).textContent = datei.name;  // textContent: a name with markup is shown, never interpreted
    var balken = document.createElement("progress");
    balken.max = 100; balken.value = 0; balken.setAttribute("aria-label", "Fortschritt " + datei.name);
    zelle(zeile, 1).appendChild(balken);
    zelle(zeile, 2).textContent = "wird hochgeladen";
    tbody.appendChild(zeile);

    var daten = new FormData();
    daten.append("datei", datei, datei.name);
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.setRequestHeader("X-CSRFToken", csrf);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.addEventListener("progress", function (ev) {
      if (ev.lengthComputable) { balken.value = Math.round(ev.loaded * 100 / ev.total); }
    });
    xhr.addEventListener("load", function () {
      var antwort = {};
      try { antwort = JSON.parse(xhr.responseText); } catch (e) { antwort = {}; }
      if (xhr.status === 201) {
        balken.value = 100;
        zeile.setAttribute("data-posteingang", antwort.id);
        offen[antwort.id] = zeile;
        zeigeStatus(zeile, antwort);
      } else {
        zelle(zeile, 2).textContent = "nicht hochgeladen";
        zelle(zeile, 3).textContent = antwort.fehler || ("Fehler " + xhr.status + ". Bitte versuchen Sie es erneut.");
      }
    });
    xhr.addEventListener("error", function () {
      zelle(zeile, 2).textContent = "nicht hochgeladen";
      zelle(zeile, 3).textContent = "Keine Verbindung zum Server. Bitte versuchen Sie es erneut.";
    });
    xhr.send(daten);
  }

  function dateienHochladen(liste) { for (var i = 0; i < liste.length; i++) { hochladen(liste[i]); } }

  function abfragen() {
    var ids = Object.keys(offen);
    if (!ids.length) { return; }
    var xhr = new XMLHttpRequest();
    xhr.open("GET", statusUrl + "?ids=" + encodeURIComponent(ids.join(",")));
    xhr.setRequestHeader("Accept", "application/json");
    xhr.addEventListener("load", function () {
      if (xhr.status !== 200) { return; }
      var daten = JSON.parse(xhr.responseText);
      daten.eintraege.forEach(function (e) {
        var zeile = offen[e.id];
        if (!zeile) { return; }
        zeigeStatus(zeile, e);
        if (FERTIG[e.status]) { delete offen[e.id]; }
      });
    });
    xhr.send();
  }

  ablage.addEventListener("dragover", function (ev) { ev.preventDefault(); ablage.classList.add("aktiv"); });
  ablage.addEventListener("dragleave", function () { ablage.classList.remove("aktiv"); });
  ablage.addEventListener("drop", function (ev) {
    ev.preventDefault(); ablage.classList.remove("aktiv");
    dateienHochladen(ev.dataTransfer.files);
  });
  ablage.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); auswahl.click(); }
  });
  auswahl.addEventListener("change", function () { dateienHochladen(auswahl.files); auswahl.value = ""; });
  window.setInterval(abfragen, 2000);
})();
