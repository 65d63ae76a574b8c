"""The offline `local` extractor: no LLM, no network, quotes verbatim by construction.

Each interviewee sentence (`local_cues.sentences`: abbreviations and decimals do not end one, spoken
run-ons are split at clause boundaries) is embedded with the chosen sentence model and scored
against labelled example sentences per category (`prompts/local_examples_v2.yaml`: mean of the top-3
cosine similarities), then nudged by lexical cues (`local_cues`): quantities and money (pains), time
expressions and event words (triggers), tool and vendor names (alternatives), job titles and
decision verbs (DMU). Fields are filled by rules; quantities come from `synth.numbers`.
Units come from `local_speech.units` (each sentence with the interviewer's preceding question; questions,
backchannels, fragments and bare numbers are never items); when the shipped classifier
(`local_model`, prompts/local_classifier_v1.json) is present it scores each unit instead of the
thresholds below, and speech rules add triggers and alternatives under their own caps.
It is a baseline measured by `python -m evals`, not a stand-in for the LLM path. Its thresholds and
caps were set on the dev study (evals/gold) only; the held-out study (evals/heldout) measures it.
"""
from __future__ import annotations

import re
from typing import Optional

import numpy as np

from synth.embed import Embedder
from synth.extract import local_cues as cues
from synth.extract import local_forms as forms
from synth.extract import local_model
from synth.extract import local_speech as speech
from synth.extract.consolidate import consolidate, embedding_similarity
from synth.extract.traits import base_traits
from synth.extract.when import days_before
from synth.models import CATEGORIES as CATEGORY_TABLE
from synth.models import (
    AccountRow,
    Alternative,
    DmuMember,
    Evidence,
    Extraction,
    ExtractionStats,
    Item,
    PainPoint,
    Transcript,
    Trigger,
    interview_date,
)
from synth.resources import load_data

# the categories the examples file and the shipped classifier know (the classifier reads their example
# similarities by position); any other category of the table is scored by its own examples: added_categories
CATEGORIES = local_model.CATEGORIES
# minimum adjusted similarity per category, chosen on the dev study (evals/gold; see evals/README.md):
# the categories table's `local` rule (synth/categories.py), like the caps below
THRESHOLDS = {c: spec.local.threshold for c, spec in CATEGORY_TABLE.items()}
MARGIN_OVER_NONE = 0.02   # a sentence must look more like its category than like small talk
SECOND_CATEGORY_GAP = 0.03  # a sentence counts as two things when both margins are this close
MERGE_SIMILARITY = 0.82
# Per 1,000 interviewee words: roughly how many distinct items of each kind an interview holds.
# Keeping only the strongest sentences per category is what makes the local extractor precise enough
# to be useful; set on the dev study (python -m evals --study dev).
CAP_PER_1000_WORDS = {c: spec.local.cap_per_1000_words for c, spec in CATEGORY_TABLE.items()}
CAP_MIN = {c: spec.local.cap_min for c, spec in CATEGORY_TABLE.items()}
DISMISS_LOOKAHEAD_WORDS = 12  # a short next sentence may wave off the concern just raised
RULE_SCORE = -1.0  # a category found by a speech rule (local_speech) ranks after every scored one,
RULE_CAP_PER_1000_WORDS = {"trigger": 3.0, "alternative": 4.0}  # ... under its own cap (set on the dev study)
RULE_WEAKER = 0.1  # a weaker rule trigger (local_speech.trigger_strength 1) ranks after the stronger ones

# a felt problem (local_speech.felt_problem) ranks over any classifier margin (a probability minus its
# threshold lies in (-1, 1)); with no classifier, one under the bar gets this margin
FELT_FIRST = 2.0
FELT_BELOW_NONE = -0.5
# In a long interview the classifier's probability does not order felt problems: trained on written answers, it
# scores long explanatory sentences high and short direct ones low ("So it's a bit stressful, to be honest.":
# 0.06), the opposite of what a reader notes (dev half of the corpus). There a felt problem ranks by its words
# (local_speech.felt_strength) and then by how directly it says it (fewer words first).
FELT_STRONG_BONUS = 1.0
FELT_PER_WORD = 0.01
# ... but never down to RULE_SCORE, where a score means "found by a speech rule" (and pains have no such rule,
# so they would be dropped): an unpunctuated run-on (auto-captions) of 300+ words got there
FELT_FLOOR = RULE_SCORE + 0.01

