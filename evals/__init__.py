"""synth's measuring instrument.

    python -m evals              # every stage on the gold study (evals/gold) -> evals/results.json
    python -m evals.clustering   # clustering benchmark on BANKING77 -> evals/clustering_results.json

Modules: `gold` (load the gold study through synth's readers), `metrics` (pure, hand-checkable
metric functions), `stages` (one evaluation per pipeline stage), `accounts_gen` (accounts table with
known ground truth for the ICP check), `clustering` (the public benchmark). See evals/README.md.
"""
