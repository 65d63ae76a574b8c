"""Numbers as people say them: the one parser extraction, verification, themes, report and ICP use.

`numbers_in(text)` finds every number a text *says*, with its span: digits with thousands separators
and decimals ("1,200", "2.5"), suffixed amounts ("40k", "$1.2M", "3bn"), percentages ("30%",
"thirty percent"), money ("$50K", "forty thousand dollars", "ten grand") and number words with
compounds and scales ("four hundred and twenty", "forty-five", "eleven hundred", "two and a half",
"a dozen", "one point five million", "four hundred K").

Vague amounts are not numbers: "a few", "a couple of", "several", "dozens", "hundreds of",
"thousands of" say no number, so nothing may be shown as if they did. A quantity that cites such a
quote has nothing to stand on (see synth/extract/verify.py).

Why a tokenizer and a small state machine rather than one regex: compounds are parsed as a whole
("four hundred and twenty" is 420, not 20), and an "and" joins only where English joins numbers
("between two and three" is two numbers; "two and a half" is one).
"""
from __future__ import annotations

import math
import re
from typing import NamedTuple, Optional

from pydantic import BaseModel

SMALL = {
    "zero": 0, "oh": None, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
SMALL = {k: v for k, v in SMALL.items() if v is not None}
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
        "ninety": 90}
# scale words multiply what came before ("eleven hundred", "two million"); "dozen" is a scale of 12
SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000,
          "trillion": 1_000_000_000_000}
# suffixes glued to digits or standing alone after a number ("40k", "$1.2M", "four hundred K")
SUFFIX = {"k": 1_000, "m": 1_000_000, "mm": 1_000_000, "mn": 1_000_000, "bn": 1_000_000_000,
          "b": 1_000_000_000}
CURRENCY = {"$": "usd", "€": "eur", "£": "gbp"}
CURRENCY_WORDS = {"dollars": "usd", "dollar": "usd", "bucks": "usd", "usd": "usd", "euros": "eur",
                  "euro": "eur", "eur": "eur", "pounds": "gbp", "gbp": "gbp", "grand": "usd"}
PERCENT_WORDS = {"percent", "pct", "%"}
TIMES = {"once": 1, "twice": 2, "thrice": 3}  # "twice a year"; "once" is also a conjunction: see bare_one
VAGUE = frozenset({"few", "couple", "several", "many", "some", "multiple", "various", "numerous"})
NEGATIONS = frozenset({"not", "never", "no", "without", "none", "nothing", "nobody", "neither", "nor"})

# a token: a currency sign, a digit group (thousands separators only in groups of three), a word
# (with an inner apostrophe), a hyphen, '%', or any other single non-space character
_TOKEN = re.compile(r"[$€£]|\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|[A-Za-z]+(?:['’][A-Za-z]+)*|%|-|\S")
_DIGITS = re.compile(r"\d")


class NumberMention(BaseModel):
    """One number said in a text. `start:end` indexes the text it was found in."""

    value: float
    unit: Optional[str] = None  # usd | eur | gbp | percent | None
    start: int
    end: int
    text: str
    words: bool = False  # said in words ("forty-five") rather than digits
    bare_one: bool = False  # a lone "one" ("the one cron job"): a number, but often a pronoun

    @property
    def span(self) -> tuple[int, int]:
        return self.start, self.end


class _Tok(NamedTuple):
    s: str
    low: str
    a: int
    b: int


def _tokens(text: str) -> list[_Tok]:
    return [_Tok(m.group(0), m.group(0).lower().replace("’", "'"), m.start(), m.end())
            for m in _TOKEN.finditer(text)]


def _is_word_number(low: str) -> bool:
    return low in SMALL or low in TENS or low in SCALES or low == "dozen"


def _digits_value(s: str) -> float:
    return float(s.replace(",", ""))


