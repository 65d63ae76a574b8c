"""Theme labels: deterministic c-TF-IDF keyphrases plus the medoid quote; optionally an LLM label.

c-TF-IDF (as in BERTopic): each theme's statements form one class document; a term's weight is its
frequency in the class times log(1 + average class length / its frequency across all classes), so a
label names what sets a theme apart from its siblings rather than what every theme shares.
"""
from __future__ import annotations

import re
from typing import Optional

import numpy as np
from pydantic import BaseModel, Field

from synth.models import Evidence, Item

try:  # the label words a run may not start or end on
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS as ENGLISH_STOP
except ImportError:  # pragma: no cover - sklearn is a dependency; this keeps the module importable
    ENGLISH_STOP = frozenset()

_EXTRA_STOP = {"um", "uh", "yeah", "like", "just", "really", "know", "think", "mean", "lot", "thing",
               "things", "kind", "sort", "actually", "honestly", "basically", "stuff", "pretty", "gonna",
               "ve", "ll", "don", "didn", "doesn", "isn", "wasn", "re", "got", "get", "going", "want",
               "right", "okay", "ok", "way", "did", "does", "say", "said", "maybe",
               # quantities and time words say how much, not what: they make poor labels
               "thousand", "hundred", "million", "hour", "hours", "day", "days", "week", "weeks",
               "month", "months", "year", "years", "quarter", "quarters", "time", "bit", "people",
               "probably", "whole", "big", "new", "old", "good", "bad", "little", "ago", "now", "today",
               "one", "two", "three", "four", "five", "six", "ten", "twenty", "thirty", "fifty",
               "percent", "dollar", "dollars", "cents", "bucks", "seven", "eight",
               "nine", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
               "nineteen", "forty", "sixty", "seventy", "eighty", "ninety", "billion", "dozen", "half"}


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


_LABEL_WORDS = 5    # a label names a theme; the best quote goes under it, not in it
_BAD_EDGE = frozenset("""a an the and or but so to of for with in on at by from as that which who when if than
because like just really very about into onto over our my your their his her its we i you they it this these
those is are was were be been being do does did have has had can could would should will not no""".split())


# "Last quarter it was probably two full days": someone and what they did is a sentence, and a number of days
# says how long, not what about; neither names a theme
_CLAUSE = re.compile(r"\b(?:i|we|you|they|he|she|it)(?:'(?:m|re|s|ve|d|ll)\b|\s+(?:am|are|is|was|were|have|has|had|do|"
                     r"does|did|can|could|will|would|should|just|really|probably|never|always|also|still|need|use|"
                     r"get|got|spend|spent|take|took|want|think|know|feel|felt)\b)", re.I)
_HAS_NUMBER = re.compile(r"\b(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|twelve|fifteen|twenty|thirty|"
                         r"forty|fifty|hundred|a couple of|a few)\b", re.I)
_TIME_MEASURE = re.compile(r"\b(?:minutes?|hours?|days?|weeks?|months?|quarters?|years?|times)\b", re.I)


def label_problem(label: str) -> Optional[str]:
    """Why `label` cannot name a theme (None: it can): a question, a sentence cut off mid-way, a bare
    frequency or duration, or a sentence rather than a phrase. The same check runs on offline labels
    and on LLM labels (synth/themes/build.py), so neither path shows "Do you know when…" as a theme."""
    from synth.extract.local_speech import content_words, is_bare_quantity, words

    t = " ".join((label or "").split())
    if not t:
        return "empty"
    if "?" in t or re.match(r"^(?:so |and |but )?(?:what|how|why|who|where|when|do|does|did|can|could|would|is|are)"
                            r"\b", t, re.I):
        return "reads as a question"
    if t.endswith(("…", "...", "-", "—", "–", ",", ";", ":")):
        return "ends mid-sentence"
    ws = words(t)
    if ws and ws[-1] in _BAD_EDGE:
        return f"ends mid-sentence (on {ws[-1]!r})"
    if is_bare_quantity(t) or not content_words(t) or (_HAS_NUMBER.search(t) and _TIME_MEASURE.search(t)):
        return "a frequency or duration, not a theme"
    if _CLAUSE.search(t):
        return "a sentence, not a label (a subject and its verb)"
    if len(ws) > 12:
        return f"a sentence, not a label ({len(ws)} words)"
    return None


