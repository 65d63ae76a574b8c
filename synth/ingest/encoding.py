"""Bytes -> text: BOM sniffing, UTF-8, cp1252 fallback, binary/empty detection, normalization."""
from __future__ import annotations

import codecs
import re
import unicodedata
from pathlib import Path

from .errors import IngestError

# Valid UTF-8 multibyte sequences; used to tell "UTF-8 with a corrupt byte" from "cp1252".
_UTF8_MB = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_HIGH = re.compile(rb"[\x80-\xff]")
# C0/C1 control characters other than tab, newline, carriage return, form feed.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
_BINARY_SHARE = 0.10
_SNIFF = 8192


def _undecodable(path, offset: int, raw: bytes, what: str) -> IngestError:
    byte = raw[offset] if 0 <= offset < len(raw) else None
    shown = f" (0x{byte:02x})" if byte is not None else ""
    return IngestError(path, f"undecodable bytes at byte offset {offset}{shown}: {what}")


def normalize(text: str) -> str:
    """Newlines to \\n, NFC, no stray BOM."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    if text.startswith("\ufeff"):
        text = text[1:]
    return unicodedata.normalize("NFC", text)


def _decode_utf16(raw: bytes, path) -> str:
    codec = "utf-16-le" if raw.startswith(codecs.BOM_UTF16_LE) else "utf-16-be"
    body = raw[2:]
    if len(body) % 2:
        raise IngestError(path, f"truncated UTF-16 text: odd number of bytes ({len(raw)}) after the BOM")
    try:
        return body.decode(codec)
    except UnicodeDecodeError as e:
        raise _undecodable(path, e.start + 2, raw, f"invalid UTF-16 ({e.reason})") from None


def decode(raw: bytes, path: str | Path) -> tuple[str, str]:
    """Decode a transcript's bytes. Returns (normalized text, encoding name).

    Encodings: "utf-8", "utf-8-sig" (UTF-8 with BOM), "utf-16" (LE or BE with BOM), "cp1252"
    (fallback for bytes that are not UTF-8). Raises IngestError for empty, binary or
    undecodable input.
    """
    if not raw.strip():
        raise IngestError(path, "empty file")
    if raw.startswith(codecs.BOM_UTF16_LE) or raw.startswith(codecs.BOM_UTF16_BE):
        text, enc = _decode_utf16(raw, path), "utf-16"
    else:
        if b"\x00" in raw:
            raise IngestError(path, "binary file, not a transcript (contains NUL bytes)")
        if raw.startswith(codecs.BOM_UTF8):
            try:
                text, enc = raw[3:].decode("utf-8"), "utf-8-sig"
            except UnicodeDecodeError as e:
                raise _undecodable(path, e.start + 3, raw, "invalid UTF-8 after a UTF-8 BOM") from None
        else:
            try:
                text, enc = raw.decode("utf-8"), "utf-8"
            except UnicodeDecodeError as e:
                high = len(_HIGH.findall(raw))
                valid = sum(len(m) for m in _UTF8_MB.findall(raw))
                if valid and valid * 2 >= high:
                    raise _undecodable(path, e.start, raw, "invalid UTF-8 in a file that is otherwise UTF-8") from None
                try:
                    text, enc = raw.decode("cp1252"), "cp1252"
                except UnicodeDecodeError as e2:
                    raise _undecodable(path, e2.start, raw, "neither valid UTF-8 nor cp1252") from None
    text = normalize(text)
    if not text.strip():
        raise IngestError(path, "empty file")
    sample = text[:_SNIFF]
    if "\x00" in sample or len(_CONTROL.findall(sample)) > _BINARY_SHARE * len(sample):
        raise IngestError(path, "binary file, not a transcript (too many control characters)")
    return text, enc
