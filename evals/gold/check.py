#!/usr/bin/env python3
"""Validate the Tallyho gold evaluation set.

    python3 evals/gold/check.py

Needs only the standard library and PyYAML. Checks, for every annotation file:

* its transcript exists and parses (txt with optional front matter, vtt, srt, json);
* the transcript has exactly two speakers, the annotation's interviewer and interviewee,
  and lies within the 600-1200 spoken-word range;
* every quote occurs verbatim in the raw transcript (for .json: in the concatenated, unescaped
  turn texts) AND inside one single interviewee turn / cue text (never an interviewer line,
  never across cues or physical lines);
* every item has a valid category and the fields its category needs (severity, quantity, kind,
  name, role, title, dismissed), with no unknown keys; quantity.text occurs inside the quote;
* every theme id exists in themes.yaml and matches the item's category;

and, across the set: accounts.csv has exactly the expected columns and one row per transcript,
front matter agrees with accounts.csv, every theme recurs in >= 2 interviews (dismissed items
do not count). Prints a summary and exits 1 on any failure.
"""
from __future__ import annotations

import csv
import json
import re
import sys
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

try:
    import yaml
except ImportError:  # pragma: no cover
    sys.exit("check.py needs PyYAML: pip install pyyaml")

ROOT = Path(__file__).resolve().parent
TRANSCRIPTS = ROOT / "transcripts"
ANNOTATIONS = ROOT / "annotations"

CATEGORIES = {"pain", "trigger", "alternative", "dmu"}
THEME_CATEGORIES = {"pain", "trigger", "alternative"}
TRIGGER_KINDS = {
    "funding", "executive_hire", "vendor_renewal", "audit_or_regulation", "incident",
    "scaling_wall", "blocked_deal", "migration_or_deprecation", "other",
}
ALTERNATIVE_KINDS = {"manual", "spreadsheet", "homegrown", "competitor", "adjacent_tool", "nothing"}
DMU_ROLES = {"champion", "economic_buyer", "influencer", "blocker", "user"}
OUTCOMES = {"won", "lost", "open"}
ACCOUNT_COLUMNS = [
    "file", "company", "employees", "industry", "country", "funding_stage", "tech_stack",
    "outcome", "interview_date",
]
COMMON_KEYS = {"category", "quote", "statement", "theme", "dismissed"}
KEYS = {
    "pain": COMMON_KEYS | {"severity", "quantity"},
    "trigger": COMMON_KEYS | {"kind", "when"},
    "alternative": COMMON_KEYS | {"kind", "name"},
    "dmu": COMMON_KEYS | {"role", "title", "name"},
}
REQUIRED = {
    "pain": {"severity", "quantity"},
    "trigger": {"kind"},
    "alternative": {"kind", "name"},
    "dmu": {"role", "title"},
}
QUANTITY_KEYS = {"value", "unit", "period", "text"}
MIN_WORDS, MAX_WORDS = 600, 1200

errors: list[str] = []


def fail(where: str, msg: str) -> None:
    errors.append(f"{where}: {msg}")


# --------------------------------------------------------------------------- transcript parsing
# Each parser returns (raw_searchable_text, turns, front_matter) where turns is a list of
# (speaker, text). A txt turn keeps its continuation lines joined by "\n"; a vtt/srt cue is one turn.

TIMING_VTT = re.compile(r"^\d{2}:\d{2}:\d{2}\.\d{3} --> \d{2}:\d{2}:\d{2}\.\d{3}")
TIMING_SRT = re.compile(r"^\d{2}:\d{2}:\d{2},\d{3} --> \d{2}:\d{2}:\d{2},\d{3}$")
SPEAKER_LINE = re.compile(r"^([A-Z][\w.'\- ]{0,50}?): (.*)$")
VOICE = re.compile(r"^<v ([^>]+)>(.*?)(?:</v>)?$")


def split_speaker(text: str, where: str) -> tuple[str, str]:
    m = VOICE.match(text) or SPEAKER_LINE.match(text)
    if not m:
        fail(where, f"cue without a speaker label: {text[:60]!r}")
        return "", text
    return m.group(1).strip(), m.group(2)


def parse_txt(raw: str, where: str):
    front: dict = {}
    body = raw
    if raw.startswith("---\n"):
        end = raw.find("\n---\n", 4)
        if end < 0:
            fail(where, "front matter opened with --- but never closed")
        else:
            try:
                front = yaml.safe_load(raw[4:end]) or {}
            except yaml.YAMLError as e:
                fail(where, f"invalid front matter: {e}")
            body = raw[end + 5:]
    turns: list[list[str]] = []
    for line in body.splitlines():
        if not line.strip():
            continue
        m = SPEAKER_LINE.match(line)
        if m:
            turns.append([m.group(1), m.group(2)])
        elif turns:
            turns[-1][1] += "\n" + line
        else:
            fail(where, f"text before the first speaker label: {line[:60]!r}")
    return raw, [tuple(t) for t in turns], front


