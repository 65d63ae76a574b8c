from conftest import make_transcript

from synth.extract.chunking import chunk_transcript
from synth.extract.redact import Redactor


def test_redaction_replaces_pii_and_restores_it():
    r = Redactor(["Dana Whitfield", "Priya Nair", "Unknown"])
    s = r.redact("Dana Whitfield (dana@acme.io, +1 415-555-0134) said see https://acme.io/x. Priya agreed.")
    for secret in ("Dana", "Whitfield", "dana@acme.io", "415-555-0134", "acme.io/x", "Priya"):
        assert secret not in s
    assert "[EMAIL_1]" in s and "[PHONE_1]" in s and "[URL_1]" in s
    assert r.restore(s) == "Dana Whitfield (dana@acme.io, +1 415-555-0134) said see https://acme.io/x. Priya agreed."


def test_chunks_split_on_turns_with_overlap_and_respect_budget():
    lines = [("I", i % 2 == 0, f"Turn number {i} says something about access reviews and rotation. " * 8)
             for i in range(40)]
    t = make_transcript(lines)
    chunks = list(chunk_transcript(t, budget=400, overlap_turns=1))
    assert len(chunks) > 3
    assert all(c.tokens <= 400 for c in chunks)
    covered = set()
    for a, b in zip(chunks, chunks[1:]):
        assert a.turn_indices[-1] == b.turn_indices[0]  # one turn of overlap
    for c in chunks:
        covered |= set(c.turn_indices)
    assert covered == set(range(40))


def test_a_turn_longer_than_the_budget_is_split_not_dropped():
    t = make_transcript([("R", False, "This is one long sentence about pain. " * 300)])
    chunks = list(chunk_transcript(t, budget=300, overlap_turns=0))
    assert len(chunks) >= 5
    assert sum(c.text.count("pain") for c in chunks) == 300
