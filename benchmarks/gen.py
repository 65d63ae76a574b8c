"""Deterministic inputs for the benchmarks: transcript copies, generated transcripts, vectors, texts."""
from __future__ import annotations

import json
import random
import re
import string
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_DIR = ROOT / "transcripts" / "sample"
SAMPLE_RESPONSES = ROOT / "tests" / "fixtures" / "llm" / "sample_extract.json"
SAMPLES = sorted(p for p in SAMPLE_DIR.iterdir()
                 if p.suffix in (".txt", ".md", ".vtt", ".srt", ".json") and not p.name.lower().startswith("readme"))
COPY_NAME = re.compile(r"^c\d{3,}_(.+)$")


def _tag(i: int) -> str:
    """0 -> 'aa', 1 -> 'ab', ...: a letters-only suffix, so a renamed speaker is still a label."""
    letters = string.ascii_lowercase
    return letters[i // 26 % 26] + letters[i % 26] + (letters[i // 676] if i >= 676 else "")


def sample_copies(dest: Path, n: int) -> list[Path]:
    """`n` transcripts cycling over the 10 samples, renamed `cNNN_<sample name>`, each with its
    interviewers renamed ("Priya Nair" -> "Priya Nair-ab"), so every copy has distinct bytes, a
    distinct content hash and distinct chunk texts while every interviewee quote stays verbatim."""
    from synth.ingest import load_transcript

    dest.mkdir(parents=True, exist_ok=True)
    interviewers = {p: load_transcript(p).interviewers for p in SAMPLES}
    out = []
    for i in range(n):
        src = SAMPLES[i % len(SAMPLES)]
        text = src.read_text(encoding="utf-8")
        for name in interviewers[src]:
            text = text.replace(name, f"{name}-{_tag(i)}")
        p = dest / f"c{i:03d}_{src.name}"
        p.write_text(text, encoding="utf-8")
        out.append(p)
    return out


def original_name(file_name: str) -> str:
    m = COPY_NAME.match(file_name)
    return m.group(1) if m else file_name


# ------------------------------------------------------------------------------------------------
# Generated transcripts for ingest (mixed formats)

VOCAB = ("we the deploy pipeline team budget outage spreadsheet renewal vendor audit costs hours week "
         "month quarter customers engineers alerts runbooks access review security platform data manual "
         "process tool license seats contract migration latency incident rotation on-call board finance "
         "procurement legal onboarding churn pricing invoices reports dashboard warehouse integration").split()
FORMATS = ("txt", "md", "vtt", "srt", "json")


def _sentence(rng: random.Random) -> str:
    return " ".join(rng.choice(VOCAB) for _ in range(rng.randint(6, 18))).capitalize() + "."


def _turns(rng: random.Random, words: int) -> list[tuple[str, str]]:
    iv, resp = rng.choice(["Priya Nair", "Tom Becker", "Ana Ruiz"]), rng.choice(
        ["Marcus Oyelaran", "Helen Zhou", "Sanne de Vries", "Greg Hale", "Nadia Haddad"])
    out, n, i = [], 0, 0
    while n < words:
        body = " ".join(_sentence(rng) for _ in range(rng.randint(1, 2) if i % 2 == 0 else rng.randint(2, 9)))
        out.append((iv if i % 2 == 0 else resp, body))
        n += len(body.split())
        i += 1
    return out


def _clock(s: float, sep: str) -> str:
    ms = int(round(s * 1000))
    return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d}{sep}{ms % 1000:03d}"


def render(turns: list[tuple[str, str]], fmt: str, rng: random.Random) -> str:
    if fmt == "txt":
        return "\n".join(f"{s}: {t}" for s, t in turns) + "\n"
    if fmt == "md":
        return ("---\ncompany: Generated Co\ndate: 2026-03-01\n---\n\n" +
                "\n\n".join(f"**{s}:** {t}" for s, t in turns) + "\n")
    cues, t0 = [], 0.0
    for s, t in turns:
        dur = max(1.0, len(t.split()) / 2.5)
        cues.append((t0, t0 + dur, s, t))
        t0 += dur + rng.random()
    if fmt == "vtt":
        return "WEBVTT\n\n" + "\n".join(f"{i + 1}\n{_clock(a, '.')} --> {_clock(b, '.')}\n<v {s}>{t}</v>\n"
                                        for i, (a, b, s, t) in enumerate(cues))
    if fmt == "srt":
        return "\n".join(f"{i + 1}\n{_clock(a, ',')} --> {_clock(b, ',')}\n{s}: {t}\n"
                         for i, (a, b, s, t) in enumerate(cues))
    if fmt == "json":
        return json.dumps({"turns": [{"speaker": s, "text": t, "start": round(a, 3), "end": round(b, 3)}
                                     for a, b, s, t in cues]})
    raise ValueError(fmt)


def generated_transcripts(dest: Path, n: int, words: int = 1500, seed: int = 0) -> tuple[list[Path], int]:
    """`n` transcripts of ~`words` words each, cycling txt, md, vtt, srt, json. Returns (paths, words)."""
    dest.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    paths, total = [], 0
    for i in range(n):
        fmt = FORMATS[i % len(FORMATS)]
        turns = _turns(rng, words)
        total += sum(len(t.split()) for _, t in turns)
        p = dest / f"g{i:04d}.{fmt}"
        p.write_text(render(turns, fmt, rng), encoding="utf-8")
        paths.append(p)
    return paths, total


# ------------------------------------------------------------------------------------------------
# Vectors and texts

def clustered_vectors(n: int, d: int = 384, seed: int = 0, k: int = 25, similarity: float = 0.7,
                      background: float = 0.10) -> tuple[np.ndarray, np.ndarray]:
    """`n` L2-normalized float32 vectors around `k` random unit centres ("themes"; Dirichlet(5)-sized,
    so the smallest is still well above the adaptive min_cluster_size at 20 items per interview),
    cosine ~`similarity` to the own centre (two members of a theme ~0.5, like MiniLM paraphrases),
    plus a `background` share of uniform noise (label -1). Returns (vectors, labels)."""
    rng = np.random.default_rng(seed)
    cent = rng.normal(size=(k, d))
    cent /= np.linalg.norm(cent, axis=1, keepdims=True)
    lab = rng.choice(k, size=n, p=rng.dirichlet(np.full(k, 5.0)))
    scale = np.sqrt((1 / similarity ** 2 - 1) / d)
    x = (cent[lab] + rng.normal(scale=scale, size=(n, d))).astype(np.float32)
    bg = rng.random(n) < background
    x[bg] = rng.normal(size=(int(bg.sum()), d))
    lab = np.where(bg, -1, lab)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    return x.astype(np.float32), lab


def sentences(n: int, seed: int = 0) -> list[str]:
    """`n` distinct statement-length texts (6-12 words, like extracted statements, which average ~9):
    windows of the sample transcripts' sentences, in a seeded order."""
    from synth.ingest import load_transcript

    rng = random.Random(seed)
    seen: dict[str, None] = {}
    for p in SAMPLES:
        for turn in load_transcript(p).turns:
            for sent in re.split(r"(?<=[.!?])\s+", turn.text):
                words = sent.split()
                for start in range(0, max(1, len(words) - 5), 3):
                    w = words[start:start + rng.randint(6, 12)]
                    if len(w) >= 6:
                        seen.setdefault(" ".join(w), None)
    out = list(seen)
    rng.shuffle(out)
    if len(out) < n:
        raise ValueError(f"only {len(out)} distinct texts available, {n} asked")
    return out[:n]
