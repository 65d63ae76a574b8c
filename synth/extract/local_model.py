"""The offline extractor's learned scorer: one logistic regression per category over the sentence's
MiniLM embedding, its similarity to the labelled examples, lexical cues and the kind of question the
interviewer asked before it.

Trained by `python -m evals.train_local` on the dev study (evals/gold) only; the held-out study is never
read by the trainer. The weights ship as `prompts/local_classifier_v1.json` (package data, a few hundred
KB of floats), so scoring is a dot product with no scikit-learn at run time, and deterministic.
The training set, features and the cross-validated choices are written into the file itself
("trained_on", "features", "cv").
"""
from __future__ import annotations

import json
import math
import re
from functools import lru_cache
from typing import Optional

import numpy as np

from synth.embed import Embedder
from synth.extract import local_cues as cues
from synth.extract.local_speech import Unit, content_words
from synth.resources import load_data, read_text

CLASSIFIER_FILE = "local_classifier_v1.json"
EXAMPLES_FILE = "local_examples_v2.yaml"
SCORED = ("pain", "trigger", "alternative", "dmu")  # what the examples file and the shipped weights know
CATEGORIES = [*SCORED, "none"]  # the columns of the example similarity, in this order


@lru_cache(maxsize=2)
def examples(model_path: Optional[str]) -> tuple[dict[str, np.ndarray], list[str]]:
    """The labelled example sentences per category, embedded by the model that embeds the transcript,
    and the known vendor names."""
    data = load_data(EXAMPLES_FILE)
    emb = Embedder(model_path=model_path)
    return {c: emb.encode(list(data[c])) for c in CATEGORIES}, list(data.get("vendors", []))


def example_similarities(vectors: np.ndarray, model_path: Optional[str]) -> np.ndarray:
    """(n, 5): mean of the top-3 cosine similarities to each category's examples (CATEGORIES order).
    The one definition: the extractor's fallback scores and the classifier's features both use it."""
    ex, _ = examples(model_path)
    cols = [similarity_to(vectors, ex[c]) for c in CATEGORIES]
    return np.stack(cols, axis=1) if len(vectors) else np.zeros((0, len(CATEGORIES)))


def similarity_to(vectors: np.ndarray, example_vectors: np.ndarray) -> np.ndarray:
    """(n,): each vector's mean cosine similarity to its 3 nearest example sentences."""
    m = vectors @ example_vectors.T
    return np.sort(m, axis=1)[:, -min(3, m.shape[1]):].mean(axis=1)

_EVENT = re.compile(r"\b(hired|joined|left|quit|raised|closed|signed|launched|moved|switched|migrat\w*|"
                    r"doubled|tripled|grew|hit|passed|failed|lost|won|acquired|audit\w*|renew\w*|expir\w*|"
                    r"deadline|incident|outage|breach|texted|told me|recommended|asked us|new (?:cto|cfo|ceo|"
                    r"vp|head|hire|job|role|boss|manager|team|customer|regulation|law|policy))\b", re.I)
_WTP = re.compile(r"\b(pay|paying|price|pricing|subscription|afford|cost|worth|budget|\$\d)\b", re.I)
_WORKAROUND = re.compile(r"\b(i just|we just|manually|by hand|spreadsheet|excel|google sheets?|notes? app|"
                         r"notebook|sticky notes?|whiteboard|email|text(?:ed)? (?:my|a|the)|ask (?:a|my)|"
                         r"reminders?|calendar|paper|pen|phone|app\b|workaround|hack|script)\b", re.I)
_NOTHING = re.compile(r"\b(do nothing|nothing really|don't (?:really )?(?:use|do|have) anything|live with it|"
                      r"just deal with it|put up with it|ignore it|we don't)\b", re.I)
_CAPITAL_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]+[A-Z]?\w*")
_DECIDE = re.compile(r"\b(sign(?:s|ed)? off|signs?|approv\w*|decid\w*|decision|final (?:say|call)|budget|"
                     r"procurement|legal|security review|veto|champion|brought it in|my boss|my manager|"
                     r"(?:have|has|need) to (?:be )?(?:ok|okay|happy|on board)|buy(?:s|ing)?|pays? for|owns?)\b", re.I)
