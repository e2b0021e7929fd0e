"""`manage.py testbestand_erzeugen`: bulk test data (persons, files, documents) for load and speed tests.

Written with PostgreSQL COPY in batches, not through the per-row services: generated test data gets no audit
entries and no OCR run. The Aktenzeichen counter is advanced in one atomic step per batch, so a later
`akte_anlegen` continues after the generated numbers.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import queue
import random
import threading
import time
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import SearchVectorField
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, models, transaction
from django.utils import timezone

from dms.aktenzeichen import aktenzeichen_formatieren
from dms.models import Akte, Behoerde, Dokument, Dokumentart, DokumentVersion, Person, Register, Team
from dms.namen import namensschluessel, team_fuer_name

# --- Realistic names: (surnames, female first names, male first names, places of birth, nationality) -------------
NAMENSGRUPPEN: list[tuple[list[str], list[str], list[str], list[str], str]] = [
    (
        ["Yılmaz", "Öztürk", "Çelik", "Şahin", "Doğan", "Kaya", "Demir", "Aydın", "Arslan", "Güneş", "Koç", "Kılıç"],
        ["Ayşe", "Elif", "Zeynep", "Fatma", "Emine", "Büşra", "Gülşen", "Özlem"],
        ["Mehmet", "Mustafa", "Ahmet", "Hüseyin", "Emre", "Burak", "Oğuz", "İsmail"],
        ["Ankara", "İstanbul", "İzmir", "Gaziantep", "Trabzon", "Diyarbakır"],
        "türkisch",
    ),
    (
        ["Mohammed", "Al-Hassan", "Haddad", "Khalil", "Abdullah", "Al-Masri", "Hamdan", "Nasser", "Saleh", "Ibrahim"],
        ["Fatima", "Aisha", "Layla", "Noor", "Mariam", "Rania", "Huda"],
        ["Mohammed", "Muhammad", "Mohamad", "Ahmad", "Yusuf", "Omar", "Khaled", "Hussein", "Ali"],
        ["Damaskus", "Aleppo", "Homs", "Bagdad", "Mossul", "Idlib"],
        "syrisch",
    ),
    (
        ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Võ", "Đặng", "Bùi"],
        ["Thị Lan", "Thị Hương", "Thanh Hà", "Ngọc Anh", "Thu Trang"],
        ["Văn Minh", "Đức Anh", "Quốc Bảo", "Văn Hùng", "Minh Tuấn"],
        ["Hà Nội", "Hải Phòng", "Huế", "Đà Nẵng", "Thành phố Hồ Chí Minh"],
        "vietnamesisch",
    ),
    (
        ["Kowalski", "Wiśniewska", "Nowak", "Popescu", "Ionescu", "Stănescu", "Iwanow", "Schewtschenko"],
        ["Agnieszka", "Małgorzata", "Ioana", "Olena", "Natalija"],
        ["Piotr", "Łukasz", "Andrei", "Mihai", "Oleksandr", "Dmytro"],
        ["Kraków", "Łódź", "București", "Cluj-Napoca", "Kyjiw", "Charkiw"],
        "polnisch",
    ),
    (
        ["Tesfaye", "Haile", "Gebremedhin", "Okafor", "Adeyemi", "Mensah"],
        ["Selam", "Mekdes", "Chiamaka", "Ama"],
        ["Yonas", "Dawit", "Chukwuemeka", "Kwame"],
        ["Asmara", "Keren", "Lagos", "Accra"],
        "eritreisch",
    ),
    (
        ["Müller", "Schäfer", "Groß", "Köhler", "Jäger", "Bäuerle", "Weiß", "Hofmann"],
        ["Jürgen", "Käthe", "Sören", "Lena", "Ursula"],
        ["Jörg", "Björn", "Günther", "Lukas", "Matthäus"],
        ["Wien", "Graz", "Zürich", "Bozen"],
        "österreichisch",
    ),
]
# Known transliteration variants; the rest come from dropping diacritics and German umlaut spelling.
BEKANNTE_VARIANTEN: dict[str, list[str]] = {
    "Mohammed": ["Muhammad", "Mohamad", "Mohamed", "Muhammed"],
    "Muhammad": ["Mohammed", "Mohamad"],
    "Mohamad": ["Mohammed", "Muhammad"],
    "Yusuf": ["Youssef", "Jussuf"],
    "Khaled": ["Khalid", "Chalid"],
    "Hussein": ["Husain", "Hussain"],
    "Al-Hassan": ["Alhassan", "El-Hassan"],
    "Al-Masri": ["Almasri", "El-Masri"],
    "Iwanow": ["Ivanov", "Iwanov"],
    "Schewtschenko": ["Shevchenko", "Ševčenko"],
    "Haddad": ["Hadad"],
}
_TUERKISCH = str.maketrans("ıİşŞçÇğĞ", "iIsScCgG")


def namensvarianten(name: str) -> list[str]:
    """Other spellings a letter or passport may use (no duplicates, not the name itself).

    >>> namensvarianten("Öztürk")
    ['Ozturk', 'Oeztuerk']
    """
    import unicodedata

    ohne = unicodedata.normalize("NFKD", name.translate(_TUERKISCH))
    ohne = "".join(c for c in ohne if not unicodedata.combining(c)).replace("đ", "d").replace("Đ", "D")
    deutsch = name.translate(_TUERKISCH)
    for a, b in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("Ä", "Ae"), ("Ö", "Oe"), ("Ü", "Ue"), ("ß", "ss")):
        deutsch = deutsch.replace(a, b)
    kandidaten = [*BEKANNTE_VARIANTEN.get(name, []), ohne, deutsch]
    return list(dict.fromkeys(k for k in kandidaten if k and k != name))


SAETZE = [
    "Hiermit beantrage ich die Verlängerung meiner Aufenthaltserlaubnis nach § 31 AufenthG.",
    "Die erforderlichen Unterlagen, insbesondere der gültige Nationalpass und die Meldebescheinigung, liegen bei.",
    "Der Lebensunterhalt ist durch eine unbefristete Beschäftigung als Pflegefachkraft gesichert.",
    "Bitte teilen Sie mir mit, ob weitere Nachweise über ausreichenden Wohnraum benötigt werden.",
    "Nach Prüfung der Sach- und Rechtslage ergeht folgender Bescheid über die Erteilung des Aufenthaltstitels.",
    "Die Gebühr in Höhe von 93,00 Euro ist innerhalb von vierzehn Tagen nach Zugang dieses Schreibens zu zahlen.",
    "Gegen diesen Bescheid kann innerhalb eines Monats nach Bekanntgabe Klage beim Verwaltungsgericht erhoben werden.",
    "Die Fiktionsbescheinigung nach § 81 Abs. 4 AufenthG gilt bis zur Entscheidung über den Antrag fort.",
    "Der Integrationskurs wurde erfolgreich abgeschlossen; das Zertifikat Deutsch-Test für Zuwanderer liegt vor.",
    "Die Ehefrau und die beiden minderjährigen Kinder leben mit dem Antragsteller in häuslicher Gemeinschaft.",
    "Die Passbeschaffung ist nach Angaben der Botschaft derzeit nicht möglich; ein Nachweis wird nachgereicht.",
    "Die Bundesagentur für Arbeit hat der Beschäftigung gemäß § 39 AufenthG zugestimmt.",
    "Ein Termin zur Vorsprache wird für Dienstag um 9:30 Uhr im Bürgerbüro, Zimmer 114, vereinbart.",
    "Die Verpflichtungserklärung nach § 68 AufenthG wurde vom Gastgeber unterzeichnet und geprüft.",
    "Es liegen keine Erkenntnisse über Straftaten oder sicherheitsrelevante Sachverhalte vor.",
    "Die elektronische Aufenthaltskarte wurde bei der Bundesdruckerei bestellt und kann abgeholt werden.",
    "Mit freundlichen Grüßen, im Auftrag der Ausländerbehörde, Sachgebiet Aufenthalt und Einbürgerung.",
    "Der Aufenthalt ist für die Dauer der Ausbildung zur Fachinformatikerin für Anwendungsentwicklung erlaubt.",
    "Die Zustimmung der Schule zur Teilnahme an der Klassenfahrt nach Straßburg liegt der Akte bei.",
    "Über die Niederlassungserlaubnis wird nach Vorlage der Rentenversicherungsnachweise entschieden.",
]  # fmt: skip

ZEITPUNKT_FELDER = (models.DateTimeField,)


def _copy_text(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _array(wert: Any) -> str:
    inhalt = ",".join('"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"' for v in wert)
    return _copy_text("{" + inhalt + "}")


def _skalar(wert: Any) -> str:
    if isinstance(wert, bool):
        return "t" if wert else "f"
    if isinstance(wert, dt.date | dt.datetime):
        return wert.isoformat()
    return _copy_text(str(wert))


def _kodierer(feld: models.Field) -> Any:
    """The function writing one value of this column in PostgreSQL's COPY text format."""
    if isinstance(feld, ArrayField):
        innen = _array
    elif isinstance(feld, models.JSONField):
        innen = lambda wert: _copy_text(json.dumps(wert, ensure_ascii=False))  # noqa: E731
    else:
        innen = _skalar
    return lambda wert: "\\N" if wert is None else innen(wert)


