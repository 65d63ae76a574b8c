"""A "model" that answers with an annotated study's gold items, then misbehaves the way real models do.

HAND-WRITTEN, not recorded: the answers are the study's own annotations (evals/gold, evals/heldout)
turned into the extraction schema, served over HTTP by tests/support/fakeopenai.py to the real openai
client and instructor. A chunk's answer is every gold item whose quote is in that chunk, as a perfect
model would give. The misbehaviours (each off unless asked for, each decided by a hash of the request,
so a run is deterministic whatever the arrival order):

- `paraphrase`: every other quote gets words inserted (the way models paraphrase), so it is re-asked;
- `wrong_line`: that share of the quote re-asks is answered with ANOTHER verbatim interviewee sentence
  of the chunk (real models copy the wrong line); the others with the gold quote;
- `inject`: for one file, the model obeys an instruction planted in a transcript: a pain
  "buy our product" quoting three words of a real turn, and "Run rm -rf / now" quoting a real line;
- `loop`: that share of extraction requests (halves too) loops until the token cap (finish_reason
  length, the same object repeated), as SmolLM2 and Gemma did on llama-cpp-python.
"""
from __future__ import annotations

import hashlib
import json
import re

from llm_replay import user_text

from synth.extract.grounding import normalize
from tests.support.fakeopenai import tool_call_completion

_LISTED = re.compile(r"^(\d+)\. (\".*\")$", re.M)
_FILE = re.compile(r"Interview file: (.+?), chunk (\d+) of (\d+)\.")


def _h(*parts) -> float:
    """A stable number in [0, 1) from the parts."""
    return int(hashlib.sha256(json.dumps(parts).encode()).hexdigest()[:8], 16) / 16 ** 8


def item_args(it) -> tuple[str, dict]:
    """A gold item as the extraction schema's list name and arguments."""
    f = it.fields
    q = [it.quote]
    if it.category == "pain":
        return "pains", {"statement": it.statement, "severity": int(f.get("severity") or 3),
                         "quantity": f.get("quantity"), "quotes": q, "dismissed": it.dismissed}
    if it.category == "trigger":
        return "triggers", {"event": it.statement, "kind": f.get("kind") or "other", "when": f.get("when"),
                            "quotes": q, "dismissed": it.dismissed}
    if it.category == "alternative":
        return "alternatives", {"name": f.get("name") or "Spreadsheet", "kind": f.get("kind") or "manual",
                                "quotes": q, "dismissed": it.dismissed}
    return "dmu", {"name": f.get("name"), "title": f.get("title"), "role": f.get("role") or "influencer",
                   "quotes": q, "dismissed": it.dismissed}


def insert_words(quote: str, k: int) -> str:
    """Five words inserted mid-quote: more than the meaning-safe word alignment lets pass (gaps of at
    most 3 words), so the quote is not found as proposed and is re-asked."""
    w = quote.split()
    fillers = ["you know, I mean, basically,", "and honestly, to be fair,", "I think, if I'm honest,"]
    mid = len(w) // 2
    return " ".join(w[:mid] + [fillers[k % 3]] + w[mid:])


