"""Theme labels: deterministic c-TF-IDF keyphrases plus the medoid quote; optionally an LLM label.

c-TF-IDF (as in BERTopic): each theme's statements form one class document; a term's weight is its
frequency in the class times log(1 + average class length / its frequency across all classes), so a
label names what sets a theme apart from its siblings rather than what every theme shares.
"""
from __future__ import annotations

from typing import Optional

import numpy as np
from pydantic import BaseModel, Field

from synth.models import Evidence, Item

_EXTRA_STOP = {"um", "uh", "yeah", "like", "just", "really", "know", "think", "mean", "lot", "thing",
               "things", "kind", "sort", "actually", "honestly", "basically", "stuff", "pretty", "gonna",
               "ve", "ll", "don", "didn", "doesn", "isn", "wasn", "re", "got", "get", "going", "want",
               "right", "okay", "ok", "way", "did", "does", "say", "said", "maybe",
               # quantities and time words say how much, not what: they make poor labels
               "thousand", "hundred", "million", "hour", "hours", "day", "days", "week", "weeks",
               "month", "months", "year", "years", "quarter", "quarters", "time", "bit", "people",
               "probably", "whole", "big", "new", "old", "good", "bad", "little", "ago", "now", "today",
               "one", "two", "three", "four", "five", "six", "ten", "twenty", "thirty", "fifty"}


def keyphrases(class_docs: list[str], top: int = 3) -> list[list[str]]:
    """Top c-TF-IDF terms (unigrams and bigrams) per class document."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer

    if not class_docs:
        return []
    stop = sorted(ENGLISH_STOP_WORDS | _EXTRA_STOP)
    try:
        cv = CountVectorizer(ngram_range=(1, 2), stop_words=stop, token_pattern=r"(?u)\b[a-zA-Z][a-zA-Z0-9]+\b")
        tf = cv.fit_transform(class_docs).toarray().astype(float)
    except ValueError:  # every word was a stop word
        return [[] for _ in class_docs]
    terms = cv.get_feature_names_out()
    tf_norm = tf / np.maximum(tf.sum(axis=1, keepdims=True), 1)
    avg = tf.sum() / len(class_docs)
    idf = np.log(1 + avg / np.maximum(tf.sum(axis=0), 1))
    w = tf_norm * idf
    # a bigram ("access review") names a theme better than either word alone
    w = w * np.array([1.5 if " " in t else 1.0 for t in terms])
    out = []
    for row in w:
        idx = sorted(np.nonzero(row)[0], key=lambda j: (-row[j], terms[j]))
        chosen: list[str] = []
        for j in idx:
            t = terms[j]
            # skip a unigram already inside a chosen bigram and vice versa
            if any(t in c or c in t for c in chosen):
                continue
            chosen.append(t)
            if len(chosen) == top:
                break
        out.append(chosen)
    return out


def medoid(item_ids: list[str], vectors: dict[str, np.ndarray]) -> str:
    """The member closest on average to all others (ties broken by id, so it is stable)."""
    ids = sorted(i for i in item_ids if i in vectors)
    if len(ids) <= 2:
        return ids[0] if ids else item_ids[0]
    m = np.stack([vectors[i] for i in ids])
    sims = (m @ m.T).mean(axis=1)
    best = max(range(len(ids)), key=lambda k: (round(float(sims[k]), 6), -k))
    return ids[best]


def deterministic_label(phrases: list[str], medoid_statement: str, limit: int = 72) -> str:
    """The medoid statement, clipped at a word boundary: it reads as a sentence a reviewer
    recognizes, where keyphrase lists ("access / review / quarter") read as noise. The c-TF-IDF
    keyphrases stay on the theme beside it; they are the fallback when there is no statement."""
    s = " ".join(medoid_statement.split()).strip(" .")
    if not s:
        return " / ".join(phrases[:3])
    if len(s) <= limit:
        return s
    cut = s[:limit].rsplit(" ", 1)[0].rstrip(",;:-")
    return cut + "…"


class ThemeLabel(BaseModel):
    """A short, specific name for one theme of customer-interview statements."""

    label: str = Field(description="3-7 words, specific to this theme, no generic words like 'issues'")
    definition: str = Field(description="one sentence: which statements belong in this theme")


def representative(item: Item) -> Optional[Evidence]:
    return item.evidence[0] if item.evidence else None