def _spalten(model: type[models.Model], *, mit_id: bool = True) -> list[models.Field]:
    return [
        f for f in model._meta.concrete_fields if not isinstance(f, SearchVectorField) and (mit_id or not f.primary_key)
    ]


def _zeilen(
    spalten: list[models.Field], werte: Iterable[dict[str, Any]], jetzt: dt.datetime, extra: Sequence[str] = ()
) -> str:
    """Rows in COPY format; fields not given get their model default (so new columns with defaults keep working)."""
    # Per column once: the key to read, or the constant encoded default, or a callable default (uuid4) per row.
    plan: list[tuple[str, Any, Any]] = []
    for f in spalten:
        kodieren = _kodierer(f)
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            plan.append((f.attname, kodieren, kodieren(jetzt)))
        elif f.has_default() and callable(f.default) and f.default not in (list, dict):
            plan.append((f.attname, kodieren, f.default))
        else:
            plan.append((f.attname, kodieren, kodieren(f.get_default())))
    teile = []
    for w in werte:
        zeile = []
        for name, kodieren, standard in plan:
            if name in w:
                zeile.append(kodieren(w[name]))
            elif isinstance(standard, str):
                zeile.append(standard)
            else:
                zeile.append(kodieren(standard()))
        zeile.extend(_copy_text(str(w[k])) for k in extra)
        teile.append("\t".join(zeile))
    return "\n".join(teile) + "\n"