_FIRST_PERSON = re.compile(r"\b(i|we|my|our|me|us)\b", re.I)
_PAST = re.compile(r"\b\w+ed\b|\b(was|were|had|did|went|came|took|got|made|told|said|left|began)\b", re.I)

LEXICAL = [
    "quantity", "headcount", "pain_cue", "strong", "trigger_cue", "time", "event", "alt_cue", "alt_kind",
    "workaround", "nothing", "wtp", "capital_name", "title", "dmu_cue", "decide", "role_cue", "hypothetical",
    "negated_event", "dismisses", "first_person", "past", "first_in_turn", "log_words", "content_share",
    "q_pain", "q_trigger", "q_alternative", "q_dmu", "q_how_much", "q_none",
]


def lexical(u: Unit) -> list[float]:
    s = u.text
    ws = s.split()
    cw = content_words(s)
    q = u.kinds
    qany = any(q.get(k) for k in ("pain", "trigger", "alternative", "dmu", "how_much"))
    f = {
        "quantity": cues.find_quantity(s) is not None,
        "headcount": bool(cues.HEADCOUNT.search(s)),
        "pain_cue": bool(cues.PAIN_CUE.search(s)), "strong": bool(cues.STRONG.search(s)),
        "trigger_cue": bool(cues.TRIGGER_CUE.search(s)), "time": bool(cues.TIME_CUE.search(s)),
        "event": bool(_EVENT.search(s)), "alt_cue": bool(cues.ALT_CUE.search(s)),
        "alt_kind": cues.kind_of(s, cues.ALT_KINDS, "") != "", "workaround": bool(_WORKAROUND.search(s)),
        "nothing": bool(_NOTHING.search(s)), "wtp": bool(_WTP.search(s)),
        "capital_name": bool(_CAPITAL_NAME.search(s)), "title": bool(cues.TITLE.search(s)),
        "dmu_cue": bool(cues.DMU_CUE.search(s)), "decide": bool(_DECIDE.search(s)),
        "role_cue": cues.kind_of(s, cues.ROLE_CUES, "") != "",
        "hypothetical": bool(cues.HYPOTHETICAL.search(s)), "negated_event": bool(cues.NEGATED_EVENT.search(s)),
        "dismisses": cues.dismisses(s), "first_person": bool(_FIRST_PERSON.search(s)), "past": bool(_PAST.search(s)),
        "first_in_turn": u.first_in_turn, "log_words": math.log1p(len(ws)) / 4,
        "content_share": len(cw) / max(1, len(ws)),
        "q_pain": q.get("pain", False), "q_trigger": q.get("trigger", False),
        "q_alternative": q.get("alternative", False), "q_dmu": q.get("dmu", False),
        "q_how_much": q.get("how_much", False), "q_none": not qany,
    }
    return [float(f[k]) for k in LEXICAL]


def feature_matrix(us: list[Unit], vectors: np.ndarray, model_path: Optional[str], embedding: bool = True) -> np.ndarray:
    """[embedding (384, when `embedding`) | example similarity per category (5) | lexical] per unit;
    `vectors` come from the sentence model at `model_path` (None: the default)."""
    example_sims = example_similarities(vectors, model_path)
    lex = np.array([lexical(u) for u in us], dtype=np.float32).reshape(len(us), len(LEXICAL))
    parts = ([vectors.astype(np.float32)] if embedding else []) + [example_sims.astype(np.float32), lex]
    return np.hstack(parts)


@lru_cache(maxsize=1)
def classifier() -> Optional[dict]:
    """The shipped weights, or None when the file is absent (the extractor then uses example similarity)."""
    try:
        data = json.loads(read_text(CLASSIFIER_FILE))
    except FileNotFoundError:
        return None
    return {"version": data["version"], "threshold": data["threshold"], "embedding": data["embedding"],
            "mean": np.array(data["mean"], dtype=np.float64), "scale": np.array(data["scale"], dtype=np.float64),
            "coef": {c: np.array(data["coef"][c], dtype=np.float64) for c in SCORED},
            "intercept": {c: float(data["intercept"][c]) for c in SCORED}}


def probabilities(x: np.ndarray, model: dict) -> dict[str, np.ndarray]:
    z = (x.astype(np.float64) - model["mean"]) / model["scale"]
    return {c: 1.0 / (1.0 + np.exp(-(z @ model["coef"][c] + model["intercept"][c]))) for c in SCORED}
