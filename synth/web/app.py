"""The review app: Starlette routes over one `Study`, Jinja2 templates, one small static script.

Pages are GET; every decision is one POST to /act carrying the session's CSRF token and the
review.yaml version the page was rendered from. A decision goes through the same functions as
`synth review ...` (synth.themes.review_actions), then the page it came from is shown again with
the new ranking (post/redirect/get). Handlers are `async` but do their (short, CPU-bound) work
inline: the event loop then serializes every request, so the workspace's single SQLite connection
is never used from two threads, and two tabs cannot interleave a read-modify-write.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable, Optional
from urllib.parse import quote as urlquote
from urllib.parse import unquote

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from synth.report.model import human, num, pct
from synth.themes import review_actions as ra
from synth.themes.review import ReviewError

from .findings import findings_chart, findings_page
from .search import SearchIndex
from .security import GuardMiddleware, Session, Sessions, safe_back, set_cookie
from .study import Study
from .transcript import transcript_page
from .views import Filters, filter_options, gone_note, study_page, theme_page, theme_url, transcript_url

HERE = Path(__file__).parent
KINDS = {"quote": "quotes", "statement": "statements", "turn": "transcript turns"}


def _env() -> Environment:
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True)
    env.filters.update(pct=pct, num=num, human=human)
    env.globals.update(transcript_url=transcript_url, theme_url=theme_url, urlquote=lambda s: urlquote(s, safe=""))
    return env


class ReviewApp:
    def __init__(self, study: Study, hosts: Iterable[str]):
        self.study = study
        self.sessions = Sessions()
        self.search_index = SearchIndex(study.ws)
        self._indexed: tuple = ()
        self.env = _env()
        routes = [Route("/", self.study_view), Route("/theme/{theme_id}", self.theme_view),
                  Route("/transcript/{file:path}", self.transcript_view), Route("/search", self.search_view),
                  Route("/findings", self.findings_view), Route("/findings/{name}.png", self.findings_png),
                  Route("/act", self.act, methods=["POST"]),
                  Mount("/static", StaticFiles(directory=HERE / "static"), name="static")]
        self.app = Starlette(routes=routes)
        self.asgi = GuardMiddleware(self.app, hosts)

    # ------------------------------------------------------------------ rendering
    def _session(self, request: Request) -> tuple[str, Session, bool]:
        sid, sess = self.sessions.get(request)
        if sess is None:
            sid, sess = self.sessions.new()
            return sid, sess, True
        return sid, sess, False  # type: ignore[return-value]

    def render(self, request: Request, template: str, ctx: dict, status: int = 200) -> Response:
        sid, sess, new = self._session(request)
        here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        flash, sess.flash = sess.flash, []
        if self.study.problem:
            flash = [("error", self.study.problem), *flash]
        page = {"q": "", "csrf": sess.csrf, "version": self.study.version, "here": here, "flash": flash,
                "last": self.study.last_decision(), **ctx}
        html = self.env.get_template(template).render(**page)
        resp = HTMLResponse(html, status_code=status, headers={"cache-control": "no-store"})
        if new:
            set_cookie(resp, sid)
        return resp

    def refused(self, request: Request, status: int, message: str, reload: Optional[str] = None) -> Response:
        return self.render(request, "refused.html", {"title": "Refused", "message": message, "reload": reload},
                           status=status)

    # ------------------------------------------------------------------ pages
    async def study_view(self, request: Request) -> Response:
        self.study.refresh()
        f = Filters.parse(request.query_params, filter_options(self.study))
        return self.render(request, "study.html", {"title": "Study", **study_page(self.study, f)})

    async def theme_view(self, request: Request) -> Response:
        self.study.refresh()
        tid = request.path_params["theme_id"]
        th = self.study.themes.get(tid)
        if th is None:
            return self.render(request, "gone.html", {"title": "Not a current theme", "theme_id": tid,
                                                      "note": gone_note(self.study, tid)}, status=404)
        return self.render(request, "theme.html", {"title": th.label, **theme_page(self.study, th)})

    async def transcript_view(self, request: Request) -> Response:
        self.study.refresh()
        file = request.path_params["file"]
        t = self.study.transcript(file)
        if t is None:
            return self.refused(request, 404, f"{file}: not a transcript of this study")
        focus = request.query_params.get("item")
        return self.render(request, "transcript.html",
                           {"title": file, **transcript_page(self.study, t, focus if focus in self.study.items
                                                             else None)})

    async def findings_view(self, request: Request) -> Response:
        self.study.refresh()
        return self.render(request, "findings.html",
                           {"title": "Hypotheses and saturation", **findings_page(self.study)})

    async def findings_png(self, request: Request) -> Response:
        self.study.refresh()
        png = findings_chart(self.study, request.path_params["name"])
        if png is None:
            return Response(status_code=404)
        return Response(png, media_type="image/png", headers={"cache-control": "no-store"})

    async def search_view(self, request: Request) -> Response:
        self.study.refresh()
        q = request.query_params.get("q", "")[:200]
        kind = request.query_params.get("kind")
        kind = kind if kind in KINDS else None
        if self._indexed != self.study.key:  # the study changed (or first search): bring the index up to date
            self.search_index.ensure()
            self._indexed = self.study.key
        hits = self.search_index.search(q, {kind} if kind else None)
        return self.render(request, "search.html", {"title": f"Search: {q}" if q else "Search", "q": q,
                                                    "kind": kind, "kinds": KINDS, "hits": hits,
                                                    "theme_of": self.study.theme_of, "themes": self.study.themes})

    # ------------------------------------------------------------------ the one write
    async def act(self, request: Request) -> Response:
        form = await request.form()
        _, sess = self.sessions.get(request)
        if not self.sessions.token_ok(sess, form.get("csrf")):  # type: ignore[arg-type]
            return self.refused(request, 403, "Refused: this request carries no valid session token. "
                                              "Nothing was saved; reload the page and try again.")
        back = safe_back(str(form.get("back") or "/"))
        try:
            expected = int(str(form.get("version")))
        except ValueError:
            return self.refused(request, 400, "Refused: the form did not say which review.yaml version it "
                                              "was made from. Nothing was saved.", reload=back)
        op = str(form.get("op") or "")
        if op == "speaker":  # who is speaking: stored in the workspace, not in review.yaml
            return self._speaker(request, form, sess, back)
        items = [str(i) for i in form.getlist("items")]
        theme = str(form.get("theme") or "")
        text = lambda k: str(form.get(k) or "")  # noqa: E731
        actions = {
            "rename": lambda c: ra.rename(c, theme, text("label")),
            "define": lambda c: ra.define(c, theme, text("text")),
            "merge": lambda c: ra.merge(c, theme, [str(s) for s in form.getlist("sources") if s]),
            "split": lambda c: ra.split(c, theme, items, text("label") or None),
            "move": lambda c: ra.move(c, items, text("to")),
            "reject": lambda c: ra.reject(c, items, text("reason") or None),
            "pin": lambda c: ra.toggle(c, "pin", theme, True),
            "unpin": lambda c: ra.toggle(c, "pin", theme, False),
            "drop": lambda c: ra.toggle(c, "drop", theme, True),
            "undrop": lambda c: ra.toggle(c, "drop", theme, False),
        }
        assert sess is not None
        try:
            if op == "undo":
                rec = self.study.undo(expected)
            elif op in actions:
                rec = self.study.decide(actions[op], expected)
            else:
                return self.refused(request, 400, f"Refused: unknown action {op!r}. Nothing was saved.", reload=back)
        except ra.StaleReview as exc:
            return self.refused(request, 409, str(exc), reload=back)
        except ReviewError as exc:
            sess.flash.append(("error", str(exc)))
            return RedirectResponse(back, status_code=303)
        sess.flash.append(("ok", f"{rec.message} (review.yaml v{rec.version})"))
        if op == "undrop":
            back = theme_url(theme)
        elif back.startswith("/theme/") and unquote(back[len("/theme/"):].split("?")[0]) not in self.study.themes:
            back = "/"  # the page's theme was merged, dropped or un-split away: show where things stand
        return RedirectResponse(back, status_code=303)


    def _speaker(self, request: Request, form, sess: Optional[Session], back: str) -> Response:
        """The transcript page's toggle: the same correction as `synth speakers FILE --interviewer LABEL`."""
        from synth.ingest.roles import apply_corrections

        file, label, role = (str(form.get(k) or "") for k in ("file", "label", "role"))
        if role not in ("interviewer", "interviewee"):
            return self.refused(request, 400, f"Refused: unknown role {role!r}. Nothing was saved.", reload=back)
        t = self.study.transcript(file)
        if t is None:
            return self.refused(request, 404, f"{file}: not a transcript of this study. Nothing was saved.")
        try:
            fixed = apply_corrections(t, {label: role})
        except ValueError as exc:
            return self.refused(request, 400, f"Refused: {exc}. Nothing was saved.", reload=back)
        self.study.ws.set_speaker_role(t.file_name, label, role)
        self.study.ws.put_transcript(fixed)  # its extraction is dropped; the study's other files keep theirs
        self.study.refresh(force=True)
        assert sess is not None
        sess.flash.append(("ok", f"{label} in {t.file_name} is now read as {role}. Run `synth extract` to "
                                 "re-extract this file (only it), then `synth themes`."))
        return RedirectResponse(back, status_code=303)


def create_app(workspace: Path, hosts: Iterable[str], embedding_model: Optional[str] = None) -> ReviewApp:
    """The ASGI app (`.asgi`) over the study in `workspace`, answering only to `hosts` (Host header values)."""
    return ReviewApp(Study(Path(workspace), embedding_model), hosts)
