"""Generated labelled examples: documents of every kind (page texts as OCR returns them), legacy files assembled
from them with blank backs, scanner noise and the occasional separator sheet, and incoming letters.

Used to build the training set kept in the repository (`daten/training.jsonl`, seed 1), by the tests and by the
benchmark (other seeds, never seen in training). Everything is fictitious; names come from short lists.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, ImageDraw

from .arten import ARTEN, register_der_art
from .bildmerkmale import bildmerkmale

PRESSE = Path(__file__).resolve().parent / "daten" / "presse"

VORNAMEN = ["Ahmad", "Olena", "Mehmet", "Fatima", "Ivan", "Aylin", "Samir", "Maria", "Yusuf", "Nadia", "Dragan", "Lina"]
NACHNAMEN = ["Yilmaz", "Kovalenko", "Haddad", "Popescu", "Nowak", "Rahimi", "Okafor", "Demir", "Petrov", "Silva"]
STAEDTE = ["Offenbach am Main", "Heppenheim", "Darmstadt", "Hannover", "Kassel", "Gießen", "Wiesbaden"]
BEHOERDEN = [
    "Stadt Offenbach – Ausländerbehörde",
    "Kreis Bergstraße – Ausländer- und Migrationsamt",
    "Landeshauptstadt Hannover – Ausländerbehörde",
    "Stadt Darmstadt – Amt für Migration",
]
STAATEN = ["Türkei", "Ukraine", "Syrien", "Rumänien", "Nigeria", "Afghanistan", "Serbien", "Brasilien", "Irak"]
FUELLSAETZE = [
    "Wir bitten um Beachtung der nachstehenden Hinweise.",
    "Für Rückfragen stehen wir Ihnen zu den Sprechzeiten zur Verfügung.",
    "Bitte geben Sie bei Schriftverkehr stets das Aktenzeichen an.",
    "Die Unterlagen wurden vollständig zur Akte genommen.",
    "Die Angaben wurden anhand der vorgelegten Unterlagen geprüft.",
    "Eine Kopie dieses Schreibens erhält die zuständige Stelle zur Kenntnis.",
    "Bitte bringen Sie zum Termin alle Originale mit.",
    "Der Vorgang wird unter dem oben genannten Zeichen geführt.",
]


def _datum(rng: random.Random) -> str:
    return f"{rng.randint(1, 28):02d}.{rng.randint(1, 12):02d}.{rng.randint(1995, 2025)}"


def _name(rng: random.Random) -> str:
    return f"{rng.choice(VORNAMEN)} {rng.choice(NACHNAMEN)}"


def _az(rng: random.Random) -> str:
    return f"{rng.choice(['OF', 'HP', 'DA', 'H'])}-{rng.randint(2005, 2025)}-{rng.randint(1, 999999):06d}"


def _fuell(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(FUELLSAETZE) for _ in range(n))


def _kopf(rng: random.Random, betreff: str) -> str:
    person = _name(rng)
    return (
        f"{rng.choice(BEHOERDEN)}\n{rng.choice(STAEDTE)}, den {_datum(rng)}\nAktenzeichen: {_az(rng)}\n"
        f"Herrn/Frau {person}\ngeb. {_datum(rng)}\n\nBetreff: {betreff}\n"
    )


def _anrede(rng: random.Random) -> str:
    return rng.choice(["Sehr geehrte Damen und Herren,", "Sehr geehrter Herr", "Sehr geehrte Frau", "Guten Tag,"])


def _fortsetzung(rng: random.Random, n: int) -> str:
    return _fuell(rng, n)


# ---------------------------------------------------------------- one generator per kind: a list of page texts


def _meldebescheinigung(rng: random.Random) -> list[str]:
    return [
        f"Meldebehörde {rng.choice(STAEDTE)}\nMeldebescheinigung\nzur Vorlage bei einer Behörde\n"
        f"Familienname: {rng.choice(NACHNAMEN)}\nVornamen: {rng.choice(VORNAMEN)}\nGeburtsdatum: {_datum(rng)}\n"
        f"Anschrift: {rng.choice(['Hauptstr.', 'Bahnhofstr.', 'Ringstr.'])} {rng.randint(1, 99)}\n"
        f"Einzugsdatum: {_datum(rng)}\nWohnungsstatus: {rng.choice(['Hauptwohnung', 'alleinige Wohnung'])}\n"
        "Die Anmeldung wurde im Melderegister erfasst. " + _fuell(rng, 1)
    ]


def _passkopie(rng: random.Random) -> list[str]:
    nach, vor = rng.choice(NACHNAMEN).upper(), rng.choice(VORNAMEN).upper()
    mrz = f"P<{rng.choice(['TUR', 'UKR', 'SYR', 'ROU', 'NGA'])}{nach}<<{vor}".ljust(44, "<")
    zweite = f"{rng.randint(10**8, 10**9 - 1)}<{rng.randint(0, 9)}XXX{rng.randint(100000, 999999)}".ljust(44, "<")
    seiten = [
        f"{rng.choice(['REISEPASS', 'PASSPORT', 'PASAPORTE', 'PASAPORT'])}\n"
        f"Typ/Type P  Code {rng.choice(['TUR', 'UKR', 'SYR'])}\nName/Surname {nach}\nGiven names {vor}\n"
        f"Date of birth {_datum(rng)}\nDate of expiry {_datum(rng)}\n{mrz}\n{zweite}"
    ]
    if rng.random() < 0.4:
        seiten.append(
            f"Visa / Visum\nNational visa D\nValid from {_datum(rng)} until {_datum(rng)}\n"
            f"Number of entries MULT\nRemarks: {rng.choice(['Erwerbstätigkeit gestattet', 'Familiennachzug'])}"
        )
    return seiten


def _antrag(rng: random.Random) -> list[str]:
    titel = rng.choice(
        [
            "Antrag auf Erteilung eines Aufenthaltstitels",
            "Antrag auf Verlängerung der Aufenthaltserlaubnis",
            "Antrag auf Erteilung einer Niederlassungserlaubnis",
        ]
    )
    seiten = [
        f"{titel}\n(Formular der Ausländerbehörde)\n1. Angaben zur Person\nFamilienname {rng.choice(NACHNAMEN)}\n"
        f"Vornamen {rng.choice(VORNAMEN)}\nGeburtsdatum {_datum(rng)}\nStaatsangehörigkeit {rng.choice(STAATEN)}\n"
        "2. Aufenthaltszweck [ ] Erwerbstätigkeit [ ] Studium [ ] Familiennachzug"
    ]
    seiten.append(
        "3. Bisherige Aufenthalte in Deutschland\n4. Lebensunterhalt und Krankenversicherung\n"
        "5. Erklärung: Ich versichere, die Angaben nach bestem Wissen gemacht zu haben.\n"
        f"Ort, Datum {rng.choice(STAEDTE)}, {_datum(rng)}  Unterschrift des Antragstellers"
    )
    return seiten


def _aufenthaltstitel(rng: random.Random) -> list[str]:
    seiten = [
        _kopf(rng, "Ihr Antrag auf Erteilung einer Aufenthaltserlaubnis")
        + f"{_anrede(rng)}\nBescheid\nIhnen wird gemäß § {rng.choice(['16b', '18b', '28', '30', '25'])} AufenthG "
        f"eine Aufenthaltserlaubnis befristet bis zum {_datum(rng)} erteilt. Nebenbestimmung: "
        f"{rng.choice(['Erwerbstätigkeit erlaubt.', 'Beschäftigung nur bei Arbeitgeber gestattet.'])}\n"
        + _fuell(rng, 2)
    ]
    if rng.random() < 0.7:
        seiten.append(
            "Begründung\n"
            + _fortsetzung(rng, 3)
            + "\nRechtsbehelfsbelehrung\nGegen diesen Bescheid kann innerhalb eines Monats nach Bekanntgabe "
            "Klage beim Verwaltungsgericht erhoben werden.\nMit freundlichen Grüßen\nIm Auftrag"
        )
    return seiten


def _fiktionsbescheinigung(rng: random.Random) -> list[str]:
    return [
        "Fiktionsbescheinigung\nBundesrepublik Deutschland\n(§ 81 Abs. 4 AufenthG)\n"
        f"Name {rng.choice(NACHNAMEN)} Vorname {rng.choice(VORNAMEN)}\nGeburtsdatum {_datum(rng)}\n"
        f"Der Aufenthaltstitel gilt bis zur Entscheidung der Ausländerbehörde als fortbestehend. "
        f"Gültig bis {_datum(rng)}\nSeriennummer {rng.randint(10**6, 10**7)}\nAusstellende Behörde "
        f"{rng.choice(BEHOERDEN)}"
    ]


def _verpflichtungserklaerung(rng: random.Random) -> list[str]:
    seiten = [
        "Verpflichtungserklärung\ngemäß §§ 66, 68 Aufenthaltsgesetz\n(bundeseinheitliches Formular)\n"
        f"Ich, {_name(rng)}, geboren am {_datum(rng)}, wohnhaft in {rng.choice(STAEDTE)}, verpflichte mich "
        f"gegenüber der Ausländerbehörde, für den Lebensunterhalt des Ausländers {_name(rng)} aus "
        f"{rng.choice(STAATEN)} einschließlich Versorgung im Krankheitsfall aufzukommen.\n"
        f"Dauer des Aufenthalts vom {_datum(rng)} bis {_datum(rng)}"
    ]
    seiten.append(
        "Hinweise zur Verpflichtungserklärung\nDer Verpflichtungsgeber wurde über Umfang und Dauer der Haftung "
        "belehrt. Die Bonität wurde geprüft: Einkommensnachweis vorgelegt.\nUnterschrift des Verpflichtungsgebers\n"
        "Beglaubigung der Unterschrift durch die Ausländerbehörde"
    )
    return seiten


def _arbeitsvertrag(rng: random.Random) -> list[str]:
    firma = rng.choice(["Logistik GmbH", "Pflegedienst Sonne", "Bau AG", "Gastro KG", "IT Solutions GmbH"])
    if rng.random() < 0.4:
        return [
            f"{firma}\nEntgeltabrechnung {rng.choice(['Januar', 'März', 'Juli', 'Oktober'])} {rng.randint(2010, 2025)}"
            f"\nPersonalnummer {rng.randint(1000, 9999)}\nBrutto {rng.randint(1800, 5200)},00 EUR\n"
            f"Lohnsteuer, Sozialversicherung\nNetto {rng.randint(1300, 3500)},00 EUR\nAuszahlungsbetrag"
        ]
    return [
        f"Arbeitsvertrag\nzwischen der {firma} (Arbeitgeber) und {_name(rng)} (Arbeitnehmer)\n"
        f"§ 1 Beginn des Arbeitsverhältnisses am {_datum(rng)}\n§ 2 Tätigkeit als "
        f"{rng.choice(['Lagerist', 'Pflegefachkraft', 'Softwareentwickler', 'Koch'])}\n"
        f"§ 3 Vergütung brutto {rng.randint(1800, 5200)} EUR monatlich\n§ 4 Arbeitszeit 40 Stunden",
        "§ 5 Urlaub\n§ 6 Kündigungsfristen\n" + _fortsetzung(rng, 2) + "\nUnterschrift Arbeitgeber  Unterschrift "
        "Arbeitnehmer",
    ]


def _familie(rng: random.Random) -> list[str]:
    urkunde = rng.choice(["Heiratsurkunde", "Geburtsurkunde", "Eheurkunde", "Auszug aus dem Familienregister"])
    return [
        f"Standesamt {rng.choice(STAEDTE)}\n{urkunde}\nEhefrau / Mutter {_name(rng)}\nEhemann / Vater {_name(rng)}\n"
        f"Kind {_name(rng)} geboren am {_datum(rng)}\nBeglaubigte Übersetzung aus dem "
        f"{rng.choice(['Arabischen', 'Türkischen', 'Ukrainischen'])}\n"
        + rng.choice(["Familiennachzug: Unterlage zum Antrag", "Der Standesbeamte", "Siegel"])
    ]


def _sozialleistungen(rng: random.Random) -> list[str]:
    stelle = rng.choice(["Jobcenter", "Sozialamt", "Wohngeldstelle", "Jobcenter Kreis Bergstraße"])
    seiten = [
        f"{stelle} {rng.choice(STAEDTE)}\nBewilligungsbescheid\nLeistungen zur Sicherung des Lebensunterhalts "
        f"(Bürgergeld) nach dem SGB II\nBedarfsgemeinschaft Nummer {rng.randint(10**6, 10**7)}\n"
        f"Bewilligungszeitraum {_datum(rng)} bis {_datum(rng)}\nmonatlicher Gesamtbetrag {rng.randint(400, 1900)} EUR"
    ]
    if rng.random() < 0.5:
        seiten.append("Berechnung der Leistungen\nRegelbedarf, Kosten der Unterkunft\n" + _fortsetzung(rng, 2))
    return seiten


def _strafsache(rng: random.Random) -> list[str]:
    return [
        f"Staatsanwaltschaft {rng.choice(['Darmstadt', 'Frankfurt am Main', 'Hannover'])}\n"
        f"Mitteilung in Strafsachen (MiStra Nr. 42)\nErmittlungsverfahren gegen {_name(rng)} wegen "
        f"{rng.choice(['Diebstahls', 'Körperverletzung', 'Betruges', 'Fahrens ohne Fahrerlaubnis'])}\n"
        f"Az. {rng.randint(100, 999)} Js {rng.randint(1000, 99999)}/{rng.randint(10, 25)}\n"
        f"{rng.choice(['Strafbefehl vom', 'Anklage erhoben am', 'Einstellung nach § 170 StPO am'])} {_datum(rng)}\n"
        + _fuell(rng, 1)
    ]


def _ausweisung(rng: random.Random) -> list[str]:
    was = rng.choice(
        [
            ("Ausweisungsverfügung", "werden Sie aus der Bundesrepublik Deutschland ausgewiesen (§ 53 AufenthG)."),
            ("Abschiebungsandrohung", "wird Ihnen die Abschiebung angedroht, falls Sie nicht ausreisen."),
            ("Duldung", "wird die Abschiebung vorübergehend ausgesetzt (Duldung nach § 60a AufenthG)."),
        ]
    )
    seiten = [
        _kopf(rng, was[0]) + f"{_anrede(rng)}\n{was[0]}\nHiermit {was[1]} Die Ausreisefrist endet am {_datum(rng)}. "
        "Ein Einreise- und Aufenthaltsverbot wird befristet.\n" + _fuell(rng, 1)
    ]
    seiten.append(
        "Begründung\nDas Ausweisungsinteresse überwiegt das Bleibeinteresse. "
        + _fortsetzung(rng, 2)
        + "\nRechtsbehelfsbelehrung\nKlage beim Verwaltungsgericht binnen eines Monats."
    )
    return seiten


def _asyl(rng: random.Random) -> list[str]:
    return [
        "Bundesamt für Migration und Flüchtlinge\n"
        f"{rng.choice(['Außenstelle Gießen', 'Außenstelle Darmstadt', 'Referat Asylverfahren'])}\n"
        f"Gesch.-Z.: {rng.randint(1000000, 9999999)}-{rng.randint(100, 999)}\n"
        f"{rng.choice(['Bescheid im Asylverfahren', 'Niederschrift über die Anhörung', 'Asylantrag'])}\n"
        f"Antragsteller {_name(rng)}, Herkunftsland {rng.choice(STAATEN)}\n"
        + rng.choice(
            [
                "Die Flüchtlingseigenschaft wird zuerkannt.",
                "Der subsidiäre Schutzstatus wird zuerkannt.",
                "Der Asylantrag wird abgelehnt.",
            ]
        )
    ]


def _gericht(rng: random.Random) -> list[str]:
    return [
        f"Verwaltungsgericht {rng.choice(['Darmstadt', 'Frankfurt am Main', 'Hannover', 'Kassel'])}\n"
        f"Az.: {rng.randint(1, 9)} K {rng.randint(100, 9999)}/{rng.randint(10, 25)}.DA\n"
        f"In dem Verwaltungsstreitverfahren {_name(rng)} gegen {rng.choice(BEHOERDEN)}\n"
        f"{rng.choice(['Urteil', 'Beschluss', 'Ladung zur mündlichen Verhandlung', 'Eingangsbestätigung der Klage'])}"
        f"\nIm Namen des Volkes\n" + _fuell(rng, 1),
        "Gründe\n" + _fortsetzung(rng, 3) + "\nDie Kosten des Verfahrens trägt der Kläger.\nDer Vorsitzende Richter",
    ][: rng.choice([1, 2])]


AMTSHANDLUNGEN = ["Erteilung der Aufenthaltserlaubnis", "Ausstellung der Fiktionsbescheinigung", "Verlängerung"]


def _gebuehren(rng: random.Random) -> list[str]:
    return [
        f"{rng.choice(BEHOERDEN)}\nGebührenbescheid\nKassenzeichen {rng.randint(10**9, 10**10 - 1)}\n"
        f"Für die Amtshandlung {rng.choice(AMTSHANDLUNGEN)} wird eine Gebühr nach § 45 AufenthV "
        f"von {rng.choice(['100,00', '93,00', '98,00', '13,00'])} EUR festgesetzt.\n"
        f"Zahlungsfrist {_datum(rng)}\nBankverbindung IBAN DE{rng.randint(10**19, 10**20 - 1)}"
    ]


def _schreiben(rng: random.Random) -> list[str]:
    """Correspondence that is none of the legal categories: the confusers the keyword rules fell for."""
    art = rng.choice(["anwalt", "anwalt", "rat", "presse", "behoerde", "buerger"])
    if art == "anwalt":
        return [
            f"Rechtsanwältin {_name(rng)}\nKanzlei für Migrationsrecht\nAn die Ausländerbehörde\n"
            f"In Sachen {_name(rng)}, Ihr Zeichen {_az(rng)}\n{_anrede(rng)}\n"
            f"wir bitten um Verlängerung der Frist zur Stellungnahme bis zum {_datum(rng)}. "
            f"Die Verpflichtung nach § {rng.choice(['68', '82', '48', '60a'])} AufenthG ist unserer Mandantschaft "
            "bekannt; Unterlagen werden nachgereicht. Akteneinsicht wird beantragt.\nMit freundlichen Grüßen"
        ]
    if art == "rat":
        return [
            f"Die Stadtverordnetenversammlung\nTagesordnung Punkt {rng.randint(1, 30)} der öffentlichen Sitzung am "
            f"{_datum(rng)}\nVorlagen-Nr. {rng.randint(10, 99)}-V-{rng.randint(1, 99):02d}\nBeschluss Nr. "
            f"{rng.randint(100, 999)}\nDem Antrag des Magistrats wird zugestimmt. Die Mittel werden "
            "bereitgestellt.\n" + _fuell(rng, 1)
        ]
    if art == "presse":
        texte = sorted(PRESSE.glob("*.txt"))
        roh = texte[rng.randrange(len(texte))].read_text(encoding="utf-8") if texte else ""
        worte = roh.split()
        start = rng.randint(0, max(0, len(worte) - 120))
        return ["Pressemitteilung\n" + " ".join(worte[start : start + rng.randint(60, 120)])]
    if art == "behoerde":
        return [
            f"{rng.choice(['Bürgeramt', 'Standesamt', 'Landratsamt', 'Regierungspräsidium'])} "
            f"{rng.choice(STAEDTE)}\nAn die Ausländerbehörde\nAmtshilfeersuchen / Anfrage\n{_anrede(rng)}\n"
            "wir bitten um Mitteilung der aktuellen Anschrift und um Übersendung einer Kopie. " + _fuell(rng, 2)
        ]
    return [
        f"{_name(rng)}\n{rng.choice(STAEDTE)}, {_datum(rng)}\nAn das Ausländeramt\n{_anrede(rng)}\n"
        f"ich teile mit, dass {rng.choice(['ich umgezogen bin', 'mein Termin nicht passt', 'mein Kind geboren ist'])}. "
        "Bitte rufen Sie mich an.\nMit freundlichen Grüßen"
    ]


ERZEUGER = {
    "meldebescheinigung": _meldebescheinigung,
    "passkopie": _passkopie,
    "antrag": _antrag,
    "aufenthaltstitel": _aufenthaltstitel,
    "fiktionsbescheinigung": _fiktionsbescheinigung,
    "verpflichtungserklaerung": _verpflichtungserklaerung,
    "arbeitsvertrag": _arbeitsvertrag,
    "familie": _familie,
    "sozialleistungen": _sozialleistungen,
    "strafsache": _strafsache,
    "ausweisung": _ausweisung,
    "asyl": _asyl,
    "gericht": _gericht,
    "gebuehren": _gebuehren,
    "schreiben": _schreiben,
}
assert set(ERZEUGER) == set(ARTEN)

# How often each kind appears in a legacy file (a residence file is mostly applications, titles and passports).
HAEUFIGKEIT = {
    "antrag": 10,
    "aufenthaltstitel": 8,
    "passkopie": 8,
    "fiktionsbescheinigung": 5,
    "meldebescheinigung": 5,
    "gebuehren": 7,
    "schreiben": 10,
    "arbeitsvertrag": 6,
    "familie": 4,
    "sozialleistungen": 4,
    "verpflichtungserklaerung": 3,
    "gericht": 3,
    "strafsache": 2,
    "ausweisung": 2,
    "asyl": 3,
}

_ERSETZUNGEN = [("e", "c"), ("i", "l"), ("m", "rn"), ("ä", "a"), ("ü", "u"), ("0", "O"), ("1", "l"), ("ß", "B")]


def rauschen(text: str, rng: random.Random, staerke: float = 0.02) -> str:
    """OCR-like noise: character confusions, dropped characters, broken words."""
    aus = []
    for ch in text:
        r = rng.random()
        if r < staerke:
            paare = [n for a, n in _ERSETZUNGEN if a == ch]
            aus.append(paare[0] if paare else "")
        elif r < staerke * 1.3 and ch.isalpha():
            aus.append(ch + " ")
        else:
            aus.append(ch)
    return "".join(aus)


def dokument_erzeugen(art: str, rng: random.Random, staerke: float = 0.02) -> list[str]:
    return [rauschen(s, rng, staerke) for s in ERZEUGER[art](rng)]


@dataclass
class Seite:
    text: str
    beginn: bool  # a new document begins on this page
    art: str  # the kind of the document this page belongs to ("" for a separator sheet)
    leer: bool = False
    trennblatt: str = ""  # the register number on a separator sheet
    bild: list[float] = field(default_factory=list)  # the page image's features (bildmerkmale), if rendered


@dataclass
class Altakte:
    seiten: list[Seite] = field(default_factory=list)

    def dokumente(self) -> list[tuple[int, int, str]]:
        """(first page, last page, kind), 1-based, separator sheets left out."""
        aus: list[tuple[int, int, str]] = []
        for nr, s in enumerate(self.seiten, 1):
            if s.trennblatt:
                continue
            if s.beginn or not aus:
                aus.append((nr, nr, s.art))
            else:
                von, _, art = aus[-1]
                aus[-1] = (von, nr, art)
        return aus

    def bilder(self) -> list[list[float]] | None:
        return [s.bild for s in self.seiten] if all(s.bild for s in self.seiten) else None


def _art_ziehen(rng: random.Random) -> str:
    arten = list(HAEUFIGKEIT)
    return rng.choices(arten, weights=[HAEUFIGKEIT[a] for a in arten])[0]


def altakte_erzeugen(
    rng: random.Random,
    min_seiten: int = 60,
    max_seiten: int = 160,
    trennblaetter: float = 0.0,
    bilder: bool = False,
    schlechte_ocr: float = 0.0,
) -> Altakte:
    """A paper file as scanned: documents in file order, blank backs (duplex), noise. With chance `trennblaetter`
    the file was prepared with register separator sheets: its documents sorted by register, a sheet before each.
    `bilder`: each page also rendered (seite_rendern) and its image features kept (own random stream: the texts
    stay those of the same seed without images). `schlechte_ocr`: share of documents whose text came out of OCR
    badly (handwritten forms, photo pages, faint copies: strong noise)."""
    ziel = rng.randint(min_seiten, max_seiten)
    staerke = rng.choice([0.005, 0.01, 0.02, 0.04])
    dokumente: list[tuple[str, list[str]]] = []
    seiten = 0
    schlecht_rng = random.Random(ziel * 31 + 7)  # noqa: S311  (test data)
    while seiten < ziel:
        art = _art_ziehen(rng)
        dokumente.append((art, dokument_erzeugen(art, rng, staerke)))
        if schlechte_ocr and schlecht_rng.random() < schlechte_ocr:
            dokumente[-1] = (art, [rauschen(t, schlecht_rng, 0.3) for t in dokumente[-1][1]])
        seiten += len(dokumente[-1][1])
    mit_trennblatt = rng.random() < trennblaetter
    if mit_trennblatt:
        dokumente.sort(key=lambda d: register_der_art(d[0]))
    akte = Altakte()
    register = ""
    for art, texte in dokumente:
        if mit_trennblatt and register_der_art(art) != register:
            register = register_der_art(art)
            akte.seiten.append(Seite("", False, "", trennblatt=register))
        for i, text in enumerate(texte):
            akte.seiten.append(Seite(text, i == 0, art))
            if rng.random() < 0.25:
                akte.seiten.append(Seite(rauschen(rng.choice(["", "", ".", "-", "'"]), rng), False, art, leer=True))
    if bilder:
        bild_rng = random.Random(ziel * 7919 + len(akte.seiten))  # noqa: S311  (test data)
        for s in akte.seiten:
            # The kind's traits on the document's first page only (the page after a separator sheet or a start).
            s.bild = bilder_erzeugen("" if s.leer or s.trennblatt else s.art, [s.text], bild_rng, s.beginn)[0]
    return akte


def brief_erzeugen(art: str, rng: random.Random) -> str:
    """An incoming letter: all its pages' text."""
    return "\n\f\n".join(dokument_erzeugen(art, rng, rng.choice([0.005, 0.01, 0.02])))