_ALT_FALLBACK_NAMES = {"spreadsheet": "Spreadsheets", "homegrown": "Homegrown tool", "manual": "Manual process",
                       "nothing": "Nothing"}


def examples_version() -> str:
    """Examples, classifier and speech-rule versions: all go into the extraction cache key."""
    model = local_model.classifier()
    return (str(load_data(local_model.EXAMPLES_FILE)["version"]) + (f"+{model['version']}" if model else "")
            + f"+{speech.RULES_VERSION}")


def clean_statement(s: str) -> str:
    """The interviewee's clause with only edge fillers trimmed (never a word from inside it)."""
    return speech.edge_trimmed(s).rstrip(" .")


find_quantity = cues.find_quantity  # public: tests and callers used `local.find_quantity`


def adjusted_scores(s: str, sims: dict[str, float]) -> dict[str, float]:
    """Example similarity per category, nudged by the sentence's lexical cues."""
    sc = dict(sims)
    headcount = bool(cues.HEADCOUNT.search(s))
    if cues.find_quantity(s) is not None and not headcount:
        sc["pain"] += 0.08
    elif cues.PAIN_CUE.search(s):
        sc["pain"] += 0.06
    if headcount:
        sc["pain"] -= 0.1
    trig_cue = cues.TRIGGER_CUE.search(s)
    if cues.WHEN.search(s) and trig_cue:
        sc["trigger"] += 0.08
    elif trig_cue:
        sc["trigger"] += 0.03
    else:
        sc["trigger"] -= 0.1  # a buying trigger is an event: no event word, no trigger
    if cues.ALT_CUE.search(s):
        sc["alternative"] += 0.05
    if cues.DMU_CUE.search(s) and cues.TITLE.search(s):
        sc["dmu"] += 0.07
    if cues.HYPOTHETICAL.search(s) or cues.NEGATED_EVENT.search(s):
        sc["trigger"] -= 0.1
        sc["pain"] -= 0.05
    return sc


def categories_for(sc: dict[str, float]) -> dict[str, float]:
    """The categories a sentence qualifies for (at most two), with their margin over the threshold."""
    ok = [c for c in CATEGORIES[:-1] if sc[c] >= THRESHOLDS[c] and sc[c] - sc["none"] >= MARGIN_OVER_NONE]
    ok.sort(key=lambda c: -(sc[c] - THRESHOLDS[c]))
    cats: dict[str, float] = {}
    if ok:
        cats[ok[0]] = sc[ok[0]] - THRESHOLDS[ok[0]]
        if len(ok) > 1 and cats[ok[0]] - (sc[ok[1]] - THRESHOLDS[ok[1]]) <= SECOND_CATEGORY_GAP:
            cats[ok[1]] = sc[ok[1]] - THRESHOLDS[ok[1]]
    return cats


def classify(sentences: list[str], vectors: np.ndarray, model_path: Optional[str]) -> list[dict[str, float]]:
    """Eligible categories with their scores for each sentence by example similarity and cues alone
    (a sentence may be two things); `vectors` come from the model at `model_path` (None: the default)."""
    sims = local_model.example_similarities(vectors, model_path)
    return [categories_for(adjusted_scores(s, {c: float(sims[i, k]) for k, c in enumerate(CATEGORIES)}))
            for i, s in enumerate(sentences)]