_VERBS = frozenset("""want wants wanted take takes took taken ask asks asked left leave leaves find finds found add adds
added get gets got make makes made need needs needed go goes went gone say says said tell tells told come comes came
use uses used try tries tried keep keeps kept put see sees saw look looks looked give gives gave run runs ran start
starts started happen happens happened feel feels felt think thinks thought know knows knew wonder wondering let lets
pull pulls pulled call calls called send sends sent hate hates love loves spend spends spent sit sits sat ends
shows show showed means becomes become became seems seemed""".split())


def _runs(statement: str) -> list[list[str]]:
    """Contiguous runs of content words in a statement, as said (case kept): noun-phrase candidates.
    Function words, fillers, numbers and time/measure words break a run."""
    from synth.extract.local_speech import MEASURE_WORDS as _MEASURE
    from synth.extract.local_speech import NUMBER_WORDS as _NUMBER_WORDS
    from synth.extract.local_speech import STOP_WORDS as _STOP

    out: list[list[str]] = []
    cur: list[str] = []
    for tok in re.findall(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]|[A-Za-z]|\d[\d,.]*|[^\sA-Za-z\d]", statement):
        low = tok.lower().replace("’", "'")
        if (not tok[0].isalpha() or low in _STOP or low in _MEASURE or low in _NUMBER_WORDS
                or low in ENGLISH_STOP or low in _VERBS or "'" in low):
            if cur:
                out.append(cur)
            cur = []
        else:
            cur.append(tok)
    if cur:
        out.append(cur)
    return out


