"""Who is speaking: a role per speaker label, and per turn where one label carries both sides.

Evidence, strongest first: a correction stored by `synth speakers` (per file), `--interviewer` /
`interviewers:` in synth.yaml, front matter, role labels (Interviewer, Moderator, P12...), then what
a person reading the file would use (talk.py): hosts who open the show with their own names, the
guest a title, file name or introduction names (every other regular voice then interviews: the
co-hosts of a panel podcast), the same person interviewing in other files of the study, and last
who asks (the share of a label's turns that are questions, how long its turns are, who speaks
first; speakers.py keeps the base rule). A label that is not one person (`Unknown`, `Unknown
Speaker`, merged diarization, no labels at all) is decided turn by turn: a short question turn is
the interviewer's, the answer the interviewee's; a timed stream with no labels at all takes the
likeliest path through its turns, and a fragment finishing a labelled speaker's sentence is theirs
(sequence.py). Two labelled people are told apart by a vote of cues (two_speakers.py); three or
more by the same vote taken pair by pair (several_speakers.py: with no names to go by, the labels
above the widest gap of their mean margins interview; a guest's own "thanks for having me" and a
front matter summary's "hosts A and B" name sides; names the vote clearly contradicts make the
file unsure). Who the guests are and who carries the talk is guests.py's. Every file
gets a confidence; below `LOW_CONFIDENCE` a warning names the file's labels and the fix. Every turn
gets a certainty too: an interviewee turn guessed unsurely, or reading as an interviewer's move, is
`role_guessed` and never the interviewee's evidence (`Turn.evidence_ok`).
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Iterable, Optional, Sequence

from . import speakers as speakers_mod
from .aliases import aliases
from .answer_runs import RUN_SURE, answers_only
from .corrections import apply_corrections, label_summary
from .guests import best_asker, close_call, dominant_voice, extra_interviewers, guests, leads, regulars, same_crowd
from .sequence import GUEST_LABELLED, alone_sure, cut_sentence_side, guarded, stream_path
from .several_speakers import Split, says_guest, split
from .talk import (
    LabelStats,
    cue_text,
    host_monologue,
    hosts_turn,
    introductions,
    is_audience_label,
    is_crowd_label,
    is_mixed_label,
    label_stats,
    opener,
    opening_hosts,
    question_turn,
    same_name,
    speaks_as,
    title_names,
    titled_as_guest,
)
from .two_speakers import Vote, vote

__all__ = ["Decision", "decide", "apply_corrections", "label_summary", "is_mixed_label", "question_turn",
           "label_stats", "LOW_CONFIDENCE", "NOTES_SPEAKER", "UNKNOWN", "FIX"]

UNKNOWN = speakers_mod.UNKNOWN
NOTES_SPEAKER = "Interviewer's notes"
LOW_CONFIDENCE = 0.6
MOSTLY_MIXED = 0.9  # share of a labelled file's words under labels that are not one person (dev/51: 0.97)
CLEAR_VOTE = 0.8  # a two-speaker vote this sure against a decision from names makes it unsure
UNSURE = round(LOW_CONFIDENCE - 0.05, 2)  # ... this sure: under LOW_CONFIDENCE, so the file warns
# a label that interviews in other files keeps that side unless it takes a real part here (this many
# turns) and the talk clearly puts it among those who answer
STUDY_OVERRULED_TURNS = 5
NAMED_GUEST = 0.9  # guests.guests' sureness for a guest the title, file name or front matter names
UNSURE_TURN = 0.99  # a labelled turn in a file unsure of its roles: guarded only where it asks, moves or is
# a reaction of a few words (sequence.guarded at a sureness above SURE_EVIDENCE)
EXPLICIT = ("option", "front_matter", "labels")
FIX = ("fix: `synth speakers FILE --interviewer LABEL` (or --interviewee), `--interviewer NAME` at ingest, "
       "or `interviewers:` in synth.yaml")


# a labelled file with this share of its words under labels that are not one person, each turn's side guessed
# alone, says so: the per-turn guesses there are right about four times in five (dev/01: 50%, 93% of turns
# right; dev/51: 97%, 57%), which the labelled part's confidence does not show. Not where role labels (`Q:`)
# frame the unlabelled answers (dev/04, 42: 52% and 81% of the words, every turn right)
GUESSED_SHARE = 0.25


def _guessed_share_warning(turns, out: "Decision", words: list[int]) -> list[str]:
    guessed = [i for i, t in enumerate(turns) if out.speaker_roles.get(t.speaker) == "mixed" and out.turn_sure[i] < 1.0]
    share = sum(words[i] for i in guessed) / (sum(words) or 1)
    if share < GUESSED_SHARE:
        return []
    labels = ", ".join(dict.fromkeys(turns[i].speaker for i in guessed))
    return [f"{share:.0%} of the words are under {labels}, a label that is not one person: each of its "
            f"{len(guessed)} turns was given a side on its own wording, and only sure answers among them are "
            f"evidence; {FIX}"]


@dataclass
class Decision:
    interviewers: list[str] = field(default_factory=list)
    interviewee: Optional[str] = None
    source: str = "none"
    speaker_roles: dict[str, str] = field(default_factory=dict)
    turn_is_interviewer: list[bool] = field(default_factory=list)
    turn_sure: list[float] = field(default_factory=list)  # how sure each turn's role is (1.0: by its label)
    turn_guessed: list[bool] = field(default_factory=list)  # the evidence guard: not the interviewee's words
    confidence: float = 1.0
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Given:
    """What the caller knows besides the turns (see `decide`)."""

    option: Optional[Sequence[str]]
    fm_interviewer: object
    fm_interviewee: Optional[str]
    roles: dict[str, str]
    known: frozenset[str]
    corrections: dict[str, str]
    hints: Optional[Sequence[Optional[str]]]
    names: tuple[str, ...]
    hosts: tuple[str, ...] = ()


def _as_read(t, speaker: str):
    """A turn as the cues read it: under `speaker` (a short label taken to its person, `aliases`), its
    text with typographic quotes straightened (talk.cue_text: `I’m Jerod` is `I'm Jerod`); its times,
    marks and notes flag as read. A copy: the turn itself keeps its text for the evidence."""
    said = copy.copy(t)
    said.speaker, said.text = speaker, cue_text(t.text)
    return said


def decide(turns, *, option: Optional[Sequence[str]] = None, fm_interviewer=None,
           fm_interviewee: Optional[str] = None, roles: Optional[dict[str, str]] = None,
           known: Iterable[str] = (), corrections: Optional[dict[str, str]] = None,
           hints: Optional[Sequence[Optional[str]]] = None, names: Sequence[str] = (),
           hosts: Sequence[str] = (), titles: Optional[dict[str, str]] = None) -> Decision:
    """Decide roles for `turns` (objects with .speaker and .text). `option`: `--interviewer` names;
    `fm_interviewer` / `fm_interviewee`: front matter; `roles`: a reader's label -> role (Q/A,
    Interviewer:); `known`: labels that interview in other files of the study; `corrections`:
    label -> interviewer|interviewee stored by the user; `hints`: a reader's per-turn role (md_qa
    questions), None where it has none; `names`: who the file is about (title, file name, front
    matter); `hosts`: who a front matter description says runs it; `titles`: a label -> what its
    parentheses say (`Peter McCormack (PM):`)."""
    given = _Given(option, fm_interviewer, fm_interviewee, dict(roles or {}), frozenset(known),
                   dict(corrections or {}), hints, tuple(n for n in names if n), tuple(n for n in hosts if n))
    labels = list(dict.fromkeys(t.speaker for t in turns))
    alias = {k: v for k, v in aliases(labels, titles, [t.speaker for t in turns]).items() if k not in given.corrections and v not in given.corrections}
    out = _decide([_as_read(t, alias.get(t.speaker, t.speaker)) for t in turns], given)
    if not alias:
        return out
    for short, full in alias.items():  # the short label takes its person's role
        out.speaker_roles[short] = out.speaker_roles[full]
        if full in out.interviewers:
            out.interviewers.append(short)
    order = {s: i for i, s in enumerate(labels)}
    out.speaker_roles = dict(sorted(out.speaker_roles.items(), key=lambda kv: order.get(kv[0], 0)))
    return out


def _confidence(stats: dict[str, LabelStats], interviewers: list[str], named: list[str]) -> float:
    """How sure the talk-based guess is: the gap between the interviewers' question share and the
    most questioning other label, and whether anyone asked at all."""
    if not interviewers:
        return 0.3 if len(named) >= 2 else 1.0
    iv = min((stats[s].share for s in interviewers if s in stats), default=0.0)
    others = [stats[s].share for s in named if s not in interviewers]
    return round(max(0.0, min(1.0, 0.45 + iv - max(others, default=0.0))), 2)


@dataclass
class _Pick:
    interviewers: list[str]
    source: str
    confidence: Optional[float]  # None: from the talk (`_confidence`)
    guests: list[str] = field(default_factory=list)
    cues: str = ""  # the two-speaker vote's reasons, for the warning, named for whom the vote chose
    unsure: list[str] = field(default_factory=list)  # labels whose side the talk leaves open


def _pick(turns, labels: list[str], stats: dict[str, LabelStats], base, given: _Given,
          duo: Optional[Vote]) -> _Pick:
    """The interviewer labels, from the strongest evidence the file has. `duo`: the two labels' vote,
    where there are two."""
    talker = max(labels, key=lambda x: stats[x].words, default=None)
    several = split(turns, labels, stats) if len(labels) >= 3 else None
    # a label that interviews in other files, unless here it does most of the talking and asks less
    # than someone else does (another person with the same first name, or the same one interviewed),
    # or this file's talk clearly puts it among those who answer: people change seats, and a host
    # of one show is a panelist or a guest on another
    study = [s for s in labels if s in given.known
             and not (s == talker and stats[s].share < max(stats[x].share for x in labels))
             and not (several is not None and stats[s].turns >= STUDY_OVERRULED_TURNS and several.answers(s))]
    if base.source in EXPLICIT:
        return _Pick([*base.interviewers, *(s for s in study if s not in base.interviewers)], base.source, 1.0)
    described = [s for s in labels if any(same_name(s, n, fuzzy=False) for n in given.hosts)]
    # whom the talk puts among those who answer: a clean pairwise vote, or with two people a vote sure
    # enough to decide the file alone. Their name in the first words is not a welcome: a cold open, the
    # guest's clip, gives it as often as a host does
    answering = ([duo.interviewee] if duo.confidence >= LOW_CONFIDENCE else []) if duo is not None else \
        [s for s in labels if several is not None and several.clean and several.answers(s)]
    opened = list(dict.fromkeys([*opening_hosts(turns, labels, answering=answering), *described]))
    first = opener(turns, labels)
    guest, sure = guests(turns, labels, opened, given.names)
    # who welcomes the guest by name hosts: a "thanks for having me" in their turn is the guest's reply
    # filed under the host's label ("welcome Hillary ... Thank you for having me")
    welcomed = [s for s, n in introductions(turns)[0] if any(same_name(g, n, fuzzy=True) for g in guest)]
    thanked = [s for s in says_guest(turns, labels)
               if s not in opened and s not in guest and s not in study and s not in welcomed]
    if thanked:  # "thanks for having me": a guest by their own words, beside any the names give
        guest, sure = [*guest, *thanked], max(sure, 0.8)
    if not guest:
        voice = dominant_voice(stats, labels, first)
        guest, sure = ([voice], 0.7) if voice and voice not in opened and voice not in study else ([], 0.0)
        if guest and several is not None and several.clean and not opened and not study \
                and any(several.answers(s) and stats[s].turns >= 3 and stats[s].mean >= 0.5 * stats[voice].mean
                        for s in labels if s != voice):
            # the longest voice is only a guess at who the guest is; a clean vote that puts another
            # who also answers at length among those who answer is a better one (a moderator and a
            # panel whose longest speaker is one panelist among several; a co-host who only reacts
            # in a few words is still a host)
            guest, sure = [], 0.0
    top = max(labels, key=lambda x: (stats[x].share, stats[x].questions), default=None)
    answers = several is not None and several.clean and not any(g in several.interviewers for g in guest)
    if not answers and not any(titled_as_guest(g, given.names) for g in guest) \
            and ((top in guest and stats[top].share >= 0.3)
                 or (guest and (first or labels[0]) in guest and leads(stats, labels, first))):
        # the person the title names runs it (asks most; opens and carries it): not a guest, unless
        # every cue of the pairwise vote puts them among those who answer, or the title says they are the
        # guest ("... with Jason Henriksen": a show that opens on its guest's clip, dev 183)
        guest = []
    opened = [s for s in opened if s not in guest]
    if guest and len(guest) < len(labels):
        # a podcast or panel: whoever is not the guest and takes part runs the conversation, except
        # a label the pairwise vote puts with the guests rather than with the hosts: another guest, unless the
        # title or front matter named the guests (sure 0.9): then it is a host who talks as a guest does (dev
        # 181's host Adam beside the guest Adam Lehman the title names), and the vote against the names makes
        # the file unsure below, so it warns; a second guest the title left out is read as a host, which
        # loses their words rather than taking a host's for evidence
        hosts = [s for s in dict.fromkeys([*opened, *study, *regulars(stats, labels, guest)]) if s not in guest]
        more = [s for s in hosts if sure < NAMED_GUEST and s not in opened and s not in study and several is not None
                and several.with_guests(s, guest, [*opened, *study])]
        hosts = [s for s in hosts if s not in more]
        guest += more
        pick = _Pick(hosts, "study" if study else "heuristic", 1.0 if opened or study else sure, guest)
        return _against_split(pick, several, [*opened, *study]) if several is not None and several.clean else pick
    if opened:  # "Welcome to our session. My name is Emily.": the hosts, not who asked most
        chosen = list(opened)
    elif several is not None and several.clean and not any(map(is_crowd_label, several.scores)) \
            and all(s in several.interviewers for s in study if s in several.scores):
        # hosts and guests told apart by every cue at once (and the study's interviewers among the hosts)
        return _from_split(several, labels, stats, study)
    elif len(labels) >= 3 and leads(stats, labels, first):
        chosen = [first or labels[0]]  # many voices, nobody mostly asking: whoever opens and carries it
    elif several is not None and several.interviewers and all(s in several.interviewers for s in study
                                                             if s in several.scores):
        # no names and the cues disagree somewhere: the vote's split is still the best reading of the
        # talk, but unsure (a warning; the labels near the split point are not evidence)
        pick = _from_split(several, labels, stats, study)
        return _Pick(pick.interviewers, pick.source, min(pick.confidence or 1.0, UNSURE), pick.guests,
                     pick.cues, pick.unsure)
    elif base.interviewers and len(labels) >= 3:
        chosen = [best_asker(stats, base.interviewers[0])]
    else:
        chosen = close_call(stats, labels, list(base.interviewers))
    # a label most of whose turns ask (`Audience 1:` at a panel, a second interviewer) asks
    # (with two people, one of them is the interviewee; nor is the main talker a second interviewer)
    if len(labels) >= 3:
        chosen += [s for s in labels if s not in chosen and s != talker and stats[s].turns >= 2
                   and stats[s].questions >= 0.5 * stats[s].turns]
    chosen = [*(s for s in study if s not in chosen), *chosen]
    chosen += [s for s in extra_interviewers(stats, chosen, labels) if s not in chosen]
    chosen += [s for s in same_crowd(labels, chosen) if s not in chosen]
    source = "study" if study else ("heuristic" if chosen else base.source)
    # hosts who open by name decide the sides, but where the vote leaves a label's side open (no clean
    # split) its turns are not evidence: a co-host nobody names reads as a guest (dev 112)
    open_sides = [s for s in several.unsure if s not in chosen] if opened and several is not None \
        and not several.clean else []
    return _Pick(chosen, source, 1.0 if opened or study else None, unsure=open_sides)


def _from_split(several: Split, labels: list[str], stats: dict[str, LabelStats], study: list[str]) -> _Pick:
    """Three or more people and no names to go by: each label's side from the pairwise vote, a
    label that speaks once taking the side its one turn reads as (a question asks)."""
    rest = [s for s in labels if s not in several.scores and (stats[s].questions or s in study or is_audience_label(s))]
    chosen = [*several.interviewers, *rest]
    chosen += [s for s in same_crowd(labels, chosen) if s not in chosen]
    return _Pick(chosen, "study" if study else "heuristic",
                 1.0 if study else several.confidence, [], f"vote scores: {several.summary}",
                 [s for s in several.unsure if s not in study])


def _against_split(pick: _Pick, several: Split, fixed: list[str]) -> _Pick:
    """A decision from names that a clean pairwise vote contradicts (a named guest who asks and
    talks as the hosts do, a co-host who answers as the guests do) is unsure: the guests among
    those labels are not evidence, and the file warns. Hosts who open the show by name or by the
    front matter, and the study's interviewers, stand."""
    against = [s for s in several.scores if s not in fixed and (s in pick.interviewers) != (s in several.interviewers)]
    if not against:
        return pick
    return _Pick(pick.interviewers, pick.source, min(pick.confidence or 1.0, UNSURE), pick.guests,
                 f"names against the vote scores: {several.summary}", [s for s in against if s not in pick.interviewers])


