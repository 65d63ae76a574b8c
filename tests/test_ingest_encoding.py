"""Encodings: UTF-8, UTF-8 BOM, UTF-16 BOM (LE/BE), cp1252 fallback; newline and NFC normalization."""
from __future__ import annotations

import codecs
import unicodedata

import pytest

from synth.ingest import decode, load_transcript

BODY = "Ana Müller: What did the “audit” cost you — roughly?\nJosé Núñez: About €40K, naïvely counted.\n"


def load_bytes(tmp_path, data: bytes, name="t.txt"):
    f = tmp_path / name
    f.write_bytes(data)
    return load_transcript(f)


@pytest.mark.parametrize("data,encoding", [
    (BODY.encode("utf-8"), "utf-8"),
    (codecs.BOM_UTF8 + BODY.encode("utf-8"), "utf-8-sig"),
    (codecs.BOM_UTF16_LE + BODY.encode("utf-16-le"), "utf-16"),
    (codecs.BOM_UTF16_BE + BODY.encode("utf-16-be"), "utf-16"),
    (BODY.encode("cp1252"), "cp1252"),
])
def test_encodings_decode_to_the_same_transcript(tmp_path, data, encoding):
    t = load_bytes(tmp_path, data)
    assert t.encoding == encoding
    assert t.speakers == ["Ana Müller", "José Núñez"]
    assert t.turns[0].text == "What did the “audit” cost you — roughly?"
    assert t.turns[1].text == "About €40K, naïvely counted."
    assert "\ufeff" not in t.text
    assert t.turns[0].is_interviewer and t.interviewee == "José Núñez"


def test_cp1252_smart_quotes_and_accents_bytes(tmp_path):
    raw = b"Ana: He said \x93we\x92re stuck\x94 at the caf\xe9.\nBo: Right?\n"
    t = load_bytes(tmp_path, raw)
    assert t.encoding == "cp1252"
    assert t.turns[0].text == "He said “we’re stuck” at the café."


def test_content_hash_is_of_raw_bytes(tmp_path):
    import hashlib

    raw = codecs.BOM_UTF16_LE + BODY.encode("utf-16-le")
    assert load_bytes(tmp_path, raw).content_hash == hashlib.sha256(raw).hexdigest()


def test_utf16_vtt(tmp_path):
    text = "WEBVTT\r\n\r\n00:00:01.000 --> 00:00:02.000\r\n<v Zoë>Wie bitte?</v>\r\n"
    t = load_bytes(tmp_path, codecs.BOM_UTF16_LE + text.encode("utf-16-le"), "z.vtt")
    assert t.encoding == "utf-16" and t.turns[0].speaker == "Zoë"


def test_newlines_and_nfc(tmp_path):
    decomposed = unicodedata.normalize("NFD", "José: café?\r\nAna: crème\rbrûlée\r\n")
    t = load_bytes(tmp_path, decomposed.encode("utf-8"))
    assert t.speakers == ["José", "Ana"]
    assert t.turns[0].text == "café?" and unicodedata.is_normalized("NFC", t.text)
    assert t.turns[1].text == "crème brûlée" and "\r" not in t.text


def test_decode_returns_text_and_name():
    assert decode(b"hello", "x.txt") == ("hello", "utf-8")
    assert decode(codecs.BOM_UTF8 + b"a\r\nb", "x.txt") == ("a\nb", "utf-8-sig")
