#!/usr/bin/env python3
"""Validate the held-out study (Ampoule, lab sample tracking).

    python evals/heldout/check.py        # exits 1 on any problem

The transcripts are real tools' export formats (Zoom and Teams WebVTT, SRT, Otter text, Fireflies
and Gong JSON, markdown notes, plain text with front matter), so instead of a parser of its own this
check reads them with synth's readers (`synth.ingest.load_transcript`) and asks of every quote what
an evaluation needs: that it occurs verbatim in synth's transcript text, inside one single turn of
the annotated interviewee. Item fields (categories, kinds, roles, quantities, themes) are checked by
the dev study's validator (`evals/gold/check.py`, `check_item`), so both studies obey one schema.
Also checked: two speakers, interviewer and interviewee, with synth marking the interviewer as such;
600-1200 spoken words; accounts.csv columns and rows; every theme in >= 2 interviews.
"""
from __future__ import annotations

import importlib.util
import sys
from collections import Counter, defaultdict
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent
REPO = ROOT.parents[1]
sys.path.insert(0, str(REPO))
_spec = importlib.util.spec_from_file_location("_dev_check", ROOT.parent / "gold" / "check.py")
schema = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(schema)  # type: ignore[union-attr]


def main() -> int:
    from synth.ingest import load_transcript

    schema.ROOT, schema.TRANSCRIPTS = ROOT, ROOT / "transcripts"
    fail, errors = schema.fail, schema.errors
    themes = schema.load_themes()
    accounts = schema.load_accounts()
    theme_files: dict[str, set[str]] = defaultdict(set)
    per_cat: Counter = Counter()
    n_files = 0
    for ann_path in sorted((ROOT / "annotations").glob("*.yaml")):
        where = f"annotations/{ann_path.name}"
        ann = yaml.safe_load(ann_path.read_text(encoding="utf-8"))
        fname = ann["file"]
        if ann_path.name != f"{fname}.yaml":
            fail(where, f"file {fname!r} does not match the annotation's name")
        if fname not in accounts:
            fail(where, "no row in accounts.csv")
        t = load_transcript(ROOT / "transcripts" / fname)
        n_files += 1
        interviewer, interviewee = ann["interviewer"], ann["interviewee"]
        speakers = {x.speaker for x in t.turns}
        if speakers != {interviewer, interviewee}:
            fail(where, f"synth reads speakers {sorted(speakers)}, annotation says {[interviewer, interviewee]}")
        marked = {x.speaker for x in t.turns if x.is_interviewer}
        if marked != {interviewer}:
            fail(where, f"synth marks {sorted(marked)} as interviewer, annotation says {interviewer!r}")
        words = sum(len(x.text.split()) for x in t.turns)
        if not schema.MIN_WORDS <= words <= schema.MAX_WORDS:
            fail(where, f"{words} spoken words, outside {schema.MIN_WORDS}-{schema.MAX_WORDS}")
        own = [x.text for x in t.turns if x.speaker == interviewee]

        def quote_ok(w: str, quote: str) -> None:
            if quote not in t.text:
                fail(w, f"quote not verbatim in synth's transcript text: {quote!r}")
            elif not any(quote in x for x in own):
                fail(w, f"quote not inside a single interviewee turn: {quote!r}")

        for i, item in enumerate(ann["items"], 1):
            schema.check_item(f"{where} item {i}", item, quote_ok, themes)
            per_cat[item["category"]] += 1
            if item.get("theme") and not item.get("dismissed"):
                theme_files[item["theme"]].add(fname)
    for tid in themes:
        if len(theme_files.get(tid, ())) < 2:
            fail("themes.yaml", f"theme {tid} recurs in {len(theme_files.get(tid, ()))} interview(s), needs >= 2")
    outcomes = Counter(a["outcome"] for a in accounts.values())
    print(f"interviews: {n_files}; outcomes: {dict(outcomes)}; items: {dict(per_cat)}")
    for tid, t in themes.items():
        oc = Counter(accounts[f]["outcome"] for f in theme_files.get(tid, ()))
        print(f"  {tid:<3} {len(theme_files.get(tid, ())):>2} ({oc['won']}/{oc['lost']}/{oc['open']})  {t['label']}")
    return schema.finish(errors)


if __name__ == "__main__":
    sys.exit(main())
