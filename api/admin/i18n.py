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
        "assistant_name": "Policy assistant",
        "no_index_yet": "No index has been built yet: build it on the Status page (Rebuild index), or wait for the "
        "first build to finish.",
        "staff_key_help": "Your API key, from your administrator. This browser keeps it for at most 8 hours.",
        # Sources, Feedback, API keys, Audit trail and Status (api/admin/manage.py, sources_pages.py)
        "name": "Name", "kind": "Kind", "kind_folder": "folder", "kind_website": "website",
        "location": "Folder or address", "schedule": "Schedule", "manual": "by hand only", "next_run": "next run",
        "last_run": "Last run", "never_synced": "Never synced.", "no_sources": "No sources yet.",
        "add_source": "Add a source", "add": "Add", "sync_now": "Sync now", "remove": "Remove",
        "source_name_help": "Lowercase letters a–z, digits and hyphens, at most 40; its documents' ids start "
        "with it.", "location_help": "A folder path on the server, or the http(s):// address of a page or sitemap.",
        "source_groups_help": "Comma-separated; empty: every reader.", "every": "Sync interval",
        "every_help": "30m, 6h or 1d, at least 5m; empty: only when synced by hand.", "include": "Include patterns",
        "include_help": "Glob patterns of the paths to take, one per line or comma-separated; empty: all.",
        "exclude": "Exclude patterns", "exclude_help": "Glob patterns of the paths to skip, one per line or "
        "comma-separated.", "created": "Created", "runs": "Latest runs", "no_runs": "No runs yet.",
        "confirm_remove_source": "Remove this source and all its documents from the index?",
        "run_ok": "completed", "run_partial": "partly completed", "run_failed": "failed",
        "run_counts": "{added} added, {changed} changed, {renamed} renamed, {removed} removed, {unchanged} "
        "unchanged, {failed} failed", "run_documents": "Documents changed by this run",
        "run_added": "Added", "run_changed": "Changed", "run_renamed": "Renamed", "run_removed": "Removed",
        "failed_items": "Items that could not be taken in", "item": "Item", "detail": "Detail",
        "fail_unreadable": "unreadable", "fail_too_large": "too large", "fail_timed_out": "timed out",
        "fail_refused": "refused by the server", "fail_unreachable": "unreachable",
        "fail_changing": "changed while being read", "all_sources": "All sources",
        "add_refused": "The source was not added:", "sync_refused": "The source was not synced:",
        "remove_refused": "The source was not removed:", "not_found": "Not found:",
        "source_added": "Source {id} added; sync it to take in its documents.",
        "source_removed": "Source {id} and its documents removed.",
        "when": "When", "rating": "Rating", "rating_up": "helpful", "rating_down": "not helpful",
        "comment": "Comment", "answer_excerpt": "Answer (excerpt)", "given_by": "Given by",
        "anonymous": "anonymous", "no_feedback": "No feedback yet.", "page_plain": "Page {n}", "pages": "Pages",
        "role": "Role", "role_reader": "reader", "role_admin": "administrator", "groups": "Access groups",
        "key_id": "Id", "no_keys": "No managed keys yet.", "keys_help": "Keys set in ASSISTANT_ADMIN_KEYS and "
        "ASSISTANT_READER_KEYS are not listed here.", "create_key": "Create a key", "create": "Create key",
        "key_name_help": "Who or what the key is for; shown in the audit trail.",
        "key_groups_help": "The restricted documents the key may read (comma-separated; empty: only "
        "unrestricted ones).", "revoke": "Revoke",
        "confirm_revoke": "Revoke this key? Everything using it is refused at once.",
        "key_refused": "The key was not created:", "revoke_refused": "The key was not revoked:",
        "no_such_key": "There is no key with id {id}.", "key_revoked": "Key {id} revoked.",
        "new_key": "New key for {name}", "copy_now": "Copy the key now: it will not be shown again. The service "
        "keeps only a hash of it.", "secret": "The key", "copy": "Copy", "copied": "Copied.",
        "copy_failed": "Select the key and copy it.",
        "key_name": "Key", "action": "Action", "target": "Target", "request_id": "Request id",
        "no_entries": "No entries yet.",
        "serving_index": "Serving index", "no_index": "No index is being served:", "version": "Version",
        "chunks": "Passages", "model": "Embedding model", "built_at": "Built", "build": "Index build",
        "build_running": "A build is running: {done} of {total} texts embedded.",
        "build_rate": "{rate} texts a second, about {eta} left; running for {elapsed}.",
        "build_progress": "Build progress", "no_build": "No build is running.", "refresh": "Refresh",
        "backend": "Storage", "backend_files": "files at {dir}", "backend_postgres": "PostgreSQL",
        "replicas": "Replicas", "replicas_intro": "The servers answering from this database in the last five "
        "minutes, and the index version each serves (each reports every ten seconds while it serves).",
        "host": "Host", "process": "Process", "serves": "Serves", "last_seen": "Last report",
        "up_to_date": "current", "behind": "behind", "no_replicas": "No server has reported yet.",
        "rebuild": "Rebuild index", "rebuild_help": "Builds a new index version from every document and switches "
        "to it; questions are answered from the current one meanwhile. It can take several minutes.",
        "rebuild_refused": "The index was not rebuilt:",
        "questions": "Questions", "questions_intro": "Questions staff asked in the last {days} days that ended "
        "without an answer or with a thumbs-down, grouped by similar wording: the policies they point to may be "
        "missing or unclear. Who asked is never kept.", "questions_off": "Questions are not logged "
        "(ASSISTANT_QUESTION_LOG_DAYS is 0).", "export_csv": "Export as CSV", "n_groups": "{n} groups",
        "question": "Question", "times_asked": "Times asked", "outcome": "Outcome", "last_asked": "Last asked",
        "closest_passages": "Closest passages", "abstained_n": "{n} without an answer",
        "thumbs_down_n": "{n} thumbs down",
        # Background jobs and quality figures (api/admin/status_page.py)
        "env_key_admin": "environment admin key", "env_key_reader": "environment reader key",
        "jobs": "Background jobs", "jobs_intro": "Rebuilds, syncs and quality measurements started in this console "
        "run in the background, one at a time. The latest ones this server ran are listed.",
        "job_rebuild": "Rebuild of the index", "job_sync": "Sync of {target}", "job_evaluate": "Quality measurement",
        "outcome_running": "running", "outcome_done": "finished", "outcome_failed": "failed",
        "job_started": "Started. It runs in the background; this page follows it.",
        "job_show_result": "Show the result", "job_progress": "{done} of {total} texts embedded",
        "started_by": "Started by", "started": "Started", "finished": "Finished", "result": "Result",
        "no_jobs": "No jobs since this server started.",
        "job_sync_report": "the run's report", "job_quality_figures": "the figures under Answer quality",
        "quality": "Answer quality", "quality_not_configured": "No evaluation set is configured. To measure the "
        "index here, set ASSISTANT_EVAL_QUESTIONS to a question file (JSONL, as the assistant eval command reads "
        "it) and restart.", "eval_set": "Evaluation set", "quality_none_yet": "Not measured yet.",
        "measure_now": "Measure now", "measure_help": "Asks the serving index every question of the set (about a "
        "second a question) and counts how the answers did. The questions are not logged.",
        "measured_at": "Measured", "older_version": "(not the version serving now: measure again)",
        "answerer": "Answers written by", "answerer_extractive": "quoting the documents (extractive)",
        "answerer_llm": "a language model", "n_of": "{n} of {of}",
        "q_evidence": "Answers holding the expected fact", "q_first_quote": "… in their first quote",
        "q_top5": "Right document among the first 5 hits", "q_mrr": "Mean reciprocal rank of the right document",
        "q_declined": "Questions the documents cannot answer, declined", "q_false": "Answerable questions "
        "declined", "q_verbatim": "Quotes found word for word in their document",
        "q_time": "Median time per answer", "evaluate_refused": "The quality was not measured:",
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
        "assistant_name": "Policyassistenten",
        "no_index_yet": "Inget index är byggt ännu: bygg det på sidan Status (Bygg om indexet) eller vänta tills den "
        "första byggningen är klar.",
        "staff_key_help": "Din API-nyckel från din administratör. Webbläsaren sparar den i högst 8 timmar.",
        # Källor, återkoppling, API-nycklar, logg och status (api/admin/manage.py, sources_pages.py)
        "name": "Namn", "kind": "Typ", "kind_folder": "mapp", "kind_website": "webbplats",
        "location": "Mapp eller adress", "schedule": "Schema", "manual": "bara manuellt", "next_run": "nästa körning",
        "last_run": "Senaste körning", "never_synced": "Aldrig synkroniserad.", "no_sources": "Inga källor ännu.",
        "add_source": "Lägg till en källa", "add": "Lägg till", "sync_now": "Synkronisera nu", "remove": "Ta bort",
        "source_name_help": "Små bokstäver a–z, siffror och bindestreck, högst 40 tecken; källans dokument får "
        "id som börjar med namnet.", "location_help": "Sökvägen till en mapp på servern, eller http(s)-adressen "
        "till en webbsida eller webbplatskarta.", "source_groups_help": "Kommaseparerade; tomt: alla läsare.",
        "every": "Synkroniseringsintervall", "every_help": "30m, 6h eller 1d, minst 5m; tomt: bara vid manuell "
        "synkronisering.", "include": "Mönster att ta med", "include_help": "Globmönster för sökvägar som ska "
        "tas med, ett per rad eller kommaseparerade; tomt: allt.", "exclude": "Mönster att hoppa över",
        "exclude_help": "Globmönster för sökvägar som ska hoppas över, ett per rad eller kommaseparerade.",
        "created": "Skapad", "runs": "Senaste körningar", "no_runs": "Inga körningar ännu.",
        "confirm_remove_source": "Ta bort källan och alla dess dokument ur indexet?",
        "run_ok": "genomförd", "run_partial": "delvis genomförd", "run_failed": "misslyckad",
        "run_counts": "{added} tillagda, {changed} ändrade, {renamed} omdöpta, {removed} borttagna, {unchanged} "
        "oförändrade, {failed} misslyckade", "run_documents": "Dokument som körningen ändrade",
        "run_added": "Tillagda", "run_changed": "Ändrade", "run_renamed": "Omdöpta", "run_removed": "Borttagna",
        "failed_items": "Objekt som inte kunde läsas in", "item": "Objekt", "detail": "Detaljer",
        "fail_unreadable": "kunde inte läsas", "fail_too_large": "för stor", "fail_timed_out": "tidsgränsen "
        "överskreds", "fail_refused": "nekades av servern", "fail_unreachable": "gick inte att nå",
        "fail_changing": "ändrades medan den lästes", "all_sources": "Alla källor",
        "add_refused": "Källan lades inte till:", "sync_refused": "Källan synkroniserades inte:",
        "remove_refused": "Källan togs inte bort:", "not_found": "Hittades inte:",
        "source_added": "Källan {id} har lagts till; synkronisera den för att läsa in dess dokument.",
        "source_removed": "Källan {id} och dess dokument har tagits bort.",
        "when": "När", "rating": "Betyg", "rating_up": "till hjälp", "rating_down": "inte till hjälp",
        "comment": "Kommentar", "answer_excerpt": "Svar (utdrag)", "given_by": "Lämnad av",
        "anonymous": "anonym", "no_feedback": "Ingen återkoppling ännu.", "page_plain": "Sida {n}", "pages": "Sidor",
        "role": "Roll", "role_reader": "läsare", "role_admin": "administratör", "groups": "Behörighetsgrupper",
        "key_id": "Id", "no_keys": "Inga skapade nycklar ännu.", "keys_help": "Nycklar som anges i "
        "ASSISTANT_ADMIN_KEYS och ASSISTANT_READER_KEYS visas inte här.", "create_key": "Skapa en nyckel",
        "create": "Skapa nyckel", "key_name_help": "Vem eller vad nyckeln är till för; visas i loggen.",
        "key_groups_help": "De begränsade dokument som nyckeln får läsa (kommaseparerade; tomt: bara dokument "
        "utan begränsning).", "revoke": "Återkalla",
        "confirm_revoke": "Återkalla nyckeln? Allt som använder den nekas direkt.",
        "key_refused": "Nyckeln skapades inte:", "revoke_refused": "Nyckeln återkallades inte:",
        "no_such_key": "Det finns ingen nyckel med id {id}.", "key_revoked": "Nyckeln {id} har återkallats.",
        "new_key": "Ny nyckel för {name}", "copy_now": "Kopiera nyckeln nu: den visas inte igen. Tjänsten sparar "
        "bara ett hashvärde av den.", "secret": "Nyckeln", "copy": "Kopiera", "copied": "Kopierad.",
        "copy_failed": "Markera nyckeln och kopiera den.",
        "key_name": "Nyckel", "action": "Åtgärd", "target": "Avser", "request_id": "Anrops-id",
        "no_entries": "Inga poster ännu.",
        "serving_index": "Index som används", "no_index": "Inget index används:", "version": "Version",
        "chunks": "Textavsnitt", "model": "Inbäddningsmodell", "built_at": "Byggt", "build": "Indexbygge",
        "build_running": "Ett bygge pågår: {done} av {total} texter inbäddade.",
        "build_rate": "{rate} texter per sekund, cirka {eta} kvar; har pågått i {elapsed}.",
        "build_progress": "Byggets förlopp", "no_build": "Inget bygge pågår.", "refresh": "Uppdatera",
        "backend": "Lagring", "backend_files": "filer i {dir}", "backend_postgres": "PostgreSQL",
        "replicas": "Repliker", "replicas_intro": "Servrarna som har svarat ur den här databasen de senaste fem "
        "minuterna, och vilken indexversion var och en använder (var och en rapporterar var tionde sekund).",
        "host": "Värd", "process": "Process", "serves": "Använder", "last_seen": "Senaste rapport",
        "up_to_date": "aktuell", "behind": "efter", "no_replicas": "Ingen server har rapporterat ännu.",
        "rebuild": "Bygg om indexet", "rebuild_help": "Bygger en ny indexversion av alla dokument och byter till "
        "den; frågor besvaras från det nuvarande indexet under tiden. Det kan ta flera minuter.",
        "rebuild_refused": "Indexet byggdes inte om:",
        "questions": "Frågor", "questions_intro": "Frågor som medarbetare ställt de senaste {days} dagarna och "
        "som inte fick något svar eller fick tummen ned, grupperade efter liknande formulering: styrdokumenten de "
        "pekar på kan saknas eller vara otydliga. Vem som frågade sparas aldrig.", "questions_off": "Frågor "
        "loggas inte (ASSISTANT_QUESTION_LOG_DAYS är 0).", "export_csv": "Exportera som CSV",
        "n_groups": "{n} grupper", "question": "Fråga", "times_asked": "Antal gånger", "outcome": "Utfall",
        "last_asked": "Senast ställd", "closest_passages": "Närmaste avsnitt", "abstained_n": "{n} utan svar",
        "thumbs_down_n": "{n} tummen ned",
        "env_key_admin": "administratörsnyckel från miljön (ASSISTANT_ADMIN_KEYS)",
        "env_key_reader": "läsnyckel från miljön (ASSISTANT_READER_KEYS)",
        "jobs": "Bakgrundsjobb", "jobs_intro": "Ombyggnader, synkroniseringar och kvalitetsmätningar som startas här "
        "körs i bakgrunden, en i taget. De senaste som den här servern har kört visas.",
        "job_rebuild": "Ombyggnad av indexet", "job_sync": "Synkronisering av {target}",
        "job_evaluate": "Kvalitetsmätning", "outcome_running": "pågår", "outcome_done": "klart",
        "outcome_failed": "misslyckades", "job_started": "Startat. Det körs i bakgrunden och sidan följer det.",
        "job_show_result": "Visa resultatet", "job_progress": "{done} av {total} texter inbäddade",
        "started_by": "Startat av", "started": "Startat", "finished": "Klart", "result": "Resultat",
        "no_jobs": "Inga jobb sedan servern startade.",
        "job_sync_report": "körningens rapport", "job_quality_figures": "siffrorna under Svarskvalitet",
        "quality": "Svarskvalitet", "quality_not_configured": "Ingen utvärderingsuppsättning är inställd. För att "
        "mäta indexet här: sätt ASSISTANT_EVAL_QUESTIONS till en frågefil (JSONL, som kommandot assistant eval "
        "läser) och starta om.", "eval_set": "Utvärderingsuppsättning", "quality_none_yet": "Inte mätt ännu.",
        "measure_now": "Mät nu", "measure_help": "Ställer varje fråga i uppsättningen till indexet som används "
        "(ungefär en sekund per fråga) och räknar hur svaren blev. Frågorna loggas inte.",
        "measured_at": "Mätt", "older_version": "(inte den version som används nu: mät igen)",
        "answerer": "Svaren skrivs av", "answerer_extractive": "citat ur dokumenten (extraktivt)",
        "answerer_llm": "en språkmodell", "n_of": "{n} av {of}",
        "q_evidence": "Svar som innehåller det förväntade faktumet", "q_first_quote": "… i sitt första citat",
        "q_top5": "Rätt dokument bland de 5 första träffarna", "q_mrr": "Genomsnittlig reciprok rang för rätt "
        "dokument", "q_declined": "Frågor som dokumenten inte kan besvara, avböjda",
        "q_false": "Besvarbara frågor som avböjdes", "q_verbatim": "Citat som finns ordagrant i sitt dokument",
        "q_time": "Mediantid per svar", "evaluate_refused": "Kvaliteten mättes inte:",
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


ENVIRONMENT_KEYS = {"environment admin key": "env_key_admin", "environment reader key": "env_key_reader"}


class Words:
    """``words("key", n=3)``: the label in the page's language, formatted."""

    def __init__(self, lang: Lang) -> None:
        self.lang = lang
        self._labels = LABELS[lang]

    def __call__(self, key: str, **values: object) -> str:
        text = self._labels.get(key) or LABELS["en"].get(key)
        if text is None:  # not a label (a notice kind from a URL): shown as it is, never formatted
            return key
        return text.format(**values) if values else text

    def who(self, name: str) -> str:
        """A key's name as the audit trail records it; the environment's keys in this language."""
        return self(ENVIRONMENT_KEYS[name]) if name in ENVIRONMENT_KEYS else name
