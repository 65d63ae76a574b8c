"""Layouts of issue 20 read as the dialogue they are: numbered prompts are questions, not speakers;
bracketed names are speakers; an Otter export with time-prefixed headers is Otter; bold questions
with the answer on their line; numbered question lines with bullet answers; HTML formatting tags
out of turn text, every kept piece still mapped back to the source.

Hand-made files in the exporters' shapes; the same layouts on real corpus files are in
tests/test_real_layouts.py where the corpus has one."""
from __future__ import annotations

import re

from synth.ingest import load_transcript
from synth.ingest.labels import match_prompt, match_tag, numbered_family, valid_name
from synth.ingest.markup import strip_markup


def _load(tmp_path, name, body):
    f = tmp_path / name
    f.write_text(body, encoding="utf-8")
    return load_transcript(f), body


def _mapped(t, body):
    """Every turn's text sits verbatim at its mapped offsets in the source."""
    for u in t.turns:
        for m in re.finditer(r"\S+", u.text):
            off = u.source_offset(m.start())
            assert off is not None and body[off:off + len(m.group())] == m.group(), (u.text, m.group())


def test_numbered_prompts_in_any_language_are_questions_not_speakers(tmp_path):
    for word in ("Pergunta", "Question", "Frage", "Tâche", "Pregunta", "Task"):
        body = (f"{word} 1: Como você organiza as tarefas?\nUso uma planilha e esqueço.\n\n"
                f"**{word} 2:** Quanto tempo isso leva?\n\nUmas três horas por semana.\n\n"
                f"{word} 3 - Já tentou outra ferramenta?\n\nSim, o Trello, mas ninguém usava.\n")
        t, _ = _load(tmp_path, "p.md", body)
        assert t.speakers == ["Unknown"], (word, t.speakers)
        assert [u.is_interviewer for u in t.turns] == [True, False] * 3, word
        assert t.turns[0].text == "Como você organiza as tarefas?"  # the prompt word is not speech
        assert t.turns[1].text == "Uso uma planilha e esqueço."
        _mapped(t, body)


def test_a_numbered_sequence_of_an_unknown_word_is_a_guide_not_people():
    assert numbered_family(["Tema 1", "Tema 2", "Tema 3", "Speaker 1", "Speaker 2", "Speaker 1"]) == {
        "Tema 1", "Tema 2", "Tema 3"}
    assert numbered_family(["Speaker 1", "Speaker 2", "Speaker 3"]) == set()  # person words stay people
    assert numbered_family(["Bloc 2", "Bloc 1", "Bloc 3"]) == set()  # not in order: could be people
    assert match_prompt("Pergunta 12: O que mudou?").name == "Pergunta 12"
    assert match_prompt("Speaker 1: hello") is None and not valid_name("Pergunta 3")
    assert valid_name("Speaker 1") and valid_name("Audience 2")


def test_prompts_with_labelled_answers(tmp_path):
    t, _ = _load(tmp_path, "q.txt", "Question 1: How do you deploy?\nAna: By hand.\n\n"
                                    "Question 2: Why?\nAna: Nobody owns it.\n")
    assert t.speakers == ["Unknown", "Ana"] and t.interviewee == "Ana"
    assert [u.is_interviewer for u in t.turns] == [True, False, True, False]


def test_bracketed_names_are_speakers_stage_directions_are_not(tmp_path):
    body = ("[Nick] So how do you deploy today?\n\n[Ana] By hand, every Friday, and it breaks.\n\n"
            "[Nick] Why Friday?\n\n[Ana] Because that's when ops is free. [laughter]\n\n"
            "[Laughter]\n\n[Nick] [00:12] Got it.\n\n[Ana]\nAnd nobody owns it.\n")
    t, _ = _load(tmp_path, "b.md", body)
    assert t.speakers == ["Nick", "Ana"] and t.interviewers == ["Nick"]
    assert t.turns[-1].text == "And nobody owns it." and t.turns[-2].start == 12.0
    assert match_tag("[Inaudible] something") is None
    assert match_tag("[the docs](https://x.y) say") is None and match_tag("[Docs]: https://x.y") is None
    _mapped(t, body)


