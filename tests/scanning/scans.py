"""Generated scans for tests and benchmarks: German letters rendered at 300 dpi with DejaVu, noise and rotation."""

from __future__ import annotations

import io
import random
from dataclasses import dataclass, field
from datetime import date

from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
FONT_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
DPI = 300
A4 = (2480, 3508)  # pixels at 300 dpi


@dataclass
class Brief:
    """The content of one letter; every field optional, so tests can leave out what they do not want found."""

    absender: str = "Kanzlei Weber und Partner, Kaiserstraße 12, 63065 Offenbach"
    name: str = ""  # "Ayşe Öztürk"
    geburtsdatum: str = ""  # already formatted as the letter writes it
    aktenzeichen: str = ""
    azr_nummer: str = ""
    betreff: str = "Ihr Schreiben vom 3. März 2026"
    absaetze: list[str] = field(
        default_factory=lambda: [
            "Sehr geehrte Damen und Herren,",
            "wir übersenden Ihnen die angeforderten Unterlagen zur weiteren Bearbeitung. Bitte prüfen Sie die "
            "beigefügten Nachweise und teilen Sie uns mit, ob weitere Unterlagen benötigt werden.",
            "Für Rückfragen stehen wir Ihnen gern zur Verfügung.",
            "Mit freundlichen Grüßen",
            "Im Auftrag",
        ]
    )


def _umbrechen(text: str, font: ImageFont.FreeTypeFont, breite: int, zeichner: ImageDraw.ImageDraw) -> list[str]:
    zeilen, zeile = [], ""
    for wort in text.split():
        probe = f"{zeile} {wort}".strip()
        if zeichner.textlength(probe, font=font) > breite and zeile:
            zeilen.append(zeile)
            zeile = wort
        else:
            zeile = probe
    if zeile:
        zeilen.append(zeile)
    return zeilen


def brief_bild(brief: Brief, *, seed: int = 1, drehung: float = 0.7, rauschen: float = 0.002) -> Image.Image:
    """One A4 page at 300 dpi in grayscale, slightly rotated and with salt-and-pepper noise, like a feeder scan."""
    rnd = random.Random(seed)
    bild = Image.new("L", A4, 255)
    z = ImageDraw.Draw(bild)
    normal = ImageFont.truetype(FONT, 42)  # ~10 pt at 300 dpi
    fett = ImageFont.truetype(FONT_BOLD, 46)
    x, y = 250, 250
    z.text((x, y), brief.absender, font=ImageFont.truetype(FONT, 30), fill=40)
    y += 250
    z.text((x, y), "Stadt Offenbach – Ausländerbehörde", font=normal, fill=0)
    y += 60
    z.text((x, y), "Berliner Straße 100, 63065 Offenbach am Main", font=normal, fill=0)
    y += 200
    z.text((1600, y), "Offenbach, 12.03.2026", font=normal, fill=0)
    y += 120
    z.text((x, y), f"Betreff: {brief.betreff}", font=fett, fill=0)
    y += 90
    if brief.name:
        zeile = f"Name: {brief.name}"
        if brief.geburtsdatum:
            zeile += f", geb. am {brief.geburtsdatum}"
        z.text((x, y), zeile, font=normal, fill=0)
        y += 70
    if brief.aktenzeichen:
        z.text((x, y), f"Ihr Aktenzeichen: {brief.aktenzeichen}", font=normal, fill=0)
        y += 70
    if brief.azr_nummer:
        z.text((x, y), f"AZR-Nummer: {brief.azr_nummer}", font=normal, fill=0)
        y += 70
    y += 80
    for absatz in brief.absaetze:
        for zeile in _umbrechen(absatz, normal, A4[0] - 2 * x, z):
            z.text((x, y), zeile, font=normal, fill=0)
            y += 62
        y += 40
    if rauschen:
        px = bild.load()
        for _ in range(int(A4[0] * A4[1] * rauschen)):
            px[rnd.randrange(A4[0]), rnd.randrange(A4[1])] = rnd.choice((0, 90, 255))
    if drehung:
        bild = bild.rotate(drehung, resample=Image.Resampling.BILINEAR, fillcolor=255)
    bild.info["dpi"] = (DPI, DPI)
    return bild


