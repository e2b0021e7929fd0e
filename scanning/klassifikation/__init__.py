"""Document classification for legacy files and incoming mail (docs/klassifikation.md).

A real classifier (scikit-learn: TF-IDF + logistic regression) proposes, per document, its kind and register and,
in an unstructured legacy file, where one document ends and the next begins. It is trained on a small labelled set
kept in the repository (`daten/`) plus the corrections caseworkers make (`scanning.altakten.Gliederungskorrektur`),
retrained by `manage.py klassifikator_trainieren` or the Celery task `scanning.klassifikation.neu_trainieren`.
"""