class _Parser:
    """Reads one number starting at token `i`; returns (value, next index) or None."""

    def __init__(self, toks: list[_Tok]):
        self.t = toks

    def low(self, i: int) -> str:
        return self.t[i].low if 0 <= i < len(self.t) else ""

    def adjacent(self, i: int) -> bool:
        """Token i touches token i-1 (no space): '40k', 'forty-five'."""
        return 0 < i < len(self.t) and self.t[i].a == self.t[i - 1].b

    def words(self, i: int) -> Optional[tuple[float, int]]:
        """Number words from i: 'four hundred and twenty', 'eleven hundred', 'a dozen', 'two and a half'."""
        j = i
        total = 0.0
        current: Optional[float] = None
        last_big = math.inf  # scales >= 1000 must come in falling order: "two million three thousand"
        last_kind = ""       # small | tens | hundred | big | dozen
        if self.low(j) in ("a", "an") and self.low(j + 1) in ("hundred", "thousand", "million", "billion",
                                                              "dozen"):
            current, last_kind, j = 1.0, "small", j + 1
        while j < len(self.t):
            w = self.low(j)
            if w in SMALL:
                n = SMALL[w]
                if current is not None and last_kind == "tens" and 1 <= n <= 9 and current % 100 >= 20 \
                        and current % 10 == 0:
                    current += n  # "forty five", "forty-five"
                elif current is not None and last_kind in ("hundred", "big") and (current or 0) % 100 == 0:
                    current = (current or 0) + n
                elif current is None:
                    current = float(n)
                else:
                    break
                last_kind = "small"
            elif w in TENS:
                n = TENS[w]
                if current is None:
                    current = float(n)
                elif last_kind in ("hundred", "big") and current % 100 == 0:
                    current += n
                else:
                    break
                last_kind = "tens"
            elif w == "hundred":
                if last_kind == "hundred" or (current is not None and current % 100 == 0 and current >= 100):
                    break
                current = (current if current is not None else 1.0) * 100  # "eleven hundred" is 1,100
                last_kind = "hundred"
            elif w in SCALES:
                scale = SCALES[w]
                if current is None or scale >= last_big:
                    break
                total += current * scale
                current, last_big, last_kind = 0.0, scale, "big"
            elif w == "dozen" and current is not None and last_kind == "small" and current < 100:
                current *= 12
                last_kind = "dozen"
            elif w == "-" and last_kind == "tens" and self.adjacent(j) and self.low(j + 1) in SMALL \
                    and self.adjacent(j + 1):
                j += 1
                continue
            elif w == "and" and current is not None:
                nxt = self.low(j + 1)
                if nxt == "a" and self.low(j + 2) == "half":
                    current += 0.5  # "two and a half", "one and a half million"
                    j += 3
                    last_kind = "half"
                    if self.low(j) in SCALES and SCALES[self.low(j)] < last_big:
                        continue
                    break
                # "four hundred and twenty", "two thousand and five": never "two and three"
                if last_kind in ("hundred", "big") and (nxt in SMALL or nxt in TENS) and SMALL.get(nxt, 1) != 0:
                    j += 1
                    continue
                break
            elif w == "point" and current is not None and last_kind in ("small", "tens") and \
                    self.low(j + 1) in SMALL and SMALL[self.low(j + 1)] <= 9:
                k, frac, scale = j + 1, 0.0, 0.1
                while self.low(k) in SMALL and SMALL[self.low(k)] <= 9:
                    frac += SMALL[self.low(k)] * scale
                    scale /= 10
                    k += 1
                current += round(frac, 10)
                j = k
                last_kind = "point"
                continue
            else:
                break
            j += 1
        if current is None or j == i:
            return None
        if last_kind in ("small", "tens", "hundred", "big", "dozen", "half", "point") or total:
            return total + current, j
        return None

    def half(self, i: int) -> Optional[tuple[float, int]]:
        """'half' as a number: 'half a day', 'a half' (0.5); 'half a million' (500,000)."""
        j = i + 1 if self.low(i) in ("a", "an") and self.low(i + 1) == "half" else i
        if self.low(j) != "half":
            return None
        if self.low(j + 1) == "a" and self.low(j + 2) in ("million", "billion", "thousand", "dozen"):
            big = self.low(j + 2)
            return 0.5 * (12 if big == "dozen" else SCALES[big]), j + 3
        return 0.5, j + 1


