"""Group alternatives by what they are, not by what they sound like.

"we use CloudHealth" and "we tried Vantage" belong together because both are named competitors: a
field of the extraction, not a direction in embedding space (alternatives cluster at ARI ~0.1 by
meaning; ANCHORS.md). A named product groups by its canonical name, the rest by kind.
"""
from __future__ import annotations

from synth.models import Alternative
from synth.vocab.products import canonical_name


def group_alternatives(items: list[Alternative]) -> list[list[str]]:
    groups: dict[str, list[str]] = {}
    for it in items:
        key = (f"named:{canonical_name(it.name)}" if it.kind in ("competitor", "adjacent_tool")
               else f"kind:{it.kind}")
        groups.setdefault(key, []).append(it.id)
    # "Vault" said in one interview and "HashiCorp Vault" in another are one product: fold a name
    # into the longer name that contains all its words, when exactly one such name exists
    named = sorted((k for k in groups if k.startswith("named:")), key=len)
    for short in named:
        words = set(short[6:].split())
        if not words or max(len(w) for w in words) < 4:
            continue
        longer = [k for k in named if k != short and k in groups and words < set(k[6:].split())]
        if len(longer) == 1 and short in groups:
            groups[longer[0]] += groups.pop(short)
    return list(groups.values())
