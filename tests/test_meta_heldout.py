"""The held-out study stays held out: no name from it may appear in synth's code or data.

If a company, competitor or tool named in `evals/heldout/` shows up under `synth/` or `prompts/`
(a vendor list, an example sentence, a pattern), someone tuned on the held-out study and its numbers
no longer measure generalization. The check is a plain case-insensitive word search, so it also
catches a name pasted into a comment.
"""
from __future__ import annotations

import csv
import re
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
HELDOUT = REPO / "evals" / "heldout"
STUDY_VENDOR = "Ampoule"  # the fictional company that ran the held-out interviews
NAMED_KINDS = {"competitor", "adjacent_tool"}  # kinds whose `name` is a product, not "Spreadsheets"


def heldout_names() -> set[str]:
    names = {STUDY_VENDOR}
    with (HELDOUT / "accounts.csv").open(encoding="utf-8", newline="") as f:
        names |= {row["company"] for row in csv.DictReader(f)}
    for path in (HELDOUT / "annotations").glob("*.yaml"):
        for item in yaml.safe_load(path.read_text(encoding="utf-8"))["items"]:
            if item["category"] == "alternative" and item["kind"] in NAMED_KINDS:
                names.add(item["name"])
    return names


def _code_files():
    for root in (REPO / "synth", REPO / "prompts"):
        for p in root.rglob("*"):
            if p.is_file() and p.suffix in {".py", ".yaml", ".yml", ".md", ".txt", ".json", ".toml", ".csv"}:
                yield p


def test_heldout_names_are_collected():
    names = heldout_names()
    # 8 companies + the study vendor + at least the three fictional competitors
    assert len(names) >= 12, sorted(names)
    assert {"Samplewell", "Racksmith", "LabLedger"} <= names


def test_no_heldout_name_under_synth_or_prompts():
    pattern = re.compile(r"\b(" + "|".join(re.escape(n) for n in sorted(heldout_names())) + r")\b", re.I)
    hits = []
    for p in _code_files():
        text = p.read_text(encoding="utf-8", errors="replace")
        for m in pattern.finditer(text):
            line = text.count("\n", 0, m.start()) + 1
            hits.append(f"{p.relative_to(REPO)}:{line}: {m.group(0)!r}")
    assert not hits, "held-out names leaked into synth/ or prompts/:\n" + "\n".join(hits)
