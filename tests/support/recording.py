"""Record real HTTP exchanges with an OpenAI-compatible server, and replay them with no model present.

Recording: a pass-through proxy between synth and the real server writes one JSON line per exchange
(method, path, status, request body, response body, seconds)::

    python -m tests.support.recording --upstream http://127.0.0.1:8080 --port 8090 --out FILE.jsonl

then point synth at ``http://127.0.0.1:8090/v1``. tests/fixtures/llm/recorded/README.md has the full recipe.

Replaying: :class:`RecordedServer` is a FakeOpenAI responder that answers each request with the recorded
response (status code and body, refusals included) of the request that asked the same thing. "The same
thing" is :func:`semantic_key`: the way structure was asked for, the response schema's name, the
interview file / chunk / half named in the request and how many messages it has (a validation re-ask
has more). Prompt wording is deliberately not part of the key, so a reworded prompt still replays;
an exact match on the whole message list is tried first.
"""
from __future__ import annotations

import json
import re
import threading
import time
from collections import defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Optional
from urllib import error, request

from tests.support.fakeopenai import HttpReply, request_hash

_CHUNK = re.compile(r"Interview file: [^\n]*?chunk \d+ of \d+\.(?: Part \d of 2 of that chunk\.)?")
_TITLE = re.compile(r'"title":\s*"([A-Z][A-Za-z]+)"')


def shape(body: dict) -> str:
    """How the request asked for structure, in synth's mode names."""
    fmt = body.get("response_format") or {}
    if body.get("tools"):
        return "tools"
    if fmt.get("type") == "json_schema":
        return "json_schema"
    if fmt.get("type") == "json_object":
        return "json_object_schema" if "schema" in fmt else "json"
    return "md_json"


def _text(m: dict) -> str:
    c = m.get("content")
    return c if isinstance(c, str) else json.dumps(c, sort_keys=True) if c is not None else ""


def schema_name(body: dict) -> str:
    if body.get("tools"):
        return body["tools"][0]["function"]["name"]
    fmt = body.get("response_format") or {}
    if fmt.get("json_schema"):
        return fmt["json_schema"].get("name", "")
    if isinstance(fmt.get("schema"), dict):
        return fmt["schema"].get("title", "")
    system = "\n".join(_text(m) for m in body.get("messages", []) if m.get("role") == "system")
    titles = _TITLE.findall(system)
    return titles[-1] if titles else ""  # pydantic writes the model's own title after its properties


def semantic_key(body: dict) -> str:
    msgs = body.get("messages", [])
    first_user = next((_text(m) for m in msgs if m.get("role") == "user"), "")
    where = _CHUNK.search(first_user)
    what = where.group(0) if where else first_user[:200]
    return json.dumps([shape(body), schema_name(body), what, len(msgs)])


def load_exchanges(path: Path | str) -> list[dict]:
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]


class RecordedServer:
    """A responder replaying recorded exchanges, by exact messages first, then by `semantic_key`.

    A key recorded more than once is answered in recorded order, the last answer repeating. A re-ask
    the recording never saw (synth's validation got stricter since) gets the model's last recorded
    answer to the same question again, as a model at temperature 0 mostly gives, and is counted in
    `repeated`. Any other request nothing was recorded for is answered 422 and counted in `misses`."""

    def __init__(self, *files: Path | str):
        self.exact: dict[str, list[dict]] = defaultdict(list)
        self.by_key: dict[str, list[dict]] = defaultdict(list)
        for f in files:
            for ex in load_exchanges(f):
                if ex.get("path", "").endswith("/chat/completions"):
                    self.exact[request_hash(ex["request"]) + shape(ex["request"])].append(ex)
                    self.by_key[semantic_key(ex["request"])].append(ex)
        self._served: dict[str, int] = defaultdict(int)
        self._lock = threading.Lock()
        self.misses: list[str] = []
        self.repeated: list[str] = []
        self.served: list[dict] = []  # the recorded exchange behind each answer, in order (its elapsed_s)

    def __call__(self, body: dict) -> dict:
        exact = request_hash(body) + shape(body)
        key = semantic_key(body)
        with self._lock:
            pool_key, pool = (exact, self.exact[exact]) if self.exact.get(exact) else (key, self.by_key.get(key))
            if not pool:
                earlier = self._earlier_answer(key)
                if earlier is not None:
                    self.repeated.append(key)
                    pool_key, pool = earlier
            if not pool:
                self.misses.append(key)
                # 422 and no words about the request's shape: that one chunk fails at once (not retried,
                # not mistaken for a refused mode), and the test sees it in `misses`
                raise HttpReply(422, {"error": {"message": "replay miss: nothing was recorded for this request",
                                                "type": "replay_miss"}}, {"x-should-retry": "false"})
            i = min(self._served[pool_key], len(pool) - 1)
            self._served[pool_key] += 1
            ex = pool[i]
            self.served.append(ex)
        if ex["status"] != 200:
            raise HttpReply(ex["status"], ex["response"])
        return ex["response"]


    def _earlier_answer(self, key: str):
        """(key, exchanges) of the same question asked with fewer messages, the longest such; or None."""
        shape_, schema, what, n = json.loads(key)
        for k in range(n - 1, 1, -1):
            earlier = json.dumps([shape_, schema, what, k])
            if self.by_key.get(earlier):
                return earlier, self.by_key[earlier][-1:]
        return None


# ---------------------------------------------------------------------------------------- the proxy

def _handler(upstream: str, out: Path, lock: threading.Lock, counter: list[int]):
    class Proxy(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:
            return

        def _forward(self, method: str) -> None:
            n = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(n) if n else b""
            req = request.Request(upstream + self.path, data=raw or None, method=method,
                                  headers={"Content-Type": "application/json"})
            t0 = time.monotonic()
            try:
                with request.urlopen(req, timeout=3600) as resp:
                    status, data = resp.status, resp.read()
            except error.HTTPError as exc:
                status, data = exc.code, exc.read()
            elapsed = round(time.monotonic() - t0, 2)
            try:
                body: Any = json.loads(data)
            except ValueError:
                body = data.decode("utf-8", "replace")
            with lock:
                counter[0] += 1
                rec = {"n": counter[0], "method": method, "path": self.path, "status": status,
                       "elapsed_s": elapsed, "request": json.loads(raw) if raw else None, "response": body}
                with out.open("a", encoding="utf-8") as f:
                    f.write(json.dumps(rec, ensure_ascii=False, sort_keys=True) + "\n")
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            try:
                self.wfile.write(data)
            except OSError:
                pass  # the client gave up (its timeout); the exchange is recorded all the same

        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            self._forward("POST")

        def do_GET(self) -> None:  # noqa: N802
            self._forward("GET")

    return Proxy


def main(argv: Optional[list[str]] = None) -> int:
    import argparse

    ap = argparse.ArgumentParser(prog="python -m tests.support.recording", description=__doc__.split("\n\n")[1])
    ap.add_argument("--upstream", required=True, help="the real server, e.g. http://127.0.0.1:8080")
    ap.add_argument("--port", type=int, default=8090)
    ap.add_argument("--out", required=True, help="JSONL file the exchanges are appended to")
    args = ap.parse_args(argv)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    srv = ThreadingHTTPServer(("127.0.0.1", args.port), _handler(args.upstream.rstrip("/"), out,
                                                                 threading.Lock(), [0]))
    print(f"recording http://127.0.0.1:{args.port} -> {args.upstream} into {out}", flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
