"""The real-transcript corpus (issue 20) and its measurement: `python -m evals.real`.

Data, annotations, SOURCES.md and check.py: the corpus (evals/real/README.md). The runner:
`measure.py` (per-file metrics, pure) and `__main__.py` (ingest + offline extraction per split, tables).
"""