def _glued_to_letters(toks: list[_Tok], i: int) -> bool:
    before = i > 0 and toks[i - 1].b == toks[i].a and toks[i - 1].s[-1:].isalpha()
    after = i + 1 < len(toks) and toks[i + 1].a == toks[i].b and toks[i + 1].s[:1].isalpha() \
        and toks[i + 1].low not in SUFFIX and toks[i + 1].low != "x"
    return before or after


def _vague_plural(low: str) -> bool:
    # "dozens", "hundreds", "thousands", "millions": vague, never a number
    return low in ("dozens", "hundreds", "thousands", "millions", "billions", "tens", "scores")


# "one"/"once" as a pronoun, a determiner's object or a conjunction, not a count
_ONE_BEFORE = frozenset({"the", "this", "that", "which", "any", "each", "every", "no", "some", "someone"})
_ONE_AFTER = frozenset({"of", "another", "anyone", "way"})
_ONCE_CLAUSE = frozenset({"we", "i", "you", "they", "he", "she", "it", "the", "that", "this", "our", "your",
                          "their", "its", "everyone", "everything", "people", "there", "things", "someone",
                          "in", "upon", "more", "again", "you're", "we're", "they're", "it's", "that's",
                          "we've", "i'm", "you've", "they've", "he's", "she's", "all", "a", "an"})
_ONCE_COUNT = frozenset({"a", "an", "per", "every", "each", "or", "twice"})


def _not_a_count(toks: list[_Tok], i: int) -> bool:
    """"at once", "one of", "no one", "the one", "once we..." say no quantity (issue 25)."""
    low = toks[i].low
    prev = toks[i - 1].low if i > 0 else ""
    nxt = toks[i + 1].low if i + 1 < len(toks) else ""
    if low == "no":
        return nxt == "one"
    if low == "one":
        return prev in _ONE_BEFORE or nxt in _ONE_AFTER
    if low == "once":
        if prev == "at":
            return True
        # "once a week" / "once per sprint" count; "once we ship", "once the audit lands" do not
        return nxt in _ONCE_CLAUSE and not (nxt in ("a", "an") and _period_after(toks, i + 2))
    return False


def _period_after(toks: list[_Tok], j: int) -> bool:
    return j < len(toks) and toks[j].low in ("day", "week", "month", "quarter", "year", "sprint", "release",
                                            "cycle", "night", "morning", "fortnight", "decade", "while")


