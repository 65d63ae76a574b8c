"""One line a person understands for a call that failed: what the model did, and what to try.

instructor's own message for a reply that never validated is its raw `<failed_attempts><generation
number="1"><exception>...` dump; a user cannot act on that. `describe` reads the last attempt's error
instead (pydantic's first complaint, a JSON error, a timeout, an HTTP status) and names it in words.
"""
from __future__ import annotations

import json
from typing import Any, Optional

from synth.llm.errors import api_error

TRY_MODEL = "try a larger model, `synth doctor` to pick another --mode, or a smaller --budget"
TRY_SERVER = "try a longer --timeout, --concurrency 1, or check the server"


def _last_error(exc: BaseException) -> BaseException:
    attempts = getattr(exc, "failed_attempts", None) or []
    for a in reversed(attempts):
        if getattr(a, "exception", None) is not None:
            return a.exception
    return exc.__cause__ or exc


def _validation_errors(err: BaseException) -> list[dict]:
    try:
        return list(err.errors())  # type: ignore[attr-defined]
    except Exception:  # noqa: BLE001 - not a pydantic error
        return []


def _short(v: Any, n: int = 40) -> str:
    s = json.dumps(v, ensure_ascii=False) if not isinstance(v, str) else json.dumps(v[:n], ensure_ascii=False)
    return s if len(s) <= n + 2 else s[:n] + "…"


def what_the_model_did(err: BaseException) -> Optional[str]:
    """The model's mistake in words, from a validation or parse error; None if it is not one."""
    errs = _validation_errors(err)
    if errs:
        e = errs[0]
        loc = ".".join(str(x) for x in e.get("loc", ()) if x != "__root__") or "the answer"
        typ, ctx, inp = e.get("type", ""), e.get("ctx") or {}, e.get("input")
        msg = str(e.get("msg", ""))
        more = f" (and {len(errs) - 1} more problems)" if len(errs) > 1 else ""
        if "names none of" in msg:
            return "answered with an empty object, naming none of the lists" + more
        if typ == "json_invalid":
            return "wrote text that is not valid JSON" + more
        if typ in ("less_than_equal", "greater_than_equal", "less_than", "greater_than"):
            bound = next(iter(ctx.values()), "?")
            word = "above the maximum" if typ.startswith("less") else "below the minimum"
            return f"gave {loc} = {_short(inp)}, {word} {bound}" + more
        if typ in ("enum", "literal_error"):
            allowed = ctx.get("expected", "")
            return f"gave {loc} = {_short(inp)}, not one of {allowed}".rstrip() + more
        if typ == "missing":
            return f"left out {loc}" + more
        return f"gave {loc} = {_short(inp)}: {msg}" + more
    if isinstance(err, json.JSONDecodeError) or "JSONDecodeError" in type(err).__name__:
        return "wrote text that is not valid JSON"
    name = type(err).__name__
    if name in ("ValidationError", "ResponseParsingError") or "parse" in str(err)[:200].lower():
        return "wrote a reply that could not be read as the requested structure"
    return None


def describe(exc: BaseException, attempts: int, timeout: Optional[float] = None) -> str:
    """'the model ...; try ...' for a reply that never validated, else the transport failure."""
    err = _last_error(exc)
    did = what_the_model_did(err)
    n = getattr(exc, "n_attempts", None) or attempts
    if did is not None:
        return f"the model {did}, {n} tries in a row; {TRY_MODEL}"
    import asyncio

    import openai

    inner = api_error(exc)
    if isinstance(inner, (openai.APITimeoutError, asyncio.TimeoutError)):
        within = f" within {timeout:g} s" if timeout else ""
        return f"no answer{within}, {attempts} attempts; {TRY_SERVER}"
    if isinstance(inner, openai.APIConnectionError):
        return f"could not connect ({type(inner).__name__}), {attempts} attempts; {TRY_SERVER}"
    status = getattr(inner, "status_code", None)
    if status is not None:
        return f"the server answered HTTP {status}, {attempts} attempts; {TRY_SERVER}"
    return f"{type(inner).__name__}, {attempts} attempts; {TRY_SERVER}"


__all__ = ["describe", "what_the_model_did"]
