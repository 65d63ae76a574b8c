"""Gather everything the report shows from the workspace (and an ICP result) into `ReportData`.

Reads only: nothing here calls an LLM or loads the embedding model. The 2-D item map uses the
statement vectors the themes stage already cached; items without a cached vector are left off.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any, Optional

import numpy as np

from synth.icp.validate import metrics_line
from synth.llm.ledger import PROBE_PURPOSES
from synth.models import (
    CATEGORIES,
    CLUSTERED_CATEGORIES,
    THEME_SECTIONS,
    Alternative,
    Evidence,
    Item,
    Theme,
    ThemeSet,
)
from synth.themes.facts import StudyFacts
from synth.workspace import Workspace

from .findings import gather
from .model import (
    AlternativeView,
    DmuRoleView,
    IcpView,
    ItemNote,
    MapPoint,
    QuoteRef,
    ReportData,
    RuleView,
    ScoredAccount,
    StudySummary,
    ThemeView,
    TierView,
    TraitView,
    ValidationView,
    hms,
)


def theme_code(category: str, rank: int) -> str:
    """P3: the third pain theme (the category's short code in the table, then the rank)."""
    return f"{CATEGORIES[category].code if category in CATEGORIES else '?'}{rank}"

MAX_QUOTES = 4


def quote_ref(ev: Evidence, item: Optional[Item] = None) -> QuoteRef:
    return QuoteRef(quote=ev.quote, file=ev.file, speaker=ev.speaker, start=ev.start, timestamp=hms(ev.start),
                    char_start=ev.char_start, char_end=ev.char_end, match=ev.match,
                    item_id=item.id if item else None, statement=item.statement if item else None)


def _first_quote(item: Item) -> Optional[QuoteRef]:
    return quote_ref(item.evidence[0], item) if item.evidence else None


def theme_quotes(th, by_id: dict[str, Item], limit: int = MAX_QUOTES) -> list[QuoteRef]:
    """The representative quote, then one per interview, then the rest; no quote twice."""
    pairs: list[tuple[Evidence, Item]] = [(ev, by_id[i]) for i in th.item_ids if i in by_id
                                          for ev in by_id[i].evidence]
    rep = th.representative_quote
    ordered: list[tuple[Evidence, Item]] = []
    if rep is not None:
        owner = next((it for ev, it in pairs if ev.file == rep.file and ev.char_start == rep.char_start), None)
        ordered.append((rep, owner))
    seen_files = {e.file for e, _ in ordered}
    for ev, it in pairs:
        if ev.file not in seen_files:
            ordered.append((ev, it))
            seen_files.add(ev.file)
    ordered += pairs
    out: list[QuoteRef] = []
    seen: set[tuple[str, int, int]] = set()
    for ev, it in ordered:
        key = (ev.file, ev.char_start, ev.char_end)
        if key not in seen:
            seen.add(key)
            out.append(quote_ref(ev, it))
        if len(out) >= limit:
            break
    return out


def theme_view(th: Theme, by_id: dict[str, Item], study: StudyFacts, n: int, files: Optional[set[str]] = None,
               quotes: int = MAX_QUOTES) -> ThemeView:
    """One theme as the report and the browser both show it, over `n` interviews; with `files` (the
    browser's filters), its items, interviews, outcomes and quotes counted over those interviews only."""
    if files is not None:
        members = [i for i in th.item_ids if i in by_id and any(ev.file in files for ev in by_id[i].evidence)]
        th_files = [f for f in th.files if f in files]
        rep = th.representative_quote if th.representative_quote and th.representative_quote.file in files else None
        shown = th.model_copy(update={"item_ids": members, "representative_quote": rep})
    else:
        members, th_files, shown = th.item_ids, th.files, th
    n_won, n_lost = len(study.with_outcome("won")), len(study.with_outcome("lost"))
    accts, won, lost = study.won_lost(th_files)
    return ThemeView(
        id=th.id, category=th.category, code=theme_code(th.category, th.rank), label=th.label,
        definition=th.definition, keyphrases=th.keyphrases, rank=th.rank, score=th.score, pinned=th.pinned,
        label_source=th.label_source, items=len(members), interviews=len(th_files),
        coverage=len(th_files) / n if n else 0.0, accounts=accts, won=won, lost=lost,
        won_share=won / n_won if n_won else None,
        lost_share=lost / n_lost if n_lost else None,
        breakdown=th.breakdown, quotes=theme_quotes(shown, by_id, quotes) if quotes else [])


def _theme_views(ts: ThemeSet, category: str, by_id: dict[str, Item], study: StudyFacts, n: int) -> list[ThemeView]:
    themes = sorted((t for t in ts.themes if t.category == category), key=lambda t: (t.rank, t.id))
    return [theme_view(th, by_id, study, n) for th in themes]


def _alternatives(items: list[Item], ts: Optional[ThemeSet], study: StudyFacts) -> list[AlternativeView]:
    code_of: dict[str, str] = {}
    for th in (ts.themes if ts else []):
        if CATEGORIES[th.category].grouping == "name":
            code_of.update({i: theme_code(th.category, th.rank) for i in th.item_ids})
    groups: dict[str, list[Alternative]] = defaultdict(list)
    for it in items:
        if isinstance(it, Alternative) and not it.dismissed:
            groups[" ".join(it.name.casefold().split())].append(it)
    out = []
    for _, members in groups.items():
        files = sorted({ev.file for m in members for ev in m.evidence})
        _, won, lost = study.won_lost(files)
        names = Counter(m.name for m in members)
        kinds = Counter(m.kind for m in members)
        codes = sorted({code_of[m.id] for m in members if m.id in code_of})
        out.append(AlternativeView(
            name=sorted(names.items(), key=lambda kv: (-kv[1], kv[0]))[0][0],
            kind=sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0]))[0][0],
            mentions=len(members), interviews=len(files), won=won, lost=lost,
            theme_code=codes[0] if codes else None,
            shortfalls=sorted({m.shortfall for m in members if m.shortfall}),
            quote=next((q for q in map(_first_quote, members) if q), None)))
    out.sort(key=lambda a: (-a.interviews, -a.mentions, a.name.casefold()))
    return out