class GoldModel:
    """The responder (`body -> completion`) for FakeOpenAI; `.paraphrased` maps inserted-word quotes
    back to the gold ones, `.wrong_answers` records the wrong lines it gave."""

    def __init__(self, study, *, paraphrase: bool = False, wrong_line: float = 0.0, inject: str | None = None,
                 loop: float = 0.0, honest_from: int | None = None):
        self.study = study
        self.paraphrase, self.wrong_line, self.inject, self.loop = paraphrase, wrong_line, inject, loop
        self.paraphrased: dict[str, str] = {}
        self.wrong_answers: list[str] = []
        self.loops = 0
        self.by_file: dict[str, list] = {}
        for it in study.items:
            if it.located_text and not it.in_interviewer_turn:
                self.by_file.setdefault(it.file, []).append(it)

    # ------------------------------------------------------------------ extraction
    def answer(self, file: str, text: str) -> dict:
        out: dict[str, list] = {"pains": [], "triggers": [], "alternatives": [], "dmu": [], "traits": []}
        flat = normalize(text)
        for k, it in enumerate(self.by_file.get(file, [])):
            if normalize(it.quote) not in flat:
                continue
            field, args = item_args(it)
            if self.paraphrase and k % 2 == 1 and field != "dmu" and len(it.quote.split()) >= 8:
                p = insert_words(it.quote, k)
                self.paraphrased[p] = it.quote
                args["quotes"] = [p]
            out[field].append(args)
        if self.inject == file:
            t = self.study.transcripts[file]
            turn = next(x for x in t.turns if not x.is_interviewer and len(x.text.split()) > 12
                        and normalize(x.text) in flat)
            out["pains"].append({"statement": "buy our product", "severity": 5, "quotes": [" ".join(turn.text.split()[:3])]})
            out["pains"].append({"statement": "Run rm -rf / now", "severity": 5, "quotes": [turn.text]})
        return out

    def loop_reply(self, body: dict) -> dict:
        self.loops += 1
        cap = body.get("max_tokens") or body.get("max_completion_tokens") or 512
        unit = '{"statement": "The team spends time on it", "severity": 3, "quotes": ["the the the"]}, '
        args = '{"pains": [' + unit * (cap // 20)  # cut off mid-list, never closed: what a loop at the cap is
        return tool_call_completion("ChunkExtraction", args, usage=(len(user_text(body)) // 4, cap),
                                    finish_reason="length")

    # ------------------------------------------------------------------ re-asks
    def fix_quotes(self, body: dict) -> dict:
        last = [m["content"] for m in body["messages"] if m["role"] == "user"][-1]
        chunk = user_text(body)
        m = _FILE.search(chunk)
        t = self.study.transcripts[m.group(1)]
        sentences = [s for x in t.turns if not x.is_interviewer and normalize(x.text) in normalize(chunk)
                     for s in re.split(r"(?<=[.!?])\s+", x.text) if len(s.split()) >= 8]
        fixes = []
        for n, q in ((int(n), json.loads(q)) for n, q in _LISTED.findall(last)):
            gold = self.paraphrased.get(q)
            if gold is not None and _h("wrong", q) < self.wrong_line:
                others = [s for s in sentences if normalize(s) not in normalize(gold) and normalize(gold) not in normalize(s)]
                if others:
                    wrong = others[int(_h("pick", q) * len(others))]
                    self.wrong_answers.append(wrong)
                    fixes.append({"n": n, "quote": wrong})
                    continue
            fixes.append({"n": n, "quote": gold})
        return tool_call_completion("QuoteFixes", {"fixes": fixes}, usage=(500, 50))

    def __call__(self, body: dict) -> dict:
        name = body["tools"][0]["function"]["name"] if body.get("tools") else ""
        if name == "QuoteFixes":
            return self.fix_quotes(body)
        if name == "StatementFixes":  # an obedient model restates nothing it was told to
            return tool_call_completion("StatementFixes", {"fixes": []}, usage=(300, 10))
        text = user_text(body)
        m = _FILE.search(text)
        if self.loop and _h("loop", text) < self.loop:
            return self.loop_reply(body)
        return tool_call_completion("ChunkExtraction", self.answer(m.group(1), text),
                                    usage=(len(text) // 4, 300))


def correct(item, gold_items, file: str) -> bool:
    """A shown item is correct when its evidence is a gold item's quote of the same category and file,
    and its statement is that item's statement, or the quote's own words (a replaced statement)."""
    for g in gold_items:
        if g.file != file or g.category != item.category or not g.span:
            continue
        if any(e.char_start < g.span[1] and g.span[0] < e.char_end for e in item.evidence):
            if item.category in ("alternative", "dmu"):
                return True
            if item.statement == g.statement or any(normalize(item.statement) in normalize(e.quote)
                                                    for e in item.evidence):
                return True
    return False
