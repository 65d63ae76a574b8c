"""What the words of a label mean: the role labels of each side (`I:`, `Q:`, `Interviewer:`, `Entrevistado:`),
and the words that start `Word:` lines but never name a person (fields of notes, numbered prompts, dates).
labels.py matches the labels; these are the lists it and the layout checks go by."""
from __future__ import annotations

import re
from typing import Optional

# Role labels: which side of the interview a label names.
INTERVIEWER_LABELS = {"i", "q", "m", "int", "interviewer", "moderator", "question", "researcher",
                      "facilitator", "me", "host"}
RESPONDENT_LABELS = {"r", "a", "p", "resp", "respondent", "interviewee", "participant", "answer",
                     "customer", "guest"}
# the same roles as researchers label them in Portuguese, Spanish, French, German, Italian, Dutch
INTERVIEWER_LABELS |= {
    "entrevistador", "entrevistadora", "pesquisador", "pesquisadora", "investigador", "investigadora",
    "moderador", "moderadora", "facilitador", "facilitadora", "pergunta", "pregunta", "intervieweur",
    "intervieweuse", "enquêteur", "enquêtrice", "animateur", "animatrice", "modérateur", "modératrice",
    "chercheur", "chercheuse", "frage", "interviewerin", "moderatorin", "forscher", "forscherin",
    "intervistatore", "intervistatrice", "domanda", "interviewster", "onderzoeker", "vraag"}
RESPONDENT_LABELS |= {
    "entrevistado", "entrevistada", "participante", "respondente", "resposta", "respuesta", "usuário",
    "usuária", "usuario", "usuaria", "cliente", "interviewé", "interviewée", "enquêté", "enquêtée",
    "répondant", "répondante", "réponse", "befragter", "befragte", "teilnehmer", "teilnehmerin", "antwort",
    "intervistato", "intervistata", "partecipante", "risposta", "deelnemer", "geïnterviewde", "antwoord"}
ROLE_LABELS = INTERVIEWER_LABELS | RESPONDENT_LABELS

# Capitalized words that start "Word: ..." lines in notes but are not speakers.
NOT_SPEAKERS = {
    "note", "notes", "nb", "n.b.", "ps", "p.s.", "context", "background", "summary", "agenda", "date",
    "time", "location", "attendees", "participants", "speakers", "subject", "topic", "title",
    "company", "account", "re", "fwd", "fw", "cc", "bcc", "to", "from", "sent", "tl;dr", "tldr",
    "update", "edit", "example", "e.g.", "i.e.", "warning", "important", "tip", "todo", "to do",
    "follow-up", "follow up", "next steps", "next step", "action items", "action item",
    "takeaways", "takeaway", "key takeaways", "key points", "quote", "source", "link", "url",
    "email", "phone", "website", "duration", "recording", "transcript", "meeting", "call",
    "interview", "outcome", "result", "results", "status", "stage", "role", "industry",
    "employees", "size", "pricing", "price", "cost", "budget", "goal", "goals", "problem",
    "pain", "pains", "solution", "step", "stack", "tech stack", "tools", "competitor",
    "competitors", "decision", "verdict", "observation", "observations", "insight", "insights",
    "highlight", "highlights", "action", "reason", "also", "but", "and", "so", "well", "yes",
    "no", "ok", "okay", "however", "then", "now", "here", "there", "this", "that", "fyi",
    "aside", "caveat", "disclaimer", "definition", "tags", "category", "keywords", "answer key",
    "http", "https", "ftp", "mailto", "file", "www", "q&a", "faq", "bonus", "hint", "update 2",
    # field labels of interview notes and templates (`Who:`, `Surprise:`, `Past:`): never people
    "who", "what", "when", "where", "why", "how", "which", "surprise", "surprises", "surprising", "past",
    "present", "future", "quotes", "key quote", "key quotes", "pain point", "pain points", "needs", "need",
    "wants", "jobs", "job", "job title", "persona", "profile", "feedback", "questions", "response",
    "comments", "comment", "learning", "learnings", "learned", "hypothesis", "hypotheses", "assumption",
    "assumptions", "finding", "findings", "overview", "details", "description", "purpose", "objective",
    "objectives", "method", "methodology", "scenario", "task", "tasks", "current", "current state",
    "workaround", "workarounds", "motivation", "motivations", "frustration", "frustrations", "behaviors",
    "behaviours", "other", "misc", "interesting", "validated", "invalidated", "next", "recommendation",
    "recommendations", "priority", "severity", "impact", "age", "gender", "occupation", "name",
    "organization", "organisation", "org", "team", "device", "browser", "platform", "os", "version",
    "start", "end", "environment", "setup", "tools used", "current tools", "demographics", "experience",
    "conclusion", "conclusions", "recap", "quick recap", "main points", "key findings", "open questions",
    "likes", "dislikes", "positives", "negatives", "pros", "cons", "strengths", "weaknesses", "risks",
    "opportunities", "ideas", "idea", "suggestion", "suggestions", "concerns", "concern", "thoughts",
    "reflection", "reflections", "takeaways", "observed", "expected", "actual", "goal", "dates", "day",
    "week", "month", "year", "today", "yesterday", "tomorrow", "location", "venue", "format", "mode",
    "attendee", "note taker", "notetaker", "scribe", "transcription", "audio", "video", "source",
    "room", "day & time", "day and time", "session", "session facilitator", "session facilitators",
    "session facilitator(s)", "facilitators", "presenter(s)", "track", "level", "tags", "speakers", "slides",
    "slide", "slide deck", "deck", "paper", "papers", "video link", "transcript by", "media",
    # the same fields in the languages interview notes are written in
    "obs", "observação", "observações", "observacao", "observación", "observaciones", "nota", "notas",
    "remarque", "anmerkung", "notiz", "resumo", "resumen", "résumé", "zusammenfassung", "contexto", "contexte",
    "kontext", "data", "fecha", "datum", "local", "lugar", "lieu", "ort", "duração", "duración", "durée",
    "dauer", "participantes", "teilnehmende", "assunto", "asunto", "sujet", "objetivo", "objectif", "ziel",
    "perfil", "profil", "cargo", "empresa", "entreprise", "unternehmen", "setor", "sector", "secteur",
    "branche", "idade", "edad", "âge", "alter", "gênero", "género", "genre", "geschlecht", "profissão",
    "profesión", "beruf", "ocupação", "ocupación", "dor", "dores", "dolor", "problema", "problemas",
    "problème", "solução", "solución", "lösung", "aprendizado", "aprendizados", "aprendizaje", "citação",
    "citações", "cita", "citas", "citation", "zitat", "próximos passos", "próximos pasos",
    "prochaines étapes", "nächste schritte", "conclusão", "conclusión", "fazit", "hipótese", "hipótesis",
    "hypothèse", "comentário", "comentários", "comentario", "commentaire", "kommentar", "ferramentas",
    "herramientas", "outils", "werkzeuge", "tarefa", "tarea", "tâche", "aufgabe", "cenário", "escenario",
    "tópico", "topico", "tema", "thema", "entrevista", "entretien", "reunião", "reunión", "réunion",
}
NUMBERED_FIELDS = {
    "step", "part", "section", "phase", "task", "day", "week", "month", "round", "chapter", "slide", "page",
    "figure", "fig", "table", "item", "point", "option", "version", "level", "stage", "module", "lesson",
    "exercise", "scenario", "test", "hypothesis", "goal", "theme", "finding", "insight", "idea", "note",
    "sprint", "release", "issue", "bug", "story", "epic", "appendix", "example", "screen", "prototype",
    "concept", "image", "video", "clip", "track", "episode", "question", "session", "year", "quarter", "top",
}
# The numbered prompts of an interview guide or a test script (`Question 3:`, `Pergunta 3:`, `Frage 2:`,
# `Tâche 1:`), in the languages researchers write guides in: the question asked, never a person.
PROMPT_WORDS = {
    "question", "questions", "pergunta", "questão", "questao", "pregunta", "cuestión", "frage", "domanda",
    "vraag", "fråga", "spørgsmål", "spørsmål", "kysymys", "pytanie", "otázka", "întrebare", "soru", "vopros",
    "task", "tarefa", "tarea", "tâche", "tache", "aufgabe", "compito", "attività", "taak", "uppgift", "opgave",
    "oppgave", "zadanie", "úkol", "tehtävä", "görev", "exercise", "exercício", "exercicio", "ejercicio",
    "exercice", "übung", "esercizio", "oefening", "step", "passo", "paso", "étape", "etape", "etapa",
    "schritt", "stap", "prompt", "tópico", "topico", "tema", "thema", "bloco", "bloque", "bloc", "scenario",
    "cenário", "cenario", "escenario", "scénario", "szenario", "missão", "mission", "desafio", "desafío",
    "item", "ítem", "punto", "ponto", "point",
}
# ... and the numbered answers written under them (`Resposta 3:`): the interviewee's, by nobody named
ANSWER_WORDS = {"answer", "answers", "resposta", "respostas", "respuesta", "réponse", "reponse", "antwort",
                "risposta", "antwoord", "svar", "vastaus", "odpowiedź", "cevap", "response", "reply"}
