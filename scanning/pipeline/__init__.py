"""The OCR pipeline, one module per step (see docs/scanning.md):

preflight -> deckblatt (split at cover sheets) -> raster (page by page) -> ausrichtung -> leerseiten -> ocr
(one Tesseract run per page: text and text layer) / textebene (born-digital) -> zusammenfuehren (searchable PDF/A)
-> vorschau (thumbnails) -> zaehlen (pages, sheets) -> identifier extraction (scanning.merkmale) -> filing
(scanning.zuordnung, scanning.services).

`texterkennung.datei_erkennen` runs the page loop for any file; `posteingang` holds the Celery steps of a mail item and
`dokument` the derivation for a dms DokumentVersion.
"""
