"""`synth review --web`: review themes in the browser, on the same workspace and review.yaml as the CLI.

    from synth.web import create_app, serve
    serve(Path(".synth"), port=8765, open_browser=True)   # blocks; Ctrl-C stops it

Local only: the server binds 127.0.0.1 and answers only requests addressed to it (see `security`).
Pages: study (ranked themes with filters), theme (items, quotes, actions), transcript (every item
highlighted at its span), search (SQLite FTS5). Every action is recorded by
`synth.themes.review_actions`, the same code `synth review rename|merge|...` runs.
"""
from __future__ import annotations

import socket
import threading
import webbrowser
from pathlib import Path
from typing import Optional

from .app import ReviewApp, create_app
from .security import allowed_hosts

HOST = "127.0.0.1"
DEFAULT_PORT = 8765

__all__ = ["HOST", "DEFAULT_PORT", "ReviewApp", "create_app", "serve", "port_free", "server"]


def port_free(port: int, host: str = HOST) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def server(workspace: Path, port: int = DEFAULT_PORT, embedding_model: Optional[str] = None):
    """A configured uvicorn.Server (not started): `serve` runs it, tests run it in a thread."""
    import uvicorn

    review = create_app(workspace, allowed_hosts(HOST, port), embedding_model)
    config = uvicorn.Config(review.asgi, host=HOST, port=port, log_level="warning", access_log=False,
                            server_header=False, proxy_headers=False, lifespan="off")
    return uvicorn.Server(config)


def serve(workspace: Path, port: int = DEFAULT_PORT, open_browser: bool = True,
          embedding_model: Optional[str] = None, announce=print) -> None:
    """Run until Ctrl-C. Raises OSError naming the port when it is taken."""
    if not port_free(port):
        raise OSError(f"port {port} on {HOST} is in use: pass --port N (another `synth review --web`?)")
    srv = server(workspace, port, embedding_model)
    url = f"http://{HOST}:{port}/"
    announce(url)
    if open_browser:
        # opened once the server accepts connections, so the first page never fails to load
        def opener() -> None:
            while not srv.started and not srv.should_exit:
                threading.Event().wait(0.05)
            if srv.started:
                webbrowser.open(url)
        threading.Thread(target=opener, daemon=True).start()
    srv.run()