def _dmu(ts: Optional[ThemeSet], by_id: dict[str, Item]) -> list[DmuRoleView]:
    out = []
    for s in (ts.dmu if ts else []):
        titles = sorted(s.titles.items(), key=lambda kv: (-kv[1], kv[0]))
        quote = next((q for q in (_first_quote(by_id[i]) for i in s.item_ids if i in by_id) if q), None)
        out.append(DmuRoleView(role=s.role, titles=titles, interviews=len(s.files), quote=quote))
    return out


def _summary(ws: Workspace, exs, items: list[Item], ts: Optional[ThemeSet], study: StudyFacts) -> StudySummary:
    # an interview is an account only when it has a company (StudyFacts, the browser's rule too), issue 21
    s = StudySummary(interviews=len(exs), accounts=study.n_accounts, won=len(study.with_outcome("won")),
                     lost=len(study.with_outcome("lost")))
    s.open = max(0, s.accounts - s.won - s.lost)
    s.extractors = dict(sorted(Counter(e.extractor for e in exs).items()))
    s.models = sorted({e.model for e in exs if e.model})
    s.prompt_versions = sorted({e.prompt_version for e in exs if e.prompt_version})
    s.items = dict(sorted(Counter(it.category for it in items).items()))
    s.dismissed = sum(it.dismissed for it in items)
    for e in exs:
        st = e.stats
        s.quotes_proposed += st.quotes_proposed
        s.quotes_grounded += st.quotes_grounded
        s.items_dropped += st.items_dropped
        s.quotes_grounded_first += st.quotes_grounded_first
        s.quotes_reasked += st.quotes_reasked
        s.quotes_salvaged += st.quotes_salvaged
        s.quotes_dropped += st.quotes_dropped
        s.fields_nulled += st.fields_nulled
        s.fields_corrected += st.fields_corrected
        s.statements_replaced += st.statements_replaced
        s.items_unsupported += st.items_unsupported
        s.chunks_failed += len({c.chunk for c in e.failed_chunks})
        if e.failed_chunks:
            s.partial_files.append(e.file)
        s.extraction_calls += st.calls
        s.extraction_cache_hits += st.cache_hits
    s.grounding_rate = s.quotes_grounded / s.quotes_proposed if s.quotes_proposed else None
    log = ws.call_log()
    # the probe's refusals are how a mode is found, not failures of the study's calls (synth/llm/ledger.py)
    s.probe_requests = sum(1 for r in log if r.get("purpose") in PROBE_PURPOSES)
    log = [r for r in log if r.get("purpose") not in PROBE_PURPOSES]
    s.llm_calls = len(log)
    s.llm_failed = sum(1 for r in log if str(r.get("status") or "").startswith("error"))
    s.llm_purposes = dict(sorted(Counter(str(r.get("purpose")) for r in log).items()))
    s.tokens_in = sum(int(r.get("tokens_in") or 0) for r in log)
    s.tokens_out = sum(int(r.get("tokens_out") or 0) for r in log)
    s.cost_usd = round(sum(float(r.get("cost_usd") or 0.0) for r in log), 6)
    s.unpriced_calls = sum(1 for r in log if r.get("priced") == 0 and int(r.get("tokens_in") or 0))
    if ts:
        s.themes = dict(sorted(Counter(t.category for t in ts.themes).items()))
        s.stale_decisions = list(ts.stale_decisions)
    return s


