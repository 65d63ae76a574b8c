"""DMU members are not clustered but normalized: free-text titles -> canonical titles, counted per role."""
from __future__ import annotations

from synth.models import DMU_ROLES, DmuMember, DmuRoleSummary
from synth.vocab.titles import canonical_title


def summarize_dmu(members: list[DmuMember]) -> list[DmuRoleSummary]:
    by_role: dict[str, DmuRoleSummary] = {}
    for m in members:
        if m.dismissed:
            continue
        s = by_role.setdefault(m.role, DmuRoleSummary(role=m.role))
        t = canonical_title(m.title)
        s.titles[t] = s.titles.get(t, 0) + 1
        s.item_ids.append(m.id)
        s.files = sorted(set(s.files) | {e.file for e in m.evidence})
    order = list(DMU_ROLES)
    out = [by_role[r] for r in order if r in by_role]
    for s in out:
        s.titles = dict(sorted(s.titles.items(), key=lambda kv: (-kv[1], kv[0])))
    return out
