"""Who a conversation of several people is about, and who carries it.

The guest (or guests) a title, file name, front matter or introduction names, or the label that
answers when the guest is called by name (`guests`); the regular voices who take part around them
(`regulars`: the hosts of a panel podcast, who may rarely ask); with nobody named, the one voice
that carries the talk in long turns around two or more others (`dominant_voice`); whether the
label that opens also carries the talk (`leads`); and, without names, who asks among the labels
(`best_asker`, `close_call`, `extra_interviewers`, `same_crowd`). roles.py weighs these.
"""
from __future__ import annotations

from typing import Optional, Sequence

from .talk import LabelStats, answerer, introductions, is_crowd_label, nearly_full_name, same_name, title_names


def leads(stats: dict[str, LabelStats], labels: list[str], first: Optional[str] = None) -> bool:
    """Does the label that opens (the host's welcome, else the first to speak) also take (nearly)
    the most turns and at least 40% of the words?"""
    first = first or labels[0]
    total = sum(stats[s].words for s in labels) or 1
    return (stats[first].turns >= 0.8 * max(stats[s].turns for s in labels) and stats[first].words >= 0.4 * total
            and stats[first].turns >= 5)

def guests(turns, labels: list[str], hosts: list[str], names: Sequence[str]) -> tuple[list[str], float]:
    """Labels of the person (or people) the conversation is about, and how sure that is: named in
    the title, file name or front matter; introduced or welcomed by a host ("we're joined by
    Taylor", "Rebecca, welcome to the show"); or, where labels carry no names (`Speaker 3`), the
    label that answers when the others call the guest by name."""
    # named in the title: the guest, even one who answers the host's welcome with their own name
    found = [s for s in labels if any(same_name(s, n, fuzzy=False) for n in names)]
    # a first name that another label gives in full is someone else by then (aliases.py merges one person's
    # two labels before this): the host `Adam` beside the guest `Adam Lehman` of the title (dev 181)
    found = [s for s in found if not any(x != s and x.startswith(s + " ") for x in found)]
    found = found or [s for s in labels if any(nearly_full_name(s, n) for n in names)]
    if found:
        return found, 0.9
    introduced, cohosts = introductions(turns)
    hosting = {*hosts, *(s for s in labels for _, n in cohosts if same_name(s, n, fuzzy=True))}
    hit: list[str] = []
    for speaker, name in introduced:
        hit += [s for s in labels if s != speaker and s not in hosting and s not in hit
                and same_name(s, name, fuzzy=True)]
    if hit:
        return hit, 0.8
    for name in [*title_names(names), *(n for _, n in introduced)]:
        who = answerer(turns, labels, name)
        if who and who not in hosting:
            return [who], 0.8
    return [], 0.0

OPENING = 0.1  # the share of a conversation's turns that is its opening (the hosts' intro)


def regulars(stats: dict[str, LabelStats], labels: list[str], guest: list[str]) -> list[str]:
    """Who runs a conversation about `guest`: every other label that takes part throughout, or speaks
    before the guest does or in the opening tenth of the turns, not a `**Break:**` or an audience
    member's one question. The opening tenth: a show that starts on the guest's cold open introduces
    its co-hosts after it, and co-hosts who speak only in the intro and the after-show (dev 180: 10 and 8
    short turns from turn 6 of 195) were read as the interviewee, their words evidence; a captioner's
    aside in the middle of the talk (dev 43) is still neither. A label whose every turn asks is an asker too,
    however little it says (dev 103: a third host's one long question)."""
    rest = [s for s in labels if s not in guest and not is_crowd_label(s)
            and (stats[s].turns >= 2 or stats[s].questions) and stats[s].words >= 3 * stats[s].turns]
    if len(rest) <= 1:
        return rest
    words = sum(stats[s].words for s in labels) or 1
    turns = sum(stats[s].turns for s in labels) or 1
    opens = max(min(stats[g].first for g in guest), OPENING * turns)
    return [s for s in rest if stats[s].first < opens or stats[s].words >= 0.06 * words
            or stats[s].turns >= 0.06 * turns or stats[s].questions >= stats[s].turns]

def dominant_voice(stats: dict[str, LabelStats], labels: list[str], first: Optional[str]) -> Optional[str]:
    """Three or more voices and nobody named as the guest: one who does not open the talk but
    carries it in long turns, asking no more than the others, while at least two others each take
    a real part around it, is the person several hosts interview."""
    if len(labels) < 3:
        return None
    total = sum(stats[s].words for s in labels) or 1
    voice = max(labels, key=lambda s: stats[s].words)
    v = stats[voice]
    others = [stats[s] for s in labels if s != voice and stats[s].turns >= 3]
    if voice == (first or labels[0]) or v.words < 0.35 * total or v.turns < 3 or not others:
        return None
    if any(v.mean < 1.5 * o.mean or v.share > o.share for o in others):
        return None
    return voice if len(regulars(stats, labels, [voice])) >= 2 else None


def best_asker(stats: dict[str, LabelStats], pick: str) -> str:
    """The base rule's pick, unless it asked once in a turn or two while someone who speaks often
    asked many times (a resident's one question in a seminar its leader runs by asking)."""
    busy = [s for s, st in stats.items() if st.turns >= 3 and st.questions >= 3]
    if stats[pick].turns >= 3 or not busy:
        return pick
    return max(busy, key=lambda s: (stats[s].share, stats[s].questions))


def close_call(stats: dict[str, LabelStats], labels: list[str], chosen: list[str]) -> list[str]:
    """Two people who ask about as often: the one who opens the conversation and speaks in the
    shorter turns runs it (a guest's rhetorical questions do not make them the host)."""
    if len(labels) != 2 or len(chosen) != 1:
        return chosen
    other = labels[1] if chosen[0] == labels[0] else labels[0]
    a, b = stats[chosen[0]], stats[other]
    if a.share - b.share < 0.1 and b.first < a.first and b.mean < 0.75 * a.mean and b.turns >= 3:
        return [other]
    return chosen


def extra_interviewers(stats: dict[str, LabelStats], chosen: list[str], named: list[str]) -> list[str]:
    """Second and third interviewers: labels that ask like the chosen interviewer does and talk in
    short turns, while one other person does most of the talking (in a meeting, where nobody does,
    a questioning attendee is not an interviewer)."""
    if not chosen or len(named) < 3 or not any(c in stats for c in chosen):
        return []
    ref = max(stats[c].share for c in chosen if c in stats)
    rest = [s for s in named if s not in chosen]
    total = sum(stats[s].words for s in named) or 1
    if max((stats[s].words for s in rest), default=0) < 0.5 * total:
        return []
    longest = max((stats[s].mean for s in rest), default=0)
    return [s for s in rest if stats[s].turns >= 2 and stats[s].share >= max(0.3, 0.6 * ref)
            and stats[s].mean < 0.5 * longest]


def same_crowd(labels: list[str], chosen: list[str]) -> list[str]:
    """`Audience 3`, `Audience 4`: numbered members of a crowd one of whose members asks as an
    interviewer (`Audience 1`) have that part too: the audience questioning a panel."""
    def family(s: str) -> Optional[str]:
        head, _, num = s.rpartition(" ")
        return head.casefold() if num.isdigit() and is_crowd_label(head) else None
    asking = {family(s) for s in chosen} - {None}
    return [s for s in labels if family(s) in asking]