def classify_units(us: list[speech.Unit], vectors: np.ndarray, model_path: Optional[str]) -> list[dict[str, float]]:
    """Categories per unit: the shipped classifier's probability over its threshold (at most two
    categories, the second only when it is also over), else example similarity and cues. A unit that
    can never be an item (a question, a backchannel, a bare number) gets none. A felt problem
    (`local_speech.felt_problem`) ranks first among pains; in a long interview it is a pain candidate
    even under the classifier's bar."""
    model = local_model.classifier()
    pain_margin = [FELT_BELOW_NONE] * len(us)  # how far under the pain bar a unit is (no classifier: unknown)
    long_interview = speech.interviewee_words(us) >= speech.LONG_INTERVIEW_WORDS
    if model is None:
        cats = classify([u.text for u in us], vectors, model_path)
    else:
        x = local_model.feature_matrix(us, vectors, model_path, model["embedding"])
        probs = local_model.probabilities(x, model)
        cats = []
        for i in range(len(us)):
            over = {c: float(probs[c][i]) - model["threshold"][c] for c in local_model.SCORED
                    if probs[c][i] >= model["threshold"][c]}
            best = sorted(over, key=lambda c: -over[c])[:2]
            cats.append({c: over[c] for c in best})
            pain_margin[i] = float(probs["pain"][i]) - model["threshold"]["pain"]
    out = []
    for u, d, below in zip(us, cats, pain_margin):
        if u.why_not:
            out.append({})
            continue
        d = dict(d)
        # events in time and ways of coping, as real speech says them: below every scored pick of the category
        if "trigger" not in d and len(d) < 2:
            _add_event(u.text, d, long_interview)
        if "alternative" not in d and len(d) < 2:
            _add_coping(u.text, d, long_interview)
        # a problem the speaker says they feel ranks ahead of every pain picked by score alone, the
        # classifier's own order kept within each group
        felt = speech.felt_strength(u.text)
        if felt and long_interview and ("pain" in d or len(d) < 2):  # under the bar too: outside its training range
            d["pain"] = max(FELT_FLOOR, FELT_FIRST + FELT_STRONG_BONUS * (felt - 1) - FELT_PER_WORD * len(u.text.split()))
        elif felt and "pain" in d:
            d["pain"] += FELT_FIRST
        out.append(d)
    _added_scores(us, vectors, model_path, out)
    return out


def _add_event(s: str, d: dict[str, float], long_interview: bool = True) -> None:
    """An event in time (local_speech) or, in a long interview, another's act that set the speaker going
    (local_forms): under every scored trigger, the surer ones first."""
    if speech.speech_trigger(s):
        d["trigger"] = RULE_SCORE - RULE_WEAKER * (2 - speech.trigger_strength(s))
    elif long_interview and forms.set_going(s):
        d["trigger"] = RULE_SCORE


def _add_coping(s: str, d: dict[str, float], long_interview: bool = True) -> None:
    """A way of coping said in speech (local_forms): under every scored alternative, the surer forms first.
    The weaker forms count only in a long interview, as felt problems do (local_speech.LONG_INTERVIEW_WORDS):
    in a short written answer the classifier, trained on such answers, finds the alternatives (dev study
    recall 0.54), and what these forms add there is not one ("Seats go through Stripe, that's easy.")."""
    strength = forms.coping(s)
    if strength == 2 or (strength and long_interview):
        d["alternative"] = RULE_SCORE - RULE_WEAKER * (2 - strength)


def added_categories() -> list[str]:
    """Categories added to the table after the examples file and the classifier were made: each is
    scored by its own example sentences (`LocalRule.examples`) against its table threshold."""
    return [c for c in CATEGORY_TABLE if c not in CATEGORIES]


def _added_scores(us: list[speech.Unit], vectors: np.ndarray, model_path: Optional[str],
                  cats: list[dict[str, float]]) -> None:
    """Add each added category a unit qualifies for (its example similarity over the threshold and over
    small talk), while the unit has fewer than two categories."""
    added = added_categories()
    if not added or not len(vectors):
        return
    emb = Embedder(model_path=model_path)
    none = local_model.example_similarities(vectors, model_path)[:, CATEGORIES.index("none")]
    for c in added:
        rule = CATEGORY_TABLE[c].local
        sim = local_model.similarity_to(vectors, emb.encode(rule.examples))
        for i, d in enumerate(cats):
            if not us[i].why_not and len(d) < 2 and sim[i] >= rule.threshold and sim[i] - none[i] >= MARGIN_OVER_NONE:
                d[c] = float(sim[i] - rule.threshold)


