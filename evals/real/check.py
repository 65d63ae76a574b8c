"""Validate the real-transcript corpus: every transcript has an annotation and every annotation is consistent.

Run: python evals/real/check.py   (exit 0 when valid, 1 with one line per problem otherwise)
     python evals/real/check.py --write-sources   (regenerate SOURCES.md from the annotations, then check)

The checks are about the annotations, never about a parser: each transcript under dev/ or heldout/ has
annotations/<name>.yaml; each yaml names an existing file; the source names a repository, path, 40-hex commit,
URL and licence; every speaker label listed occurs in the file; files with a label used by both sides ("mixed")
or with no labels at all carry per-turn roles; each file's git blob id equals the published blob's
(source.blob), so its bytes are exactly those published whose lines are in range and increasing; files of one study
(same repository folder) sit in one split, so the held-out half shares no study with the dev half.
"""

from __future__ import annotations

import hashlib
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import yaml

ROOT = Path(__file__).resolve().parent
SPLITS = ("dev", "heldout")
LAYOUTS = {
    "otter",
    "markdown_bold_questions",
    "markdown_heading_questions",
    "question_lines_bullet_answers",
    "markdown_labels",
    "plain_labels",
    "qa_labels",
    "name_line_paragraph",
    "srt_as_text",
    "srt",
    "vtt",
    "speaker_tags",
    "notes_export_with_summary",
    "interviewer_notes",
    "meeting",
    "podcast",
    "unlabelled_dialogue",
}
KINDS = {"dialogue", "notes", "summary_and_dialogue"}
LABEL_ROLES = {"interviewer", "interviewee", "other", "mixed"}
TURN_ROLES = {"interviewer", "interviewee", "other"}
HEX40 = re.compile(r"^[0-9a-f]{40}$")


@dataclass
class Entry:
    split: str
    name: str
    layout: str
    kind: str
    study: str
    problems: list[str] = field(default_factory=list)


def transcripts() -> list[Path]:
    return sorted(p for split in SPLITS for p in (ROOT / split).iterdir() if p.is_file())


