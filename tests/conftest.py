"""Shared fixtures. The embedding model loads once per test session (about 7 s on 2 cores)."""
from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
# never let a developer's real key or endpoint reach a test
for var in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "AZURE_OPENAI_API_KEY", "AZURE_OPENAI_ENDPOINT",
            "SYNTH_MODEL", "SYNTH_PROVIDER", "SYNTH_MODE"):
    os.environ.pop(var, None)

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "transcripts" / "sample"
GOLD = ROOT / "evals" / "gold"


@pytest.fixture(scope="session")
def embed_model():
    from synth.embed import load_model

    return load_model(None, None)


REAL_DEV = Path(__file__).resolve().parents[1] / "evals" / "real" / "dev"


def dev_file(prefix: str) -> str:
    """The text of the real dev corpus file numbered `prefix` (tests quote real speech from it)."""
    (path,) = [p for p in REAL_DEV.iterdir() if p.name.startswith(prefix + "_")]
    return path.read_text(encoding="utf-8")


def dev_measured(name: str, known=None):
    """A real dev file read alone (no other file of its study) and measured against its annotation."""
    import yaml

    from evals.real.measure import measure_file
    from synth.ingest import load_transcript

    t = load_transcript(REAL_DEV / name, known=known)
    ann = yaml.safe_load((REAL_DEV.parent / "annotations" / f"{name}.yaml").read_text(encoding="utf-8"))
    return t, measure_file(t, ann, "dev")


def make_transcript(lines, file_name="t.txt", date=None):
    """Build a Transcript from (speaker, is_interviewer, text[, start]) tuples."""
    from synth.models import Transcript, TranscriptMeta, Turn

    text, turns = "", []
    for i, ln in enumerate(lines):
        spk, iv, tx = ln[:3]
        start = ln[3] if len(ln) > 3 else None
        if text:
            text += "\n\n"
        a = len(text)
        text += tx
        turns.append(Turn(index=i, speaker=spk, text=tx, start=start, char_start=a, char_end=len(text),
                          is_interviewer=iv))
    return Transcript(path=file_name, file_name=file_name, format="txt", encoding="utf-8",
                      content_hash=hashlib.sha256(text.encode()).hexdigest(), text=text, turns=turns,
                      meta=TranscriptMeta(date=date), interviewers=sorted({s for s, iv, *_ in lines if iv}))


CHROMIUM = next((p for p in ("/usr/bin/chromium", shutil.which("chromium") or "") if p and Path(p).exists()), None)
CHROMEDRIVER = next((p for p in ("/usr/bin/chromedriver", shutil.which("chromedriver") or "")
                     if p and Path(p).exists()), None)


@contextlib.contextmanager
def chromium(profile_dir: Path, window: str = "1280,1600"):
    """Headless Debian Chromium driven by selenium, its console log kept; skips when either is missing.
    The flags keep it off the network (this machine refuses Chromium's background connections)."""
    if not (CHROMIUM and CHROMEDRIVER):
        pytest.skip("chromium/chromedriver not found: apt-get install chromium chromium-driver")
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium not installed: pip install -e '.[dev]'")
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-extensions",
                "--disable-dev-shm-usage", f"--window-size={window}", f"--user-data-dir={profile_dir}"):
        opts.add_argument(arg)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    d = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    d.set_page_load_timeout(30)
    try:
        yield d
    finally:
        d.quit()
