"""A file that holds up in court (issue 14, docs/gericht.md): sheet numbers (Blattzählung), table of contents,
court submission (Aktenvorlage), inspection copies with redaction (Einsichtskopie) and sealed scans (Siegel)."""
