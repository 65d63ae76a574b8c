"""Every field that claims a fact must be something its evidence says; when it is not, it is emptied.

Applied to every extraction, from the LLM and from the offline `local` extractor alike, after
grounding and consolidation (synth/extract/__init__.py). Rules, one per field that claims a fact:

- evidence: a quote must be the transcript's own text at its span, in an interviewee turn; other
  evidence is removed, and an item left without evidence is dropped.
- pain `quantity`: its value must be a number one of the item's quotes says (synth.numbers, the same
  parser everywhere). When it is not, it is corrected to the quotes' own number where there is
  exactly one candidate of a compatible unit, else set to null. Its `text` is the quote's own words.
- trigger `when`: the text must occur in one of the item's quotes or their turns; else null (and the
  `days_before_interview` derived from it with it).
- alternative `name`: a named product (competitor, adjacent tool) must occur in the interviewee's
  turns, case-insensitively and with the variants themes fold ("HashiCorp Vault Enterprise" is
  "HashiCorp Vault"; "Vault" said for "HashiCorp Vault" becomes "Vault"). A name that is not said
  becomes the kind's label ("Unnamed competitor"), never a guess. Manual / spreadsheet / homegrown /
  nothing keep a name said in the transcript, else their kind's label.
- DMU `title` must occur in the transcript (its text, speaker labels and the file's speaker titles),
  or its canonical form must ("Chief Financial Officer" where "CFO" was said); a DMU `name` must
  occur there too, or be cut to the part that does ("Rahul" for "Rahul Menon"). Else null.
- `employees` trait read from a quote: its number must be one the quote says; else corrected or removed.
- a pain or trigger `statement` (the model's paraphrase, shown as theme labels) that carries a
  number the interviewee never said is replaced by its first quote.

Each change is counted in `ExtractionStats.fields_nulled` / `fields_corrected`. Verifying a verified
extraction changes nothing.
"""
from __future__ import annotations

import re
from typing import Optional

from synth.extract.grounding import evidence_turns, normalize
from synth.models import Alternative, Evidence, Extraction, Quantity, Transcript
from synth.numbers import NumberMention, matches, numbers_in, parse_number
from synth.vocab.products import canonical_name
from synth.vocab.titles import CANONICAL_TITLES, canonical_title

# what an alternative is called when nothing more specific was said (the local extractor's labels)
KIND_LABELS = {"spreadsheet": "Spreadsheets", "homegrown": "Homegrown tool", "manual": "Manual process",
               "nothing": "Nothing", "competitor": "Unnamed competitor", "adjacent_tool": "Unnamed tool"}
NAMED_KINDS = ("competitor", "adjacent_tool")
MONEY = {"usd", "eur", "gbp", "dollars", "dollar", "$", "euros", "pounds"}


def _contains(haystack: str, needle: str) -> bool:
    """Case/quote/space-folded containment on word boundaries ("in June" is not in "in Juneau")."""
    n = normalize(needle)
    if not n:
        return False
    h = " " + re.sub(r"[^\w$%'.-]+", " ", normalize(haystack)) + " "
    n = re.sub(r"[^\w$%'.-]+", " ", n).strip()
    return re.search(r"(?<![\w])" + re.escape(n) + r"(?![\w])", h) is not None


def _unit_kind(unit: Optional[str]) -> str:
    u = (unit or "").lower()
    if "percent" in u or u == "%":
        return "percent"
    if any(w in u.split() or u == w for w in MONEY) or u.startswith("usd"):
        return "money"
    return "count"


def _compatible(q: Quantity, m: NumberMention) -> bool:
    kind = _unit_kind(q.unit)
    if kind == "money":
        return m.unit in ("usd", "eur", "gbp")
    if kind == "percent":
        return m.unit == "percent"
    return m.unit is None


def _said_text(quote: str, m: NumberMention) -> str:
    """The number as said, with the word after it when that word is its unit ('40 hours')."""
    rest = quote[m.end:]
    w = re.match(r"\s+([A-Za-z][\w-]*)", rest)
    if w and w.group(1).lower() not in {"a", "an", "the", "and", "or", "of", "to", "in", "on", "for",
                                         "per", "every", "each", "that", "which", "it", "we", "i"}:
        return quote[m.start:m.end + w.end()]
    return m.text


