"""What the offline extractor finds in real transcripts, against what a reader notes in them.

    python -m evals.real.findings                    # held-out half (the number to report)
    python -m evals.real.findings --split dev        # the dev half
    python -m evals.real.findings --files            # one line per file

`evals/real/findings/<file name>.yaml` lists the main pains, triggers and alternatives a reader notes
in one corpus file, as verbatim excerpts of the interviewee's words (how they were made:
evals/real/findings/README.md). Each excerpt is located in synth's own reading of the file
(`Transcript.text`, markup stripped) by its word sequence. Per split:

- **recall** per category: share of annotated findings with an extracted item of the same category
  whose evidence overlaps the excerpt by at least half of the shorter of the two (in characters);
- **pains that hold**: share of extracted (non-dismissed) pains whose evidence overlaps an annotated
  pain or lies in the same turn as one;
- **not items**: extracted items whose quote is a question, a backchannel, a fragment or a bare number
  (`synth.extract.local_speech.not_an_item`); the issue's bar is zero.

Owned by the offline extractor (issue 21); the reading/roles runner is `python -m evals.real`.
"""
from __future__ import annotations

import argparse
import html
import json
import re
import sys
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Optional

import yaml

HERE = Path(__file__).resolve().parent
FINDINGS = HERE / "findings"
CATS = ("pain", "trigger", "alternative")
KEYS = {"pain": "pains", "trigger": "triggers", "alternative": "alternatives"}
_TOKEN = re.compile(r"\w+", re.UNICODE)


def load_findings(split: str, root: Path = HERE) -> dict[str, dict]:
    out = {}
    for p in sorted((root / "findings").glob("*.yaml")):
        ann = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
        if ann.get("split") == split and (root / split / str(ann.get("file"))).is_file():
            out[str(ann["file"])] = ann
    return out


def _norm(s: str) -> str:
    return html.unescape(s).replace("’", "'").replace("‘", "'").replace("_", " ").casefold()


def locate(quote: str, text: str) -> Optional[tuple[int, int]]:
    """The span of `text` whose word sequence is the excerpt's (markup and entities ignored)."""
    words = _TOKEN.findall(_norm(quote))
    if not words:
        return None
    toks = [(m.group(0), m.start(), m.end()) for m in _TOKEN.finditer(_norm(text))]
    n = len(words)
    for i in range(len(toks) - n + 1):
        if all(toks[i + k][0] == words[k] for k in range(n)):
            return toks[i][1], toks[i + n - 1][2]
    return None


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    ov = min(a[1], b[1]) - max(a[0], b[0])
    return ov > 0 and ov >= 0.5 * min(a[1] - a[0], b[1] - b[0])


@dataclass
class FileFindings:
    file: str
    annotated: dict = field(default_factory=dict)     # category -> n located
    found: dict = field(default_factory=dict)         # category -> n found by the same category
    unlocated: list = field(default_factory=list)
    extracted: dict = field(default_factory=dict)     # category -> n extracted (not dismissed)
    pains_holding: int = 0
    not_items: list = field(default_factory=list)


def measure_file(t, ex, ann: dict) -> FileFindings:
    from synth.extract.local_speech import not_an_item

    r = FileFindings(file=t.file_name)
    spans = {c: [] for c in CATS}
    for c in CATS:
        for f in ann.get(KEYS[c]) or []:
            sp = locate(str(f["quote"]), t.text)
            if sp is None:
                r.unlocated.append(f"{c}: {f['quote'][:60]}")
            else:
                spans[c].append(sp)
        r.annotated[c] = len(spans[c])
    items = [it for it in (ex.items() if ex else []) if not it.dismissed]
    for c in CATS:
        ev = [(e.char_start, e.char_end) for it in items if it.category == c for e in it.evidence]
        r.found[c] = sum(1 for sp in spans[c] if any(_overlaps(sp, e) for e in ev))
        r.extracted[c] = sum(1 for it in items if it.category == c)
    pain_turns = {t.turn_at(sp[0]).index for sp in spans["pain"] if t.turn_at(sp[0]) is not None}
    for it in items:
        if it.category == "pain" and any(_overlaps((e.char_start, e.char_end), sp) or e.turn_index in pain_turns
                                         for e in it.evidence for sp in spans["pain"] or [(-1, -1)]):
            r.pains_holding += 1
        if it.evidence and not_an_item(it.evidence[0].quote):
            r.not_items.append(it.evidence[0].quote[:80])
    return r


