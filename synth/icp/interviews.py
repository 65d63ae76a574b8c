"""Profile traits that come from interviews: behavioral (alternatives), triggers, DMU."""
from __future__ import annotations

from collections import Counter, defaultdict
from typing import Optional

from ..models import DMU_ROLES, Extraction, Theme, ThemeSet
from ..vocab.accounts import norm_text
from .rules import ALT_KINDS_GROUPED
from .traits import IcpProfile, ProfileTrait, Support, TraitContext, display, first_quotes, item_id, title_key

ROLE_LABELS = {r: r.replace("_", " ") for r in DMU_ROLES}


def _themes_with(themes: Optional[ThemeSet], category: str, ids: set[str]) -> list[str]:
    if themes is None:
        return []
    return [t.id for t in themes.themes if t.category == category and ids.intersection(t.item_ids)]


def _behavioral(ctx: TraitContext, prof: IcpProfile, exs, file_key, themes, known: set[str]) -> None:
    by_name: dict[str, list] = defaultdict(list)       # norm name -> [(account, item, id)]
    by_kind: dict[str, list] = defaultdict(list)
    for ex in exs:
        for alt in ex.alternatives:
            if alt.dismissed:
                continue
            rec = (file_key[ex.file], alt, item_id(alt, "alternative", ex))
            by_name[norm_text(alt.name)].append(rec)
            if alt.kind in ALT_KINDS_GROUPED:
                by_kind[alt.kind].append(rec)
    cands = []
    for key, recs in sorted(by_name.items()):
        name = display(Counter(r[1].name.strip() for r in recs))
        kind = display(Counter(r[1].kind for r in recs))
        cands.append((name, f"current alternative: {name} ({kind})", recs))
    for kind, recs in sorted(by_kind.items()):
        names = {norm_text(r[1].name) for r in recs}
        if len(names) > 1:              # the kind groups several names: worth a trait of its own
            cands.append((kind, f"current alternative: any {kind} approach", recs))
    pos = []
    for value, label, recs in cands:
        having = {r[0] for r in recs}
        s = ctx.support(having, known)
        ids = sorted({r[2] for r in recs})
        trait = dict(attribute="behavioral", field="alternatives", op="contains_any", value=[value],
                     label=label, support=s, item_ids=ids, quotes=first_quotes([r[1] for r in recs]),
                     theme_ids=_themes_with(themes, "alternative", set(ids)))
        if ctx.positive(s):
            pos.append((-s.accounts, label, ProfileTrait(**trait)))
        elif ctx.negative(s):
            prof.negative.append(ProfileTrait(direction="negative", disqualifier=ctx.disqualifies(s),
                                              **trait))
    prof.behavioral += [t for *_, t in sorted(pos, key=lambda p: p[:2])]


def _theme_order(t: Theme) -> tuple:
    return (t.rank if t.rank > 0 else 1 << 30, -t.score, t.id)


def _triggers(ctx: TraitContext, prof: IcpProfile, exs, file_key, themes, known, max_triggers) -> None:
    items = {}
    for ex in exs:
        for trig in ex.triggers:
            if not trig.dismissed:
                items[item_id(trig, "trigger", ex)] = (file_key[ex.file], trig)
    trig_themes = sorted((t for t in (themes.themes if themes else []) if t.category == "trigger"),
                         key=_theme_order)
    if trig_themes:
        for t in trig_themes[:max_triggers]:
            members = [items[i] for i in t.item_ids if i in items]
            kinds = Counter(m[1].kind for m in members if m[1].kind != "other")
            having = {m[0] for m in members}
            s = ctx.support(having, known) if having else Support(
                accounts=len(t.accounts) or len(t.files), won=t.won, lost=t.lost,
                companies=sorted(t.accounts)[:20])
            quotes = ([t.representative_quote] if t.representative_quote else [])
            quotes += [q for q in first_quotes([m[1] for m in members]) if q not in quotes]
            prof.triggers.append(ProfileTrait(
                attribute="trigger", field="triggers", op="contains_any",
                value=[t.label, *sorted(kinds, key=lambda k: (-kinds[k], k))], label=t.label,
                support=s, theme_ids=[t.id], item_ids=sorted(i for i in t.item_ids if i in items),
                quotes=quotes[:3]))
        return
    by_kind: dict[str, list] = defaultdict(list)
    for iid, (acct, trig) in sorted(items.items()):
        by_kind[trig.kind].append((acct, trig, iid))
    ranked = []
    for kind, recs in by_kind.items():
        having = {r[0] for r in recs}
        s = ctx.support(having, known)
        if kind == "other" or ctx.ref_hits(s) < ctx.min_support:
            continue
        ranked.append((-ctx.ref_hits(s), kind, ProfileTrait(
            attribute="trigger", field="triggers", op="contains_any", value=[kind],
            label=kind.replace("_", " "), support=s, item_ids=sorted(r[2] for r in recs),
            quotes=first_quotes([r[1] for r in recs]))))
    prof.triggers += [t for *_, t in sorted(ranked, key=lambda r: r[:2])[:max_triggers]]


def _dmu(ctx: TraitContext, prof: IcpProfile, exs, file_key, themes, known: set[str]) -> None:
    roles: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for ex in exs:
        for m in ex.dmu:
            if m.dismissed or not (m.title and m.title.strip()):
                continue
            roles[m.role][title_key(m.title)].append((file_key[ex.file], m, item_id(m, "dmu", ex)))
    for role in DMU_ROLES:
        titles = roles.get(role)
        if not titles:
            continue
        ranked = sorted(titles.items(), key=lambda kv: (-len({r[0] for r in kv[1]}), kv[0]))[:3]
        recs = [r for _, rs in ranked for r in rs]
        names = [display(Counter(r[1].title.strip() for r in rs)) for _, rs in ranked]
        counts = [len({r[0] for r in rs}) for _, rs in ranked]
        ids = sorted({r[2] for r in recs})
        prof.dmu.append(ProfileTrait(
            attribute="dmu", field=f"{role}_title", op="contains_any", value=names,
            label=f"{ROLE_LABELS[role]}: " + ", ".join(f"{n} ({c})" for n, c in zip(names, counts)),
            support=ctx.support({r[0] for r in recs}, known), item_ids=ids,
            quotes=first_quotes([r[1] for r in recs]), theme_ids=_themes_with(themes, "dmu", set(ids))))


def interview_traits(ctx: TraitContext, prof: IcpProfile, exs: list[Extraction], file_key: dict[str, str],
                     themes: Optional[ThemeSet], max_triggers: int) -> None:
    known = {file_key[ex.file] for ex in exs}
    _behavioral(ctx, prof, exs, file_key, themes, known)
    _triggers(ctx, prof, exs, file_key, themes, known, max_triggers)
    _dmu(ctx, prof, exs, file_key, themes, known)
