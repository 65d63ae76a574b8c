"""Themes stage: extractions -> embed -> cluster -> stable ids -> review decisions -> label -> rank.

`build_themes` clusters afresh (embeddings come from the workspace cache where known) and records how
in the ThemeSet's `run` (cluster parameters, embedding model, rank rules, label policy, LLM labels keyed
by their members). `assemble_themes` re-applies review decisions, labels and ranking to the stored
clusters without re-clustering, reading that record; `reassemble` is what every review decision runs
(`synth review`, the browser): the latest stored run, re-assembled and stored again.
"""
from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Callable, Optional

from pydantic import BaseModel, Field

from synth.embed import Embedder
from synth.models import (
    CATEGORIES,
    CLUSTERED_CATEGORIES,
    DmuMember,
    Extraction,
    Item,
    StoredLabel,
    Theme,
    ThemeRun,
    ThemeSet,
)
from synth.themes.cluster import Clusterer, ClusterParams, cluster_category
from synth.themes.dmu import summarize_dmu
from synth.themes.facts import StudyFacts
from synth.themes.label import (
    ThemeLabel,
    deterministic_label,
    keyphrases,
    label_problem,
    medoid,
    representative,
    term_weights,
)
from synth.themes.rank import load_rank_rules, rank
from synth.themes.review import ReviewError, apply_review, load_review, match_ids, review_path
from synth.workspace import Workspace

LABEL_PROMPT = "label_v1.md"
Progress = Callable[[str, int], None]


class ThemeOptions(BaseModel):
    model_config = {"arbitrary_types_allowed": True}
    params: ClusterParams = Field(default_factory=ClusterParams)
    clusterer: Optional[Clusterer] = Field(None, description="default HdbscanClusterer(params)")
    rules_path: Optional[Path] = None
    embedding_model: Optional[str] = None


def _items(exs: list[Extraction]) -> list[Item]:
    return [it for e in exs for it in e.items()]


def build_themes(ws: Workspace, options: Optional[ThemeOptions] = None, provider=None,
                 progress: Optional[Progress] = None) -> ThemeSet:
    """Cluster the current extractions into themes and store the result in the workspace."""
    options = options or ThemeOptions()
    exs = ws.latest_extractions()
    items = _items(exs)
    n_interviews = len(exs)
    emb = Embedder(ws, options.embedding_model)
    previous = ws.latest_themes()
    prev_raw = previous.raw_clusters if previous else {}
    next_id = dict(previous.next_id) if previous else {}
    raw: dict[str, list[str]] = {}
    unclustered: dict[str, list[str]] = {}
    for cat in CLUSTERED_CATEGORIES:
        members = [it for it in items if it.category == cat and not it.dismissed]
        by_meaning = CATEGORIES[cat].grouping == "embedding"
        vecs = emb.encode([m.statement for m in members]) if by_meaning and members else None
        res = cluster_category(cat, members, vecs, options.params, n_interviews, options.clusterer)
        raw.update(match_ids([c.item_ids for c in res.clusters], prev_raw, cat, next_id))
        unclustered[cat] = res.unclustered
        if progress:
            progress("themes", 1)
    run = ThemeRun(params=options.params.model_dump(), embedding_model=options.embedding_model,
                   rules_path=str(Path(options.rules_path).resolve()) if options.rules_path else None,
                   label_policy="llm" if provider is not None else "keywords")
    ts = ThemeSet(raw_clusters=dict(sorted(raw.items())), next_id=next_id, unclustered=unclustered,
                  dismissed=sorted(it.id for it in items if it.dismissed), n_interviews=n_interviews, run=run)
    ts = assemble_themes(ws, ts, provider=provider, extractions=exs, embedder=emb)
    ws.put_themes(ts)
    return ts


def reassemble(ws: Workspace, ts: ThemeSet, extractions: Optional[list[Extraction]] = None,
               embedder: Optional[Embedder] = None) -> ThemeSet:
    """A stored theme run re-assembled the way it was made (`ts.run`), and stored: what every review
    decision runs, in the CLI and in the browser."""
    new = assemble_themes(ws, ts, extractions=extractions, embedder=embedder)
    ws.put_themes(new)
    return new


def run_embedder(ws: Workspace, ts: ThemeSet, embedder: Optional[Embedder] = None) -> Embedder:
    """`embedder` when it is the model the run was made with, else one for that model."""
    if embedder is not None and embedder.model_path == ts.run.embedding_model:
        return embedder
    return Embedder(ws, ts.run.embedding_model)