def _unit_named_after(quote: str, m: NumberMention, unit: str) -> bool:
    w = re.match(r"\s+(?:full[- ]time\s+)?([A-Za-z]+)", quote[m.end:])
    u = unit.lower().rstrip("s")
    return bool(w and u and (w.group(1).lower().rstrip("s").startswith(u[:4]) or
                             u.startswith(w.group(1).lower().rstrip("s"))))


def check_quantity(q: Quantity, quotes: list[str]) -> tuple[Optional[Quantity], str]:
    """(quantity to keep, what happened: 'ok' | 'text' | 'corrected' | 'nulled')."""
    found = [(qt, m) for qt in quotes for m in numbers_in(qt)]
    for qt, m in found:
        if matches(q.value, m, q.unit):
            if any(_contains(x, q.text) for x in quotes) and says_in(q.text, q.value, q.unit):
                return q, "ok"
            return q.model_copy(update={"text": _said_text(qt, m)}), "text"
    # the claimed number is not said: the quotes' own number, when exactly one could be meant
    cands = [(qt, m) for qt, m in found if not m.bare_one and _compatible(q, m)]
    if len({m.value for _, m in cands}) > 1:
        named = [(qt, m) for qt, m in cands if _unit_named_after(qt, m, q.unit)]
        cands = named if len({m.value for _, m in named}) == 1 else cands
    if len({m.value for _, m in cands}) == 1:
        qt, m = cands[0]
        return q.model_copy(update={"value": m.value, "text": _said_text(qt, m)}), "corrected"
    return None, "nulled"


def says_in(text: str, value: float, unit: Optional[str]) -> bool:
    return any(matches(value, m, unit) for m in numbers_in(text))


def _title_said(title: str, text: str) -> bool:
    if _contains(text, title):
        return True
    canon = canonical_title(title)
    low = text.lower()
    for pat, name in CANONICAL_TITLES:
        if name == canon:
            return re.search(pat, low) is not None
    return False


def _said_part(name: str, texts: list[str], min_len: int) -> Optional[str]:
    """The longest run of the name's words said in `texts` (earlier texts first), as said there:
    "HashiCorp Vault" where only "Vault" was said is "Vault"; "Rahul Menon" where only "Rahul" was."""
    words = canonical_name(name).split()
    for n in range(len(words) - 1, 0, -1):
        for text in texts:
            hay = " " + canonical_name(text) + " "
            for i in range(len(words) - n, -1, -1):  # right to left: a product's own name comes last
                part = words[i:i + n]
                if max(len(w) for w in part) < min_len or f" {' '.join(part)} " not in hay:
                    continue
                m = re.search(r"\b" + r"[\W_]+".join(re.escape(w) for w in part) + r"\b", text, re.I)
                if m:
                    return m.group(0)
    return None


def _name_said(name: str, texts: list[str]) -> bool:
    """Said whole: as written, without a parenthetical, or in synth's canonical form (editions and
    company suffixes folded, as themes group alternatives)."""
    bare = re.sub(r"\s*\([^)]*\)", "", name).strip()
    canon = canonical_name(name)
    for text in texts:
        if _contains(text, name) or (bare and _contains(text, bare)):
            return True
        if canon and f" {canon} " in " " + canonical_name(text) + " ":
            return True
    return False


def _evidence_ok(ev: Evidence, t: Transcript) -> bool:
    if not (0 <= ev.char_start < ev.char_end <= len(t.text)) or t.text[ev.char_start:ev.char_end] != ev.quote:
        return False
    turn = t.turn_at(ev.char_start)
    return turn is not None and turn.evidence_ok and ev.char_end <= turn.char_end