def leere_seite(seed: int = 2, rauschen: float = 0.0003) -> Image.Image:
    rnd = random.Random(seed)
    bild = Image.new("L", A4, 255)
    px = bild.load()
    for _ in range(int(A4[0] * A4[1] * rauschen)):
        px[rnd.randrange(A4[0]), rnd.randrange(A4[1])] = rnd.choice((60, 120))
    bild.info["dpi"] = (DPI, DPI)
    return bild


def pdf_aus_bildern(bilder: list[Image.Image], qualitaet: int = 70) -> bytes:
    """A scanner-style PDF: each page one JPEG image at 300 dpi, no text layer."""
    puffer = io.BytesIO()
    rgb = [b.convert("L") for b in bilder]
    rgb[0].save(puffer, format="PDF", save_all=True, append_images=rgb[1:], resolution=DPI, quality=qualitaet)
    return puffer.getvalue()


def tiff_aus_bildern(bilder: list[Image.Image]) -> bytes:
    puffer = io.BytesIO()
    bilder[0].save(
        puffer, format="TIFF", save_all=True, append_images=bilder[1:], compression="tiff_lzw", dpi=(DPI, DPI)
    )
    return puffer.getvalue()


def jpeg(bild: Image.Image) -> bytes:
    puffer = io.BytesIO()
    bild.save(puffer, format="JPEG", quality=80, dpi=(DPI, DPI))
    return puffer.getvalue()


def born_digital_pdf(seiten: int, text: str = "Bescheid über die Verlängerung der Aufenthaltserlaubnis") -> bytes:
    """A PDF with a real text layer (reportlab), as the Fachverfahren or a lawyer's office sends it."""
    from reportlab.lib.pagesizes import A4 as RL_A4
    from reportlab.pdfgen import canvas

    puffer = io.BytesIO()
    c = canvas.Canvas(puffer, pagesize=RL_A4)
    for i in range(seiten):
        c.setFont("Helvetica", 12)
        y = 780
        for zeile in range(30):
            c.drawString(60, y, f"Seite {i + 1}, Zeile {zeile + 1}: {text}")
            y -= 22
        c.showPage()
    c.save()
    return puffer.getvalue()


def deckblatt_bild(aktenzeichen: str) -> Image.Image:
    """The system's cover sheet for a file, printed and scanned back (rasterised at 300 dpi, slight rotation)."""
    from pdf2image import convert_from_bytes

    from scanning.deckblatt import deckblatt_pdf

    seite = convert_from_bytes(deckblatt_pdf(aktenzeichen=aktenzeichen, behoerde_name="Stadt Offenbach"), dpi=DPI)[0]
    seite = seite.convert("L").rotate(0.5, fillcolor=255)
    seite.info["dpi"] = (DPI, DPI)
    return seite


def datum_de(d: date, form: int = 0) -> str:
    monate = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
              "November", "Dezember"]  # fmt: skip
    if form == 1:
        return f"{d.day}. {monate[d.month - 1]} {d.year}"
    if form == 2:
        return f"{d:%d.%m.%y}"
    return f"{d:%d.%m.%Y}"


# --- Bad input -------------------------------------------------------------------------------------------------


def kleines_pdf() -> bytes:
    return pdf_aus_bildern([brief_bild(Brief(), seed=99, rauschen=0)])