def parse_cues(raw: str, where: str, timing: re.Pattern, header: str | None):
    lines = raw.splitlines()
    if header is not None:
        if not lines or lines[0].strip() != header:
            fail(where, f"missing {header} header")
    turns = []
    blocks = re.split(r"\n\s*\n", raw.strip())
    n_cues = 0
    for block in blocks:
        blines = block.splitlines()
        idx = next((i for i, l in enumerate(blines) if timing.match(l.strip())), None)
        if idx is None:
            continue  # header, NOTE, STYLE blocks
        n_cues += 1
        text = "\n".join(blines[idx + 1:]).strip()
        if not text:
            fail(where, f"empty cue at {blines[idx]}")
            continue
        turns.append(split_speaker(text, where))
    if not n_cues:
        fail(where, "no cues found")
    return raw, turns, {}


def parse_json(raw: str, where: str):
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as e:
        fail(where, f"invalid json: {e}")
        return "", [], {}
    turns = []
    if not isinstance(data, dict) or not isinstance(data.get("turns"), list):
        fail(where, 'json must be {"turns": [...]}')
        return "", [], {}
    for i, t in enumerate(data["turns"]):
        if set(t) != {"speaker", "start", "text"}:
            fail(where, f"turn {i} keys {sorted(t)} != ['speaker', 'start', 'text']")
        if not isinstance(t.get("start"), (int, float)):
            fail(where, f"turn {i} start is not a number")
        turns.append((t.get("speaker", ""), t.get("text", "")))
    return "\n".join(text for _, text in turns), turns, {}


def parse_transcript(path: Path):
    where = f"transcripts/{path.name}"
    raw = path.read_text(encoding="utf-8")
    ext = path.suffix.lower()
    if ext == ".txt":
        return parse_txt(raw, where)
    if ext == ".vtt":
        return parse_cues(raw, where, TIMING_VTT, "WEBVTT")
    if ext == ".srt":
        return parse_cues(raw, where, TIMING_SRT, None)
    if ext == ".json":
        return parse_json(raw, where)
    fail(where, f"unsupported extension {ext}")
    return raw, [], {}


# --------------------------------------------------------------------------- inputs

