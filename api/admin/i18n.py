"""The console's words in English and Swedish. The language is the one asked for with ``?lang=``
(remembered in a cookie), else the browser's first of the two (``Accept-Language``), else English."""

from __future__ import annotations

from typing import Literal

from fastapi import Request

Lang = Literal["en", "sv"]
LANG_COOKIE = "pa_lang"

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "console": "Policy assistant administration", "skip": "Skip to content",
        "documents": "Documents", "sources": "Sources", "feedback": "Feedback", "keys": "API keys",
        "audit": "Audit trail", "status": "Status", "sign_in": "Sign in", "sign_out": "Sign out",
        "key": "API key", "key_help": "An admin key (ASSISTANT_ADMIN_KEYS, or a managed admin key).",
        "signed_in_as": "Signed in as", "language": "Language", "switch_to": "På svenska",
        "bad_key": "That key is not valid.", "not_admin": "That key may read but not administer: sign in with an "
        "admin key.", "admin_disabled": "Administration is off: no admin keys are configured "
        "(set ASSISTANT_ADMIN_KEYS and restart).", "expired": "Your session has ended; sign in again.",
        "search": "Search", "search_documents": "Search title, id or municipality", "filter_status": "Status",
        "all": "All", "title": "Title", "municipality": "Municipality", "type": "Type", "dates": "Dates",
        "adopted": "adopted", "revision": "revision", "valid_until": "valid until", "access": "Access groups",
        "everyone": "everyone", "origin": "Source", "actions": "Actions", "delete": "Delete",
        "reindex": "Re-index", "save": "Save", "upload": "Upload documents", "drop_here": "Drop PDF, DOCX, TXT, MD "
        "or HTML files here, or choose them", "choose_files": "Choose files", "upload_groups": "Access groups "
        "for the uploaded files (comma-separated, empty: everyone)", "uploaded": "indexed", "refused": "refused",
        "skipped_files": "Files the index could not read", "reason": "Reason", "page_n": "Page {n} of {of}",
        "previous": "Previous", "next": "Next", "n_documents": "{n} documents", "none": "None.",
        "current": "current", "due_for_revision": "due for revision", "expired_status": "expired",
        "unknown": "unknown", "upload_origin": "upload", "corpus_origin": "shipped corpus",
        "confirm_delete": "Delete this document from the index?", "deleted": "Deleted {id}.",
        "access_saved": "Access groups of {id} saved.", "reindexed": "{id} re-indexed.",
        "csrf": "The form expired; reload the page and try again.",
        "questions": "Questions", "questions_intro": "Questions staff asked in the last {days} days that ended "
        "without an answer or with a thumbs-down, grouped by similar wording: the policies they point to may be "
        "missing or unclear. Who asked is never kept.", "questions_off": "Questions are not logged "
        "(ASSISTANT_QUESTION_LOG_DAYS is 0).", "export_csv": "Export as CSV", "n_groups": "{n} groups",
        "question": "Question", "times_asked": "Times asked", "outcome": "Outcome", "last_asked": "Last asked",
        "closest_passages": "Closest passages", "abstained_n": "{n} without an answer",
        "thumbs_down_n": "{n} thumbs down",
    },
    "sv": {
        "console": "Administration av policyassistenten", "skip": "Hoppa till innehållet",
        "documents": "Dokument", "sources": "Källor", "feedback": "Återkoppling", "keys": "API-nycklar",
        "audit": "Logg", "status": "Status", "sign_in": "Logga in", "sign_out": "Logga ut",
        "key": "API-nyckel", "key_help": "En administratörsnyckel (ASSISTANT_ADMIN_KEYS eller en skapad "
        "administratörsnyckel).", "signed_in_as": "Inloggad som", "language": "Språk", "switch_to": "In English",
        "bad_key": "Nyckeln är inte giltig.", "not_admin": "Nyckeln får läsa men inte administrera: logga in med "
        "en administratörsnyckel.", "admin_disabled": "Administrationen är avstängd: inga administratörsnycklar "
        "är konfigurerade (ange ASSISTANT_ADMIN_KEYS och starta om).", "expired": "Din session har gått ut; "
        "logga in igen.",
        "search": "Sök", "search_documents": "Sök titel, id eller kommun", "filter_status": "Status",
        "all": "Alla", "title": "Titel", "municipality": "Kommun", "type": "Typ", "dates": "Datum",
        "adopted": "antagen", "revision": "revidering", "valid_until": "gäller till", "access": "Behörighetsgrupper",
        "everyone": "alla", "origin": "Källa", "actions": "Åtgärder", "delete": "Ta bort",
        "reindex": "Indexera om", "save": "Spara", "upload": "Ladda upp dokument", "drop_here": "Släpp PDF-, "
        "DOCX-, TXT-, MD- eller HTML-filer här, eller välj dem", "choose_files": "Välj filer",
        "upload_groups": "Behörighetsgrupper för de uppladdade filerna (kommaseparerade, tomt: alla)",
        "uploaded": "indexerad", "refused": "nekad", "skipped_files": "Filer som indexet inte kunde läsa",
        "reason": "Orsak", "page_n": "Sida {n} av {of}", "previous": "Föregående", "next": "Nästa",
        "n_documents": "{n} dokument", "none": "Inga.", "current": "gällande",
        "due_for_revision": "ska revideras", "expired_status": "utgången", "unknown": "okänd",
        "upload_origin": "uppladdad", "corpus_origin": "levererad korpus",
        "confirm_delete": "Ta bort dokumentet ur indexet?", "deleted": "{id} togs bort.",
        "access_saved": "Behörighetsgrupperna för {id} sparades.", "reindexed": "{id} indexerades om.",
        "csrf": "Formuläret har gått ut; ladda om sidan och försök igen.",
        "questions": "Frågor", "questions_intro": "Frågor som medarbetare ställt de senaste {days} dagarna och "
        "som inte fick något svar eller fick tummen ned, grupperade efter liknande formulering: styrdokumenten de "
        "pekar på kan saknas eller vara otydliga. Vem som frågade sparas aldrig.", "questions_off": "Frågor "
        "loggas inte (ASSISTANT_QUESTION_LOG_DAYS är 0).", "export_csv": "Exportera som CSV",
        "n_groups": "{n} grupper", "question": "Fråga", "times_asked": "Antal gånger", "outcome": "Utfall",
        "last_asked": "Senast ställd", "closest_passages": "Närmaste avsnitt", "abstained_n": "{n} utan svar",
        "thumbs_down_n": "{n} tummen ned",
    },
}


def language_of(request: Request) -> Lang:
    asked = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE)
    if asked in ("en", "sv"):
        return asked  # type: ignore[return-value]
    for part in request.headers.get("accept-language", "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in ("sv", "en"):
            return code  # type: ignore[return-value]
    return "en"


class Words:
    """``words("key", n=3)``: the label in the page's language, formatted."""

    def __init__(self, lang: Lang) -> None:
        self.lang = lang
        self._labels = LABELS[lang]

    def __call__(self, key: str, **values: object) -> str:
        text = self._labels.get(key) or LABELS["en"].get(key) or key
        return text.format(**values) if values else text
