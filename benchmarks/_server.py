"""FakeOpenAI in its own process, for the extraction benchmark.

A separate process so the server's threads do not share the benchmarked client's GIL (a real provider
is on another machine). It answers every extraction request with the recorded (hand-written) sample
response of the transcript the request's file was copied from (benchmarks/gen.py `sample_copies`),
or with an empty-but-valid extraction for any other file; tool call in TOOLS mode, JSON otherwise.

    python -m benchmarks._server --latency 0.3 --url-file u.txt --summary-file s.json

The options and the summary (requests, completed, max_in_flight, faults) are those of
`python -m tests.support.fakeopenai`.
"""
from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

_FILE = re.compile(r"Interview file: (.+?), chunk (\d+) of (\d+)\.")


def make_responder():
    from benchmarks.gen import SAMPLE_RESPONSES, original_name
    from tests.support.fakeopenai import json_completion, tool_call_completion

    responses = json.loads(SAMPLE_RESPONSES.read_text(encoding="utf-8"))["responses"]

    def respond(body: dict) -> dict:
        user = "\n".join(m.get("content") or "" for m in body.get("messages", []) if m.get("role") == "user")
        m = _FILE.search(user)
        args = responses.get(original_name(m.group(1)), {}) if m else {}
        usage = (len(user) // 4, len(json.dumps(args)) // 4)
        model = body.get("model", "gpt-4o-mini")
        if body.get("tools"):
            return tool_call_completion(body["tools"][0]["function"]["name"], args, model=model, usage=usage)
        return json_completion(args, model=model, usage=usage)

    return respond


def main(argv=None) -> int:
    from tests.support.fakeopenai import main as serve

    return serve(argv, responder=make_responder())


class Server:
    """Context manager: start `python -m benchmarks._server`, wait (bounded) for its URL; on exit
    stop it and read its summary into `.summary`."""

    def __init__(self, workdir: Path, latency: float = 0.3):
        self.dir = Path(workdir)
        self.latency = latency
        self.url = ""
        self.summary: dict = {}
        self.proc = None

    def __enter__(self) -> "Server":
        self.dir.mkdir(parents=True, exist_ok=True)
        self.url_file = self.dir / "url.txt"
        self.summary_file = self.dir / "summary.json"
        for f in (self.url_file, self.summary_file):
            f.unlink(missing_ok=True)
        root = str(Path(__file__).resolve().parent.parent)
        env = {**os.environ, "PYTHONPATH": root + os.pathsep + os.environ.get("PYTHONPATH", "")}
        self.proc = subprocess.Popen([sys.executable, "-m", "benchmarks._server", "--latency", str(self.latency),
                                      "--url-file", str(self.url_file), "--summary-file", str(self.summary_file)],
                                     cwd=root, env=env, stdout=subprocess.DEVNULL)  # it prints its URL
        deadline = time.monotonic() + 60
        while not self.url_file.exists():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("benchmark server did not start")
            time.sleep(0.02)
        self.url = self.url_file.read_text(encoding="utf-8").strip()
        return self

    def __exit__(self, *exc) -> None:
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
        if self.summary_file.exists():
            self.summary = json.loads(self.summary_file.read_text(encoding="utf-8"))


if __name__ == "__main__":
    raise SystemExit(main())
