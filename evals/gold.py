"""Load an annotated study (the dev study `evals/gold/`, the held-out `evals/heldout/`) through
synth's own readers.

    study = load_gold()
    study.transcripts["01_brightloop.txt"]   # synth.models.Transcript, parsed by synth.ingest
    study.items                              # GoldItem, one per annotated item, quote located
    study.themes                             # GoldTheme by id (themes.yaml)
    study.accounts                           # synth.models.AccountRow from accounts.csv

Every gold quote is located in synth's normalized transcript text (`Transcript.text`): exact
first, then with whitespace and case folded. The located span is what extraction matching compares
against (see `evals.metrics`). `to_extractions()` and `to_themeset()` turn the annotations into
synth's own artifacts, so later stages (themes, ICP) can run on gold input.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import yaml

from evals.metrics import Mention

GOLD_DIR = Path(__file__).resolve().parent / "gold"   # the dev study: tune here
DEV_DIR = GOLD_DIR
HELDOUT_DIR = Path(__file__).resolve().parent / "heldout"   # measure here, never tune (evals/heldout/README.md)
STUDIES = {"heldout": HELDOUT_DIR, "dev": DEV_DIR}
CATEGORY_FIELD = {"pain": "pains", "trigger": "triggers", "alternative": "alternatives", "dmu": "dmu"}


@dataclass(frozen=True)
class GoldTheme:
    id: str
    category: str
    label: str
    description: str


@dataclass
class GoldItem:
    file: str
    index: int                       # position in the annotation file
    category: str
    quote: str                       # as annotated (verbatim in the raw file)
    statement: str
    theme: Optional[str]
    dismissed: bool
    fields: dict                     # severity, quantity, kind, when, name, role, title
    span: Optional[tuple[int, int]] = None   # located in Transcript.text
    located_text: Optional[str] = None       # Transcript.text[span]
    in_interviewer_turn: bool = False        # synth marked the quote's turn as the interviewer's

    @property
    def key(self) -> str:
        return f"{self.file}#{self.index}"

    @property
    def quantity_value(self) -> Optional[float]:
        q = self.fields.get("quantity")
        return float(q["value"]) if isinstance(q, dict) and q.get("value") is not None else None

    def mention(self) -> Mention:
        quote = self.located_text if self.located_text is not None else self.quote
        return Mention(file=self.file, category=self.category, quotes=(quote,),
                       spans=(self.span,) if self.span else (), dismissed=self.dismissed,
                       role=self.fields.get("role"), quantity=self.quantity_value, theme=self.theme,
                       id=self.key)


@dataclass
class GoldStudy:
    root: Path
    transcripts: dict                       # file -> synth.models.Transcript
    items: list[GoldItem]
    themes: dict[str, GoldTheme]
    accounts: list                          # synth.models.AccountRow
    account_warnings: list[str] = field(default_factory=list)
    interviewers: dict[str, str] = field(default_factory=dict)   # file -> annotated interviewer
    interviewees: dict[str, str] = field(default_factory=dict)

    @property
    def files(self) -> list[str]:
        return sorted(self.transcripts)

    def theme_files(self) -> dict[str, set[str]]:
        """Gold theme id -> interviews with a (non-dismissed) item of that theme."""
        out: dict[str, set[str]] = {t: set() for t in self.themes}
        for it in self.items:
            if it.theme and not it.dismissed:
                out.setdefault(it.theme, set()).add(it.file)
        return out

    def account_by_file(self) -> dict[str, str]:
        return {a.file: a.company for a in self.accounts if a.file}

    def unlocated(self) -> list[GoldItem]:
        return [it for it in self.items if it.span is None]

    # ------------------------------------------------------------------ synth artifacts
    def to_extractions(self) -> list:
        """The annotations as `synth.models.Extraction`s (one per transcript, items in file order)."""
        from synth.models import (
            Alternative,
            DmuMember,
            Evidence,
            Extraction,
            ExtractionStats,
            PainPoint,
            Quantity,
            Trigger,
        )

        out = []
        for fname in self.files:
            t = self.transcripts[fname]
            ex = Extraction(file=fname, transcript_hash=t.content_hash, extractor="gold",
                            stats=ExtractionStats())
            for it in (i for i in self.items if i.file == fname):
                ev = []
                if it.span is not None:
                    turn = t.turn_at(it.span[0])
                    ev = [Evidence(quote=t.text[it.span[0]:it.span[1]], file=fname,
                                   transcript_hash=t.content_hash,
                                   speaker=turn.speaker if turn else "", turn_index=turn.index if turn else -1,
                                   char_start=it.span[0], char_end=it.span[1],
                                   start=turn.start if turn else None)]
                f = it.fields
                common = dict(statement=it.statement, evidence=ev, dismissed=it.dismissed)
                if it.category == "pain":
                    q = f.get("quantity")
                    model = PainPoint(**common, severity=f.get("severity", 3),
                                      quantity=Quantity(**q) if q else None)
                elif it.category == "trigger":
                    model = Trigger(**common, kind=f.get("kind", "other"), when=f.get("when"))
                elif it.category == "alternative":
                    model = Alternative(**common, kind=f["kind"], name=f["name"])
                else:
                    model = DmuMember(**common, role=f["role"], title=f.get("title"), name=f.get("name"))
                model.id = gold_item_id(it)
                getattr(ex, CATEGORY_FIELD[it.category]).append(model)
            out.append(ex)
        return out

    def to_themeset(self):
        """The gold themes as a `synth.models.ThemeSet` (members: ids from `gold_item_id`)."""
        from synth.models import Theme, ThemeSet

        outcome = {a.file: a.outcome for a in self.accounts if a.file}
        company = self.account_by_file()
        themes = []
        for tid, th in self.themes.items():
            members = [it for it in self.items if it.theme == tid and not it.dismissed]
            files = sorted({it.file for it in members})
            themes.append(Theme(
                id=tid, category=th.category, label=th.label, definition=th.description,
                item_ids=[gold_item_id(it) for it in members], files=files,
                accounts=sorted({company.get(f, f) for f in files}),
                won=sum(outcome.get(f) == "won" for f in files),
                lost=sum(outcome.get(f) == "lost" for f in files),
                score=float(len(files))))
        themes.sort(key=lambda t: (-len(t.files), t.id))
        for i, t in enumerate(themes, 1):
            t.rank = i
        return ThemeSet(themes=themes, n_interviews=len(self.transcripts),
                        dismissed=[gold_item_id(it) for it in self.items if it.dismissed])


def gold_item_id(it: GoldItem) -> str:
    return f"gold-{it.file.split('_')[0]}-{it.index:02d}"


_WS = re.compile(r"\s+")


def locate(quote: str, text: str) -> Optional[tuple[int, int]]:
    """Char span of `quote` in `text`: exact, else whitespace-collapsed and case-folded."""
    i = text.find(quote)
    if i >= 0:
        return i, i + len(quote)
    # fold whitespace runs and case, keeping a map back to the original offsets
    chars, pos = [], []
    prev_space = False
    for k, ch in enumerate(text):
        if ch.isspace():
            if prev_space:
                continue
            ch, prev_space = " ", True
        else:
            prev_space = False
        chars.append(ch.lower())
        pos.append(k)
    folded = "".join(chars)
    q = _WS.sub(" ", quote.strip()).lower()
    j = folded.find(q)
    if j < 0 or not q:
        return None
    return pos[j], pos[j + len(q) - 1] + 1


def load_gold(root: Path | str = GOLD_DIR) -> GoldStudy:
    """Parse every annotated transcript with `synth.ingest.load_transcript` and locate its quotes."""
    from synth.ingest import join_accounts, load_accounts, load_transcript

    root = Path(root)
    themes = {}
    for t in yaml.safe_load((root / "themes.yaml").read_text(encoding="utf-8")):
        themes[t["id"]] = GoldTheme(id=t["id"], category=t["category"], label=t["label"],
                                    description=" ".join(str(t.get("description", "")).split()))
    accounts, warnings = load_accounts(root / "accounts.csv")
    transcripts: dict = {}
    items: list[GoldItem] = []
    interviewers, interviewees = {}, {}
    for ann_path in sorted((root / "annotations").glob("*.yaml")):
        ann = yaml.safe_load(ann_path.read_text(encoding="utf-8"))
        fname = ann["file"]
        t = load_transcript(root / "transcripts" / fname)
        transcripts[fname] = t
        interviewers[fname], interviewees[fname] = ann.get("interviewer"), ann.get("interviewee")
        for i, raw in enumerate(ann["items"], 1):
            fields = {k: v for k, v in raw.items()
                      if k not in ("category", "quote", "statement", "theme", "dismissed")}
            it = GoldItem(file=fname, index=i, category=raw["category"], quote=raw["quote"],
                          statement=raw["statement"], theme=raw.get("theme"),
                          dismissed=bool(raw.get("dismissed")), fields=fields)
            span = locate(it.quote, t.text)
            if span is not None:
                it.span = span
                it.located_text = t.text[span[0]:span[1]]
                turn = t.turn_at(span[0])
                it.in_interviewer_turn = bool(turn and turn.is_interviewer)
            items.append(it)
    joined, jw = join_accounts(list(transcripts.values()), accounts)
    return GoldStudy(root=root, transcripts=transcripts, items=items, themes=themes,
                     accounts=accounts, account_warnings=[*warnings, *jw],
                     interviewers=interviewers, interviewees=interviewees)
