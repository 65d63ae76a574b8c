"""Canonical job titles: "VP of Eng", "vice president engineering" and "VP Engineering" are one title.

Shared vocabulary: extraction checks a title against its evidence with it (synth/extract/verify.py),
the themes stage counts the buying committee by it (synth/themes/dmu.py).
"""
from __future__ import annotations

import re
from typing import Optional

# first match wins; order from specific to general
CANONICAL_TITLES: list[tuple[str, str]] = [
    (r"\bciso\b|chief information security", "CISO"),
    (r"\bcto\b|chief technology", "CTO"),
    (r"\bcfo\b|chief financial", "CFO"),
    (r"\bceo\b|chief executive", "CEO"),
    (r"\bcio\b|chief information officer", "CIO"),
    (r"\bcoo\b|chief operating", "COO"),
    (r"co-?founder|\bfounder\b", "Founder"),
    (r"(vp|vice president)\s*(of\s+)?(eng|engineering|r&d)", "VP Engineering"),
    (r"(vp|vice president)\s*(of\s+)?(finance)", "VP Finance"),
    (r"(vp|vice president)\s*(of\s+)?(security)", "VP Security"),
    (r"(vp|vice president)\s*(of\s+)?(sales|revenue)", "VP Sales"),
    (r"(vp|vice president)\s*(of\s+)?(product)", "VP Product"),
    (r"(vp|vice president)\s*(of\s+)?(ops|operations|infrastructure|infra|platform)", "VP Infrastructure"),
    (r"head of (platform|infra\w*|devops|sre|cloud)", "Head of Platform"),
    (r"head of (eng\w*|development)", "Head of Engineering"),
    (r"head of (security|secops|infosec)", "Head of Security"),
    (r"head of (finance)", "Head of Finance"),
    (r"director of (eng\w*)|engineering director", "Director of Engineering"),
    (r"director of (security)|security director", "Director of Security"),
    (r"director of (platform|infra\w*|devops)", "Director of Platform"),
    (r"engineering manager|eng manager", "Engineering Manager"),
    (r"controller", "Controller"),
    (r"rev ?ops|revenue operations", "RevOps"),
    (r"procurement|purchasing", "Procurement"),
    (r"legal|counsel", "Legal"),
    (r"security team|secops|infosec|security engineer", "Security team"),
    (r"finance team|finance", "Finance team"),
    (r"(platform|devops|sre|infrastructure|infra) (engineer|team|lead)", "Platform / DevOps engineer"),
    (r"engineers?|developers?|devs\b", "Engineers"),
]


def canonical_title(title: Optional[str]) -> str:
    if not title:
        return "unspecified"
    low = title.lower()
    for pat, name in CANONICAL_TITLES:
        if re.search(pat, low):
            return name
    return " ".join(w.capitalize() if w.islower() else w for w in title.split())
