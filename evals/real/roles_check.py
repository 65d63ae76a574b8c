"""`python -m evals.real.roles_check`: the LLM role check (synth/extract/roles_llm.py) around a perfect reader.

    python -m evals.real.roles_check                # dev half
    python -m evals.real.roles_check --split heldout
    python -m evals.real.roles_check --files        # one line per checked file

No model answers here. Each window's reply is written from the corpus annotation (an oracle: every shown
turn of a shared label that lies within one annotated side named on it, every labelled interviewer named), and it goes through
the same `windows` / `checked` / `apply_answer` as a model's reply would. So the numbers measure what the
check can do at best: which files it reaches, how many turns its windows cover, what its checks drop. They
say nothing of a real model's accuracy. Three rows, the same files and annotations:

- ingest only: roles as ingest read them (what the offline path uses);
- v1: the check as it was (speaker-roles-v1: only files under LOW_CONFIDENCE, only the first 40 turns);
- v2: the check as it is (also files with guessed turns of a shared label, one call per window holding any).
"""
from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path
from typing import Optional

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from evals.real.__main__ import HERE, SPLITS, _line_starts, annotations  # noqa: E402
from evals.real.measure import FileResult, Gold, measure_file, pct  # noqa: E402


def oracle_answer(t, gold: Gold, window: tuple[int, int]):
    """The reply a perfect reader would give for this window, from the annotation."""
    from synth.extract.roles_llm import RoleAnswer
    from synth.ingest.roles import is_mixed_label

    roles = {}
    for k in range(window[0], min(window[1], len(t.turns))):
        u = t.turns[k]
        if not is_mixed_label(u.speaker):
            continue
        # a turn is named only when every annotated turn it runs into is on one side: one that holds both
        # sides (a cue with the question and the answer) a perfect reader cannot put on either
        end = t.turns[k + 1].source_line if k + 1 < len(t.turns) else None
        sides = {gold.role_of_turn(u.speaker, u.source_line)}
        sides |= {r for ln, r in zip(gold.turn_lines, gold.turn_roles)
                  if u.source_line is not None and ln > u.source_line and (end is None or ln < end)}
        if len(sides) == 1:
            roles[u.index] = sides.pop()
    labels = [s for s in t.speakers if not is_mixed_label(s) and gold.role_of_turn(s, None) == "interviewer"]
    return RoleAnswer(interviewer_labels=labels,
                      interviewer_turns=[i for i, r in roles.items() if r == "interviewer"],
                      interviewee_turns=[i for i, r in roles.items() if r == "interviewee"])


def _checked(t, gold: Gold, version: str):
    from synth.extract import roles_llm as R
    from synth.ingest.roles import LOW_CONFIDENCE

    if version == "v1":
        if t.kind == "notes" or t.interviewer_source in R.SETTLED or t.role_confidence >= LOW_CONFIDENCE:
            return t, 0
        wins = [(0, min(R.WINDOW, len(t.turns)))]
    else:
        if not R.needs_check(t):
            return t, 0
        wins = R.windows(t)
    found = R.Checked()
    for w in wins:
        found.add(R.checked(t, oracle_answer(t, gold, w), w))
    return R.apply_answer(t, found) or t, len(wins)


def run(root: Path, split: str) -> dict[str, list[tuple[FileResult, int]]]:
    from synth import pipeline
    from synth.workspace import Workspace

    anns = annotations(root)
    out: dict[str, list[tuple[FileResult, int]]] = {"ingest only": [], "v1": [], "v2": []}
    with tempfile.TemporaryDirectory() as d:
        ws = Workspace(Path(d) / "ws")
        pipeline.ingest([root / split], ws)
        for t in sorted(ws.transcripts(), key=lambda x: x.file_name):
            ann = anns.get(f"{split}/{t.file_name}")
            if ann is None or ann.get("kind") == "notes":
                continue
            lines = _line_starts(root / split / t.file_name)
            out["ingest only"].append((measure_file(t, ann, split, None, lines), 0))
            for version in ("v1", "v2"):
                new, calls = _checked(t, Gold(ann), version)
                out[version].append((measure_file(new, ann, split, None, lines), calls))
        ws.close()
    return out


def summary(rows: list[tuple[FileResult, int]]) -> str:
    rs = [r for r, _ in rows]
    turns = pct(sum(r.turns_right for r in rs), sum(r.turns_total for r in rs))
    ev, right = sum(r.guessed_evidence for r in rs), sum(r.guessed_evidence_right for r in rs)
    recall = pct(right, sum(r.guessed_interviewee for r in rs))
    checked = sum(1 for _, c in rows if c)
    return (f"per-turn roles {turns:.1%} of {sum(r.turns_total for r in rs):,}; "
            f"shared-label turns let through as evidence {ev} ({pct(right, ev) or 0:.1%} interviewee only, "
            f"{recall or 0:.1%} of the interviewee-only turns); files checked {checked}, calls "
            f"{sum(c for _, c in rows)}")


def main(argv: Optional[list[str]] = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m evals.real.roles_check", description=__doc__.split("\n\n")[0])
    ap.add_argument("--split", choices=SPLITS, default="dev")
    ap.add_argument("--root", type=Path, default=HERE)
    ap.add_argument("--files", action="store_true")
    args = ap.parse_args(argv)
    rows = run(args.root, args.split)
    print(f"{args.split}, oracle replies written from the annotations (not a model):")
    for name, rs in rows.items():
        print(f"  {name:12s} {summary(rs)}")
    if args.files:
        for (a, _), (b, _), (c, calls) in zip(*rows.values()):
            if calls:
                print(f"  {a.file}: turns {a.turns_right} / {b.turns_right} / {c.turns_right} of {a.turns_total}, "
                      f"evidence {a.guessed_evidence_right}/{a.guessed_evidence} -> "
                      f"{c.guessed_evidence_right}/{c.guessed_evidence}, {calls} calls")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