def git_blob_id(data: bytes) -> str:
    """The id git gives these bytes (`git hash-object`), to compare with the blob in the source repository."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def _ranges_ok(ranges, n_lines: int) -> bool:
    if not isinstance(ranges, list):
        return False
    for r in ranges:
        if not (isinstance(r, list) and len(r) == 2 and all(isinstance(x, int) for x in r)):
            return False
        if not 1 <= r[0] <= r[1] <= n_lines:
            return False
    return True


def check_annotation(path: Path) -> Entry:
    """Check one transcript's annotation; problems are collected, never raised."""
    split, name = path.parent.name, path.name
    ann_path = ROOT / "annotations" / f"{name}.yaml"
    entry = Entry(split, name, "?", "?", "?")
    if not ann_path.is_file():
        entry.problems.append(f"{split}/{name}: no annotation {ann_path.relative_to(ROOT)}")
        return entry
    try:
        ann = yaml.safe_load(ann_path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        entry.problems.append(f"{ann_path.name}: not valid YAML ({exc})")
        return entry
    bad = entry.problems.append
    if not isinstance(ann, dict):
        bad(f"{ann_path.name}: not a mapping")
        return entry
    if ann.get("file") != f"{split}/{name}":
        bad(f"{ann_path.name}: file is {ann.get('file')!r}, expected {split}/{name!r}")
    src = ann.get("source") or {}
    for key in ("repo", "path", "commit", "url", "licence"):
        if not str(src.get(key) or "").strip():
            bad(f"{ann_path.name}: source.{key} missing")
    commit, repo, spath = str(src.get("commit", "")), src.get("repo", ""), src.get("path", "")
    if not HEX40.match(commit):
        bad(f"{ann_path.name}: source.commit is not 40 hex digits")
    elif src.get("url") != f"https://github.com/{repo}/blob/{commit}/{quote(str(spath))}":
        bad(f"{ann_path.name}: source.url does not match repo/commit/path")
    entry.study = f"{repo}:{str(spath).rsplit('/', 1)[0] if '/' in str(spath) else ''}"
    entry.layout = str(ann.get("layout"))
    if entry.layout not in LAYOUTS:
        bad(f"{ann_path.name}: layout {entry.layout!r} is not one of the known layouts")
    entry.kind = str(ann.get("kind"))
    if entry.kind not in KINDS:
        bad(f"{ann_path.name}: kind {entry.kind!r} is not one of {sorted(KINDS)}")
    if not isinstance(ann.get("also", []), list):
        bad(f"{ann_path.name}: also must be a list")
    if not str(ann.get("comment") or "").strip():
        bad(f"{ann_path.name}: comment missing")

    raw = path.read_bytes()
    if src.get("blob") != git_blob_id(raw):
        bad(f"{ann_path.name}: the file's git blob id is not source.blob: its bytes differ from the published file")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    n_lines = len(text.splitlines())
    speakers = ann.get("speakers")
    if not isinstance(speakers, dict):
        bad(f"{ann_path.name}: speakers must be a mapping (empty {{}} when the file has no labels)")
        speakers = {}
    for label, role in speakers.items():
        if role not in LABEL_ROLES:
            bad(f"{ann_path.name}: speaker {label!r} has role {role!r}, not one of {sorted(LABEL_ROLES)}")
        if str(label) not in text:
            bad(f"{ann_path.name}: speaker label {label!r} does not occur in the file")

    turns = ann.get("turns")
    needs_turns = entry.kind != "notes" and (not speakers or "mixed" in speakers.values())
    if needs_turns and not turns:
        bad(f"{ann_path.name}: a label is 'mixed' or the file has no labels, so per-turn roles are required")
    if turns is not None:
        if not isinstance(turns, list) or not turns:
            bad(f"{ann_path.name}: turns must be a non-empty list")
        else:
            last = (0, -1)
            lines = text.splitlines()
            for turn in turns:
                turn = turn or {}
                line, role, col = turn.get("line"), turn.get("role"), turn.get("col", 0)
                if not isinstance(line, int) or not 1 <= line <= n_lines:
                    bad(f"{ann_path.name}: turn line {line!r} is outside 1..{n_lines}")
                    continue
                if not isinstance(col, int) or not 0 <= col < max(len(lines[line - 1]), 1):
                    bad(f"{ann_path.name}: turn at line {line} has col {col!r} outside the line")
                    continue
                if (line, col) <= last:
                    bad(f"{ann_path.name}: turn at line {line} col {col} is not after line {last[0]} col {last[1]}")
                if role not in TURN_ROLES:
                    bad(f"{ann_path.name}: turn at line {line} has role {role!r}, not one of {sorted(TURN_ROLES)}")
                if not lines[line - 1][col:].strip():
                    bad(f"{ann_path.name}: turn at line {line} starts on a blank line")
                last = (line, col)
    if "notes_lines" in ann and not _ranges_ok(ann["notes_lines"], n_lines):
        bad(f"{ann_path.name}: notes_lines must be [[first, last], ...] within 1..{n_lines}")
    if entry.kind == "summary_and_dialogue" and not ann.get("notes_lines"):
        bad(f"{ann_path.name}: a summary_and_dialogue file must mark its summary in notes_lines")
    return entry


def check_all() -> tuple[list[Entry], list[str]]:
    """Every transcript and every annotation; returns the entries and all problems found."""
    files = transcripts()
    entries = [check_annotation(p) for p in files]
    problems = [p for e in entries for p in e.problems]
    names = {p.name for p in files}
    for ann in sorted((ROOT / "annotations").glob("*.yaml")):
        if ann.name.removesuffix(".yaml") not in names:
            problems.append(f"{ann.name}: names no transcript in dev/ or heldout/")
    dup = [n for n, c in Counter(p.name for p in files).items() if c > 1]
    problems += [f"{n}: the same file name is in both splits" for n in dup]
    splits_of_study: dict[str, set[str]] = defaultdict(set)
    for e in entries:
        splits_of_study[e.study].add(e.split)
    problems += [f"study {s} has files in both splits (leakage)" for s, sp in splits_of_study.items() if len(sp) > 1]
    return entries, problems


def sources_table() -> str:
    """SOURCES.md's table, one row per transcript, from the annotations (so the two never disagree)."""
    rows = []
    for path in transcripts():
        ann = yaml.safe_load((ROOT / "annotations" / f"{path.name}.yaml").read_text(encoding="utf-8"))
        src = ann["source"]
        cells = [path.parent.name, f"`{path.name}`", f"[{src['repo']}](https://github.com/{src['repo']})",
                 f"[`{src['path']}`]({src['url']})", f"`{src['commit'][:12]}`", src["licence"], ann["layout"]]
        rows.append("| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |")
    head = "| split | file | repository | path (link at the commit) | commit | licence | layout |\n"
    return head + "|---|---|---|---|---|---|---|\n" + "\n".join(rows) + "\n"


SOURCES_BEGIN, SOURCES_END = "<!-- table: generated by check.py --write-sources -->", "<!-- end of table -->"


def sources_problems() -> list[str]:
    path = ROOT / "SOURCES.md"
    if not path.is_file():
        return ["SOURCES.md is missing (python evals/real/check.py --write-sources)"]
    text = path.read_text(encoding="utf-8")
    try:
        table = text.split(SOURCES_BEGIN, 1)[1].split(SOURCES_END, 1)[0].strip("\n") + "\n"
    except IndexError:
        return ["SOURCES.md has no generated table markers"]
    if table != sources_table():
        return ["SOURCES.md's table is out of date (python evals/real/check.py --write-sources)"]
    return []


def write_sources() -> None:
    path = ROOT / "SOURCES.md"
    text = path.read_text(encoding="utf-8")
    before, rest = text.split(SOURCES_BEGIN, 1)
    after = rest.split(SOURCES_END, 1)[1]
    path.write_text(f"{before}{SOURCES_BEGIN}\n{sources_table()}{SOURCES_END}{after}", encoding="utf-8")


def main() -> int:
    if "--write-sources" in sys.argv[1:]:
        write_sources()
    entries, problems = check_all()
    if not problems:
        problems = sources_problems()
    for split in SPLITS:
        mine = [e for e in entries if e.split == split]
        by_layout = Counter(e.layout for e in mine)
        studies = len({e.study for e in mine})
        print(f"{split}: {len(mine)} files from {studies} studies")
        for layout, count in sorted(by_layout.items()):
            print(f"  {layout:28} {count}")
    for p in problems:
        print("PROBLEM", p)
    print("ok" if not problems else f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
