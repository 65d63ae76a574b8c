"""`python -m evals.real`: how ingest reads the real transcripts, per layout and overall, dev and held-out.

    python -m evals.real                  # both halves, with the offline extractor (a few minutes on 2 cores)
    python -m evals.real --split dev      # the half to tune on
    python -m evals.real --no-extract     # reading and roles only (seconds)
    python -m evals.real --files          # one line per file as well
    python -m evals.real --out FILE       # default: evals/real/results.json
    python -m evals.real --markdown FILE  # a saved results JSON's tables as markdown

Each half is ingested as one study (as a user would drop a folder), then extracted offline. The
numbers: dialogue read as dialogue (notes recognised as notes), role accuracy per label and per
turn, invented speakers, items whose evidence is interviewer speech (or summary/metadata lines),
quotes that carry markup. Definitions: evals/real/measure.py.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Optional

import yaml

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from evals.real.measure import FileResult, measure_file, pct  # noqa: E402

HERE = Path(__file__).resolve().parent
SPLITS = ("dev", "heldout")


def annotations(root: Path) -> dict[str, dict]:
    """split/file name -> annotation."""
    out = {}
    for f in sorted((root / "annotations").glob("*.yaml")):
        ann = yaml.safe_load(f.read_text(encoding="utf-8"))
        out[str(ann["file"])] = ann
    return out


def _line_starts(path: Path) -> list[int]:
    from synth.ingest import decode

    text, _ = decode(path.read_bytes(), path)
    starts, pos = [], 0
    for ln in text.split("\n"):
        starts.append(pos)
        pos += len(ln) + 1
    return starts


def run_split(root: Path, split: str, anns: dict[str, dict], extract: bool) -> list[FileResult]:
    from synth import pipeline
    from synth.workspace import Workspace

    folder = root / split
    files = {Path(k).name: a for k, a in anns.items() if k.startswith(f"{split}/")}
    results: list[FileResult] = []
    with tempfile.TemporaryDirectory() as d:
        ws = Workspace(Path(d) / "ws")
        report = pipeline.ingest([folder], ws)
        exs = {}
        if extract:
            exs = {e.file: e for e in pipeline.extract(ws).extractions}
        by_name = {t.file_name: t for t in ws.transcripts()}
        failed = {f.file: f.error for f in report.files if f.status == "failed"}
        for name, ann in sorted(files.items()):
            t = by_name.get(name)
            if t is None:
                results.append(FileResult(file=name, split=split, layout=str(ann.get("layout")),
                                          kind=str(ann.get("kind")), error=failed.get(name, "not ingested")))
                continue
            results.append(measure_file(t, ann, split, exs.get(name), _line_starts(folder / name)))
        ws.close()
    return results


def summarize(rs: list[FileResult]) -> dict:
    ok = [r for r in rs if r.error is None]
    dia = [r for r in rs if r.dialogue_expected]
    notes = [r for r in rs if not r.dialogue_expected]
    return {
        "files": len(rs), "failed": len(rs) - len(ok),
        "dialogue_read": sum(r.dialogue_ok for r in dia), "dialogue_files": len(dia),
        "notes_recognised": sum(r.dialogue_ok for r in notes), "notes_files": len(notes),
        "label_accuracy": pct(sum(r.labels_right for r in ok), sum(r.labels_total for r in ok)),
        "labels": sum(r.labels_total for r in ok),
        "turn_accuracy": pct(sum(r.turns_right for r in ok), sum(r.turns_total for r in ok)),
        "turns": sum(r.turns_total for r in ok),
        "invented_speakers": sum(len(r.invented) for r in ok),
        "items": sum(r.items for r in ok),
        "items_interviewer": sum(r.items_interviewer for r in ok),
        "items_not_speech": sum(r.items_not_speech for r in ok),
        "notes_items_unmarked": sum(r.notes_items_unmarked for r in ok),
        "quotes": sum(r.quotes for r in ok), "quotes_markup": sum(r.quotes_markup for r in ok),
        "guessed_evidence": sum(r.guessed_evidence for r in ok),
        "guessed_evidence_precision": pct(sum(r.guessed_evidence_right for r in ok), sum(r.guessed_evidence for r in ok)),
        "guessed_evidence_char_precision": pct(sum(r.guessed_evidence_chars_right for r in ok),
                                               sum(r.guessed_evidence_chars for r in ok)),
        "guessed_evidence_recall": pct(sum(r.guessed_evidence_right for r in ok), sum(r.guessed_interviewee for r in ok)),
        "role_trouble": sum(r.role_trouble for r in ok),
        "role_trouble_warned": sum(r.role_trouble and r.warned for r in ok),
        "warned": sum(r.warned for r in ok),
        "items_interviewer_unwarned": sum(r.items_interviewer_unwarned for r in ok),
    }


def _p(x: Optional[float]) -> str:
    return "n/a" if x is None else f"{x:.1%}"


def _guard(s: dict) -> str:
    """Per-turn guesses let through as evidence: how many hold only interviewee speech, and how many of the
    interviewee-only turns got through (evals/real/measure.py `_guard_precision`)."""
    if not s.get("guessed_evidence") and s.get("guessed_evidence_recall") is None:
        return "-"
    return (f"{_p(s['guessed_evidence_precision'])} of {s['guessed_evidence']} "
            f"({_p(s['guessed_evidence_char_precision'])} of chars) / {_p(s['guessed_evidence_recall'])}")


def _told(s: dict) -> str:
    """Files with roles off that carry a role warning, of those with roles off; and all warned files."""
    if "role_trouble" not in s:  # a results file from before the column
        return "-"
    return f"{s['role_trouble_warned']}/{s['role_trouble']} (warned {s['warned']})"


def _ev(s: dict) -> str:
    unwarned = s.get("items_interviewer_unwarned")
    return str(s["items_interviewer"]) + ("" if unwarned is None else f" ({unwarned} unwarned)")


HEAD = ("layout", "files", "dialogue read", "notes seen", "label acc", "turn acc", "invented", "items",
        "interviewer ev", "not-speech ev", "markup quotes", "guessed ev: precision (by chars) / recall",
        "roles off: warned")


def table(title: str, groups: dict[str, dict]) -> str:
    head = HEAD
    rows = [head]
    for name, s in groups.items():
        rows.append((name, str(s["files"]) + (f" ({s['failed']} failed)" if s["failed"] else ""),
                     f"{s['dialogue_read']}/{s['dialogue_files']}", f"{s['notes_recognised']}/{s['notes_files']}",
                     f"{_p(s['label_accuracy'])} of {s['labels']}", f"{_p(s['turn_accuracy'])} of {s['turns']}",
                     str(s["invented_speakers"]), str(s["items"]), _ev(s),
                     str(s["items_not_speech"]), f"{s['quotes_markup']}/{s['quotes']}", _guard(s), _told(s)))
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    lines = [title, "  ".join(h.ljust(w) for h, w in zip(head, widths))]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths)) for r in rows[1:]]
    return "\n".join(lines)


def markdown(title: str, groups: dict[str, dict]) -> str:
    """The same table as `table`, as markdown (evals/README.md's real-transcripts section)."""
    head = HEAD
    lines = [f"**{title}**", "", "| " + " | ".join(head) + " |", "|---" + "|--:" * (len(head) - 1) + "|"]
    for name, s in sorted(groups.items(), key=lambda kv: (kv[0] == "ALL", kv[0])):
        cells = (f"**{name}**" if name == "ALL" else name, str(s["files"]), f"{s['dialogue_read']}/{s['dialogue_files']}",
                 f"{s['notes_recognised']}/{s['notes_files']}", f"{_p(s['label_accuracy'])} of {s['labels']}",
                 f"{_p(s['turn_accuracy'])} of {s['turns']:,}", str(s["invented_speakers"]), f"{s['items']:,}",
                 _ev(s), str(s["items_not_speech"]), f"{s['quotes_markup']}/{s['quotes']:,}",
                 _guard(s), _told(s))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def by_layout(rs: list[FileResult]) -> dict[str, dict]:
    layouts = sorted({r.layout for r in rs})
    out = {lay: summarize([r for r in rs if r.layout == lay]) for lay in layouts}
    out["ALL"] = summarize(rs)
    return out


def file_line(r: FileResult) -> str:
    if r.error:
        return f"  {r.split}/{r.file}: FAILED {r.error}"
    bits = [f"read {r.read_layout}/{r.read_kind}", "ok" if r.dialogue_ok else "KIND WRONG",
            f"labels {r.labels_right}/{r.labels_total}", f"turns {r.turns_right}/{r.turns_total}"]
    if r.invented:
        bits.append(f"invented {r.invented}")
    if r.wrong_labels:
        bits.append(f"wrong {r.wrong_labels}")
    if r.role_trouble or r.warned:
        bits.append(("roles off, " if r.role_trouble else "") + ("warned" if r.warned else "NOT WARNED"))
    if r.guessed_evidence or r.guessed_interviewee:
        bits.append(f"guessed ev {r.guessed_evidence_right}/{r.guessed_evidence} (of {r.guessed_interviewee} interviewee)")
    if r.items:
        bits.append(f"items {r.items} (interviewer {r.items_interviewer}, not speech {r.items_not_speech}, "
                    f"markup {r.quotes_markup}, notes unmarked {r.notes_items_unmarked})")
    return f"  {r.split}/{r.file} [{r.layout}]: " + "; ".join(bits)


def main(argv: Optional[list[str]] = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m evals.real", description=__doc__.split("\n\n")[0])
    ap.add_argument("--split", choices=(*SPLITS, "both"), default="both")
    ap.add_argument("--root", type=Path, default=HERE, help="corpus folder (default: evals/real)")
    ap.add_argument("--no-extract", action="store_true", help="reading and roles only")
    ap.add_argument("--files", action="store_true", help="one line per file")
    ap.add_argument("--out", type=Path, default=None, help="write results JSON here (default with both "
                                                           "splits and extraction: evals/real/results.json)")
    ap.add_argument("--markdown", type=Path, default=None, metavar="RESULTS",
                    help="print the tables of a saved results JSON as markdown, run nothing")
    args = ap.parse_args(argv)
    if args.markdown:
        saved = json.loads(args.markdown.read_text(encoding="utf-8"))
        print("\n\n".join(markdown(split, data["summary"]) for split, data in saved.items()))
        return 0
    anns = annotations(args.root)
    if not anns:
        print(f"no annotations under {args.root / 'annotations'}", file=sys.stderr)
        return 2
    splits = SPLITS if args.split == "both" else (args.split,)
    results: dict[str, list[FileResult]] = {}
    for split in splits:
        results[split] = run_split(args.root, split, anns, not args.no_extract)
        print(table(f"\n{split} ({'offline extractor' if not args.no_extract else 'no extraction'})",
                    by_layout(results[split])))
        if args.files:
            print("\n".join(file_line(r) for r in results[split]))
    out = args.out or (HERE / "results.json" if args.split == "both" and not args.no_extract else None)
    if out:
        data = {s: {"summary": by_layout(rs), "files": [asdict(r) for r in rs]} for s, rs in results.items()}
        out.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        print(f"\nwrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