def term_weights(class_docs: list[str]) -> list[dict[str, float]]:
    """Unigram c-TF-IDF weight per word, per class document (the same weighting as `keyphrases`)."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer

    if not class_docs:
        return []
    try:
        cv = CountVectorizer(stop_words=sorted(ENGLISH_STOP_WORDS | _EXTRA_STOP),
                             token_pattern=r"(?u)\b[a-zA-Z][a-zA-Z0-9]+\b")
        tf = cv.fit_transform(class_docs).toarray().astype(float)
    except ValueError:
        return [{} for _ in class_docs]
    terms = cv.get_feature_names_out()
    w = tf / np.maximum(tf.sum(axis=1, keepdims=True), 1) * np.log(1 + (tf.sum() / len(class_docs))
                                                                   / np.maximum(tf.sum(axis=0), 1))
    return [{terms[j]: float(row[j]) for j in np.nonzero(row)[0]} for row in w]


# a verb's -ing form in front is an action, not a subject ("using view"); "pricing model", "billing errors" stay
_VERB_ING = frozenset("""using getting having doing making trying going taking giving looking seeing saying telling
coming keeping putting letting finding thinking knowing wanting needing""".split())
# words that end on -ed but are no past verb; and verbs that run into a noun phrase unmarked
_ED_NOUNS = frozenset("need needs speed feed seed breed bleed greed shred bed red bred shed weed deed".split())
# (only words that are seldom a noun: "stop", "work", "help" name things too)
_MORE_VERBS = frozenset("""realize realise realized realised understand understood stay stays stayed bring brings
brought liked likes loved enjoy enjoyed hoped believe believed remember remembered decide decided learned learnt
bought paid helped worked moved stopped switched checked figured reached dealt handled wrote written""".split())


def _noun_phrase_edges(low: list[str]) -> bool:
    """A candidate ("manual cost reporting", "automated reports") neither ends on a past verb, an adverb or a
    verb ("evidence attached", "pet projects accidentally", "understand code") nor starts on an adverb, a verb
    or a verb's -ing form ("finally realize", "using view"). Without a part-of-speech tagger these are the
    word shapes that give a clause away; a gerund ending ("cost reporting") and an -ed adjective in front
    ("automated reports") stay."""
    first, last = low[0], low[-1]
    if last.endswith("ly") or last in _MORE_VERBS or (last.endswith("ed") and len(last) > 4 and last not in _ED_NOUNS):
        return False
    if last.endswith("ing") and len(low) >= 2 and low[-2].endswith("s") and not low[-2].endswith("ss"):
        return False  # "students complaining", "emails getting": a plural and what it does
    if first.endswith("ly") or first in _MORE_VERBS or first in _VERB_ING:
        return False
    return True


def phrase_label(weights: dict[str, float], statements: list[str]) -> Optional[str]:
    """A short noun phrase in the members' own words: the run of two to five content words, as one
    member said it, whose words weigh most for this theme (c-TF-IDF), counted once per member that
    says it. None when no such run exists."""
    if not weights:
        return None
    return _best_run(weights, statements, strict=True) or _best_run(weights, statements, strict=False)


def _best_run(weights: dict[str, float], statements: list[str], strict: bool) -> Optional[str]:
    cands: dict[str, tuple[float, str, set]] = {}
    for k, st in enumerate(statements):
        for run in _runs(st):
            for i in range(len(run)):
                for j in range(i + 2, min(len(run), i + _LABEL_WORDS) + 1):
                    low = [w.lower() for w in run[i:j]]
                    if not (weights.get(low[0]) and weights.get(low[-1])):
                        continue  # a phrase starts and ends on words that mark this theme
                    if strict and not _noun_phrase_edges(low):
                        continue
                    key = " ".join(low)
                    score = sum(weights.get(w, 0.0) for w in low) / (j - i) ** 0.5
                    _, text, who = cands.get(key, (score, " ".join(run[i:j]), set()))
                    cands[key] = (score, text, who | {k})
    if not cands:
        return None
    key = max(cands, key=lambda c: (cands[c][0] * (1 + 0.5 * (len(cands[c][2]) - 1)), -len(c), c))
    text = cands[key][1]
    return text[:1].upper() + text[1:]


_MONEY = re.compile(r"\$|€|£|\b(?:dollars?|euros?|pounds|bucks|budget|bill|invoice|quote|paying|paid|pay|costs?|price|"
                    r"spend|figures|thousand|million|k a year)\b", re.I)
_DURATION = re.compile(r"\b(?:\d+|an?|one|two|three|four|five|six|ten|twenty|thirty|forty|few|couple of|full)\s+"
                       r"(?:(?:full|whole|working|business|more)\s+)?(?:minutes?|hours?|days?|weeks?)\b", re.I)
_OFTEN = re.compile(r"\b(?:once|twice|\w+ times) (?:a|an|per|every)\b|\bevery (?:day|week|month|quarter|year)\b", re.I)
QUANTITY_LABELS = {"money": "Cost and spend", "time": "Time it takes", "often": "How often it comes up"}


def quantity_label(statements: list[str]) -> Optional[str]:
    """A theme whose members mostly say how much ("two full days", "eighteen thousand dollars", "twice a
    year") is about that amount, and its words name nothing else: it is labelled by the kind of amount
    ("Time it takes"), never by one member's number. None unless more than half the members say one kind."""
    kinds = [("money" if _MONEY.search(x) else "time" if _DURATION.search(x) else "often" if _OFTEN.search(x)
              else None) for x in statements]
    top = max(QUANTITY_LABELS, key=lambda k: (kinds.count(k), k == "money", k == "time"))
    return QUANTITY_LABELS[top] if kinds.count(top) * 2 > len(statements) else None


def deterministic_label(phrases: list[str], medoid_statement: str, limit: int = 72,
                        statements: Optional[list[str]] = None, weights: Optional[dict[str, float]] = None) -> str:
    """A short noun phrase from the members' own words (`phrase_label`); else, for members that mostly say
    how much, the kind of amount (`quantity_label`); else the medoid statement when it is short and passes
    `label_problem`; else the keyphrases. Never a question, a clipped sentence
    or a frequency: the theme's best quote is shown under its label, not in it."""
    label = phrase_label(weights or {}, statements or [medoid_statement])
    if label and not label_problem(label):
        return label
    label = quantity_label(statements or [medoid_statement])
    if label:
        return label
    s = " ".join(medoid_statement.split()).strip(" .")
    if s and len(s) <= limit and len(s.split()) <= 8 and not label_problem(s):
        return s
    kp = [p for p in phrases if not label_problem(p)]
    return " / ".join(kp[:3]) if kp else (phrases[0] if phrases else "unlabelled theme")


class ThemeLabel(BaseModel):
    """A short, specific name for one theme of customer-interview statements."""

    label: str = Field(description="3-7 words, specific to this theme, no generic words like 'issues'")
    definition: str = Field(description="one sentence: which statements belong in this theme")


def representative(item: Item) -> Optional[Evidence]:
    return item.evidence[0] if item.evidence else None
