"""A fault-injecting, OpenAI-compatible HTTP server for tests and benchmarks.

``FakeOpenAI`` is a real HTTP/1.1 server on ``127.0.0.1`` (random free port) that speaks enough of the
OpenAI REST API for the real ``openai`` client and ``instructor`` to run against it unchanged:

* ``POST /v1/chat/completions`` (also ``/chat/completions`` and Azure's
  ``/openai/deployments/{name}/chat/completions?api-version=...``), JSON or ``stream: true`` (SSE);
* ``GET /v1/models`` (also ``/models``).

Responses come from a *responder* (``body -> ChatCompletion dict``); :class:`ReplayResponder` replays
recorded responses keyed by :func:`request_hash`. Faults (429 with Retry-After, 500, 502, connection
reset, read timeout, truncated body, schema-invalid content, slow drip) are injected per chat request,
either from an explicit ``fault_plan`` or drawn from ``faults`` probabilities with a seeded RNG (the
k-th chat request gets the k-th draw, so the sequence is deterministic given arrival order).

Everything is bounded: request bodies are size-capped, idle keep-alive connections time out, every
sleep waits on the stop event, the server and handler threads are daemons, after ``max_requests``
requests the server answers 503 (``x-should-retry: false``), and :meth:`FakeOpenAI.stop` returns
within about a second. Stdlib only.

Example::

    with FakeOpenAI(ReplayResponder("tests/data/replay.jsonl"), latency=0.3) as srv:
        client = openai.OpenAI(base_url=srv.base_url, api_key="test")
        ...
        assert srv.max_in_flight <= 4
"""

from __future__ import annotations

import copy
import email.utils
import functools
import hashlib
import json
import math
import os
import random
import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from enum import Enum
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence
from urllib.parse import parse_qs, urlsplit

__all__ = [
    "Fault",
    "FakeOpenAI",
    "HttpReply",
    "RecordedRequest",
    "ReplayResponder",
    "json_completion",
    "load_records",
    "make_record",
    "request_hash",
    "save_records",
    "tool_call_completion",
    "tool_calls_completion",
]

DEFAULT_MODEL = "gpt-4o-mini-2024-07-18"
FIXED_CREATED = 1_717_000_000
SYSTEM_FINGERPRINT = "fp_fake00001"
MAX_BODY_BYTES = 64 * 1024 * 1024

Responder = Callable[[dict], dict]


# --------------------------------------------------------------------------------------------------
# Faults and recorded requests
# --------------------------------------------------------------------------------------------------


class Fault(str, Enum):
    """A fault injected into one chat-completion request."""

    RATE_LIMIT = "429"  # 429 + Retry-After + rate_limit_error body
    SERVER_ERROR = "500"  # 500 + server_error body
    BAD_GATEWAY = "502"  # 502 + error body
    RESET = "reset"  # request read, then the socket is closed with RST (SO_LINGER 0), no response
    TIMEOUT = "timeout"  # held ``timeout_hold`` s before a normal 200 (client read timeout fires)
    TRUNCATED = "truncated"  # 200, Content-Length of the full body, half the body, then close
    INVALID_SCHEMA = "invalid"  # 200, tool_call arguments / JSON content replaced with "{}"
    SLOW_DRIP = "drip"  # 200, body written in small chunks over ``drip_seconds``; still valid


