"""synth's measuring instrument.

    python -m evals              # every stage on the held-out (evals/heldout) and dev (evals/gold)
                                 # studies, side by side -> evals/results.json
    python -m evals.clustering   # clustering benchmark on BANKING77 -> evals/clustering_results.json

Modules: `gold` (load an annotated study through synth's readers), `metrics` (pure, hand-checkable
metric functions), `stages` (one evaluation per pipeline stage), `baselines` (clustering baselines as
Clusterer objects, seeds, spread), `accounts_gen` (accounts with interview signals and known ground
truth for the ICP check), `clustering` (the public benchmark). See evals/README.md.
"""