def run_split(split: str, root: Path = HERE) -> list[FileFindings]:
    from synth import pipeline
    from synth.workspace import Workspace

    anns = load_findings(split, root)
    if not anns:
        return []
    with tempfile.TemporaryDirectory() as d:
        src = Path(d) / "src"
        src.mkdir()
        for name in anns:  # only the annotated files: ingest and extract nothing else
            (src / name).write_bytes((root / split / name).read_bytes())
        ws = Workspace(Path(d) / "ws")
        try:
            pipeline.ingest([src], ws)
            exs = {e.file: e for e in pipeline.extract(ws).extractions}
            by_name = {t.file_name: t for t in ws.transcripts()}
        finally:
            ws.close()
    return [measure_file(by_name[n], exs.get(n), a) for n, a in sorted(anns.items()) if n in by_name]


def summarize(rs: list[FileFindings]) -> dict:
    s: dict = {"files": len(rs)}
    for c in CATS:
        a, f = sum(r.annotated.get(c, 0) for r in rs), sum(r.found.get(c, 0) for r in rs)
        s[f"{c}_recall"] = round(f / a, 3) if a else None
        s[f"{c}_annotated"], s[f"{c}_found"] = a, f
        s[f"{c}_extracted"] = sum(r.extracted.get(c, 0) for r in rs)
    p = s["pain_extracted"]
    s["pains_holding"] = round(sum(r.pains_holding for r in rs) / p, 3) if p else None
    s["not_items"] = sum(len(r.not_items) for r in rs)
    s["unlocated"] = sum(len(r.unlocated) for r in rs)
    return s


def _pct(x) -> str:
    return "n/a" if x is None else f"{x:.0%}"


def report(split: str, s: dict) -> str:
    return (f"{split}: {s['files']} annotated files · pain recall {_pct(s['pain_recall'])} "
            f"({s['pain_found']}/{s['pain_annotated']}) · trigger recall {_pct(s['trigger_recall'])} "
            f"({s['trigger_found']}/{s['trigger_annotated']}) · alternative recall {_pct(s['alternative_recall'])} "
            f"({s['alternative_found']}/{s['alternative_annotated']}) · extracted pains that match an annotated "
            f"pain or its turn {_pct(s['pains_holding'])} (of {s['pain_extracted']}) · items that are questions/"
            f"backchannels/bare numbers: {s['not_items']} · excerpts not located: {s['unlocated']}")


def dev_findings_spans(root: Path = HERE) -> tuple[dict, dict]:
    """The dev half's transcripts and annotated spans, for `evals.train_local` (category, span) per file."""
    from synth.ingest import load_transcript

    transcripts, spans = {}, {}
    for name, ann in load_findings("dev", root).items():
        t = load_transcript(root / "dev" / name)
        transcripts[name] = t
        spans[name] = [(c, sp) for c in CATS for f in ann.get(KEYS[c]) or []
                       if (sp := locate(str(f["quote"]), t.text)) is not None]
    return transcripts, spans


def main(argv: Optional[list[str]] = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m evals.real.findings", description=__doc__.split("\n\n")[0])
    ap.add_argument("--split", choices=("heldout", "dev", "both"), default="heldout")
    ap.add_argument("--files", action="store_true", help="one line per file")
    ap.add_argument("--out", type=Path, default=None, help="write the results as JSON")
    args = ap.parse_args(argv)
    out = {}
    for split in (("dev", "heldout") if args.split == "both" else (args.split,)):
        rs = run_split(split)
        if not rs:
            print(f"{split}: no findings annotations under {FINDINGS}", file=sys.stderr)
            continue
        s = summarize(rs)
        print(report(split, s))
        if args.files:
            for r in rs:
                print(f"  {r.file[:60]:60} found {r.found} of {r.annotated} · extracted {r.extracted} · "
                      f"pains holding {r.pains_holding} · not items {len(r.not_items)} · unlocated {len(r.unlocated)}")
        out[split] = {"summary": s, "files": [asdict(r) for r in rs]}
    if args.out:
        args.out.write_text(json.dumps(out, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