def test_otter_export_with_time_prefixed_headers(tmp_path):
    body = ("0:00 Emma  0:00\nWelcome to the show, how do you deploy?\n\n0:00 Ana  0:12\n"
            "By hand every Friday.\n\n0:00 Unknown Speaker 0:20\nWhy?\n\nTranscribed by https://otter.ai\n")
    t, _ = _load(tmp_path, "o.txt", body)
    assert t.format == "otter" and t.speakers == ["Emma", "Ana", "Unknown Speaker"]
    assert [u.start for u in t.turns] == [0.0, 12.0, 20.0] and "otter.ai" not in t.text


def test_bold_questions_with_the_answer_on_the_same_line(tmp_path):
    body = ("<strong>How do you deploy today?</strong><br />  By hand, every Friday, and it breaks.\n\n"
            "<p><strong>What did you try?</strong><br/>Jenkins, but nobody maintained it.</p>\n\n"
            "**Who decides?** My boss, mostly.\n\n<strong>And then?</strong><br />\nWe gave up.\n")
    t, _ = _load(tmp_path, "s.md", body)
    assert t.layout == "md_qa"
    assert [u.text for u in t.turns] == [
        "How do you deploy today?", "By hand, every Friday, and it breaks.", "What did you try?",
        "Jenkins, but nobody maintained it.", "Who decides?", "My boss, mostly.", "And then?", "We gave up."]
    assert [u.is_interviewer for u in t.turns] == [True, False] * 4
    _mapped(t, body)


def test_numbered_question_lines_with_bullet_answers(tmp_path):
    body = ("# Interview\n\n1. How do you deploy today?\n   - By hand\n   - every Friday\n"
            "2. What did you try?\n   - Jenkins\n3. Who decides?\n   - My boss\n4. Why?\n- Budget\n")
    t, _ = _load(tmp_path, "n.md", body)
    assert t.kind == "dialogue" and t.layout == "qa_bullets"
    assert [u.text for u in t.turns] == ["How do you deploy today?", "By hand every Friday", "What did you try?",
                                         "Jenkins", "Who decides?", "My boss", "Why?", "Budget"]
    assert [u.is_interviewer for u in t.turns] == [True, False] * 4


def test_html_formatting_tags_are_markup_other_html_is_speech():
    assert strip_markup("<strong>Why?</strong><br />Because<br>it <em>broke</em>") == "Why? Because it broke"
    assert strip_markup("a <script>x</script> b") == "a <script>x</script> b"


def test_several_bold_questions_and_answers_on_one_html_line(tmp_path):
    body = ("<p><strong>Where are you based?</strong><br />Lisbon.<br /><br /><strong>Your team</strong><br />"
            "Four people, **all** remote.<br /><strong>Why now?</strong> The audit.</p>\n\n"
            "**Note** that this line is emphasis, not a question.\n")
    t, _ = _load(tmp_path, "one.md", body)
    assert [(u.is_interviewer, u.text) for u in t.turns] == [
        (True, "Where are you based?"), (False, "Lisbon."), (True, "Your team"), (False, "Four people, all remote."),
        (True, "Why now?"), (False, "The audit.\nNote that this line is emphasis, not a question.")]
    _mapped(t, body)


def test_markup_and_html_inside_a_speaker_label(tmp_path):
    body = ("**Sam** (Researcher): What broke last quarter?\n\n<b>Jane</b> <i>(Head of Ops)</i>: Two outages.\n\n"
            "*Sam*: How long?\n\n**<b>Jane</b>:** Over an hour each.\n")
    t, _ = _load(tmp_path, "m.md", body)
    assert t.speakers == ["Sam", "Jane"] and t.interviewers == ["Sam"]
    assert t.meta.speaker_titles == {"Sam": "Researcher", "Jane": "Head of Ops"}
    assert [u.text for u in t.turns] == ["What broke last quarter?", "Two outages.", "How long?", "Over an hour each."]
    _mapped(t, body)


def test_role_and_field_labels_in_other_languages(tmp_path):
    t, _ = _load(tmp_path, "pt.txt", "Entrevistador: Como você faz hoje?\nEntrevistado: Uso uma planilha.\n"
                                     "Obs: ele riu.\nEntrevistador: E quanto tempo leva?\nEntrevistado: Horas.\n")
    assert t.speakers == ["Entrevistador", "Entrevistado"] and t.interviewers == ["Entrevistador"]
    assert not valid_name("Interview 3") and not valid_name("Nota") and valid_name("Participante 2")