def _by_rule(score: float) -> bool:
    return score <= RULE_SCORE


def select_strongest(cats: list[dict[str, float]], words: int) -> list[list[str]]:
    """Keep, per category, only the strongest sentences up to a cap that grows with interview length."""
    keep: list[list[str]] = [[] for _ in cats]
    for c in [*CATEGORIES[:-1], *added_categories()]:
        rule = CATEGORY_TABLE[c].local
        cap = min(speech.MOST_PER_INTERVIEW.get(c, 10**6),
                  max(CAP_MIN.get(c, rule.cap_min), round(CAP_PER_1000_WORDS.get(c, rule.cap_per_1000_words) * words / 1000)))
        ranked = sorted((i for i, d in enumerate(cats) if c in d and not _by_rule(d[c])), key=lambda i: (-cats[i][c], i))
        for i in ranked[:cap]:
            keep[i].append(c)
        if c in RULE_CAP_PER_1000_WORDS:  # what only a speech rule found: strongest, then first ones; own cap
            rule_cap = min(speech.MOST_PER_INTERVIEW.get(c, 10**6), max(1, round(RULE_CAP_PER_1000_WORDS[c] * words / 1000)))
            by_rule = sorted((i for i, d in enumerate(cats) if c in d and _by_rule(d[c])), key=lambda i: (-cats[i][c], i))
            for i in by_rule[:rule_cap]:
                keep[i].append(c)
    return keep


def _next_sentence(text: str) -> str:
    """The words after a unit up to the next sentence end (its turn's next sentence, short ones included)."""
    m = re.match(r"\s*(.*?[.!?])(?:\s|$)", text[:300], re.S)
    return m.group(1) if m else text[:300].strip()


def _item(c: str, s: str, ev: Evidence, dismissed: bool, vendors: list[str], interview_date,
          u: Optional[speech.Unit] = None, after: str = "") -> Optional[Item]:
    stmt = clean_statement(s)
    if c not in CATEGORIES:  # an added category: its statement and quote, no fields of its own filled
        return CATEGORY_TABLE[c].model(statement=stmt, dismissed=dismissed, evidence=[ev])
    if c == "pain":
        q = cues.find_quantity(s)
        sev = 3 + (1 if cues.STRONG.search(s) else 0) + (1 if q else 0) - (1 if cues.MILD.search(s) else 0)
        return PainPoint(statement=stmt, severity=max(1, min(5, sev)), quantity=q, dismissed=dismissed,
                         evidence=[ev])
    if c == "trigger":
        m = cues.WHEN.search(s)
        when = m.group(0) if m else None
        return Trigger(statement=stmt, kind=cues.kind_of(s, cues.TRIGGER_KINDS, "other"), when=when,
                       days_before_interview=days_before(when, interview_date), dismissed=dismissed,
                       evidence=[ev])
    if c == "alternative":
        if cues.vendor_count(s, vendors) >= 3:
            return None  # "AWS, EKS, Terraform, GitLab CI": a stack listing, not a way of coping
        name = cues.vendor_in(s, vendors)
        kind = "competitor" if name else cues.kind_of(s, cues.ALT_KINDS, "")
        if not kind and (tool := forms.named_tool(s)):
            name, kind = tool, "competitor"  # a service named mid-sentence ("through My HealtheVet")
        elif not kind and forms.coping(s):
            kind = "manual"  # a workaround said in speech ("I text it to myself", "I call when ...")
        if not kind:
            return None  # no product named and no manual/spreadsheet/homegrown cue: not an alternative
        return Alternative(statement=stmt, name=name or _ALT_FALLBACK_NAMES[kind], kind=kind, dismissed=dismissed,
                           evidence=[ev])
    m = cues.TITLE.search(s)
    title = m.group(1) if m else None
    if title and any(title.lower() == v.lower() or title.lower() in v.lower() for v in vendors):
        title = None  # a product whose name ends in "Manager" is not a job
    role = cues.dmu_role(s, after, u.question if u else "", u.first_in_turn if u else False)
    return DmuMember(statement=" ".join(x for x in [title, role.replace("_", " ")] if x), title=title, role=role,
                     dismissed=dismissed, evidence=[ev])