# ---------------------------------------------------------------- page images with the kinds' visual traits

# Which visual traits a kind's pages carry (first page / following pages), with the share of documents that show it:
# a copy may lack its letterhead, a passport copy its photo (only the data page copied in black and white), ...
BRIEFKOPF = {"aufenthaltstitel", "ausweisung", "sozialleistungen", "gebuehren", "gericht", "asyl", "strafsache"}
FORMULAR = {"antrag", "verpflichtungserklaerung", "fiktionsbescheinigung", "meldebescheinigung"}
FOTO = {"passkopie": 0.9, "fiktionsbescheinigung": 0.8}
BILD_BREITE, BILD_HOEHE = 283, 400  # an A4 page at about 34 dpi (what bildmerkmale works on)


def seite_rendern(text: str, art: str, erste: bool, rng: random.Random) -> Image.Image:
    """A page image at low resolution as a scanner would deliver it: text lines as word-shaped ink, and the kind's
    traits – letterhead (first page of an authority's letter or decision), form grid (applications, the
    Verpflichtungserklärung form, the Fiktionsbescheinigung), passport photo and MRZ band, a table (fee notices) –
    each missing now and then; grey background and specks as scanner noise."""
    grund = rng.randint(238, 255)
    bild = Image.new("L", (BILD_BREITE, BILD_HOEHE), grund)
    zeichnen = ImageDraw.Draw(bild)
    links, y = 28 + rng.randint(-4, 4), 30 + rng.randint(-4, 4)
    if erste and art in BRIEFKOPF and rng.random() < 0.85:
        zeichnen.rectangle((links, 14, links + 26, 34), fill=rng.randint(40, 110))  # coat of arms / logo
        zeichnen.rectangle((links + 34, 18, links + 34 + rng.randint(80, 150), 22), fill=60)
        zeichnen.rectangle((links + 34, 27, links + 34 + rng.randint(60, 120), 29), fill=90)
        zeichnen.line((links, 40, BILD_BREITE - links, 40), fill=120, width=1)
        y = 50
    if erste and art in FOTO and rng.random() < FOTO[art]:
        oben = y + rng.randint(0, 30)
        for dy in range(0, 56, 2):  # a photo: textured mid-grey block
            zeichnen.line((links, oben + dy, links + 42, oben + dy), fill=rng.randint(70, 150), width=2)
    if art == "passkopie" and erste and rng.random() < 0.9:
        for k in range(2):  # MRZ: two dense lines across the bottom
            zeilen_y = BILD_HOEHE - 60 + 12 * k + rng.randint(-3, 3)
            for x in range(links, BILD_BREITE - links, 4):
                zeichnen.rectangle((x, zeilen_y, x + 2, zeilen_y + 4), fill=rng.randint(20, 70))
    if art in FORMULAR and rng.random() < 0.85:
        schritt = rng.randint(18, 26)
        for zeile_y in range(y + 40, BILD_HOEHE - 60, schritt):
            zeichnen.line((links, zeile_y, BILD_BREITE - links, zeile_y), fill=rng.randint(90, 170), width=1)
        for x in (links, BILD_BREITE // 2, BILD_BREITE - links):
            zeichnen.line((x, y + 40, x, BILD_HOEHE - 60), fill=rng.randint(90, 170), width=1)
    if art == "gebuehren" and rng.random() < 0.8:
        for zeile_y in range(170, 250, 16):
            zeichnen.line((links, zeile_y, BILD_BREITE - links, zeile_y), fill=110, width=1)
    for zeile in text.splitlines():
        if y > BILD_HOEHE - 30:
            break
        x = links + (70 if erste and art in FOTO and y < 120 else 0)
        for wort in zeile.split():
            breite = min(BILD_BREITE - links - x, 2 * len(wort))
            if breite <= 0:
                break
            zeichnen.rectangle((x, y, x + breite, y + 3), fill=rng.randint(60, 140))
            x += breite + 3
        y += 9 + rng.randint(0, 2)
    for _ in range(rng.randint(0, 40)):  # specks
        px, py = rng.randrange(BILD_BREITE), rng.randrange(BILD_HOEHE)
        zeichnen.point((px, py), fill=rng.randint(0, 120))
    return bild


def bilder_erzeugen(art: str, seiten: list[str], rng: random.Random, erste: bool = True) -> list[list[float]]:
    """The image features of a generated document's pages (the first is its first page unless `erste` is False;
    blank pages: a blank scan)."""
    aus = []
    for i, text in enumerate(seiten):
        leer = not text.strip() or not art
        bild = seite_rendern("" if leer else text, "" if leer else art, erste and i == 0, rng)
        aus.append(bildmerkmale(bild))
    return aus
