"""Full-text search over quotes, statements and transcript turns: SQLite FTS5 in the workspace.

The index lives in its own file (`search.db` beside synth.db), so it never needs a migration of the
pipeline's schema and can be deleted at any time. It is rebuilt when the set of current transcripts
or extractions changes (a fingerprint of both is stored with it); a query against an unchanged
study only reads. User input never reaches FTS5's query syntax: it is cut into words, each quoted.
"""
from __future__ import annotations

import hashlib
import re
import sqlite3
from pathlib import Path
from typing import Optional

from pydantic import BaseModel

from synth.workspace import Workspace

INDEX_FILE = "search.db"
HIT_START, HIT_END = "\x02", "\x03"  # snippet markers: stripped from indexed text, so never forged
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_WORD = re.compile(r"\w+", re.UNICODE)
LIMIT = 100
INDEX_VERSION = 2  # bump when what is indexed changes: an older search.db is then rebuilt


class Hit(BaseModel):
    kind: str          # quote, statement or turn
    file: str
    ref: str           # item id, or turn index for a turn
    pos: int           # character offset in the transcript
    speaker: str = ""
    pieces: list[tuple[str, bool]]  # snippet text, each part flagged when it matched


def _clean(text: str) -> str:
    return _CONTROL.sub(" ", text)


def fts_query(q: str) -> Optional[str]:
    """Every word must occur; the last may be a prefix (search as you type). None when no word."""
    words = _WORD.findall(q or "")[:12]
    if not words:
        return None
    quoted = [f'"{w}"' for w in words]
    quoted[-1] += "*"
    return " ".join(quoted)


class SearchIndex:
    def __init__(self, ws: Workspace):
        self.ws = ws
        self.path = Path(ws.root) / INDEX_FILE
        self.db = sqlite3.connect(self.path, check_same_thread=False)
        self.db.execute("CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT)")
        self.db.execute("CREATE VIRTUAL TABLE IF NOT EXISTS docs USING fts5("
                        "kind UNINDEXED, file UNINDEXED, ref UNINDEXED, pos UNINDEXED, speaker UNINDEXED, text, "
                        "tokenize='unicode61 remove_diacritics 2')")

    def close(self) -> None:
        self.db.close()

    def fingerprint(self) -> str:
        rows = self.ws.db.execute(
            "SELECT f.path, f.hash, (SELECT MAX(created_at) FROM extractions e WHERE e.transcript_hash=f.hash) "
            "FROM files f ORDER BY f.path").fetchall()
        return hashlib.sha1(repr((INDEX_VERSION, rows)).encode()).hexdigest()

    def ensure(self) -> bool:
        """Rebuild when the study changed; returns whether it did."""
        fp = self.fingerprint()
        row = self.db.execute("SELECT v FROM meta WHERE k='fingerprint'").fetchone()
        if row and row[0] == fp:
            return False
        self.rebuild(fp)
        return True

    def rebuild(self, fp: str) -> None:
        rows: list[tuple] = []
        for t in self.ws.transcripts():
            rows += [("turn", t.file_name, str(turn.index), turn.char_start, turn.speaker, _clean(turn.text))
                     for turn in t.turns]
        for e in self.ws.latest_extractions():
            for it in e.items():
                first = it.evidence[0] if it.evidence else None
                said = {" ".join(ev.quote.split()).casefold() for ev in it.evidence}
                if " ".join(it.statement.split()).casefold().rstrip(".") not in {q.rstrip(".") for q in said}:
                    # a statement that only repeats its quote (the local extractor's) would be a duplicate hit
                    rows.append(("statement", e.file, it.id, first.char_start if first else 0,
                                 first.speaker if first else "", _clean(it.statement)))
                rows += [("quote", ev.file, it.id, ev.char_start, ev.speaker, _clean(ev.quote)) for ev in it.evidence]
        with self.db:
            self.db.execute("DELETE FROM docs")
            self.db.executemany("INSERT INTO docs (kind, file, ref, pos, speaker, text) VALUES (?,?,?,?,?,?)", rows)
            self.db.execute("INSERT OR REPLACE INTO meta VALUES ('fingerprint', ?)", (fp,))

    def search(self, q: str, kinds: Optional[set[str]] = None, limit: int = LIMIT) -> list[Hit]:
        """Hits for `q`, best first (BM25). Call `ensure` first when the study may have changed."""
        query = fts_query(q)
        if query is None:
            return []
        try:
            rows = self.db.execute(
                f"SELECT kind, file, ref, pos, speaker, snippet(docs, 5, '{HIT_START}', '{HIT_END}', ' … ', 16) "
                "FROM docs WHERE docs MATCH ? ORDER BY rank LIMIT ?", (query, limit * 3 if kinds else limit)
            ).fetchall()
        except sqlite3.OperationalError:
            return []  # a query FTS5 cannot parse finds nothing rather than failing the page
        hits = [Hit(kind=k, file=f, ref=r, pos=int(p), speaker=s, pieces=_pieces(snip))
                for k, f, r, p, s, snip in rows if not kinds or k in kinds]
        return hits[:limit]


def _pieces(snippet: str) -> list[tuple[str, bool]]:
    out: list[tuple[str, bool]] = []
    for part in re.split(f"({HIT_START}.*?{HIT_END})", snippet, flags=re.S):
        if part.startswith(HIT_START) and part.endswith(HIT_END):
            out.append((part[1:-1], True))
        elif part:
            out.append((part, False))
    return out