def extract_local(t: Transcript, account: Optional[AccountRow], embedder: Embedder) -> Extraction:
    """Extract items from one transcript with no LLM."""
    _, vendors = local_model.examples(embedder.model_path)
    us = speech.units(t)
    texts = [u.text for u in us]
    vecs = embedder.encode(texts)
    words = speech.interviewee_words(us)
    cats = select_strongest(classify_units(us, vecs, embedder.model_path), words) if texts else []
    date = interview_date(account, t)
    items: list[Item] = []
    answers: list[tuple[speech.Unit, Evidence]] = []  # bare number answers: they join a pain below
    for k, (u, cs) in enumerate(zip(us, cats)):
        turn = t.turns[u.turn]
        s = u.text
        nxt = texts[k + 1] if k + 1 < len(texts) and us[k + 1].turn == u.turn else ""
        waved_off = cues.dismisses(s) or (len(nxt.split()) <= DISMISS_LOOKAHEAD_WORDS and cues.dismisses(nxt))
        ev = Evidence(quote=s, file=t.file_name, transcript_hash=t.content_hash, speaker=turn.speaker,
                      turn_index=u.turn, char_start=turn.char_start + u.start, char_end=turn.char_start + u.end,
                      start=turn.start, match="exact")
        if u.why_not == "bare quantity" and u.kinds.get("how_much"):
            answers.append((u, ev))
        for c in cs:
            it = _item(c, s, ev, waved_off, vendors, date, u, _next_sentence(turn.text[u.end:]))
            if it is not None:
                items.append(it)
    _join_number_answers(items, answers, embedder)
    stats = ExtractionStats()
    # quotes are sentences of the transcript itself: grounded by construction
    stats.items_proposed = stats.items_grounded = stats.quotes_proposed = stats.quotes_grounded = len(items)
    # the same point made twice in one interview is one item with two quotes
    stmts = list(dict.fromkeys(i.statement for i in items))
    similar = embedding_similarity(stmts, embedder.encode(stmts), MERGE_SIMILARITY) if stmts else None
    merged = consolidate([i for i in items if not isinstance(i, (Alternative, DmuMember))], similar)
    merged += consolidate([i for i in items if isinstance(i, (Alternative, DmuMember))])
    ex = Extraction(file=t.file_name, transcript_hash=t.content_hash, extractor="local",
                    model=embedder.model_name, prompt_version=examples_version(),
                    traits=base_traits(account, t, []), stats=stats)
    for it in merged:
        it.id = it.stable_id(it.category, t.content_hash)
        ex.add(it)
    return ex


ANSWER_SIMILARITY = 0.35  # a number answer joins the pain its question is about, when one is this close


def _join_number_answers(items: list[Item], answers: list[tuple[speech.Unit, Evidence]], embedder: Embedder) -> None:
    """"How long does that take?" -> "Maybe half a day." is not an item; its number is the quantity of the
    pain the question names (the pain most similar to the question, when it has no quantity yet)."""
    pains = [i for i in items if isinstance(i, PainPoint)]
    if not answers or not pains:
        return
    pv = embedder.encode([p.statement for p in pains])
    qv = embedder.encode([u.question or u.text for u, _ in answers])
    for (u, ev), sims in zip(answers, qv @ pv.T):
        order = sorted(range(len(pains)), key=lambda j: (-sims[j], j))
        for j in order:
            p = pains[j]
            if sims[j] < ANSWER_SIMILARITY:
                break
            if p.quantity is None and p.evidence[0].char_start < ev.char_start:
                p.quantity = cues.find_quantity(u.text)
                p.evidence.append(ev)
                break
