"""One person labelled two ways in one file: `John Newbery:` once, then `John:`; `Peter McCormack
(PM):` once, then `PM:`. roles.decide reads the short label as its person."""
from __future__ import annotations

from typing import Optional, Sequence

from .talk import is_mixed_label


def _initials(label: str) -> str:
    """A name's initials (`Pat Morgan` -> `PM`); none where a word is not capitalised, a role said in
    words (`Project manager`, `Quality assurance`) rather than a person's name."""
    words = label.split()
    return "".join(w[0] for w in words) if all(w[:1].isupper() for w in words) else ""


def _both_go_on(short: str, full: str, order: Sequence[str]) -> bool:
    """Both labels keep speaking after the other has spoken: two people who share a first name (the host
    `Adam` and the guest `Adam Lehman`, dev 181), not one person labelled in full and then short."""
    def after(a: str, b: str) -> bool:  # does `a` speak again after `b` first speaks?
        first = next((i for i, x in enumerate(order) if x == b), None)
        return first is not None and any(x == a for x in order[first + 1:])
    return after(short, full) and after(full, short)


def aliases(labels: Sequence[str], titles: Optional[dict[str, str]] = None,
            order: Sequence[str] = ()) -> dict[str, str]:
    """`John` -> `John Newbery` when exactly one longer label starts with that first name; an initials
    label `PM` -> the one label that shows those initials (`Peter McCormack (PM):`, `titles`: a label
    -> what its parentheses say) or, where none does, the one name labelled in full before the
    initials first speak whose initials they are exactly: one person labelled two ways in one file
    (`John Newbery:` once, then `John:`). An acronym that speaks first (`AI:`, `QA:`, `PM:`) is its
    own speaker: nobody was named in full for it to shorten. `labels`: in the order they first speak;
    `order`: the speaker of every turn, where known: a first name and a full name that both go on
    speaking after each other are two people."""
    shown: dict[str, list[str]] = {}
    for label, title in (titles or {}).items():
        shown.setdefault(" ".join(str(title).split()).upper(), []).append(label)
    out = {}
    for i, s in enumerate(labels):
        if " " in s or is_mixed_label(s):
            continue
        longer = [x for x in labels if x != s and x.split()[0] == s and not is_mixed_label(x)]
        if not longer and 2 <= len(s) <= 3 and s.isupper():
            longer = [x for x in shown.get(s, []) if x in labels and x != s]
            if not longer:
                longer = [x for x in labels[:i] if " " in x and _initials(x) == s and not is_mixed_label(x)]
        if len(longer) == 1 and not (order and longer[0].split()[0] == s and _both_go_on(s, longer[0], order)):
            out[s] = longer[0]
    return out
