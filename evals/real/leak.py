"""`python -m evals.real.leak`: what would leak if ingest got an interviewer's turn wrong (dev half only).

Issue 20's bar is no item whose evidence is interviewer speech. Where ingest reads a long interviewer turn
(a pitch, an explanation of an idea, a restatement "so you're saying ...", a hypothetical "what if ...
would you ...") as the interviewee's, the offline extractor takes items from it. On the dev half, whose
roles were tuned on it, that barely happens, so this proxy makes it happen: every turn the annotation
gives to the interviewer is read as the interviewee's (half of them in one pass, the other half in a
second, so each flipped turn still follows a real question), and the extractor runs on it.

    python -m evals.real.leak                 # items from flipped interviewer turns, per layout
    python -m evals.real.leak --files         # ... and per file
    python -m evals.real.leak --half a        # only the files of one half (leave-files-out: a / b)
    python -m evals.real.leak --show 40       # print that many leaked quotes (and as many kept ones)
    python -m evals.real.leak --no-guard --dump A.json; python -m evals.real.leak --dump B.json
                                              # the same without the extractor's guard against the asker's
                                              # moves (local_speech.asker_move / asks_listener), and what it removed

"leaked": items whose evidence lies in a flipped interviewer turn; "kept": items from turns the annotation
gives the interviewee (the same passes: what a guard against interviewer speech costs). Only dev files
and their annotations are read.
"""
from __future__ import annotations

import argparse
import json
import os
import tempfile
import zlib
from collections import defaultdict
from pathlib import Path
from typing import Optional

import yaml

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from evals.real.measure import Gold  # noqa: E402

HERE = Path(__file__).resolve().parent
PASSES = 2  # flipped interviewer turns per pass: every PASSES-th one, so the others still ask


def half_of(name: str) -> str:
    """The leave-files-out half a dev file is in (by its name: stable as files are added)."""
    return "ab"[zlib.crc32(name.encode("utf-8")) % 2]


def dev_annotations(root: Path) -> dict[str, dict]:
    """Dev file name -> annotation, opening only the annotations of files in the dev folder."""
    out = {}
    for f in sorted((root / "dev").iterdir()):
        a = root / "annotations" / f"{f.name}.yaml"
        if f.is_file() and a.exists():
            ann = yaml.safe_load(a.read_text(encoding="utf-8"))
            if str(ann.get("file")) == f"dev/{f.name}":
                out[f.name] = ann
    return out


def gold_roles(t, ann: dict) -> list[Optional[str]]:
    gold = Gold(ann)
    return [None if u.notes or gold.in_notes(u.source_line) else gold.role_of_turn(u.speaker, u.source_line)
            for u in t.turns]


def flipped(t, roles: list[Optional[str]], k: int):
    """The transcript with the k-th of every PASSES gold interviewer turns read as the interviewee's."""
    t2 = t.model_copy(deep=True)
    n, out = 0, []
    for u, role in zip(t2.turns, roles):
        if role == "interviewer" and u.text.strip():
            if n % PASSES == k:
                u.is_interviewer, u.role_guessed = False, False
                out.append(u.index)
            n += 1
    return t2, set(out)


def run(root: Path, half: Optional[str], show: int, files: bool, keep: Optional[Path] = None,
        dump: Optional[Path] = None) -> dict:
    from synth import pipeline
    from synth.embed import Embedder
    from synth.extract.local import extract_local
    from synth.workspace import Workspace

    anns = {n: a for n, a in dev_annotations(root).items()
            if a.get("kind") != "notes" and (half is None or half_of(n) == half)}
    per_layout: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])  # files, flipped turns, leaked, kept
    leaked_q: list[str] = []
    kept_q: list[str] = []
    with tempfile.TemporaryDirectory() as d:
        ws = Workspace(keep or Path(d) / "ws")
        if not ws.transcripts():  # a kept workspace: read once, its sentence vectors reused
            pipeline.ingest([root / "dev"], ws)  # the whole half, as a user drops a folder (study cues)
        emb = Embedder(ws)
        for t in sorted(ws.transcripts(), key=lambda x: x.file_name):
            ann = anns.get(t.file_name)
            if ann is None:
                continue
            roles = gold_roles(t, ann)
            flips = leaked = kept = 0
            for k in range(PASSES):
                t2, flip = flipped(t, roles, k)
                flips += len(flip)
                for it in extract_local(t2, None, emb).items():
                    turns = {ev.turn_index for ev in it.evidence}
                    q = f"{t.file_name} [{it.category}] {it.evidence[0].quote}"
                    if turns & flip:
                        leaked += 1
                        leaked_q.append(q)
                    elif k == 0 and all(roles[i] == "interviewee" for i in turns):
                        kept += 1  # once: the gold interviewee's turns are the same in every pass
                        kept_q.append(q)
            row = per_layout[str(ann.get("layout"))]
            for i, v in enumerate((1, flips, leaked, kept)):
                row[i] += v
            if files:
                print(f"  {t.file_name} [{ann.get('layout')}]: flipped {flips}, leaked {leaked}, kept {kept}", flush=True)
        ws.close()
    total = [sum(r[i] for r in per_layout.values()) for i in range(4)]
    if dump:
        dump.write_text(json.dumps({"leaked": leaked_q, "kept": kept_q}, indent=0) + "\n", encoding="utf-8")
    print(f"\nleak proxy (dev{'' if half is None else ', half ' + half}): items from interviewer turns read as "
          "the interviewee's")
    print(f"{'layout':24} files  flipped turns  leaked items  kept interviewee items")
    for lay, r in sorted(per_layout.items()) + [("ALL", total)]:
        print(f"{lay:24} {r[0]:5}  {r[1]:13}  {r[2]:12}  {r[3]:22}")
    if show:
        print("\nleaked (sample):")
        print("\n".join(leaked_q[:: max(1, len(leaked_q) // show)][:show]))
        print("\nkept (sample):")
        print("\n".join(kept_q[:: max(1, len(kept_q) // show)][:show]))
    return {"files": total[0], "flipped": total[1], "leaked": total[2], "kept": total[3]}


def main(argv: Optional[list[str]] = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m evals.real.leak", description=__doc__.split("\n\n")[0])
    ap.add_argument("--root", type=Path, default=HERE, help="corpus folder (default: evals/real)")
    ap.add_argument("--half", choices=("a", "b"), default=None, help="only one leave-files-out half of dev")
    ap.add_argument("--files", action="store_true", help="one line per file")
    ap.add_argument("--keep", type=Path, default=None, help="a workspace folder kept between runs (the "
                    "dev half ingested once, sentence vectors cached): for iterating on extractor rules only")
    ap.add_argument("--dump", type=Path, default=None, help="write the leaked and kept quotes here (JSON)")
    ap.add_argument("--no-guard", action="store_true", help="without the guard against the asker's moves")
    ap.add_argument("--show", type=int, default=0, help="print this many leaked and kept quotes")
    args = ap.parse_args(argv)
    if args.no_guard:
        from synth.extract import local_speech

        local_speech.asker_move = lambda s: False
        local_speech.asks_listener = lambda text: False
    run(args.root, args.half, args.show, args.files, args.keep, args.dump)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