NUMBERED_FIELDS |= PROMPT_WORDS | ANSWER_WORDS | {
    "interview", "entrevista", "entretien", "call", "meeting", "reunião", "reunión", "réunion", "sitzung",
    "sessão", "sesión", "séance", "case", "caso", "group", "grupo", "groupe", "room", "sala", "persona",
    "use case", "user story", "test case", "requirement", "feature", "wave", "cohort", "iteration", "draft",
    "run", "trial", "attempt", "visit", "site", "location", "transcript", "recording", "audio", "part",
    "parte", "teil", "capítulo", "chapitre", "kapitel", "seção", "sección", "abschnitt", "dia", "día", "jour",
    "tag", "semana", "semaine", "woche", "fase", "phase", "etapa", "rodada", "ronda",
}
# dates are never speakers: `March 3:`, `Sept 14:` (a month with a number), `Monday:` in a diary of sessions
MONTHS = {"january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
          "dec"}
WEEKDAYS = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
NUMBERED_FIELDS |= MONTHS
NOT_SPEAKERS |= WEEKDAYS
_ASKING = re.compile(r"^questioner[ _-]?\d{0,3}$", re.I)
_INTERVIEWER_NUMBERED = re.compile(
    r"^(?:interviewer|moderator|facilitator|researcher|host|int|mod|i|m|q)[ _-]?\d{0,3}$", re.I)
_RESPONDENT_NUMBERED = re.compile(
    r"^(?:participant|respondent|interviewee|customer|guest|user|p|r|a|resp)[ _-]?\d{0,3}$", re.I)


def role_of(name: str) -> Optional[str]:
    """'interviewer' / 'respondent' for role labels (I, R, Q, A, M, P, Interviewer, ...)."""
    key = name.strip().lower().rstrip(".")
    if key in INTERVIEWER_LABELS or _INTERVIEWER_NUMBERED.match(key) or _ASKING.match(key):
        return "interviewer"
    if key in RESPONDENT_LABELS or _RESPONDENT_NUMBERED.match(key):
        return "respondent"
    return None