def _pca2(vectors: np.ndarray) -> np.ndarray:
    """Deterministic 2-D PCA: SVD of the centred vectors, each axis signed so its largest loading is > 0."""
    x = vectors.astype(np.float64) - vectors.mean(axis=0, keepdims=True)
    _, _, vt = np.linalg.svd(x, full_matrices=False)
    comps = vt[:2]
    signs = np.sign(comps[np.arange(len(comps)), np.abs(comps).argmax(axis=1)])
    comps = comps * np.where(signs == 0, 1, signs)[:, None]
    xy = x @ comps.T
    if xy.shape[1] < 2:
        xy = np.hstack([xy, np.zeros((len(xy), 2 - xy.shape[1]))])
    return np.round(xy, 4)


def _condition(c) -> str:
    v = c.value
    if c.op == "between":
        return f"{c.field} between {v[0]:g} and {v[1]:g}"
    if c.op in ("gte", "lte"):
        return f"{c.field} {'≥' if c.op == 'gte' else '≤'} {v:g}"
    if c.op == "equals":
        return f"{c.field} = {v}"
    return f"{c.field} {'is one of' if c.op == 'in' else 'has any of'} {', '.join(map(str, v))}"


def _icp_view(r: Any) -> IcpView:
    view = IcpView(narrative=r.narrative, narrative_source=r.narrative_source,
                   rules_file=getattr(r.rules_path, "name", None), not_scored=getattr(r, "not_scored", None))
    p = r.profile
    for tr in [*p.positive(), *p.negative]:
        view.traits.append(TraitView(
            attribute=tr.attribute, label=tr.label, direction=tr.direction, disqualifier=tr.disqualifier,
            won=tr.support.won, lost=tr.support.lost, accounts=tr.support.accounts,
            quotes=[quote_ref(q) for q in tr.quotes[:2]]))
    view.notes = list(p.notes)
    rules = r.rules
    view.tiers = {"high_touch": rules.tiers.high_touch, "nurture": rules.tiers.nurture}
    for kind, crits in (("criterion", rules.criteria), ("disqualifier", rules.disqualifiers)):
        for c in crits:
            view.rules.append(RuleView(id=c.id, kind=kind, attribute=c.attribute, field=c.field,
                                       condition=_condition(c), points=c.points, label=c.describe(),
                                       evidence=c.evidence))
    v = r.validation
    if v is not None:
        view.validation = ValidationView(
            accounts=v.accounts, won=v.won, lost=v.lost, open=v.open, lift=v.lift, auc=v.auc, recall=v.recall,
            top_tier_share=v.top_tier_share, passed=v.passed, warnings=list(v.warnings), notes=list(v.notes),
            tiers=[TierView(**t.model_dump()) for t in v.tiers], in_sample=metrics_line(v),
            out_of_sample=metrics_line(v.out_of_sample.metrics) if v.out_of_sample else "",
            out_of_sample_method=v.out_of_sample.describe() if v.out_of_sample else "",
            verdict=v.verdict, verdict_basis=v.verdict_basis)
    sc = r.scores
    if sc is not None:
        col = sc.table.column("outcome")
        outcomes = col.values() if col is not None else None
        rows = []
        for i in range(len(sc)):
            a = sc.account(i)
            out = str(outcomes[i]) if outcomes is not None and outcomes[i] else None
            rows.append(ScoredAccount(company=a.company, score=a.score, score_max=a.score_max, tier=a.tier, outcome=out,
                                      positive=a.positive_signals, negative=a.negative_signals,
                                      unknowns=a.unknowns))
        view.accounts = sorted(rows, key=lambda a: (-a.score, a.company.casefold(), a.company))
    return view