def abgeschnittenes_pdf() -> bytes:
    daten = kleines_pdf()
    return daten[: len(daten) // 2]


def verschluesseltes_pdf() -> bytes:
    import pikepdf

    puffer = io.BytesIO()
    with pikepdf.open(io.BytesIO(kleines_pdf())) as pdf:
        pdf.save(puffer, encryption=pikepdf.Encryption(user="geheim", owner="geheimer", R=6))
    return puffer.getvalue()


def pdf_mit_javascript() -> bytes:
    import pikepdf

    puffer = io.BytesIO()
    with pikepdf.open(io.BytesIO(kleines_pdf())) as pdf:
        pdf.Root.OpenAction = pdf.make_indirect(
            pikepdf.Dictionary(Type=pikepdf.Name.Action, S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)"))
        )
        pdf.save(puffer)
    return puffer.getvalue()


def pdf_mit_seiten(anzahl: int) -> bytes:
    import pikepdf

    puffer = io.BytesIO()
    with pikepdf.new() as pdf:
        for _ in range(anzahl):
            pdf.add_blank_page(page_size=(595, 842))
        pdf.save(puffer)
    return puffer.getvalue()


def dekompressionsbombe_png(kante: int = 40_000) -> bytes:
    """A PNG whose header claims kante x kante pixels (1.6 billion) with a tiny body: Pillow must refuse it."""
    import struct
    import zlib

    def chunk(typ: bytes, daten: bytes) -> bytes:
        return struct.pack(">I", len(daten)) + typ + daten + struct.pack(">I", zlib.crc32(typ + daten) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", kante, kante, 1, 0, 0, 0, 0)
    zeile = b"\x00" + b"\x00" * (kante // 8)
    idat = zlib.compress(zeile * 64, 9)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


HTML_ALS_PDF = b"<!DOCTYPE html><html><head><title>x</title></head><body><script>alert(1)</script></body></html>"


def pdf_mit_aktivem_inhalt(wo: str) -> bytes:
    """Active content written inline (direct objects), where the probe put it and where else it can sit."""
    import pikepdf

    def aktion(art: str, **werte: object) -> pikepdf.Dictionary:
        return pikepdf.Dictionary(S=pikepdf.Name("/" + art), **werte)

    puffer = io.BytesIO()
    with pikepdf.open(io.BytesIO(kleines_pdf())) as pdf:
        seite = pdf.pages[0].obj
        if wo == "katalog":
            pdf.Root.OpenAction = aktion("JavaScript", JS=pikepdf.String("app.alert(1)"))
        elif wo == "seite_aa":
            seite.AA = pikepdf.Dictionary(O=aktion("JavaScript", JS=pikepdf.String("app.alert(2)")))
        elif wo == "annotation_launch":
            seite.Annots = pikepdf.Array(
                [
                    pikepdf.Dictionary(
                        Type=pikepdf.Name.Annot,
                        Subtype=pikepdf.Name.Link,
                        Rect=[0, 0, 100, 100],
                        A=aktion("Launch", F=pikepdf.String("cmd.exe")),
                    )
                ]
            )
        elif wo == "namensbaum":
            pdf.Root.Names = pikepdf.Dictionary(
                JavaScript=pikepdf.Dictionary(
                    Names=pikepdf.Array([pikepdf.String("a"), aktion("JavaScript", JS=pikepdf.String("x"))])
                )
            )
        elif wo == "formularversand":
            pdf.Root.OpenAction = aktion("SubmitForm", F=pikepdf.String("https://example.invalid/"))
        elif wo == "xfa":
            pdf.Root.AcroForm = pikepdf.Dictionary(Fields=pikepdf.Array(), XFA=pikepdf.String("<xdp/>"))
        pdf.save(puffer)
    return puffer.getvalue()


def pdf_mit_seitengroesse(breite: float, hoehe: float, user_unit: float | None = None) -> bytes:
    import pikepdf

    puffer = io.BytesIO()
    with pikepdf.new() as pdf:
        pdf.add_blank_page(page_size=(breite, hoehe))
        if user_unit is not None:
            pdf.pages[0].obj.UserUnit = user_unit
        pdf.save(puffer)
    return puffer.getvalue()
