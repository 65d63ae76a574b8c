"""What keeps a local review app safe when the browser also runs other people's pages.

- Host check: a request whose Host header is not the address the app is bound to is refused, so a
  page on an attacker's domain that re-resolves to 127.0.0.1 (DNS rebinding) cannot read or write.
- Writes are POST only and carry a per-session CSRF token; a POST with an Origin header from
  another site is refused before the token is even looked at.
- Every response carries a strict Content-Security-Policy (scripts and styles only from this app,
  no inline code, no framing, forms post only here) and nosniff / no-referrer headers. Transcript
  text is escaped by Jinja2's autoescape; the CSP is the second line should a tag ever slip through.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Iterable, Optional

from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
       "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
]
COOKIE = "synth_review_session"
MAX_SESSIONS = 256


def allowed_hosts(host: str, port: int) -> set[str]:
    """The Host values a browser sends for the bound address (and `localhost`, which never leaves the machine)."""
    hosts = {f"{host}:{port}", f"localhost:{port}"}
    if port == 80:
        hosts |= {host, "localhost"}
    return hosts


class GuardMiddleware:
    """Refuses foreign Host headers and cross-site POSTs; adds the security headers to every response."""

    def __init__(self, app: ASGIApp, hosts: Iterable[str]):
        self.app = app
        self.hosts = {h.lower() for h in hosts}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        host = headers.get("host", "").lower()
        problem = None
        if host not in self.hosts:
            problem = (400, f"refused: Host {host or '(none)'} is not this app's address "
                            f"({', '.join(sorted(self.hosts))})")
        elif scope["method"] not in ("GET", "HEAD", "POST"):
            problem = (405, "only GET and POST are served")
        elif scope["method"] == "POST" and headers.get("origin") not in (None, "null") \
                and headers["origin"].lower() not in {f"http://{h}" for h in self.hosts}:
            problem = (403, f"refused: a form from {headers['origin']} cannot write here")
        if problem:
            resp = PlainTextResponse(problem[1], status_code=problem[0])
            await _with_headers(resp, scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = list(message.get("headers", [])) + HEADERS
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def _with_headers(resp, scope: Scope, receive: Receive, send: Send) -> None:
    async def s(message: Message) -> None:
        if message["type"] == "http.response.start":
            message["headers"] = list(message.get("headers", [])) + HEADERS
        await send(message)

    await resp(scope, receive, s)


@dataclass
class Session:
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    flash: list[tuple[str, str]] = field(default_factory=list)  # (kind, message), shown once


class Sessions:
    """Sessions keyed by a random cookie: each holds its CSRF token and one-shot messages.

    In memory on purpose: restarting the app ends every session, and nothing secret touches disk.
    A request without our cookie stores nothing: its page gets a new signed session id (the cookie) and
    the CSRF token derived from it, and the session is kept only once that cookie comes back. So a flood
    of cookieless requests (image tags on another site pointing at the port) cannot push the reviewer's
    session out; past MAX_SESSIONS the least recently used one goes, and even then its token still
    holds (derived, not stored): only unshown messages are lost."""

    def __init__(self) -> None:
        self._key = secrets.token_bytes(32)
        self._by_id: OrderedDict[str, Session] = OrderedDict()

    def _mac(self, what: str, value: str) -> str:
        return hmac.new(self._key, f"{what}:{value}".encode(), hashlib.sha256).hexdigest()[:32]

    def _issued(self, sid: str) -> bool:
        raw, _, mac = sid.partition(".")
        return bool(raw) and hmac.compare_digest(self._mac("sid", raw), mac)

    def get(self, request: Request) -> tuple[Optional[str], Optional[Session]]:
        sid = request.cookies.get(COOKIE)
        if not sid or not self._issued(sid):
            return None, None
        sess = self._by_id.get(sid)
        if sess is None:  # first time this cookie comes back (or it was evicted): keep it now
            if len(self._by_id) >= MAX_SESSIONS:
                self._by_id.popitem(last=False)
            sess = self._by_id[sid] = Session(csrf=self._mac("csrf", sid))
        self._by_id.move_to_end(sid)
        return sid, sess

    def new(self) -> tuple[str, Session]:
        """A session for a request without our cookie: signed id and derived token, stored nowhere."""
        raw = secrets.token_urlsafe(24)
        sid = f"{raw}.{self._mac('sid', raw)}"
        return sid, Session(csrf=self._mac("csrf", sid))

    @staticmethod
    def token_ok(session: Optional[Session], token: Optional[str]) -> bool:
        return bool(session and token) and hmac.compare_digest(session.csrf, str(token))


def set_cookie(response, sid: str) -> None:
    response.set_cookie(COOKIE, sid, httponly=True, samesite="strict", path="/")


def safe_back(url: Optional[str], default: str = "/") -> str:
    """Only a path on this app: never `//evil.example` or `https://...` (open redirect)."""
    if not url or not url.startswith("/") or url.startswith("//") or "\\" in url or any(ord(c) < 32 for c in url):
        return default
    return url