def test_otter_export_header_and_footer_are_not_speech(tmp_path):
    body = ("Customer call 3\nThu, 6/10 2:04PM • 58:20\n\nSUMMARY KEYWORDS\ndeploy, jenkins, friday\n\n"
            "SPEAKERS\nEmma, Ana\n\nEmma  0:00\nHow do you deploy?\n\nAna  0:05\nBy hand every Friday.\n\n"
            "Transcribed by Otter.ai\n")
    t, _ = _load(tmp_path, "o.txt", body)
    assert t.format == "otter" and t.speakers == ["Emma", "Ana"]
    assert [u.text for u in t.turns] == ["How do you deploy?", "By hand every Friday."]


def test_whisper_cue_lines_saved_as_txt_real_file():
    """Real dev file (evals/real/dev/50, Hit Save!, CC BY-SA 4.0): `[00:43.810 --> 00:47.850]  text`."""
    from pathlib import Path

    import yaml

    from evals.real.measure import measure_file

    name = "50_hitsave_Goodboy Galaxy - Rik Nicol.txt"
    real = Path(__file__).resolve().parents[1] / "evals" / "real"
    t = load_transcript(real / "dev" / name)
    assert t.format == "cues" and t.layout == "cues-in-txt" and t.kind == "dialogue"
    assert t.turns[0].start == 43.81 and t.turns[0].text.startswith("Hello everyone and welcome")
    assert len(t.turns) > 40 and not any("-->" in u.text or "[" in u.text[:1] for u in t.turns)
    lines = (real / "dev" / name).read_text(encoding="utf-8").split("\n")
    for u in t.turns:
        assert lines[u.source_line - 1].split("]", 1)[1].split()[0] == u.text.split()[0]
    ann = yaml.safe_load((real / "annotations" / f"{name}.yaml").read_text(encoding="utf-8"))
    r = measure_file(t, ann, "dev")
    assert r.dialogue_ok and r.invented == []


def test_cue_lines_with_speaker_tags_under_md(tmp_path):
    body = ("[00:00.000 --> 00:02.000] [speaker_0] How do you deploy?\n"
            "[00:02.500 --> 00:05.000] [speaker_1] By hand, every Friday.\n"
            "[00:05.100 --> 00:06.000] [speaker_1] It breaks.\n")
    t, _ = _load(tmp_path, "w.md", body)
    assert t.layout == "cues-in-md" and t.speakers == ["speaker_0", "speaker_1"]
    assert [u.text for u in t.turns] == ["How do you deploy?", "By hand, every Friday. It breaks."]


def test_numbered_answers_are_the_interviewees_and_placeholders_are_not_speakers(tmp_path):
    t, _ = _load(tmp_path, "a.txt", "Pergunta 1: Como você faz hoje?\nResposta 1: Uso uma planilha.\n\n"
                                    "Pergunta 2: E quanto tempo leva?\nResposta 2: Horas.\n")
    assert t.speakers == ["Unknown"] and [u.is_interviewer for u in t.turns] == [True, False, True, False]
    assert t.turns[1].text == "Uso uma planilha."
    t, _ = _load(tmp_path, "b.md", "[Sam] How do you pick a vendor?\n\n[Ana] We ask around.\n\n"
                                   "[Product] is what we use now, it's fine.\n\n[Sam] Why?\n\n[Ana] Price.\n\n"
                                   "[speaker_2] One thing from me.\n")
    assert t.speakers == ["Sam", "Ana", "speaker_2"]
    assert "[Product] is what we use now" in t.turns[1].text


def test_lower_case_nicknames_used_as_labels_are_speakers(tmp_path):
    t, _ = _load(tmp_path, "irc.txt", "RV: Who is here?\npgp: I am here.\nRV: Great, tell us about it.\n"
                                      "pgp: Blocks are full.\nRV: And fees?\npgp: High.\nnote: recorded live\n")
    assert t.speakers == ["RV", "pgp"] and [u.speaker for u in t.turns][-1] == "pgp"