def verify_extraction(ex: Extraction, t: Transcript) -> Extraction:
    """Check every fact-claiming field of `ex` against its evidence, in place; returns `ex`."""
    st = ex.stats
    # what the interviewee said is what may be their evidence: a turn whose side ingest only guessed is not
    interviewee_text = "\n".join(x.text for x in evidence_turns(t))
    whole = _transcript_words(t)

    def null() -> None:
        st.fields_nulled += 1

    def fixed() -> None:
        st.fields_corrected += 1

    for cat in ("pains", "triggers", "alternatives", "dmu"):
        kept = []
        for it in getattr(ex, cat):
            good = [e for e in it.evidence if _evidence_ok(e, t)]
            if len(good) != len(it.evidence):
                st.quotes_grounded = max(0, st.quotes_grounded - (len(it.evidence) - len(good)))
                st.quotes_dropped += len(it.evidence) - len(good)
                it.evidence = good
            if it.evidence:
                kept.append(it)
            else:
                st.items_grounded = max(0, st.items_grounded - 1)
                st.items_dropped += 1
        setattr(ex, cat, kept)

    # a statement is the model's paraphrase, shown as a theme's label: a number in it that the
    # interviewee never said ("400 hours" where "40 hours" was said) makes it the quote's own words
    said_values = [m for m in numbers_in(interviewee_text)]
    for it in [*ex.pains, *ex.triggers]:
        claimed = [m for m in numbers_in(it.statement) if not m.bare_one]
        if any(not any(matches(c.value, m) for m in said_values) for c in claimed):
            it.statement = it.evidence[0].quote
            fixed()
    for p in ex.pains:
        if p.quantity is not None:
            q, what = check_quantity(p.quantity, [e.quote for e in p.evidence])
            p.quantity = q
            if what == "nulled":
                null()
            elif what in ("corrected", "text"):
                fixed()
    for g in ex.triggers:
        if g.when:
            ctx = [e.quote for e in g.evidence] + [t.turns[e.turn_index].text for e in g.evidence
                                                   if 0 <= e.turn_index < len(t.turns)]
            parts = [x for x in re.split(r"[;]|\band\b", g.when) if x.strip()]  # "since January; by April"
            if not all(any(_contains(c, x) for c in ctx) for x in parts):
                g.when, g.days_before_interview = None, None
                null()
    for a in ex.alternatives:
        _verify_alternative(a, interviewee_text, null, fixed)
    for d in ex.dmu:
        if d.title and not _title_said(d.title, whole):
            if d.statement.lower().startswith(d.title.lower()):
                d.statement = d.role.replace("_", " ")
            d.title = None
            null()
        if d.name and not _name_said(d.name, [whole]):
            d.name = _said_part(d.name, [whole], 3)
            null() if d.name is None else fixed()
    emp = ex.traits.employees
    if emp is not None and emp.source == "transcript" and emp.evidence is not None \
            and not isinstance(emp.value, list):
        said = [m for m in numbers_in(emp.evidence.quote) if not m.bare_one]
        v = parse_number(str(emp.value)) if not isinstance(emp.value, int) else float(emp.value)
        if v is None or not any(matches(v, m) for m in said):
            if len({m.value for m in said}) == 1:
                emp.value = str(int(said[0].value)) if said[0].value.is_integer() else str(said[0].value)
                fixed()
            else:
                ex.traits.employees = None
                null()
        elif not isinstance(emp.value, int) and not re.fullmatch(r"[\d,.]+", str(emp.value).strip()):
            emp.value = str(int(v)) if v.is_integer() else str(v)  # digits: what the ICP's reader parses
    return ex


def _verify_alternative(a: Alternative, interviewee_text: str, null, fixed) -> None:
    old = a.name
    quotes = [e.quote for e in a.evidence]
    if _name_said(a.name, [interviewee_text]):
        pass
    elif a.kind in NAMED_KINDS:
        a.name = _said_part(a.name, [*quotes, interviewee_text], 4) or KIND_LABELS[a.kind]
        null() if a.name == KIND_LABELS[a.kind] else fixed()
    elif a.name != KIND_LABELS.get(a.kind):
        # a description ("Bash rotation script"), not a product: only its kind is certain
        a.name = KIND_LABELS.get(a.kind, a.kind)
        null()
    # a product name in the statement is a claim; a description of a manual way of coping is not
    if a.name != old and a.kind in NAMED_KINDS and a.statement.startswith(old):
        a.statement = a.name + a.statement[len(old):]


def _transcript_words(t: Transcript) -> str:
    """The transcript as a reader sees it: what was said, who said it, and the file's own speaker
    titles and front matter ("Marcus Oyelaran (Head of Platform, Ridgeline Analytics)")."""
    extra = [*t.speakers, t.meta.interviewee or "", t.meta.role or "", t.meta.company or ""]
    titles = getattr(t.meta, "speaker_titles", None)
    if isinstance(titles, dict):
        extra += [f"{k} {v}" for k, v in titles.items()]
    return t.text + "\n" + "\n".join(x for x in extra if x)


__all__ = ["verify_extraction", "check_quantity", "KIND_LABELS"]
