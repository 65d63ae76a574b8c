import sqlite3

from conftest import make_transcript

from synth.models import Extraction
from synth.workspace import MIGRATIONS, Workspace


def test_migrations_are_recorded_and_reapplying_is_a_noop(tmp_path):
    ws = Workspace(tmp_path / "w")
    assert ws.schema_version == MIGRATIONS[-1][0]
    ws.close()
    ws2 = Workspace(tmp_path / "w")
    rows = ws2.db.execute("SELECT version FROM schema_version ORDER BY version").fetchall()
    assert [r[0] for r in rows] == [v for v, _ in MIGRATIONS]


def test_reingest_unchanged_is_a_noop_and_a_changed_file_replaces_its_old_version(tmp_path):
    ws = Workspace(tmp_path / "w")
    a = make_transcript([("R", False, "first version")], file_name="a.txt")
    assert ws.put_transcript(a) == "new"
    assert ws.put_transcript(a) == "unchanged"
    b = make_transcript([("R", False, "second version")], file_name="a.txt")
    assert ws.put_transcript(b) == "replaced"
    current = ws.transcripts()
    assert len(current) == 1 and current[0].text == "second version"
    assert ws.transcript(a.content_hash) is None  # the old bytes are gone


def test_latest_extractions_follow_the_current_files(tmp_path):
    ws = Workspace(tmp_path / "w")
    a = make_transcript([("R", False, "one")], file_name="a.txt")
    b = make_transcript([("R", False, "two")], file_name="b.txt")
    for t in (a, b):
        ws.put_transcript(t)
        ws.put_extraction(Extraction(file=t.file_name, transcript_hash=t.content_hash, extractor="x"), "k")
    assert [e.file for e in ws.latest_extractions()] == ["a.txt", "b.txt"]
    ws.forget_files(["b.txt"])
    assert [e.file for e in ws.latest_extractions()] == ["b.txt"]


def test_cache_survives_a_new_connection(tmp_path):
    ws = Workspace(tmp_path / "w")
    ws.cache_put("k1", "m", "extract-v1", '{"extraction": {}}')
    ws.close()
    raw = sqlite3.connect(tmp_path / "w" / "synth.db")
    assert raw.execute("SELECT COUNT(*) FROM llm_cache").fetchone()[0] == 1
    assert Workspace(tmp_path / "w").cache_get("k1") == '{"extraction": {}}'


def test_reingest_with_another_interviewer_replaces_the_parse_of_unchanged_bytes(tmp_path):
    from synth import pipeline

    src = tmp_path / "calls"
    src.mkdir()
    (src / "call.txt").write_text("Sam: What broke last quarter?\nJo: Two outages and a failed audit.\n"
                                  "Sam: And then?\nJo: We started looking for a tool.\n", encoding="utf-8")
    ws = Workspace(tmp_path / "w")
    first = pipeline.ingest([src], ws)
    assert first.files[0].status == "new"
    again = pipeline.ingest([src], ws)
    assert again.files[0].status == "unchanged"
    before = ws.transcripts()[0].interviewers
    other = next(s for s in ws.transcripts()[0].speakers if s not in before)
    told = pipeline.ingest([src], ws, interviewer=[other])
    assert told.files[0].status == "replaced"
    assert ws.transcripts()[0].interviewers == [other]
    assert pipeline.ingest([src], ws, interviewer=[other]).files[0].status == "unchanged"


def test_a_new_parse_of_the_same_bytes_drops_the_extraction_made_from_the_old_one(tmp_path):
    ws = Workspace(tmp_path / "w")
    a = make_transcript([("Sam", True, "Why now?"), ("Jo", False, "Two outages.")], file_name="a.txt")
    ws.put_transcript(a)
    ws.put_extraction(Extraction(file="a.txt", transcript_hash=a.content_hash, extractor="x"), "k")
    flipped = make_transcript([("Sam", False, "Why now?"), ("Jo", True, "Two outages.")], file_name="a.txt")
    assert flipped.content_hash == a.content_hash
    assert ws.put_transcript(flipped) == "replaced"
    assert ws.latest_extractions() == [] and ws.transcripts()[0].interviewers == ["Jo"]