def assemble_themes(ws: Workspace, ts: ThemeSet, provider=None, extractions: Optional[list[Extraction]] = None,
                    embedder: Optional[Embedder] = None) -> ThemeSet:
    """Apply review.yaml to the stored clusters, then label and rank, as `ts.run` says. Deterministic.

    With `provider`, the LLM labels each theme afresh (cached calls) and the labels are recorded by
    members; without, a theme whose members are those a recorded label was made for keeps that label."""
    exs = extractions if extractions is not None else ws.latest_extractions()
    items = _items(exs)
    by_id = {it.id: it for it in items}
    emb = run_embedder(ws, ts, embedder)
    review = load_review(review_path(ws.root))
    applied = apply_review(ts.raw_clusters, review)
    # drop members whose transcript is gone; a theme must still span two interviews
    clusters = {k: [i for i in v if i in by_id] for k, v in applied.clusters.items()}
    themes: list[Theme] = []
    for tid, members in clusters.items():
        if not members:
            continue
        cat = by_id[members[0]].category
        files = sorted({e.file for i in members for e in by_id[i].evidence})
        themes.append(Theme(id=tid, category=cat, label=tid, item_ids=members, files=files,
                            pinned=tid in applied.pinned))
    vec_ids = [i for th in themes for i in th.item_ids]
    vecs = emb.encode([by_id[i].statement for i in vec_ids])
    vmap = dict(zip(vec_ids, vecs))
    for cat in CLUSTERED_CATEGORIES:
        group = [th for th in themes if th.category == cat]
        docs = [" . ".join(by_id[i].statement for i in th.item_ids) for th in group]
        phrases, weights = keyphrases(docs), term_weights(docs)
        for th, ph, tw in zip(group, phrases, weights):
            th.keyphrases = ph
            mid = medoid(th.item_ids, vmap)
            th.representative_quote = representative(by_id[mid])
            th.label = deterministic_label(ph, by_id[mid].statement,
                                           statements=[by_id[i].statement for i in th.item_ids], weights=tw)
            if CATEGORIES[cat].grouping == "name":
                names = sorted({getattr(by_id[i], "name", "") for i in th.item_ids})
                kinds = sorted({getattr(by_id[i], "kind", "") for i in th.item_ids})
                th.label = names[0] if len(names) == 1 else f"{kinds[0]}: " + ", ".join(names[:3])
    run = ts.run.model_copy(deep=True)
    not_shown: dict[str, str] = {}
    if provider is not None:
        not_shown = _llm_labels(ws, provider, themes, by_id)
        run.labels = [StoredLabel(members=sorted(th.item_ids), label=th.label, definition=th.definition)
                      for th in themes if th.label_source == "llm"]
    else:
        stored = {tuple(sl.members): sl for sl in run.labels}
        for th in themes:
            sl = stored.get(tuple(sorted(th.item_ids)))
            if sl is not None:
                th.label, th.definition, th.label_source = sl.label, sl.definition, "llm"
    for th in themes:
        if th.id in applied.labels:
            th.label = applied.labels[th.id]
            th.label_source = "review"
        if th.id in applied.definitions:
            th.definition = applied.definitions[th.id]
    accounts = ws.accounts()
    # a rejected item (not a pain / trigger / alternative after all) leaves the counts, like a dismissed one
    counted = [it for it in items if not it.dismissed and it.id not in applied.rejected]
    files = [e.file for e in exs]
    facts = StudyFacts.build(files, accounts, counted, transcripts=ws.transcripts(files))
    ranked = rank(themes, by_id, facts, _rank_rules(run))
    ts = ts.model_copy(deep=True)
    ts.run = run
    ts.themes = ranked
    ts.stale_decisions = applied.stale
    ts.labels_not_shown = {k: v for k, v in not_shown.items() if k not in applied.labels}
    ts.dmu = summarize_dmu([it for it in items if isinstance(it, DmuMember)])
    return ts


def _rank_rules(run: ThemeRun):
    if run.rules_path is None:
        return load_rank_rules(None)
    path = Path(run.rules_path)
    if not path.is_file():
        raise ReviewError(f"{path}: the rank rules file these themes were ranked with is gone: restore it, "
                          "or run `synth themes` again to rank with another")
    return load_rank_rules(path)


def _llm_labels(ws: Workspace, provider, themes: list[Theme], by_id: dict[str, Item]) -> dict[str, str]:
    """Short label + definition per theme from an instructor call; cached like every LLM call. Returns
    the themes whose LLM label failed the check (theme id -> why): they keep the deterministic label."""
    from synth.extract.redact import study_redactor
    from synth.llm.caller import ChunkFailed, FatalProviderError, LlmCaller
    from synth.llm.shown import why_not_shown
    from synth.resources import load_prompt

    prompt = load_prompt(LABEL_PROMPT)
    not_shown: dict[str, str] = {}
    # a study extracted with --redact keeps its names on the machine here too; the label comes back restored
    red = study_redactor(ws.transcripts()) if ws.redaction_requested() else None
    hide, show = (red.redact, red.restore) if red else (str, str)

    async def one(caller: LlmCaller, th: Theme) -> None:
        stmts = [hide(by_id[i].statement) for i in th.item_ids][:20]
        others = [hide(by_id[i].statement) for o in themes if o.category == th.category and o.id != th.id
                  for i in o.item_ids][:10]
        msgs = [{"role": "system", "content": prompt.text},
                {"role": "user", "content": "<members>\n" + "\n".join(f"- {s}" for s in stmts) +
                 "\n</members>\n<non_members>\n" + "\n".join(f"- {s}" for s in others) + "\n</non_members>"}]
        try:
            res = await caller.structured(msgs, ThemeLabel, purpose="label", prompt="label",
                                          prompt_version=prompt.version)
        except (ChunkFailed, FatalProviderError):
            return  # the deterministic label stays; the failure is in the call log
        # shown only if it reads as a label and names nothing its members do not say
        label, definition = show(res.parsed.label), show(res.parsed.definition)
        evidence = [s for i in th.item_ids for s in [by_id[i].statement] + [e.quote for e in by_id[i].evidence]]
        why = why_not_shown(label, evidence, min_words=2, max_words=12) or \
            label_problem(label) or \
            why_not_shown(definition, evidence, min_words=3, max_words=60)
        if why:
            not_shown[th.id] = why
            return
        th.label, th.definition, th.label_source = label, definition, "llm"

    async def all_() -> None:
        async with LlmCaller(provider, ws) as caller:  # one session: its HTTP client closed in this loop
            await asyncio.gather(*(one(caller, th) for th in themes
                                   if CATEGORIES[th.category].grouping == "embedding"))

    asyncio.run(all_())
    return not_shown
