"""Legacy-file digitisation (Altaktendigitalisierung): lots of paper files, their status, provider deliveries
(validate all, then import), TR-RESISCAN samples with the 4-eyes rule, scans on demand, progress reports.

models      Digitalisierungslos, LosAkte, LosStatuswechsel, Lieferung, Stichprobe, Scanauftrag
zugriff     who may see and run lots
services    the use cases (every write)
lieferung   reading and importing a delivery (docs/lieferformat.md)
tasks       the delivery import on queue `altakten`
berichte    progress figures, forecast, SVG charts, hand-over list PDF
views/urls  the pages under /poststelle/altakten/
"""
