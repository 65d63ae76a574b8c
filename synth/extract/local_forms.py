"""Alternatives and triggers as real speech says them (issue 21, item 2), beyond the adoption verbs of
`local_speech.speech_alternative` and the time words of `local_speech.speech_trigger`.

A reader notes as an alternative a tool or service the speaker names ("through My HealtheVet", "onto
GitHub", "using stuff like Backstage", "a thing called Linehaul", "go directly to va.gov"), a workaround
("from scratch", "the spreadsheets", "on a piece of paper"), someone else doing it for them ("contract
work", "an outsourcing studio", "tax help") and doing without ("I just don't use it"). Willingness to pay
is not one: a price word rules out every form but a named tool ("we pay for X" is still X). A trigger is
also another's act that set the speaker going, said with no time word ("Raj pushed us to do it", "a
hedge fund reached out to my company"). Chosen on one half of the corpus's dev findings files, checked on
the other (evals/README.md, "Eighth session"); the offline extractor uses these forms only in a long
interview (local.py).
"""
from __future__ import annotations

import re
from typing import Optional

from synth.extract import local_cues as cues
from synth.extract import local_speech as speech

# capitalised words that start or glue speech, or name a time, not a product ("on Monday", "to I")
_NOT_A_NAME = frozenset("""
I I'm I've I'd I'll The A An And But So Or If It It's That This These Those They We You He She My Our Your
Their His Her Then Now Yes No Okay Well Oh Yeah Like Just Also Even Because When What Which Who Where How Why
Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June July August
September October November December Mr Mrs Ms Dr
""".split())
# a name right after a word that puts a tool or service in the sentence: "through", "onto", "using",
# "called", "stuff like"; a capitalised or camel-cased word (wasmCloud, eBenefits, PyCharm) or a web domain
_NAME_AFTER = re.compile(
    r"\b(?:[Tt]hrough|[Vv]ia|onto|using|use|used|accessing|(?:stuff|things|tools?|apps?|something|sites?) like|"
    r"(?:thing|tool|app|one|product|platform|site|program|service|project|is|it's) called)\s+"
    r"(?:(?:[Tt]he|[Mm]y|[Oo]ur|[Aa]n?|[Tt]heir|[Yy]our)\s+)?"
    r"((?:[A-Z][\w'’.-]*|[a-z]+[A-Z][\w-]*)(?:\s+(?:[A-Z][\w.-]*|of))*)"
    r"|\b((?:[a-z][\w-]*\.)+(?:com|gov|org|io|me|net|app))\b")
# a workaround, help from someone else, or doing without, in the words speech uses for them
_WORKAROUND = re.compile(
    r"\b(?:spreadsheets|(?:piece|pieces|stack|sheet) of paper|on paper|from scratch|(?:did|do|does|build|built|wrote|"
    r"made) (?:it|that|this|them|the \w+) (?:myself|ourselves|yourself)|contract(?:ed)? (?:work|out)|contractors?|"
    r"outsourc\w*|freelancers?|an agency|consultants?|(?:tax|outside|extra|professional) help|social network|"
    r"an app\b|apps\b|just don't use|stopped using|gave up on|do without|went without)", re.I)


_PAYING_ATTENTION = re.compile(r"\bpa(?:y|ys|ying|id) attention\b", re.I)  # not a price


# square brackets hold an editor's or note-taker's aside ("[Ed: yes, it is - http://opencollective.com]", "[BP
# skipped and moved to ... VA.gov.]"), not the speaker's words; a sentence may hold either end of one
_ASIDE = re.compile(r"\[[^\]]*\]|\[[^\]]*$|^[^\[]*\]")


def spoken(s: str) -> str:
    """The sentence without its bracketed asides."""
    return _ASIDE.sub(" ", s)


def named_tool(s: str) -> Optional[str]:
    """A product, service or site the sentence names mid-sentence (outside brackets), or None."""
    for m in _NAME_AFTER.finditer(spoken(s)):
        name = re.sub(r"(?:\s+of)+$", "", m.group(1) or m.group(2)).strip(" .,'’")
        name = re.sub(r"['’]s$", "", name)
        if len(name) < 2 or name.split()[0] in _NOT_A_NAME or cues.TITLE.fullmatch(name):  # "our CEO": a person
            continue
        return name
    return None


def coping(s: str) -> int:
    """How surely a sentence says how the speaker copes: 2 for an adoption verb or an explicit workaround
    word (`local_speech.speech_alternative`), 1 for a named tool or the other forms above, 0 for none. A
    price or a willingness to pay with no tool named is none."""
    if speech.speech_alternative(s):
        return 2
    if named_tool(s):
        return 1  # a tool they pay for is still a tool they use ("we pay for X")
    return 1 if _WORKAROUND.search(spoken(s)) and not speech.PRICE_ONLY.search(_PAYING_ATTENTION.sub("", s)) else 0


# ------------------------------------------------------------------------------------ triggers

# someone else's act that set the speaker going: "Raj pushed us to do it", "a hedge fund reached out to my
# company", "Google offered BigQuery access", "life changes hit that made me think", "we were pushed in this
# direction because of our users", "it was in that moment that I woke up", "I had an opportunity to"
_SET_GOING = re.compile(
    r"\b(?:(?:pushed|forced|led|prompted|drove|inspired|convinced|encouraged|tasked|asked|got) (?:me|us)(?: \w+ly)? "
    r"(?:to|into)\b|made (?:me|us) (?:think|realize|realise|decide|want|start|look|switch|change)|"
    r"reached out to (?:me|us|my|our)\b|contacted (?:me|us|my|our)\b|offered (?:me|us)\b|"
    r"(?:was|were) (?:pushed|tasked|approached)\b|(?:an|the) opportunity to|in that moment\b(?! to)|woke up and|"
    r"wake-up call|(?:changes?|crisis|news) hit|(?:it|this) (?:all )?(?:came|started) (?:because|when|after))", re.I)


def set_going(s: str) -> bool:
    """Another's act or a moment that set the speaker acting (a trigger said without a time word);
    not a hypothetical ("if someone asked me to") and not a negated event."""
    return (bool(_SET_GOING.search(spoken(s))) and not cues.HYPOTHETICAL.search(s)
            and not cues.NEGATED_EVENT.search(s))