class HttpReply(Exception):
    """Raised by a responder to answer with exactly this status, JSON body and headers: a recorded
    refusal replayed (llama-cpp-python's 500 for a `json_schema` request) or an emulated one."""

    def __init__(self, status: int, body: Any, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(f"HTTP {status}")
        self.status, self.body, self.headers = int(status), body, dict(headers or {})


@dataclass
class RecordedRequest:
    """One request as the server saw it.

    ``n`` is the arrival index among all recorded requests; ``headers`` has lower-cased names;
    ``started``/``finished`` are ``time.perf_counter()`` values; ``status`` is the HTTP status sent
    (0 for a reset, or while the request is still in flight).
    """

    n: int
    path: str
    headers: dict
    body: dict
    fault: Fault | None
    started: float
    finished: float
    status: int
    method: str = "POST"
    query: dict = field(default_factory=dict)
    response: dict | None = None  # the JSON (completion or error) the server meant to send
    kind: str = "chat"  # "chat", "models" or "other"

    @property
    def duration(self) -> float:
        return max(0.0, self.finished - self.started) if self.finished else 0.0


# --------------------------------------------------------------------------------------------------
# Request hashing and recorded-response files
# --------------------------------------------------------------------------------------------------


def _content_text(content: Any) -> str:
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # multi-part content: text parts verbatim, other parts as JSON
        out = []
        for part in content:
            if isinstance(part, Mapping) and part.get("type") == "text":
                out.append(str(part.get("text", "")))
            else:
                out.append(json.dumps(part, sort_keys=True, ensure_ascii=False))
        return "".join(out)
    return json.dumps(content, sort_keys=True, ensure_ascii=False)


def request_hash(body_or_messages: Mapping[str, Any] | Sequence[Mapping[str, Any]]) -> str:
    """sha256 (hex) of the request's message contents, concatenated in order.

    Accepts a chat-completions request body (uses ``body["messages"]``) or the messages list itself.
    Each message contributes its text content followed by a ``\\x1e`` separator, so
    ``["ab", "c"]`` and ``["a", "bc"]`` differ. Model, temperature, tools and roles are not part of
    the key: a recording stays valid when only those change.
    """
    messages = body_or_messages.get("messages", []) if isinstance(body_or_messages, Mapping) else body_or_messages
    h = hashlib.sha256()
    for m in messages or []:
        text = _content_text(m.get("content") if isinstance(m, Mapping) else m)
        h.update(text.encode("utf-8", "surrogatepass"))
        h.update(b"\x1e")
    return h.hexdigest()


def make_record(request: Mapping[str, Any] | Sequence[Mapping[str, Any]], response: Mapping[str, Any]) -> dict:
    """A replay record: ``{"request_hash", "model", "response"}`` for ``request`` (body or messages)."""
    model = request.get("model") if isinstance(request, Mapping) else None
    return {"request_hash": request_hash(request), "model": model, "response": dict(response)}


def load_records(source: str | os.PathLike | Iterable[Mapping[str, Any]]) -> list[dict]:
    """Records from a list, a ``.jsonl`` file (one record a line) or a ``.json`` file.

    A JSON file may hold a list of records or ``{"records": [...]}``. A record is
    ``{"request_hash": h, "response": completion}``, ``{"request": body, "response": completion}``
    (the hash is computed) or a bare ``chat.completion`` dict (no key: served in queue order).
    """
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".jsonl":
            raw = [json.loads(line) for line in text.splitlines() if line.strip()]
        else:
            data = json.loads(text)
            raw = data.get("records", []) if isinstance(data, Mapping) else data
    else:
        raw = list(source)
    out = []
    for i, rec in enumerate(raw):
        if not isinstance(rec, Mapping):
            raise ValueError(f"replay record {i} is not an object")
        if "response" in rec:
            h = rec.get("request_hash")
            if h is None and "request" in rec:
                h = request_hash(rec["request"])
            out.append({"request_hash": h, "response": dict(rec["response"])})
        elif "choices" in rec:
            out.append({"request_hash": None, "response": dict(rec)})
        else:
            raise ValueError(f"replay record {i} has neither 'response' nor 'choices'")
    return out


def save_records(path: str | os.PathLike, records: Iterable[Mapping[str, Any]]) -> Path:
    """Write records as JSONL (sorted keys, UTF-8) and return the path."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    with p.open("w", encoding="utf-8") as f:
        for rec in records:
            f.write(json.dumps(rec, sort_keys=True, ensure_ascii=False) + "\n")
    return p


class ReplayResponder:
    """Serves recorded completions: by ``request_hash`` when one matches, else in queue order.

    * A request whose hash matches a record gets that record's response (the first record with that
      hash; the same answer every time, so client retries are idempotent).
    * Otherwise (``fallback="queue"``) it gets the next record not yet served, in file order; the
      assignment is memoised by hash, so a retried request gets the same response again. With
      ``fallback="error"`` a miss raises ``KeyError`` (the server answers 500 with
      ``x-should-retry: false``).
    * When the queue is exhausted: ``cycle=True`` starts over, otherwise ``LookupError``.
    """

    def __init__(
        self,
        records: str | os.PathLike | Iterable[Mapping[str, Any]],
        *,
        fallback: str = "queue",
        cycle: bool = False,
        key: Callable[[dict], str] = request_hash,
    ) -> None:
        if fallback not in ("queue", "error"):
            raise ValueError("fallback must be 'queue' or 'error'")
        self.records = load_records(records)
        self.fallback = fallback
        self.cycle = cycle
        self.key = key
        self._lock = threading.Lock()
        self._by_hash: dict[str, int] = {}
        for i, rec in enumerate(self.records):
            h = rec["request_hash"]
            if h is not None and h not in self._by_hash:
                self._by_hash[h] = i
        self._served: set[int] = set()
        self._memo: dict[str, int] = {}
        self._cursor = 0
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self.records)

    def __call__(self, body: dict) -> dict:
        h = self.key(body)
        with self._lock:
            if h in self._by_hash:
                self.hits += 1
                idx = self._by_hash[h]
            elif h in self._memo:
                self.hits += 1
                idx = self._memo[h]
            else:
                self.misses += 1
                if self.fallback == "error":
                    raise KeyError(f"no recorded response for request_hash {h[:12]}")
                idx = self._next_unserved()
                self._memo[h] = idx
            self._served.add(idx)
            return copy.deepcopy(self.records[idx]["response"])

    def _next_unserved(self) -> int:
        n = len(self.records)
        for _ in range(2):  # at most one wrap-around when cycling
            while self._cursor < n:
                idx = self._cursor
                self._cursor += 1
                if idx not in self._served:
                    return idx
            if not self.cycle or n == 0:
                break
            self._cursor = 0
            self._served.clear()
        raise LookupError(f"replay exhausted: all {n} recorded responses served")


# --------------------------------------------------------------------------------------------------
# ChatCompletion builders (the exact shape OpenAI returns)
# --------------------------------------------------------------------------------------------------


def _stable_id(prefix: str, *parts: Any, length: int = 24) -> str:
    h = hashlib.sha256(json.dumps(parts, sort_keys=True, default=str, ensure_ascii=False).encode()).hexdigest()
    return prefix + h[:length]


def _usage(usage: tuple[int, int]) -> dict:
    prompt, completion = int(usage[0]), int(usage[1])
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
        "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
        "completion_tokens_details": {
            "reasoning_tokens": 0,
            "audio_tokens": 0,
            "accepted_prediction_tokens": 0,
            "rejected_prediction_tokens": 0,
        },
    }


def _completion(message: dict, *, model: str, usage: tuple[int, int], finish_reason: str, id: str | None,
                created: int, system_fingerprint: str | None) -> dict:
    return {
        "id": id or _stable_id("chatcmpl-", message, model, length=29),
        "object": "chat.completion",
        "created": created,
        "model": model,
        "choices": [{"index": 0, "message": message, "logprobs": None, "finish_reason": finish_reason}],
        "usage": _usage(usage),
        "service_tier": "default",
        "system_fingerprint": system_fingerprint,
    }


def tool_calls_completion(
    calls: Sequence[tuple[str, Mapping[str, Any] | str]],
    *,
    model: str = DEFAULT_MODEL,
    usage: tuple[int, int] = (120, 40),
    finish_reason: str = "stop",
    id: str | None = None,
    created: int = FIXED_CREATED,
    system_fingerprint: str | None = SYSTEM_FINGERPRINT,
) -> dict:
    """A ``chat.completion`` whose message carries one tool call per ``(name, arguments)``.

    ``finish_reason`` defaults to ``"stop"``, which is what OpenAI returns when ``tool_choice`` forces
    a named function (instructor's TOOLS mode); pass ``"tool_calls"`` for ``tool_choice="auto"``.
    """
    tool_calls = []
    for i, (name, arguments) in enumerate(calls):
        args = arguments if isinstance(arguments, str) else json.dumps(arguments, ensure_ascii=False)
        tool_calls.append(
            {
                "id": _stable_id("call_", name, args, i),
                "type": "function",
                "function": {"name": name, "arguments": args},
            }
        )
    message = {"role": "assistant", "content": None, "tool_calls": tool_calls, "refusal": None, "annotations": []}
    return _completion(message, model=model, usage=usage, finish_reason=finish_reason, id=id, created=created,
                       system_fingerprint=system_fingerprint)


def tool_call_completion(
    name: str,
    arguments: Mapping[str, Any] | str,
    *,
    model: str = DEFAULT_MODEL,
    usage: tuple[int, int] = (120, 40),
    finish_reason: str = "stop",
    id: str | None = None,
    created: int = FIXED_CREATED,
    system_fingerprint: str | None = SYSTEM_FINGERPRINT,
) -> dict:
    """A ``chat.completion`` with a single function tool call ``name(arguments)``."""
    return tool_calls_completion([(name, arguments)], model=model, usage=usage, finish_reason=finish_reason, id=id,
                                 created=created, system_fingerprint=system_fingerprint)


def json_completion(
    content: str | Mapping[str, Any] | list,
    *,
    model: str = DEFAULT_MODEL,
    usage: tuple[int, int] = (120, 40),
    finish_reason: str = "stop",
    id: str | None = None,
    created: int = FIXED_CREATED,
    system_fingerprint: str | None = SYSTEM_FINGERPRINT,
) -> dict:
    """A ``chat.completion`` whose assistant message content is ``content`` (dicts are JSON-encoded)."""
    text = content if isinstance(content, str) else json.dumps(content, ensure_ascii=False)
    message = {"role": "assistant", "content": text, "refusal": None, "annotations": []}
    return _completion(message, model=model, usage=usage, finish_reason=finish_reason, id=id, created=created,
                       system_fingerprint=system_fingerprint)


def _invalidate(completion: dict) -> dict:
    """Schema-invalid variant: valid JSON that misses every required field."""
    c = copy.deepcopy(completion)
    for choice in c.get("choices") or []:
        msg = choice.get("message") or {}
        if msg.get("tool_calls"):
            for tc in msg["tool_calls"]:
                tc.setdefault("function", {})["arguments"] = "{}"
        else:
            msg["content"] = "{}"
    return c


def _pieces(text: str, size: int = 24) -> list[str]:
    return [text[i:i + size] for i in range(0, len(text), size)] or [""]


def _sse_payload(completion: dict, include_usage: bool) -> bytes:
    """The completion as the ``chat.completion.chunk`` SSE stream OpenAI sends for ``stream: true``."""
    base = {
        "id": completion.get("id", "chatcmpl-fake"),
        "object": "chat.completion.chunk",
        "created": completion.get("created", FIXED_CREATED),
        "model": completion.get("model", DEFAULT_MODEL),
        "service_tier": completion.get("service_tier", "default"),
        "system_fingerprint": completion.get("system_fingerprint"),
    }
    chunks: list[dict] = []

    def chunk(index: int, delta: dict, finish_reason: str | None = None) -> None:
        chunks.append({**base, "choices": [{"index": index, "delta": delta, "logprobs": None,
                                             "finish_reason": finish_reason}]})

    for choice in completion.get("choices") or []:
        idx = choice.get("index", 0)
        msg = choice.get("message") or {}
        chunk(idx, {"role": "assistant", "content": None if msg.get("tool_calls") else "", "refusal": None})
        for t, tc in enumerate(msg.get("tool_calls") or []):
            fn = tc.get("function") or {}
            chunk(idx, {"tool_calls": [{"index": t, "id": tc.get("id"), "type": "function",
                                        "function": {"name": fn.get("name"), "arguments": ""}}]})
            for piece in _pieces(fn.get("arguments") or ""):
                chunk(idx, {"tool_calls": [{"index": t, "function": {"arguments": piece}}]})
        if msg.get("content"):
            for piece in _pieces(msg["content"]):
                chunk(idx, {"content": piece})
        chunk(idx, {}, choice.get("finish_reason", "stop"))
    if include_usage and completion.get("usage"):
        chunks.append({**base, "choices": [], "usage": completion["usage"]})
    out = [f"data: {json.dumps(c, ensure_ascii=False)}\n\n" for c in chunks]
    out.append("data: [DONE]\n\n")
    return "".join(out).encode("utf-8")


def _error(message: str, type_: str, code: Any = None, param: Any = None) -> dict:
    return {"error": {"message": message, "type": type_, "param": param, "code": code}}


# --------------------------------------------------------------------------------------------------
# The server
# --------------------------------------------------------------------------------------------------

_REASONS = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 404: "Not Found", 405: "Method Not Allowed",
            413: "Payload Too Large", 422: "Unprocessable Entity", 429: "Too Many Requests", 500: "Internal Server Error", 502: "Bad Gateway",
            503: "Service Unavailable"}


class _Abort(Exception):
    """The connection is gone (or the server is stopping): stop handling this request."""


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # stop() must not wait on idle keep-alive connections
    allow_reuse_address = False
    request_queue_size = 128

    fake: "FakeOpenAI"

    def handle_error(self, request, client_address) -> None:  # noqa: ARG002
        import sys

        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, TimeoutError, _Abort, OSError)):
            return
        self.fake.errors.append(exc)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "FakeOpenAI/1.0"
    sys_version = ""
    server: _HTTPServer

    # -- plumbing ----------------------------------------------------------------------------------

    def setup(self) -> None:
        super().setup()
        fake = self.server.fake
        self.connection.settimeout(fake.idle_timeout)
        try:
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass
        fake._track(self.connection, True)

    def finish(self) -> None:
        try:
            super().finish()
        except OSError:
            pass
        finally:
            self.server.fake._track(self.connection, False)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        return  # silent: tests read srv.requests instead

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            data = bytearray()
            for _ in range(1_000_000):  # bounded
                line = self.rfile.readline(1024)
                if not line:
                    raise _Abort("eof in chunked body")
                size = int(line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    for _ in range(100):  # trailers
                        if self.rfile.readline(65537) in (b"\r\n", b"\n", b""):
                            break
                    return bytes(data)
                if len(data) + size > MAX_BODY_BYTES:
                    raise ValueError("body too large")
                data += self.rfile.read(size)
                self.rfile.readline(8)
            raise ValueError("too many chunks")
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY_BYTES:
            raise ValueError("body too large")
        data = self.rfile.read(length) if length else b""
        if len(data) < length:
            raise _Abort("eof in body")
        return data

    def _head(self, status: int, length: int, content_type: str, extra: Mapping[str, str] | None) -> bytes:
        lines = [
            f"HTTP/1.1 {status} {_REASONS.get(status, 'Status')}",
            f"Date: {email.utils.formatdate(usegmt=True)}",
            f"Server: {self.server_version}",
            f"Content-Type: {content_type}",
            f"Content-Length: {length}",
        ]
        for k, v in (extra or {}).items():
            lines.append(f"{k}: {v}")
        if self.close_connection:
            lines.append("Connection: close")
        else:
            lines.append("Connection: keep-alive")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

    def _write(self, data: bytes) -> None:
        try:
            self.wfile.write(data)
        except OSError as exc:
            self.close_connection = True
            raise _Abort(str(exc)) from exc

    def _send(self, status: int, payload: dict | bytes, *, extra: Mapping[str, str] | None = None,
              content_type: str = "application/json", mode: Fault | None = None,
              before_last: Callable[[], None] | None = None) -> None:
        """Write one response. ``before_last`` runs just before the last byte goes out, so that a client
        holding the full response always sees the request already marked finished at the server."""
        body = payload if isinstance(payload, bytes) else json.dumps(payload, ensure_ascii=False).encode("utf-8")
        fake = self.server.fake
        last = before_last or (lambda: None)
        if mode is Fault.TRUNCATED:
            self.close_connection = False  # do not announce the close: the body just stops
            last()
            self._write(self._head(status, len(body), content_type, extra) + body[: max(1, len(body) // 2)])
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        if mode is Fault.SLOW_DRIP:
            self._write(self._head(status, len(body), content_type, extra))
            n_chunks = max(1, min(fake.drip_chunks, len(body)))
            size = math.ceil(len(body) / n_chunks)
            pause = fake.drip_seconds / n_chunks
            for i in range(0, len(body), size):
                if fake._stop_evt.wait(pause):
                    raise _Abort("stopping")
                if i + size >= len(body):
                    last()
                self._write(body[i:i + size])
            return
        last()
        self._write(self._head(status, len(body), content_type, extra) + body)

    def _reset(self) -> None:
        """Close the connection with RST and no response."""
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
        try:
            self.rfile.close()  # the makefile() reference; wfile (_SocketWriter) holds none
        except OSError:
            pass
        try:
            self.connection.close()  # last reference: the fd closes now, and linger 0 sends RST
        except OSError:
            pass

    # -- routing -----------------------------------------------------------------------------------

    def do_GET(self) -> None:  # noqa: N802
        self.server.fake._dispatch(self, "GET")

    def do_POST(self) -> None:  # noqa: N802
        self.server.fake._dispatch(self, "POST")

    def do_PUT(self) -> None:  # noqa: N802
        self.server.fake._dispatch(self, "PUT")

    def do_DELETE(self) -> None:  # noqa: N802
        self.server.fake._dispatch(self, "DELETE")


def _route(path: str) -> tuple[str, str | None]:
    """('chat' | 'models' | 'other', azure deployment name or None)."""
    p = path.rstrip("/")
    if p in ("/v1/chat/completions", "/chat/completions"):
        return "chat", None
    parts = p.split("/")
    # /openai/deployments/{name}/chat/completions
    if len(parts) == 6 and parts[1] == "openai" and parts[2] == "deployments" and parts[4:] == ["chat", "completions"]:
        return "chat", parts[3]
    if p in ("/v1/models", "/models", "/openai/models"):
        return "models", None
    return "other", None


def _default_responder(body: dict) -> dict:
    return json_completion("{}", model=str(body.get("model") or DEFAULT_MODEL))


def _as_responder(responder: Any) -> Responder:
    if responder is None:
        return _default_responder
    if isinstance(responder, (str, os.PathLike, list, tuple)):
        return ReplayResponder(responder)
    if isinstance(responder, Mapping):
        fixed = dict(responder)
        return lambda body: copy.deepcopy(fixed)
    if callable(responder):
        return responder
    raise TypeError("responder must be a callable, a ReplayResponder, a list of records, a path or a dict")


class _Release:
    """Once-only: stamp ``rec.finished`` and leave the in-flight count (if the request entered it)."""

    def __init__(self, fake: "FakeOpenAI", rec: RecordedRequest) -> None:
        self.fake, self.rec, self.counted, self.done = fake, rec, False, False

    def __call__(self) -> None:
        with self.fake._lock:
            if self.done:
                return
            self.done = True
            self.rec.finished = time.perf_counter()
            if self.counted:
                self.fake.in_flight -= 1


class FakeOpenAI:
    """A real, fault-injecting OpenAI-compatible HTTP server on 127.0.0.1 (random free port).

    ``responder(body) -> dict`` builds the ChatCompletion for a chat request (it may also be a
    :class:`ReplayResponder`, a list of records, a path to a JSON/JSONL file, or a fixed dict).
    If it raises, the server answers 500 with ``x-should-retry: false`` and keeps the exception in
    ``errors``.

    Faults apply to chat-completion requests with a valid key only: the k-th such request gets
    ``fault_plan[k]`` while the plan lasts, then a draw from ``faults`` ({Fault: probability},
    probabilities summing to at most 1; one ``random.Random(seed).random()`` per request).

    ``latency`` seconds pass before every chat answer except 429 (rate limits are answered at once).
    ``retry_after_5xx``: when set, 500/502 faults also carry ``Retry-After`` (the openai client then
    waits that long instead of its 0.5-8 s exponential backoff; handy in benchmarks).
    ``drip_seconds``/``drip_chunks`` shape SLOW_DRIP. ``idle_timeout`` closes idle keep-alive sockets.
    ``valid_keys``: when set, ``Authorization: Bearer <key>`` (or Azure's ``api-key`` header) must be
    in it, else 401 ``invalid_api_key``. After ``max_requests`` recorded requests every further
    request gets 503 with ``x-should-retry: false`` and is counted in ``rejected`` only.
    """

    def __init__(
        self,
        responder: Any = None,
        *,
        latency: float = 0.0,
        faults: Mapping[Fault | str, float] | None = None,
        fault_plan: Sequence[Fault | str | None] | None = None,
        seed: int = 0,
        retry_after: float = 0.01,
        timeout_hold: float = 2.0,
        valid_keys: Iterable[str] | None = None,
        max_requests: int = 10000,
        drip_seconds: float = 0.3,
        drip_chunks: int = 16,
        models: Sequence[str] = (DEFAULT_MODEL,),
        idle_timeout: float = 30.0,
        retry_after_5xx: float | None = None,
    ) -> None:
        self.responder: Responder = _as_responder(responder)
        self.latency = float(latency)
        self.faults: list[tuple[Fault, float]] = [(Fault(k), float(v)) for k, v in (faults or {}).items() if v > 0]
        total = sum(p for _, p in self.faults)
        if total > 1.0 + 1e-9:
            raise ValueError(f"fault probabilities sum to {total:.3f} > 1")
        self.faults.sort(key=lambda kv: list(Fault).index(kv[0]))  # fixed order: same seed, same draws
        self.fault_plan: list[Fault | None] = [None if f is None else Fault(f) for f in (fault_plan or [])]
        self.seed = seed
        self.retry_after = float(retry_after)
        self.timeout_hold = float(timeout_hold)
        self.valid_keys = set(valid_keys) if valid_keys is not None else None
        self.max_requests = int(max_requests)
        self.drip_seconds = float(drip_seconds)
        self.drip_chunks = max(1, int(drip_chunks))
        self.models = list(models)
        self.idle_timeout = float(idle_timeout)
        self.retry_after_5xx = retry_after_5xx

        self.errors: list[BaseException] = []
        self.rejected = 0
        self.max_in_flight = 0
        self.in_flight = 0

        self._lock = threading.Lock()
        self._rng = random.Random(seed)
        self._requests: list[RecordedRequest] = []
        self._chat_seen = 0
        self._stop_evt = threading.Event()
        self._conns: set[socket.socket] = set()
        self._active_handlers = 0
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.port = 0

    # -- lifecycle ---------------------------------------------------------------------------------

    @property
    def root_url(self) -> str:
        """``http://127.0.0.1:PORT`` (what ``AzureOpenAI(azure_endpoint=...)`` wants)."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT/v1`` (what ``OpenAI(base_url=...)`` wants)."""
        return f"{self.root_url}/v1"

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive() and not self._stop_evt.is_set()

    def start(self) -> "FakeOpenAI":
        if self._httpd is not None:
            return self
        self._stop_evt.clear()
        httpd = _HTTPServer(("127.0.0.1", 0), _Handler)
        httpd.fake = self
        self._httpd = httpd
        self.port = httpd.server_address[1]
        self._thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, name=f"FakeOpenAI:{self.port}", daemon=True
        )
        self._thread.start()
        return self

    def stop(self, timeout: float = 1.0) -> None:
        """Stop serving, drop every open connection and return within about ``timeout`` seconds."""
        httpd = self._httpd
        if httpd is None:
            return
        deadline = time.monotonic() + timeout
        self._stop_evt.set()  # wakes latency / hold / drip waits
        httpd.shutdown()  # serve_forever polls every 50 ms
        httpd.server_close()
        with self._lock:
            conns = list(self._conns)
        for s in conns:
            try:
                s.shutdown(socket.SHUT_RDWR)  # wakes handlers blocked reading a keep-alive connection
            except OSError:
                pass
        if self._thread is not None:
            self._thread.join(timeout=max(0.0, deadline - time.monotonic()))
        while time.monotonic() < deadline:  # bounded wait for handler threads to unwind
            with self._lock:
                if self._active_handlers == 0:
                    break
            time.sleep(0.005)
        self._httpd = None

    def __enter__(self) -> "FakeOpenAI":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def _track(self, conn: socket.socket, add: bool) -> None:
        with self._lock:
            if add:
                self._conns.add(conn)
                self._active_handlers += 1
            else:
                self._conns.discard(conn)
                self._active_handlers -= 1

    # -- inspection --------------------------------------------------------------------------------

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every recorded request, in arrival order (a snapshot copy of the list)."""
        with self._lock:
            return list(self._requests)

    def chat_requests(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.kind == "chat"]

    def completed(self) -> list[RecordedRequest]:
        """Chat requests answered 200 (including TIMEOUT/TRUNCATED/INVALID/DRIP faults, which send 200)."""
        return [r for r in self.requests if r.kind == "chat" and r.status == 200]

    def fault_sequence(self) -> list[Fault | None]:
        return [r.fault for r in self.chat_requests()]

    def usage_totals(self) -> dict[str, int]:
        """Summed ``usage`` of the completions the server sent with status 200."""
        tot = {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0}
        for r in self.completed():
            u = (r.response or {}).get("usage") or {}
            for k in tot:
                tot[k] += int(u.get(k) or 0)
        return tot

    def clear(self) -> None:
        """Forget recorded requests and the in-flight peak (fault plan position and RNG continue)."""
        with self._lock:
            self._requests.clear()
            self.max_in_flight = self.in_flight
            self.rejected = 0
            self.errors.clear()

    # -- request handling --------------------------------------------------------------------------

    def _authorized(self, headers: Mapping[str, str]) -> bool:
        if self.valid_keys is None:
            return True
        auth = headers.get("authorization", "")
        key = auth[7:].strip() if auth.lower().startswith("bearer ") else None
        if key is None:
            key = headers.get("api-key")
        return key is not None and key in self.valid_keys

    def _draw_fault(self) -> Fault | None:  # caller holds the lock
        k = self._chat_seen
        self._chat_seen += 1
        if k < len(self.fault_plan):
            return self.fault_plan[k]
        if self.faults:
            r = self._rng.random()
            acc = 0.0
            for f, p in self.faults:
                acc += p
                if r < acc:
                    return f
        return None

    def _dispatch(self, h: _Handler, method: str) -> None:
        started = time.perf_counter()
        split = urlsplit(h.path)
        path = split.path
        query = {k: v[-1] for k, v in parse_qs(split.query).items()}
        headers = {k.lower(): v for k, v in h.headers.items()}
        kind, deployment = _route(path)
        try:
            raw = h._read_body()
            body: dict = json.loads(raw) if raw.strip() else {}
            if not isinstance(body, dict):
                raise ValueError("request body must be a JSON object")
            bad_body = None
        except _Abort:
            h.close_connection = True
            return
        except (ValueError, UnicodeDecodeError) as exc:
            body, bad_body = {}, str(exc)
            h.close_connection = True  # the rest of the body may still be unread
        if deployment is not None and "model" not in body:
            body["model"] = deployment

        with self._lock:
            if len(self._requests) >= self.max_requests:
                self.rejected += 1
                rec = None
            else:
                authorized = self._authorized(headers)
                fault = self._draw_fault() if (kind == "chat" and authorized and bad_body is None and method == "POST") else None
                rec = RecordedRequest(
                    n=len(self._requests), path=path, headers=headers, body=body, fault=fault, started=started,
                    finished=0.0, status=0, method=method, query=query, kind=kind,
                )
                self._requests.append(rec)
        if rec is None:
            h.close_connection = True
            h._send(503, _error("FakeOpenAI request budget (max_requests) exhausted", "server_error",
                                "service_unavailable"), extra={"x-should-retry": "false"})
            return

        release = _Release(self, rec)
        answer = functools.partial(self._answer, h, rec, release=release)
        try:
            if not authorized:
                return answer(401, _error(
                    "Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.",
                    "invalid_request_error", "invalid_api_key"))
            if kind == "models":
                if method != "GET":
                    return answer(405, _error(f"Method {method} not allowed", "invalid_request_error"))
                return answer(200, {"object": "list", "data": [
                    {"id": m, "object": "model", "created": FIXED_CREATED, "owned_by": "system"} for m in self.models]})
            if kind != "chat":
                return answer(404, _error(f"Invalid URL ({method} {path})", "invalid_request_error"))
            if method != "POST":
                return answer(405, _error(f"Method {method} not allowed", "invalid_request_error"))
            if bad_body is not None:
                return answer(400, _error(
                    f"We could not parse the JSON body of your request. ({bad_body})", "invalid_request_error"))

            with self._lock:
                self.in_flight += 1
                self.max_in_flight = max(self.max_in_flight, self.in_flight)
                release.counted = True
            self._chat(h, rec, release)
        except _Abort:
            h.close_connection = True
        finally:
            release()

    def _wait(self, seconds: float) -> None:
        if seconds > 0 and self._stop_evt.wait(seconds):
            raise _Abort("stopping")

    def _answer(self, h: _Handler, rec: RecordedRequest, status: int, payload: dict, *,
                extra: Mapping[str, str] | None = None, mode: Fault | None = None,
                stream: bool = False, include_usage: bool = False,
                release: Callable[[], None] | None = None) -> None:
        rec.response = payload
        rec.status = status
        headers = {"x-request-id": f"req_fake{rec.n:08d}", **(extra or {})}
        if stream and status == 200:
            h._send(status, _sse_payload(payload, include_usage), extra=headers,
                    content_type="text/event-stream; charset=utf-8", mode=mode, before_last=release)
        else:
            h._send(status, payload, extra=headers, mode=mode, before_last=release)

    def _chat(self, h: _Handler, rec: RecordedRequest, release: Callable[[], None]) -> None:
        fault = rec.fault
        answer = functools.partial(self._answer, h, rec, release=release)
        if fault is Fault.RATE_LIMIT:
            ra = self.retry_after
            return answer(429, _error(
                f"Rate limit reached for {rec.body.get('model', DEFAULT_MODEL)} in organization org-fake on requests "
                f"per min (RPM): Limit 500, Used 500, Requested 1. Please try again in {ra:g}s.",
                "rate_limit_error", "rate_limit_exceeded"),
                extra={"retry-after": f"{ra:g}", "x-ratelimit-remaining-requests": "0"})
        self._wait(self.latency)
        ra5 = {"retry-after": f"{self.retry_after_5xx:g}"} if self.retry_after_5xx is not None else None
        if fault is Fault.SERVER_ERROR:
            return answer(500, _error(
                "The server had an error while processing your request. Sorry about that!", "server_error"), extra=ra5)
        if fault is Fault.BAD_GATEWAY:
            return answer(502, _error("Bad gateway.", "cf_bad_gateway", 502), extra=ra5)
        if fault is Fault.RESET:
            rec.status = 0
            release()
            h._reset()
            return None
        if fault is Fault.TIMEOUT:
            self._wait(self.timeout_hold)
        try:
            completion = self.responder(rec.body)
            if not isinstance(completion, Mapping):
                raise TypeError(f"responder returned {type(completion).__name__}, not a dict")
            completion = dict(completion)
        except HttpReply as reply:
            return answer(reply.status, reply.body, extra=reply.headers)
        except Exception as exc:  # noqa: BLE001 - reported to the test via errors and a 500
            self.errors.append(exc)
            return answer(500, _error(f"FakeOpenAI responder failed: {exc!r}", "server_error", "responder_error"),
                          extra={"x-should-retry": "false"})
        if fault is Fault.INVALID_SCHEMA:
            completion = _invalidate(completion)
        stream = bool(rec.body.get("stream"))
        include_usage = bool((rec.body.get("stream_options") or {}).get("include_usage"))
        mode = fault if fault in (Fault.TRUNCATED, Fault.SLOW_DRIP) else None
        return answer(200, completion, mode=mode, stream=stream, include_usage=include_usage,
                      extra={"openai-processing-ms": str(int(self.latency * 1000)), "openai-version": "2020-10-01"})


# --------------------------------------------------------------------------------------------------
# Stand-alone use: python -m tests.support.fakeopenai --replay rec.jsonl --latency 0.3 --url-file u.txt
# --------------------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None, responder: Responder | None = None) -> int:
    """Serve in the foreground (for a benchmark or a subprocess test) until SIGTERM/SIGINT or
    ``--max-seconds``; prints the base URL (and writes it to ``--url-file``), and on exit a JSON summary
    line: requests, completed, max_in_flight, faults. `responder` (from Python) replaces ``--replay``."""
    import argparse
    import signal
    import sys

    ap = argparse.ArgumentParser(prog="python -m tests.support.fakeopenai", description=main.__doc__)
    ap.add_argument("--replay", help="JSON/JSONL records for ReplayResponder (default: '{}' content)")
    ap.add_argument("--cycle", action="store_true", help="start the replay queue over when exhausted")
    ap.add_argument("--latency", type=float, default=0.0)
    ap.add_argument("--fault", action="append", default=[], metavar="KIND=P",
                    help="fault probability, e.g. 429=0.1 or reset=0.05 (repeatable)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--retry-after", type=float, default=0.01)
    ap.add_argument("--timeout-hold", type=float, default=2.0)
    ap.add_argument("--key", action="append", default=None, help="valid API key (repeatable); default: any")
    ap.add_argument("--max-requests", type=int, default=10000)
    ap.add_argument("--max-seconds", type=float, default=3600.0)
    ap.add_argument("--url-file", help="write the base URL here once listening")
    ap.add_argument("--summary-file", help="write the JSON summary here on exit")
    args = ap.parse_args(argv)

    faults = {}
    for item in args.fault:
        kind, _, p = item.partition("=")
        faults[Fault(kind)] = float(p)
    if responder is None and args.replay:
        responder = ReplayResponder(args.replay, cycle=args.cycle)
    srv = FakeOpenAI(responder, latency=args.latency, faults=faults, seed=args.seed, retry_after=args.retry_after,
                     timeout_hold=args.timeout_hold, valid_keys=args.key, max_requests=args.max_requests)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    with srv:
        print(srv.base_url, flush=True)
        if args.url_file:
            tmp = Path(args.url_file + ".tmp")
            tmp.write_text(srv.base_url + "\n", encoding="utf-8")
            tmp.replace(args.url_file)  # atomic: a poller never reads half a URL
        stop.wait(args.max_seconds)
    summary = {
        "requests": len(srv.requests),
        "completed": len(srv.completed()),
        "max_in_flight": srv.max_in_flight,
        "rejected": srv.rejected,
        "faults": {f.value: n for f in Fault if (n := sum(1 for x in srv.fault_sequence() if x is f))},
        "usage": srv.usage_totals(),
    }
    line = json.dumps(summary, sort_keys=True)
    print(line, file=sys.stderr, flush=True)
    if args.summary_file:
        Path(args.summary_file).write_text(line + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