def numbers_in(text: str) -> list[NumberMention]:
    """Every number `text` says, in order, with its span. Vague amounts are not numbers."""
    toks = _tokens(text)
    p = _Parser(toks)
    out: list[NumberMention] = []
    i = 0
    while i < len(toks):
        tok = toks[i]
        unit: Optional[str] = None
        start_i = i
        if tok.s in CURRENCY and i + 1 < len(toks) and _DIGITS.match(toks[i + 1].s):
            unit = CURRENCY[tok.s]
            i += 1
        parsed: Optional[tuple[float, int]] = None
        words = False
        t = toks[i]
        if _DIGITS.match(t.s) and _glued_to_letters(toks, i):
            i += 1  # "1Password", "EC2", "S3", "2FA", "3rd": part of a name or an ordinal
            continue
        if _DIGITS.match(t.s):
            v, j = _digits_value(t.s), i + 1
            if j < len(toks) and toks[j].low in SUFFIX and p.adjacent(j) and \
                    not (j + 1 < len(toks) and p.adjacent(j + 1) and toks[j + 1].s.isalnum()):
                v *= SUFFIX[toks[j].low]  # "40k", "$1.2M"
                j += 1
            elif j < len(toks) and toks[j].low in SCALES and not _vague_plural(toks[j].low):
                v *= SCALES[toks[j].low]  # "1.5 million", "40 thousand"
                j += 1
            elif j < len(toks) and toks[j].low == "dozen":
                v *= 12
                j += 1
            parsed = (v, j)
        elif _not_a_count(toks, i):
            i += 2 if t.low == "no" else 1  # "at once", "one of", "no one", "the one", "once we..."
            continue
        elif t.low in TIMES:
            parsed, words = (float(TIMES[t.low]), i + 1), True
        elif (t.low in SCALES or t.low == "dozen") and i > 0 and toks[i - 1].low in VAGUE:
            parsed = None  # "a few hundred", "several thousand": vague, not a number
        elif _is_word_number(t.low) or t.low in ("a", "an", "half"):
            parsed = p.words(i) or p.half(i)
            words = parsed is not None
        if parsed is None:
            i = max(i, start_i) + 1
            continue
        v, j = parsed
        # a standalone multiplier after a number said in words: "four hundred K", "ten grand"
        if j < len(toks) and toks[j].low in ("k",) and not p.adjacent(j):
            v *= 1_000
            j += 1
        if j < len(toks) and toks[j].low == "grand":
            v *= 1_000
            unit = unit or "usd"
            j += 1
        if j < len(toks) and toks[j].low in PERCENT_WORDS:
            unit, j = "percent", j + 1
        elif j + 1 < len(toks) and toks[j].low == "per" and toks[j + 1].low == "cent":
            unit, j = "percent", j + 2
        elif j < len(toks) and toks[j].low in CURRENCY_WORDS and toks[j].low != "grand" and unit is None:
            unit, j = CURRENCY_WORDS[toks[j].low], j + 1
        # a vague plural right after ("two hundreds of", "tens of thousands") is not a number
        if j < len(toks) and _vague_plural(toks[j].low) and not _DIGITS.match(t.s):
            i = j + 1
            continue
        a, b = toks[start_i].a, toks[j - 1].b
        low = t.low
        out.append(NumberMention(value=v, unit=unit, start=a, end=b, text=text[a:b], words=words,
                                 bare_one=words and low in ("one", "once") and j == i + 1))
        i = j
    return out


def parse_number(text: str) -> Optional[float]:
    """The value of a text that is one number and nothing else ("40k", "forty-five"); else None."""
    ms = numbers_in(text.strip())
    if len(ms) == 1 and ms[0].start == 0 and ms[0].end == len(text.strip()):
        return ms[0].value
    return None


def same_number(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def matches(value: float, m: NumberMention, unit: Optional[str] = None) -> bool:
    """Whether a claimed `value` is what mention `m` says.

    Also accepted: a percentage given as a fraction (30% as 0.3) and an amount given in the scale
    it was said in ("$40k" stored as 40 with unit 'thousand usd'): the same number, written
    differently. Nothing else: a misread digit never matches."""
    if same_number(value, m.value):
        return True
    if m.unit == "percent" and same_number(value * 100, m.value):
        return True
    u = (unit or "").lower()
    for word, scale in (("thousand", 1e3), ("k", 1e3), ("million", 1e6), ("billion", 1e9)):
        if re.search(rf"\b{word}\b", u) and same_number(value * scale, m.value):
            return True
    return False


def says_number(text: str, value: float, unit: Optional[str] = None) -> bool:
    """Whether `text` says the number `value` (see `matches`)."""
    return any(matches(value, m, unit) for m in numbers_in(text))


def number_signature(text: str) -> list[float]:
    """The numbers a text says, in order: two texts that differ here do not mean the same thing."""
    return [m.value for m in numbers_in(text)]


__all__ = ["NumberMention", "numbers_in", "parse_number", "says_number", "matches", "same_number",
           "number_signature", "NEGATIONS"]
