"""The interviews a hypothesis is tested against: transcript, extracted items, account, outcome, date."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Optional

from synth.models import AccountRow, Extraction, Item, Transcript, interview_date
from synth.workspace import Workspace


@dataclass
class Interview:
    file: str
    account: str
    outcome: Optional[str]
    date: Optional[dt.date]
    transcript: Transcript
    items: list[Item] = field(default_factory=list)


def interviews_from(transcripts: dict[str, Transcript], extractions: list[Extraction],
                    accounts: dict[str, AccountRow]) -> list[Interview]:
    """One `Interview` per extracted transcript, in file order (an interview without an accounts row is
    its own account, outcome unknown: counted as open, as the report counts it)."""
    out = []
    for ex in sorted(extractions, key=lambda e: e.file):
        t = transcripts.get(ex.file)
        if t is None:
            continue
        row = accounts.get(ex.file)
        date = interview_date(row, t)
        out.append(Interview(file=ex.file, account=row.company if row else ex.file,
                             outcome=row.outcome if row else None, date=date, transcript=t, items=ex.items()))
    return out


def study_interviews(ws: Workspace) -> list[Interview]:
    exs = ws.latest_extractions()
    return interviews_from({t.file_name: t for t in ws.transcripts([e.file for e in exs])}, exs, ws.accounts())