def _spalte(f: models.Field) -> str:
    """The database column of a concrete field (never None for one)."""
    assert f.column is not None
    return f.column


def _spaltennamen(spalten: list[models.Field]) -> str:
    return ", ".join(connection.ops.quote_name(_spalte(f)) for f in spalten)


def _copy(
    tabelle: str,
    spalten: list[models.Field],
    werte: Iterable[dict[str, Any]],
    jetzt: dt.datetime,
    extra: Sequence[str] = (),
) -> None:
    daten = _zeilen(spalten, werte, jetzt, extra)
    namen = ", ".join([_spaltennamen(spalten), *extra])
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {tabelle} ({namen}) FROM STDIN") as c:
        c.write(daten)


def _ids(model: type[models.Model], anzahl: int) -> list[int]:
    """Reserve primary keys from the table's own sequence, so later normal inserts never collide."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [model._meta.db_table, anzahl],
        )
        return [r[0] for r in cursor.fetchall()]


def aktenzeichen_reservieren(behoerde_id: int, jahr: int, anzahl: int) -> int:
    """Advance the counter by `anzahl` in one atomic upsert; returns the first reserved number."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO dms_aktenzeichenzaehler (behoerde_id, jahr, letzte_nummer) VALUES (%s, %s, %s)
            ON CONFLICT (behoerde_id, jahr) DO UPDATE
                SET letzte_nummer = dms_aktenzeichenzaehler.letzte_nummer + EXCLUDED.letzte_nummer
            RETURNING letzte_nummer
            """,
            [behoerde_id, jahr, anzahl],
        )
        row = cursor.fetchone()
    assert row is not None
    return int(row[0]) - anzahl + 1


def team_fuer(teams: Sequence[Team], familienname: str) -> Team | None:
    """The team whose letter range holds the surname, else the default team (dms.namen.team_fuer_name)."""
    nummer = team_fuer_name(
        familienname, [(i, t.buchstaben_von, t.buchstaben_bis, t.ist_standard) for i, t in enumerate(teams)]
    )
    return teams[nummer] if nummer is not None else None


def zufallsperson(rnd: random.Random) -> dict[str, Any]:
    familiennamen, weiblich, maennlich, orte, nationalitaet = rnd.choice(NAMENSGRUPPEN)
    familienname = rnd.choice(familiennamen)
    geschlecht = rnd.choice("wm")
    vorname = rnd.choice(weiblich if geschlecht == "w" else maennlich)
    varianten = namensvarianten(familienname)
    return {
        "familienname": familienname,
        "vornamen": vorname,
        "geburtsname": "",
        "geburtsdatum": dt.date(1950, 1, 1) + dt.timedelta(days=rnd.randrange(0, 365 * 70)),
        "geburtsort": rnd.choice(orte),
        "staatsangehoerigkeiten": [nationalitaet],
        "geschlecht": geschlecht,
        "namensvarianten": varianten,
        "namen_normalisiert": namensschluessel(familienname, *varianten),
    }


def zufallstext(rnd: random.Random, kopf: str, laenge: int = 2000) -> str:
    teile = [kopf]
    while sum(len(t) + 1 for t in teile) < laenge:
        teile.append(rnd.choice(SAETZE))
    return "\n".join(teile)


def _gin_indizes(cursor: Any) -> list[str]:
    """The GIN indexes of the tables written here (the search's: names, first names, words)."""
    cursor.execute(
        """
        SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam
        WHERE a.amname = 'gin' AND i.indrelid = ANY(ARRAY['dms_person'::regclass, 'dms_dokument'::regclass])
        ORDER BY 1
        """
    )
    return [name for (name,) in cursor.fetchall()]


ANALYSE = {
    "dms_person": "id, behoerde_id, familienname, geburtsdatum, namen_normalisiert",
    "dms_akte": "id, behoerde_id, person_id, status, team_id, aktenzeichen",
    # suchvektor too: without its statistics the planner takes every word for rare (1,000 rows) and hashes all
    # matching documents of a common word instead of stopping after the ranked candidates (docs/benchmarks.md).
    # The search's other conditions too: without statistics on `ersetzt_durch_id IS NULL` the planner took it for
    # rare and built a bitmap over every document from its index before each search (35 ms at 200,000 documents).
    "dms_dokument": "id, akte_id, register_id, suchvektor, behoerde_id, ersetzt_durch_id, ersetzt_am",
    "dms_dokumentversion": "id, dokument_id",
}
AZR_SCHRITT = 5000  # largest gap between two generated AZR numbers
KOERPER = 300  # distinct document bodies per run; each document = its own header + one of them
MUSTER_PFAD = "testbestand/muster.pdf"
MUSTER_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def musterdatei() -> str:
    """One small stored file every generated version points to (no real scans needed for volume tests)."""
    if not default_storage.exists(MUSTER_PFAD):
        return default_storage.save(MUSTER_PFAD, ContentFile(MUSTER_PDF))
    return MUSTER_PFAD


@dataclass(frozen=True)
class Vorgaben:
    """What every batch of one run shares."""

    behoerde_id: int
    kuerzel: str
    teams: list[Team]
    arten: list[tuple[str, str, int]]
    jahr: int
    dok_je_akte: int
    pfad: str
    sha: str
    koerper: list[str]
    vektoren: list[str]  # tsvector text of each body, computed once by PostgreSQL


@dataclass(frozen=True)
class Stapel:
    """One transaction's share: how many files, their first number, the AZR range base, its own random seed."""

    anzahl: int
    erste_nummer: int
    azr_basis: int
    seed: int


class Command(BaseCommand):
    help = (
        "Erzeugt einen Testbestand in großen Mengen (Personen mit realistischen Namen und Schreibvarianten, "
        "Akten mit eindeutigen Aktenzeichen, Dokumente mit Text und Suchindex) per COPY. Für Last- und "
        "Geschwindigkeitstests: ohne Protokolleinträge und ohne Texterkennung; alle Dokumentversionen verweisen "
        "auf eine gemeinsame kleine Musterdatei."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--akten", type=int, required=True, help="Anzahl Akten (je eine neue Person)")
        parser.add_argument("--dokumente-pro-akte", type=int, default=2, dest="dokumente")
        parser.add_argument("--behoerde", default="OF", help="Kürzel der Behörde (Standard: OF)")
        parser.add_argument("--stapel", type=int, default=5000, help="Akten je Transaktion")
        parser.add_argument("--parallel", type=int, default=2, help="gleichzeitige Datenbankverbindungen")
        parser.add_argument("--seed", type=int, default=None, help="Startwert des Zufallsgenerators")
        parser.add_argument("--jahr", type=int, default=None, help="Jahr im Aktenzeichen (Standard: laufendes)")

    def handle(self, *args: Any, **o: Any) -> None:
        if o["akten"] < 0 or o["dokumente"] < 0 or o["stapel"] < 1 or o["parallel"] < 1:
            raise CommandError("Anzahlen dürfen nicht negativ sein; --stapel und --parallel mindestens 1.")
        behoerde = Behoerde.objects.filter(kuerzel__iexact=o["behoerde"]).first()
        if behoerde is None:
            raise CommandError(f"Die Behörde „{o['behoerde']}“ gibt es nicht.")
        register = {r.nummer: r.pk for r in Register.objects.aktiv()}
        if not register:
            raise CommandError("Es gibt keinen aktiven Aktenplan. Bitte zuerst `manage.py migrate` ausführen.")
        arten = [
            (d.schluessel, d.bezeichnung, register_id)
            for d in Dokumentart.objects.all()
            if (register_id := register.get(d.register_nummer))
        ] or [("sonstiges", "Schreiben", next(iter(register.values())))]
        rnd = random.Random(o["seed"])  # noqa: S311 - test data, not security
        koerper = [zufallstext(rnd, "", 1900).strip() for _ in range(KOERPER)]
        with connection.cursor() as cursor:
            # Each distinct body is analysed once per run; batches reuse the vectors (see _dokumente).
            cursor.execute(
                "SELECT to_tsvector('german', t)::text FROM unnest(%s::text[]) WITH ORDINALITY AS u(t, nr) ORDER BY nr",
                [koerper],
            )
            vektoren = [r[0] for r in cursor.fetchall()]
            cursor.execute("DROP TABLE IF EXISTS tb_koerper")
        v = Vorgaben(
            behoerde_id=behoerde.pk,
            kuerzel=behoerde.kuerzel,
            teams=list(Team.objects.filter(behoerde=behoerde)),
            arten=arten,
            jahr=o["jahr"] or timezone.localdate().year,
            dok_je_akte=o["dokumente"],
            pfad=musterdatei(),
            sha=hashlib.sha256(MUSTER_PDF).hexdigest(),
            koerper=koerper,
            vektoren=vektoren,
        )
        start = time.monotonic()
        # Numbers and AZR ranges are handed out up front, so batches never wait for each other.
        with transaction.atomic():
            erste = aktenzeichen_reservieren(v.behoerde_id, v.jahr, o["akten"]) if o["akten"] else 0
        azr = self._azr_start(v.behoerde_id, rnd)
        stapel = []
        for beginn in range(0, o["akten"], o["stapel"]):
            n = min(o["stapel"], o["akten"] - beginn)
            stapel.append(Stapel(n, erste + beginn, azr + beginn * AZR_SCHRITT, rnd.getrandbits(63)))
        # Inside a surrounding transaction (tests) other connections would not see its rows: work serially there.
        parallel = 1 if connection.in_atomic_block else min(o["parallel"], len(stapel) or 1)
        with connection.cursor() as cursor:
            gin = _gin_indizes(cursor)
            for name in gin:  # collect the batches' entries in a pending list, merged in bulk below
                cursor.execute(f"ALTER INDEX {connection.ops.quote_name(name)} SET (fastupdate = on)")
        try:
            self._ausfuehren(v, stapel, parallel, o["verbosity"])
        finally:
            with connection.cursor() as cursor:
                for name in gin:  # merged now, and without a pending list again as the models have it (dms 0030)
                    cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [name])
                    cursor.execute(f"ALTER INDEX {connection.ops.quote_name(name)} SET (fastupdate = off)")
        with connection.cursor() as cursor:
            # Fresh row estimates for the admin's paginator and the planner; not the 2 KB texts themselves.
            for tabelle, spalten in ANALYSE.items():
                cursor.execute(f"ANALYZE {tabelle} ({spalten})")
        dauer = time.monotonic() - start
        rate = o["akten"] / dauer if dauer else 0.0
        self.stdout.write(
            self.style.SUCCESS(
                f"{o['akten']} Akten mit {o['akten'] * o['dokumente']} Dokumenten für {behoerde.kuerzel} erzeugt "
                f"in {dauer:.1f} s ({rate:.0f} Akten/s)."
            )
        )

    def _ausfuehren(self, v: Vorgaben, stapel: list[Stapel], parallel: int, verbosity: int) -> None:
        if parallel == 1:
            for s in stapel:
                self._stapel(v, s)
            return
        offen: queue.Queue[Stapel] = queue.Queue()
        for s in stapel:
            offen.put(s)
        fehler: list[BaseException] = []

        def arbeiter() -> None:
            try:
                while not fehler:
                    try:
                        s = offen.get_nowait()
                    except queue.Empty:
                        return
                    self._stapel(v, s)
                    if verbosity >= 2:
                        self.stdout.write(f"Stapel ab Nummer {s.erste_nummer} fertig")
            except BaseException as exc:
                fehler.append(exc)
            finally:
                connection.close()  # this thread's own connection

        threads = [threading.Thread(target=arbeiter, name=f"testbestand-{i}") for i in range(parallel)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if fehler:
            raise CommandError(f"Erzeugen abgebrochen: {fehler[0]}") from fehler[0]

    @transaction.atomic
    def _stapel(self, v: Vorgaben, s: Stapel) -> None:
        rnd = random.Random(s.seed)  # noqa: S311 - test data, not security
        jetzt = timezone.now()
        with connection.cursor() as cursor:
            # Collect new search-index entries in a larger pending list (GIN fastupdate, switched on for the run by
            # `handle`) and merge them in bulk; `handle` merges the rest at the end.
            cursor.execute("SET LOCAL gin_pending_list_limit = '32MB'")
        personen = [zufallsperson(rnd) for _ in range(s.anzahl)]
        azr = s.azr_basis
        for p, pid in zip(personen, _ids(Person, s.anzahl), strict=True):
            azr += rnd.randint(1, AZR_SCHRITT)
            p.update(id=pid, uuid=uuid.uuid4(), behoerde_id=v.behoerde_id, azr_nummer=f"{azr:012d}")
        _copy("dms_person", _spalten(Person), personen, jetzt)

        akten = []
        for i, (p, aid) in enumerate(zip(personen, _ids(Akte, s.anzahl), strict=True)):
            team = team_fuer(v.teams, p["familienname"])
            akten.append(
                {
                    "id": aid,
                    "uuid": uuid.uuid4(),
                    "behoerde_id": v.behoerde_id,
                    "person_id": p["id"],
                    "aktenzeichen": aktenzeichen_formatieren(v.kuerzel, v.jahr, s.erste_nummer + i),
                    "team_id": team.pk if team else None,
                    "medium": rnd.choice(["elektronisch", "elektronisch", "hybrid"]),
                }
            )
        _copy("dms_akte", _spalten(Akte), akten, jetzt)
        if v.dok_je_akte:
            self._dokumente(v, akten, personen, rnd, jetzt)

    def _azr_start(self, behoerde_id: int, rnd: random.Random) -> int:
        # Generated AZR numbers start with 9 and only grow, so they never collide with each other or earlier runs.
        hoechste = (
            Person.objects.filter(behoerde_id=behoerde_id, azr_nummer__startswith="9")
            .order_by("-azr_nummer")
            .values_list("azr_nummer", flat=True)
            .first()
        )
        return int(hoechste) if hoechste else 900_000_000_000 + rnd.randint(0, 10**6)

    def _dokumente(
        self,
        v: Vorgaben,
        akten: list[dict[str, Any]],
        personen: list[dict[str, Any]],
        rnd: random.Random,
        jetzt: dt.datetime,
    ) -> None:
        arten, dok_je_akte, koerper = v.arten, v.dok_je_akte, v.koerper
        dok_ids = iter(_ids(Dokument, len(akten) * dok_je_akte))
        dokumente, versionen = [], []
        for akte, p in zip(akten, personen, strict=True):
            name = f"{p['familienname']}, {p['vornamen']}"
            for _ in range(dok_je_akte):
                schluessel, bezeichnung, register_id = rnd.choice(arten)
                eingang = dt.date(2015, 1, 1) + dt.timedelta(days=rnd.randrange(0, 4000))
                kopf = f"{bezeichnung} – {name}, geb. {p['geburtsdatum']:%d.%m.%Y}, Az. {akte['aktenzeichen']}"
                dok_id = next(dok_ids)
                nr = rnd.randrange(len(koerper))
                dokumente.append(
                    {
                        "id": dok_id,
                        "uuid": uuid.uuid4(),
                        "akte_id": akte["id"],
                        "behoerde_id": akte["behoerde_id"],  # the trigger would set it; the staging table needs it
                        "register_id": register_id,
                        "titel": f"{bezeichnung} {name}"[:300],
                        "art": schluessel[:50],
                        "richtung": rnd.choice(["eingang", "eingang", "ausgang", "intern"]),
                        "eingangsdatum": eingang,
                        "quelle": "altakte",
                        "ocr_status": "fertig",
                        "seiten": 1,
                        "blatt": 1,
                        "text": f"{kopf}\n{koerper[nr]}",
                        "kopf": kopf,
                        "koerper": nr,
                    }
                )
                versionen.append(
                    {
                        "uuid": uuid.uuid4(),
                        "dokument_id": dok_id,
                        "nummer": 1,
                        "original": v.pfad,
                        "dateiname": "testbestand.pdf",
                        "sha256": v.sha,
                        "groesse": len(MUSTER_PDF),
                        "mime_type": "application/pdf",
                        "seiten": 1,
                        "blatt": 1,
                    }
                )
        spalten = _spalten(Dokument)
        namen = _spaltennamen(spalten)
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE TEMP TABLE IF NOT EXISTS tb_koerper AS SELECT (nr - 1)::integer AS nr, v::tsvector AS vec "
                "FROM unnest(%s::text[]) WITH ORDINALITY AS u(v, nr)",
                [v.vektoren],
            )
            # Stage without indexes, then one INSERT that computes the search vector in SQL (one heap write).
            cursor.execute(
                "DROP TABLE IF EXISTS tb_dokument; CREATE TEMP TABLE tb_dokument (LIKE dms_dokument) ON COMMIT DROP; "
                "ALTER TABLE tb_dokument ADD COLUMN kopf text, ADD COLUMN koerper integer"
            )
        _copy("tb_dokument", spalten, dokumente, jetzt, extra=("kopf", "koerper"))
        d_namen = ", ".join(f"d.{connection.ops.quote_name(_spalte(f))}" for f in spalten)
        with connection.cursor() as cursor:
            # Same result as to_tsvector over the whole text: the header's vector followed by the body's (positions
            # shifted by ||); each distinct body was analysed once per run (tb_koerper), which makes this fast.
            cursor.execute(
                f"INSERT INTO dms_dokument ({namen}, suchvektor) SELECT {d_namen}, "  # noqa: S608 - names from the model
                "setweight(to_tsvector('german', d.titel), 'A') "
                "|| setweight(to_tsvector('german', d.kopf) || k.vec, 'B') "
                "FROM tb_dokument d JOIN tb_koerper k ON k.nr = d.koerper"
            )
        _copy("dms_dokumentversion", _spalten(DokumentVersion, mit_id=False), versionen, jetzt)