def build_report_data(ws: Workspace, icp_result: Any = None, embedding_model: Optional[str] = None) -> ReportData:
    """Everything the report shows, from the workspace's latest extractions and themes."""
    exs = ws.latest_extractions()
    items: list[Item] = [it for e in exs for it in e.items()]
    by_id = {it.id: it for it in items}
    ts = ws.latest_themes()
    files = [e.file for e in exs]
    study = StudyFacts.build(files, ws.accounts(), transcripts=ws.transcripts(files))
    n = len(exs)
    data = ReportData(summary=_summary(ws, exs, items, ts, study))
    if ts is not None:
        data.theme_sections = {c: _theme_views(ts, c, by_id, study, n) for c in THEME_SECTIONS
                               if CATEGORIES[c].grouping == "embedding"}
        data.unclustered = {k: len(v) for k, v in sorted(ts.unclustered.items())}
        data.unclustered_items = [
            ItemNote(id=i, category=cat, statement=by_id[i].statement, quote=_first_quote(by_id[i]))
            for cat, ids in sorted(ts.unclustered.items()) for i in ids if i in by_id]
        code = {v.id: v.code for v in data.themes}
        members = {i: code[th.id] for th in ts.themes if th.id in code for i in th.item_ids}
        # the model the themes were made with (stored with them), unless the caller names another
        data.item_map, data.map_note = _item_map(ws, items, members, embedding_model or ts.run.embedding_model)
    data.dismissed = [ItemNote(id=it.id, category=it.category, statement=it.statement,
                               quote=_first_quote(it)) for it in items if it.dismissed]
    data.alternatives = _alternatives(items, ts, study)
    data.dmu = _dmu(ts, by_id)
    data.hypotheses, data.saturation = gather(ws, exs, ts)
    if icp_result is not None:
        data.icp = _icp_view(icp_result)
    return data


def _item_map(ws: Workspace, items: list[Item], code_of: dict[str, str], model: Optional[str]
              ) -> tuple[list[MapPoint], Optional[str]]:
    """Pain and trigger items placed by PCA of their cached statement embeddings, per category.
    `model` is the embedding model the themes stage used (a name or a path; the cache keys on the name)."""
    from pathlib import Path

    from synth.embed import DEFAULT_MODEL, text_hash

    points: list[MapPoint] = []
    missing = 0
    for cat in (c for c in CLUSTERED_CATEGORIES if CATEGORIES[c].grouping == "embedding"):
        members = [it for it in items if it.category == cat and not it.dismissed]
        hashes = [text_hash(it.statement) for it in members]
        vecs = ws.get_vectors(sorted(set(hashes)), Path(model).name if model else DEFAULT_MODEL) if hashes else {}
        have = [(it, vecs[h]) for it, h in zip(members, hashes) if h in vecs]
        missing += len(members) - len(have)
        if len(have) < 3:
            continue
        xy = _pca2(np.stack([v for _, v in have]))
        points += [MapPoint(item_id=it.id, category=cat, theme_code=code_of.get(it.id), x=float(a), y=float(b))
                   for (it, _), (a, b) in zip(have, xy)]
    note = None
    if missing:
        note = f"{missing} item{'s' if missing != 1 else ''} without a cached embedding left off the map"
    return points, note
