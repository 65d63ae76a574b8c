"""The interviewed accounts as a scorer table: accounts.csv columns plus what the interviews said
(trigger themes and kinds, alternatives, DMU titles by role), so trigger, behavioral and DMU rules
apply to them the same way they would to a CRM export that carries those columns."""
from __future__ import annotations

from typing import Optional

from ..models import AccountRow, Extraction, ThemeSet
from .rules import DMU_ROLES
from .table import AccountsTable


def interviewed_table(accounts: dict[str, AccountRow], extractions: list[Extraction],
                      themes: Optional[ThemeSet]) -> AccountsTable:
    theme_of: dict[str, list[str]] = {}
    for th in (themes.themes if themes else []):
        for i in th.item_ids:
            theme_of.setdefault(i, []).append(th.label)
    records = []
    for ex in sorted(extractions, key=lambda e: e.file):
        row = accounts.get(ex.file) or AccountRow(file=ex.file, company=ex.file)
        rec = row.model_dump(mode="json")
        trig = [lab for t in ex.triggers if not t.dismissed for lab in theme_of.get(t.id, [])]
        trig += [t.kind for t in ex.triggers if not t.dismissed]
        alts = [a.name for a in ex.alternatives if not a.dismissed]
        alts += [a.kind for a in ex.alternatives if not a.dismissed]
        rec["triggers"] = sorted(set(trig))
        rec["alternatives"] = sorted(set(alts))
        for role in DMU_ROLES:
            rec[f"{role}_title"] = sorted({m.title for m in ex.dmu if m.role == role and m.title
                                           and not m.dismissed})
        records.append(rec)
    return AccountsTable.from_records(records, "synth")
