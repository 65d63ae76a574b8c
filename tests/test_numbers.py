"""synth.numbers: numbers as people say them, and vague amounts that are not numbers.

The property tests write integers out in English (a small speller below, independent of the parser)
and in digits, put them inside a sentence, and require the parser to read back exactly that number
over exactly those words.
"""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from synth.numbers import matches, numbers_in, parse_number, says_number

_ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
         "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def _under_100(n: int, hyphen: bool) -> str:
    if n < 20:
        return _ONES[n]
    t, u = divmod(n, 10)
    return _TENS[t] + (("-" if hyphen else " ") + _ONES[u] if u else "")


def _under_1000(n: int, hyphen: bool, and_: bool) -> str:
    h, r = divmod(n, 100)
    if not h:
        return _under_100(r, hyphen)
    head = f"{_ONES[h]} hundred"
    return head if not r else f"{head} {'and ' if and_ else ''}{_under_100(r, hyphen)}"


def spell(n: int, *, hyphen: bool = True, and_: bool = False) -> str:
    """0 <= n < 10**12 in English words, e.g. 420 -> 'four hundred and twenty' (with and_)."""
    if n == 0:
        return "zero"
    parts = []
    for scale, word in ((10**9, "billion"), (10**6, "million"), (10**3, "thousand"), (1, "")):
        k, n = divmod(n, scale)
        if k:
            parts.append((_under_1000(k, hyphen, and_) + (" " + word if word else "")).strip())
    return " ".join(parts)


def only(text: str):
    ms = numbers_in(text)
    assert len(ms) == 1, (text, ms)
    return ms[0]


@given(st.integers(min_value=0, max_value=999_999_999_999), st.booleans(), st.booleans())
@settings(max_examples=400, deadline=None)
def test_spelled_integers_round_trip(n, hyphen, and_):
    words = spell(n, hyphen=hyphen, and_=and_)
    sentence = f"We lose {words} hours a week on it."
    m = only(sentence)
    assert m.value == n and m.text == words and m.words
    assert sentence[m.start:m.end] == words


@given(st.integers(min_value=11, max_value=99).filter(lambda k: k % 10))
def test_hundreds_said_the_old_way(k):
    # "eleven hundred" is 1,100 and "twenty-five hundred" 2,500: not the last word's value
    assert only(f"about {spell(k)} hundred customers").value == k * 100


@given(st.integers(min_value=0, max_value=10**12), st.booleans())
@settings(max_examples=300, deadline=None)
def test_digits_with_separators_round_trip(n, commas):
    said = f"{n:,}" if commas else str(n)
    m = only(f"it cost us {said} last year")
    assert m.value == n and m.text == said and not m.words


@given(st.integers(min_value=1, max_value=999), st.sampled_from([("k", 1e3), ("M", 1e6), ("bn", 1e9)]),
       st.integers(min_value=0, max_value=9))
def test_suffixed_money_round_trips(n, suffix, tenth):
    said = f"${n}.{tenth}{suffix[0]}"
    m = only(f"that's {said} a year")
    assert m.unit == "usd" and m.value == pytest.approx((n + tenth / 10) * suffix[1])


@given(st.integers(min_value=1, max_value=19), st.sampled_from(["", " million", " thousand"]))
def test_and_a_half(n, scale):
    m = only(f"it took {spell(n)} and a half{scale} to fix")
    mult = {"": 1, " million": 1e6, " thousand": 1e3}[scale]
    assert m.value == (n + 0.5) * mult


@pytest.mark.parametrize("text,value,unit", [
    ("thirty-two hours a week", 32, None),
    ("eighty-five percent of tickets", 85, "percent"),
    ("roughly forty-five hours", 45, None),
    ("eleven hundred customers", 1100, None),
    ("four hundred and twenty people", 420, None),
    ("a dozen engineers", 12, None),
    ("two and a half days", 2.5, None),
    ("$1.2M", 1_200_000, "usd"),
    ("40k a year", 40_000, None),
    ("30% of our week", 30, "percent"),
    ("twenty per cent", 20, "percent"),
    ("roughly a four hundred K a year contract", 400_000, None),
    ("north of forty thousand dollars a year", 40_000, "usd"),
    ("ten grand", 10_000, "usd"),
    ("one point five million", 1_500_000, None),
    ("half a million", 500_000, None),
    ("Thirty-seven.", 37, None),
])
def test_said_numbers(text, value, unit):
    m = only(text)
    assert m.value == pytest.approx(value) and m.unit == unit


@pytest.mark.parametrize("text", [
    "a few customers", "a couple of outages", "several engineers", "dozens of tickets",
    "hundreds of repos", "thousands of rows", "a few hundred tickets", "several thousand dollars",
    "a couple hundred users", "no one owns it", "many times a week",
])
def test_vague_amounts_are_not_numbers(text):
    assert numbers_in(text) == []


def test_and_joins_only_where_english_joins_numbers():
    assert [m.value for m in numbers_in("between two and three engineers")] == [2, 3]
    assert [m.value for m in numbers_in("two thousand and five")] == [2005]
    assert [m.value for m in numbers_in("30-40 hours")] == [30, 40]
    assert [m.value for m in numbers_in("nineteen twenty")] == [19, 20]


def test_a_lone_one_is_marked():
    (m,) = numbers_in("one cron job has it")
    assert m.value == 1 and m.bare_one
    assert not only("one hundred").bare_one


@pytest.mark.parametrize("text", [
    "every school comes back at once", "one of our engineers wrote it", "no one owns it",
    "the one cron job that has it", "once we moved to Stripe it broke", "Once the audit lands, we pay",
    "once in a while it fails", "that one is fine",
])
def test_one_and_once_that_are_not_quantities(text):
    assert [m for m in numbers_in(text) if m.value == 1] == []  # issue 25


@pytest.mark.parametrize("text", ["we do it once a week", "we did it once.", "once or twice a year",
                                  "it takes one engineer"])
def test_one_and_once_that_count(text):
    assert numbers_in(text)[0].value == 1


def test_parse_number_and_matching():
    assert parse_number("forty-five") == 45 and parse_number("1,200") == 1200
    assert parse_number("about 40") is None and parse_number("a few") is None
    assert says_number("about thirty-two hours a week", 32)
    assert not says_number("about 40 hours", 400)
    assert says_number("30% of the time", 0.3)  # a percentage stored as a fraction
    (m,) = numbers_in("$40k a year")
    assert matches(40, m, "thousand usd") and not matches(40, m, "usd")


@pytest.mark.parametrize("when,days", [("thirty-five days ago", 35), ("six weeks ago", 42),
                                       ("two and a half years ago", 912), ("a couple of weeks ago", 14),
                                       ("18 months back", 540), ("last quarter", 91)])
def test_trigger_dates_count_with_the_same_parser(when, days):
    from synth.extract.when import days_before

    assert days_before(when, None) == days
