"""Canonical product names: "HashiCorp Vault Enterprise" and "Vault OSS" name the same alternative.

Shared vocabulary: extraction checks a named alternative against its evidence with it
(synth/extract/verify.py), the themes stage groups alternatives by it (synth/themes/group.py).
"""
from __future__ import annotations

import re

# editions and company suffixes: "HashiCorp Vault Enterprise" and "Vault OSS" are the same alternative
_SUFFIX = re.compile(r"\b(inc|llc|ltd|the|tool|platform|software|enterprise|oss|open[- ]source|community|"
                     r"edition|self[- ]hosted|free|tier|pro|plan|trial)\b|[^a-z0-9 ]", re.I)


def canonical_name(name: str) -> str:
    return " ".join(_SUFFIX.sub(" ", name.lower()).split())