def load_themes() -> dict[str, dict]:
    try:
        data = yaml.safe_load((ROOT / "themes.yaml").read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as e:
        fail("themes.yaml", f"cannot load: {e}")
        return {}
    themes: dict[str, dict] = {}
    if not isinstance(data, list):
        fail("themes.yaml", "must be a list of themes")
        return themes
    for t in data:
        if not isinstance(t, dict):
            fail("themes.yaml", f"theme entry is not a mapping: {t!r}")
            continue
        tid = t.get("id")
        if not tid or tid in themes:
            fail("themes.yaml", f"missing or duplicate id {tid!r}")
            continue
        if t.get("category") not in THEME_CATEGORIES:
            fail("themes.yaml", f"{tid}: category {t.get('category')!r} not in {sorted(THEME_CATEGORIES)}")
        for key in ("label", "description"):
            if not isinstance(t.get(key), str) or not t[key].strip():
                fail("themes.yaml", f"{tid}: missing {key}")
        themes[tid] = t
    return themes


def load_accounts() -> dict[str, dict]:
    with (ROOT / "accounts.csv").open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        if reader.fieldnames != ACCOUNT_COLUMNS:
            fail("accounts.csv", f"columns {reader.fieldnames} != {ACCOUNT_COLUMNS}")
        rows = [{k: (row.get(k) or "") for k in ACCOUNT_COLUMNS} for row in reader]
    accounts: dict[str, dict] = {}
    for row in rows:
        where = f"accounts.csv[{row.get('file')}]"
        if row["file"] in accounts:
            fail(where, "duplicate file")
        if not (TRANSCRIPTS / row["file"]).is_file():
            fail(where, "transcript file does not exist")
        if not row["employees"].isdigit():
            fail(where, f"employees {row['employees']!r} is not an integer")
        if row["outcome"] not in OUTCOMES:
            fail(where, f"outcome {row['outcome']!r} not in {sorted(OUTCOMES)}")
        try:
            d = date.fromisoformat(row["interview_date"])
            if d.year != 2026:
                fail(where, "interview_date not in 2026")
        except ValueError:
            fail(where, f"interview_date {row['interview_date']!r} is not YYYY-MM-DD")
        stack = row["tech_stack"].split(";")
        if not all(re.fullmatch(r"[a-z0-9][a-z0-9._-]*", s) for s in stack):
            fail(where, f"tech_stack {row['tech_stack']!r} is not ;-separated lowercase names")
        for key in ("company", "industry", "country", "funding_stage"):
            if not row[key].strip():
                fail(where, f"empty {key}")
        accounts[row["file"]] = row
    return accounts


# --------------------------------------------------------------------------- items

def check_item(where: str, item: dict, quote_ok, themes: dict) -> None:
    cat = item.get("category")
    if cat not in CATEGORIES:
        fail(where, f"category {cat!r} not in {sorted(CATEGORIES)}")
        return
    unknown = set(item) - KEYS[cat]
    if unknown:
        fail(where, f"unknown keys for {cat}: {sorted(unknown)}")
    missing = (REQUIRED[cat] | COMMON_KEYS) - set(item)
    if missing:
        fail(where, f"missing keys for {cat}: {sorted(missing)}")
    quote = item.get("quote")
    if not isinstance(quote, str) or not quote.strip():
        fail(where, "empty quote")
        quote = ""
    else:
        quote_ok(where, quote)
    if not isinstance(item.get("statement"), str) or not item["statement"].strip():
        fail(where, "empty statement")
    if not isinstance(item.get("dismissed"), bool):
        fail(where, "dismissed must be true or false")
    theme = item.get("theme")
    if theme is not None:
        if theme not in themes:
            fail(where, f"theme {theme!r} not in themes.yaml")
        elif themes[theme]["category"] != cat:
            fail(where, f"theme {theme} is a {themes[theme]['category']} theme, item is {cat}")
    if cat == "pain":
        sev = item.get("severity")
        if not isinstance(sev, int) or isinstance(sev, bool) or not 1 <= sev <= 5:
            fail(where, f"severity {sev!r} not an integer 1-5")
        q = item.get("quantity")
        if q is not None:
            if not isinstance(q, dict) or set(q) != QUANTITY_KEYS:
                fail(where, f"quantity must have exactly {sorted(QUANTITY_KEYS)}")
            else:
                if not isinstance(q["value"], (int, float)) or isinstance(q["value"], bool):
                    fail(where, f"quantity.value {q['value']!r} is not a number")
                if not isinstance(q["unit"], str) or not q["unit"]:
                    fail(where, "quantity.unit empty")
                if q["period"] is not None and not isinstance(q["period"], str):
                    fail(where, "quantity.period must be a string or null")
                if not isinstance(q["text"], str) or q["text"] not in quote:
                    fail(where, f"quantity.text {q['text']!r} is not inside the quote")
    elif cat == "trigger":
        if item.get("kind") not in TRIGGER_KINDS:
            fail(where, f"trigger kind {item.get('kind')!r} invalid")
    elif cat == "alternative":
        if item.get("kind") not in ALTERNATIVE_KINDS:
            fail(where, f"alternative kind {item.get('kind')!r} invalid")
        if not isinstance(item.get("name"), str) or not item["name"].strip():
            fail(where, "alternative needs a name")
    elif cat == "dmu":
        if item.get("role") not in DMU_ROLES:
            fail(where, f"dmu role {item.get('role')!r} invalid")
        if not isinstance(item.get("title"), str) or not item["title"].strip():
            fail(where, "dmu needs a title")
        if theme is not None:
            fail(where, "dmu items carry no theme")


def finish(problems: list[str]) -> int:
    """Print the verdict; the exit code is 1 when any check failed."""
    if problems:
        print(f"\nFAILED: {len(problems)} problem(s)")
        for e in problems:
            print(f"  - {e}")
        return 1
    print("\nOK: all checks passed")
    return 0


def main() -> int:
    themes = load_themes()
    accounts = load_accounts()
    transcript_files = sorted(p.name for p in TRANSCRIPTS.iterdir() if p.is_file())
    annotation_files = sorted(ANNOTATIONS.glob("*.yaml"))

    for name in transcript_files:
        if not (ANNOTATIONS / f"{name}.yaml").is_file():
            fail(f"transcripts/{name}", "no annotation file")
        if name not in accounts:
            fail(f"transcripts/{name}", "no row in accounts.csv")

    theme_files: dict[str, set[str]] = defaultdict(set)
    per_cat: Counter = Counter()
    per_file: dict[str, Counter] = {}
    words: dict[str, int] = {}
    formats: Counter = Counter()
    dismissed = one_offs = 0

    for ann_path in annotation_files:
        where = f"annotations/{ann_path.name}"
        try:
            ann = yaml.safe_load(ann_path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as e:
            fail(where, f"invalid yaml: {e}")
            continue
        if not isinstance(ann, dict):
            fail(where, "annotation must be a mapping with file, interviewer, interviewee, items")
            continue
        fname = ann.get("file") or ann_path.name[: -len(".yaml")]
        if ann_path.name != f"{fname}.yaml":
            fail(where, f"file {fname!r} does not match the annotation's name")
        tpath = TRANSCRIPTS / fname
        if not tpath.is_file():
            fail(where, f"transcript {fname} does not exist")
            continue
        formats[tpath.suffix.lstrip(".")] += 1
        raw, turns, front = parse_transcript(tpath)
        interviewer, interviewee = ann.get("interviewer"), ann.get("interviewee")
        speakers = {s for s, _ in turns}
        if speakers != {interviewer, interviewee}:
            fail(where, f"speakers {sorted(speakers)} != interviewer+interviewee "
                        f"{[interviewer, interviewee]}")
        if interviewer == interviewee:
            fail(where, "interviewer and interviewee are the same person")
        if front:
            acc = accounts.get(fname, {})
            for key, expected in (("interviewer", interviewer), ("interviewee", interviewee),
                                  ("company", acc.get("company")),
                                  ("date", acc.get("interview_date"))):
                if str(front.get(key)) != str(expected):
                    fail(where, f"front matter {key}={front.get(key)!r} != {expected!r}")
        words[fname] = sum(len(t.split()) for _, t in turns)
        if not MIN_WORDS <= words[fname] <= MAX_WORDS:
            fail(where, f"{words[fname]} spoken words, outside {MIN_WORDS}-{MAX_WORDS}")
        interviewee_texts = [t for s, t in turns if s == interviewee]

        def quote_ok(w: str, quote: str) -> None:
            if quote not in raw:
                fail(w, f"quote not verbatim in transcript: {quote!r}")
            elif not any(quote in t for t in interviewee_texts):
                fail(w, f"quote not inside a single interviewee turn/cue: {quote!r}")
            elif "\n" in quote:
                fail(w, f"quote spans lines: {quote!r}")

        items = ann.get("items")
        if not isinstance(items, list) or not items:
            fail(where, "items must be a non-empty list")
            continue
        per_file[fname] = Counter()
        for i, item in enumerate(items):
            iw = f"{where} item {i + 1}"
            if not isinstance(item, dict):
                fail(iw, "item is not a mapping")
                continue
            check_item(iw, item, quote_ok, themes)
            cat = item.get("category")
            per_cat[cat] += 1
            per_file[fname][cat] += 1
            if item.get("dismissed") is True:
                dismissed += 1
                continue
            if item.get("theme"):
                theme_files[item["theme"]].add(fname)
            elif cat in THEME_CATEGORIES:
                one_offs += 1

    for tid in themes:
        n = len(theme_files.get(tid, ()))
        if n < 2:
            fail("themes.yaml", f"theme {tid} recurs in {n} interview(s), needs >= 2")

    # ------------------------------------------------------------------ summary
    outcomes = Counter(a["outcome"] for a in accounts.values())
    print(f"interviews: {len(per_file)}  ({', '.join(f'{k} {v}' for k, v in sorted(formats.items()))})")
    print(f"outcomes:   {', '.join(f'{k} {outcomes[k]}' for k in ('won', 'lost', 'open'))}")
    total = sum(per_cat.values())
    print(f"items:      {total}  " + ", ".join(f"{c} {per_cat[c]}" for c in ("pain", "trigger", "alternative", "dmu"))
          + f"  (dismissed {dismissed}, one-off {one_offs})")
    print("per interview:")
    for fname in sorted(per_file):
        c = per_file[fname]
        acc = accounts.get(fname, {})
        print(f"  {fname:<26} {acc.get('outcome', '?'):<5} {acc.get('employees', '?'):>4} emp "
              f"{words.get(fname, 0):>5} words  {sum(c.values()):>2} items "
              f"(P{c['pain']} T{c['trigger']} A{c['alternative']} D{c['dmu']})")
    print("themes (interviews: won/lost/open):")
    for tid, t in themes.items():
        files = theme_files.get(tid, set())
        oc = Counter(accounts.get(f, {}).get("outcome") for f in files)
        print(f"  {tid:<4} {t['category']:<11} {len(files):>2}  ({oc['won']}/{oc['lost']}/{oc['open']})  {t['label']}")

    return finish(errors)


if __name__ == "__main__":
    sys.exit(main())