def test_ai_summary_above_a_transcript_with_no_transcript_heading_is_not_speech(tmp_path):
    body = ("Meeting summary for Acme discovery call (12/01/2025)\n\nQuick recap\n"
            "Sam and Ana discussed how Acme tracks renewals.\n\nNext steps\n- Sam to send pricing.\n\n"
            "Sam Lee: How do you track renewals today?\nAna Ruiz: In a spreadsheet, and we miss two a quarter.\n")
    t, _ = _load(tmp_path, "zoom.md", body)
    assert t.kind == "summary_and_dialogue" and t.speakers == ["Sam Lee", "Ana Ruiz"]
    assert "pricing" not in t.text and t.interviewers == ["Sam Lee"]
    t, _ = _load(tmp_path, "intro.md", "Welcome, everyone.\n\nSam Lee: How do you track renewals?\nAna Ruiz: Badly.\n")
    assert t.kind == "dialogue" and t.turns[0].text == "Welcome, everyone."  # no summary: text kept


def test_measure_places_a_turn_that_starts_mid_line(tmp_path):
    """evals.real: an annotated turn with a `col` is matched to the parsed turn running at that column."""
    from evals.real.measure import measure_file

    body = "<strong>How do you deploy?</strong><br />  By hand.\n\n<strong>Why?</strong><br /> Budget.\n"
    t, _ = _load(tmp_path, "c.md", body)
    col = body.index("By hand")
    ann = {"kind": "dialogue", "speakers": {}, "turns": [
        {"line": 1, "role": "interviewer"}, {"line": 1, "col": col, "role": "interviewee"},
        {"line": 3, "role": "interviewer"}, {"line": 3, "col": len("<strong>Why?</strong><br /> "), "role": "interviewee"}]}
    starts = [0, body.index("\n") + 1, body.index("<strong>Why")]
    r = measure_file(t, ann, "dev", line_starts=starts)
    assert (r.turns_right, r.turns_total) == (4, 4)


def test_measure_keys_a_bracketed_label_by_its_words(tmp_path):
    """An annotation may key a `[Nick]` tag with its brackets: the same label as the parsed `Nick`."""
    from evals.real.measure import measure_file

    t, _ = _load(tmp_path, "k.md", "[Nick] How do you deploy?\n\n[Ana] By hand.\n\n[Nick] Why?\n\n[Ana] Budget.\n")
    r = measure_file(t, {"kind": "dialogue", "speakers": {"[Nick]": "interviewer", "[Ana]": "interviewee"}}, "dev")
    assert r.invented == [] and (r.labels_right, r.labels_total) == (2, 2)


OTTER_TIMELESS = ("Jane Doe\nHow do you plan the week?\n\nBob Lee\nI use a sheet, and I hate it.\n\n"
                  "Jane Doe\nWhy?\n\nBob Lee\nIt breaks every Monday.\n\nTranscribed by https://otter.ai\n")


def test_an_otter_export_without_times_is_otter_under_any_extension(tmp_path):
    # names alone on their lines and Otter's footer: read as otter, so the footer is nobody's words
    for name in ("o.md", "o.txt", "o.markdown"):
        t, body = _load(tmp_path, name, OTTER_TIMELESS)
        assert t.format == "otter", name
        assert [u.speaker for u in t.turns] == ["Jane Doe", "Bob Lee"] * 2, name
        assert t.turns[-1].text == "It breaks every Monday."
        assert "otter.ai" not in t.text
        _mapped(t, body)


def test_names_alone_on_lines_without_otters_footer_stay_name_lines(tmp_path):
    t, _ = _load(tmp_path, "n.md", OTTER_TIMELESS.replace("Transcribed by https://otter.ai\n", ""))
    assert t.format == "md" and t.layout == "name_lines"


def test_otter_header_lines_with_a_no_break_space_are_otter(tmp_path):
    body = ("Jane Doe\u00a0 0:03\nHow do you plan the week?\n\nBob Lee\u00a00:10\nI use a sheet.\n\n"
            "Jane Doe\u00a0 1:02:20\nWhy?\n")
    t, _ = _load(tmp_path, "o.txt", body)
    assert t.format == "otter"
    assert [(u.speaker, u.start) for u in t.turns] == [("Jane Doe", 3.0), ("Bob Lee", 10.0), ("Jane Doe", 3740.0)]