def _weigh_vote(pick: _Pick, duo: Vote) -> _Pick:
    """Two labelled people: the talk's decision is the vote of its cues (two_speakers.py), with its
    margin as the confidence; a decision from names or a welcome stands, but a clear vote against it
    makes it unsure (a warning)."""
    # the reasons are signed for the vote's choice, which a decision from names may not be
    cues = f"cues for {duo.interviewer}: {', '.join(duo.reasons)}" if duo.reasons else ""
    if pick.confidence is None:
        return _Pick([duo.interviewer], pick.source, duo.confidence, pick.guests, cues)
    if duo.interviewer in pick.interviewers:
        return _Pick(pick.interviewers, pick.source, max(pick.confidence, duo.confidence), pick.guests, cues)
    sure = min(pick.confidence, UNSURE) if duo.confidence >= CLEAR_VOTE else pick.confidence
    return _Pick(pick.interviewers, pick.source, sure, pick.guests, cues)


def _decide(turns, given: _Given) -> Decision:
    speakers = list(dict.fromkeys(t.speaker for t in turns))
    per_label = [s for s in speakers if s != NOTES_SPEAKER and not is_mixed_label(s)]
    base_turns = [t for t in turns if t.speaker in per_label]
    base = speakers_mod.assign(base_turns, option=given.option, fm_interviewer=given.fm_interviewer,
                               fm_interviewee=given.fm_interviewee, roles=given.roles)
    stats = label_stats(base_turns)
    duo = vote(base_turns, *per_label) if len(per_label) == 2 else None
    pick = _pick(turns, per_label, stats, base, given, duo)
    if duo is not None and pick.source == "heuristic":
        pick = _weigh_vote(pick, duo)
    out = Decision(interviewers=list(pick.interviewers), source=pick.source, warnings=list(base.warnings))
    corrected = {k for k in given.corrections if k in speakers}
    for label in corrected:
        out.source = "correction"
        if given.corrections[label] == "interviewer" and label not in out.interviewers:
            out.interviewers.append(label)
        elif given.corrections[label] != "interviewer" and label in out.interviewers:
            out.interviewers.remove(label)
    who = set(out.interviewers)
    for s in speakers:
        if s == NOTES_SPEAKER:
            out.speaker_roles[s] = "other"
        elif is_mixed_label(s) and s not in corrected:
            out.speaker_roles[s] = "mixed"
        else:
            out.speaker_roles[s] = "interviewer" if s in who else "interviewee"
    out.turn_sure = [1.0] * len(turns)
    hints = list(given.hints) if given.hints is not None else [None] * len(turns)
    hosts_only = not per_label and host_monologue(turns)
    path = stream_path(turns, hints) if not per_label and not hosts_only else None
    words = [len(t.text.split()) for t in turns]
    mostly_mixed = bool(per_label) and sum(n for t, n in zip(turns, words) if is_mixed_label(t.speaker)) \
        >= MOSTLY_MIXED * sum(words)
    guest_labelled = sum(n for t, n in zip(turns, words) if t.speaker in per_label and t.speaker not in who) \
        >= GUEST_LABELLED * sum(words)
    if mostly_mixed and pick.source not in (*EXPLICIT, "study"):
        # nearly all the talk under a label both sides share: the few named turns' side is a guess (dev/51)
        pick.unsure += [s for s in per_label if s not in pick.unsure]
        pick.cues = pick.cues or "nearly all the talk is under a label both sides share"
    called = [*title_names(given.names), *(n for _, n in introductions(turns)[0])] if not per_label else []
    for i, (t, hint) in enumerate(zip(turns, hints)):
        role = out.speaker_roles[t.speaker]
        if role != "interviewer" and not hint and out.interviewers and t.speaker not in corrected \
                and speaks_as(t.text, out.interviewers, t.speaker):
            out.turn_is_interviewer.append(True)  # an interviewer's turn filed under another label
        elif role == "mixed" and path is not None:
            out.turn_is_interviewer.append(path[0][i])
            out.turn_sure[i] = path[1][i]
        elif role == "mixed" and not hint and (side := cut_sentence_side(turns, i, out.turn_is_interviewer,
                                                                          out.speaker_roles)) is not None:
            out.turn_is_interviewer.append(side)  # a sentence cut across a change of label: its speaker's
            out.turn_sure[i] = 0.7
        elif role == "mixed":
            out.turn_is_interviewer.append(hint == "interviewer" if hint else hosts_only or question_turn(t.text)
                                           or (not per_label and hosts_turn(t.text, i, called)))
            # from the turn alone: a few words are anyone's, a longer answer is likelier the interviewee's
            # (sequence.alone_sure says when it is not)
            out.turn_sure[i] = 1.0 if hint else alone_sure(t.text, mostly_mixed=mostly_mixed,
                                                            guest_labelled=guest_labelled)
        else:
            out.turn_is_interviewer.append(role == "interviewer")
            if t.speaker in pick.unsure and t.speaker not in corrected:
                out.turn_sure[i] = UNSURE  # the talk leaves this label's side open: not evidence
    out.turn_guessed = [guarded(t, iv, sure) for t, iv, sure in zip(turns, out.turn_is_interviewer, out.turn_sure)]
    if not per_label and not hosts_only:  # no labels at all: evidence only from answer runs (answer_runs.py)
        open_turns = [not h and s < 1.0 for h, s in zip(hints, out.turn_sure)]
        loose = [guarded(t, iv, sure, RUN_SURE) for t, iv, sure in zip(turns, out.turn_is_interviewer, out.turn_sure)]
        out.turn_guessed, note = answers_only([t.text for t in turns], out.turn_is_interviewer, out.turn_guessed,
                                              open_turns, loose)
        out.warnings += [f"{note}; {FIX}"] if note else []
    if per_label and not corrected and out.source != "labels":  # with role labels (Q:, Interviewer:) the
        out.warnings += _guessed_share_warning(turns, out, words)  # unlabelled text is read by what is around it
    if hosts_only:
        out.warnings.append("no speaker labels, and the talk opens as a show with no guest introduced: "
                            f"read as the hosts' own speech, nothing of it is evidence; {FIX}")
    rest = [s for s in per_label if s not in who]
    if pick.guests and not corrected:
        out.interviewee = max(pick.guests, key=lambda s: stats[s].words)
    elif base.interviewee in who:
        out.interviewee = max(rest, key=lambda s: stats[s].words) if rest else None
    else:
        out.interviewee = base.interviewee
    if corrected:
        out.confidence = 1.0
    elif pick.confidence is not None:
        out.confidence = pick.confidence
    else:
        out.confidence = _confidence(stats, out.interviewers, per_label) if per_label else 1.0
    mixed = [s for s in speakers if out.speaker_roles[s] == "mixed"]
    if mixed and not all(h for h, t in zip(hints, turns) if t.speaker in mixed):
        out.confidence = min(out.confidence, 0.7)
    if out.confidence < LOW_CONFIDENCE and len(per_label) >= 3:
        # unsure who interviews among several people: a question, an interviewer's move or a few-word
        # reaction filed under a label read as answering is not that label's evidence
        out.turn_guessed = [g or (not iv and t.speaker in per_label and t.speaker not in corrected
                                  and guarded(t, iv, UNSURE_TURN))
                            for t, iv, g in zip(turns, out.turn_is_interviewer, out.turn_guessed)]
    unsure = [s for s in pick.unsure if s not in corrected]
    if unsure and out.confidence >= LOW_CONFIDENCE:
        out.warnings.append(f"unsure of the side of {', '.join(unsure)} ({pick.cues}); taken as interviewer: "
                            f"{', '.join(out.interviewers) or 'nobody'}; their turns are not used as evidence; {FIX}")
    if out.confidence < LOW_CONFIDENCE and per_label:
        desc = ", ".join(f"{s} ({stats[s].questions} questions in {stats[s].turns} turns)" for s in per_label)
        guess = ", ".join(out.interviewers) or "nobody"
        cues = f"; {pick.cues}" if pick.cues else ""
        out.warnings.append(f"unsure who the interviewer is (confidence {out.confidence:.2f}; labels: {desc}{cues}); "
                            f"taken as interviewer: {guess}; {FIX}")
    return out