def test_labelled_questions_with_unlabelled_answers_below(tmp_path):
    # '**Q:** ...?' then the answer as a plain paragraph (the 'A:' label written only once): the paragraph
    # after a question is the answer; a question running over two paragraphs stays one question
    body = ("**Q:** How do you plan the week?\n\n**A:** I open the sheet.\n\nThen I call the leads. Why? "
            "Nobody reads e-mail.\n\n**Q:** Let me ask about breakage.\n\nWhat breaks most?\n\n"
            "The formulas, mostly.\n\nAnd the links.\n\n**Q:** Anything else?\n\nNo, that is all.\n")
    t, body = _load(tmp_path, "q.md", body)
    sides = [(u.is_interviewer, u.text) for u in t.turns]
    assert sides == [(True, "How do you plan the week?"),
                     (False, "I open the sheet.\nThen I call the leads. Why? Nobody reads e-mail."),
                     (True, "Let me ask about breakage.\nWhat breaks most?"),
                     (False, "The formulas, mostly.\nAnd the links."),
                     (True, "Anything else?"), (False, "No, that is all.")]
    _mapped(t, body)


def test_links_and_entities_inside_a_speaker_label_are_stripped(tmp_path):
    # `**[Jane Doe](https://...)**:` (the link target has colons of its own) and `<b>Jane</b>&nbsp;(Head
    # of Ops):` pasted from a web page: the label is the name, the words after the colon the turn
    for label in ("**[Jane Doe](https://example.org/jane)**", "<b>Jane Doe</b>&nbsp;(Head of Ops)"):
        body = f"{label}: We plan weekly.\n\n**Sam**: How?\n\n{label}: With a sheet.\n"
        t, body = _load(tmp_path, "l.md", body)
        assert [(u.speaker, u.text) for u in t.turns] == [
            ("Jane Doe", "We plan weekly."), ("Sam", "How?"), ("Jane Doe", "With a sheet.")], label
        _mapped(t, body)


def test_names_as_headings_above_their_paragraphs_are_name_lines(tmp_path):
    body = ("### Jane:\nWe plan weekly.\n\n### Sam:\nHow?\n\n### Jane:\nWith a sheet.\n\n### Sam:\nWhy a sheet?\n\n"
            "### Jane:\nIt was there first.\n")
    t, body = _load(tmp_path, "h.md", body)
    assert t.layout == "name_lines"
    assert [u.speaker for u in t.turns] == ["Jane", "Sam"] * 2 + ["Jane"]
    assert not any("#" in u.text for u in t.turns)
    _mapped(t, body)


NOTES_QUOTING = ("# Interview 3\n\n## Background\n\n- runs a warehouse team of 12\n\n## Planning\n\n"
                 "- weekly plan in a spreadsheet\n- leads call in on Mondays\n\n"
                 "Dana: it takes me a whole morning every week\n\n## Tools\n\n- prints the sheet for the floor\n\n"
                 "Marco: the export is the slow part\n\n## Pains\n\n- the formulas break\n\n"
                 "Dana: I hate that thing\n\n- finance asks for the numbers twice\n\nMarco: we lose a day on it\n\n"
                 "## Quotes\n\nDana: nobody trusts the numbers\n\n## Next steps\n\n- send the prototype\n")


def test_a_write_up_quoting_people_among_bullets_is_notes(tmp_path):
    # 'Dana: ...' and 'Marco: ...' lines quote people inside the note-taker's outline: not a dialogue
    t, _ = _load(tmp_path, "i3.md", NOTES_QUOTING)
    assert t.kind == "notes" and all(u.notes for u in t.turns)
    assert not {"Dana", "Marco"} & set(t.speakers)


def test_a_dialogue_written_as_an_outline_stays_a_dialogue(tmp_path):
    # labelled questions with the answers as bullets under headings: a dialogue, though shaped as notes
    body = ("## Planning\n\nQ: How do you plan the week?\n\n- a spreadsheet\n- calls on Mondays\n- a whiteboard\n\n"
            "## Pains\n\nQ: What breaks?\n\n- the formulas\n- nobody updates it\n- printing\n\n"
            "Q: Anything else?\n\n- finance asks twice\n- the export is slow\n")
    t, _ = _load(tmp_path, "d.md", body)
    assert t.kind == "dialogue" and any(u.is_interviewer for u in t.turns) and not all(u.notes for u in t.turns)
    t, _ = _load(tmp_path, "n.md", body.replace("Q:", "Sam:"))  # a named interviewer asking: the same
    assert t.kind == "dialogue" and "Sam" in t.speakers
