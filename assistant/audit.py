"""Tamper-evident audit log: every question and answer, every admin action, in SQLite under `data_dir`.

Each entry carries the HMAC of the previous entry's hash and its own content (a hash chain keyed with a
secret kept beside the data, 0600, or given in `POLICYQA_AUDIT_SECRET`), so editing or deleting any entry,
or recomputing the chain without the secret, is found by `verify`. A signed head records the last entry,
so cutting entries off the end is found too; pruning old entries (`POLICYQA_AUDIT_RETENTION_DAYS`) leaves
a signed checkpoint where the chain resumes.

Writing must never cost an answer: when the database is locked or the disk full, entries wait in a bounded
spool in memory, the failure is logged and counted in /metrics, and they are written, in order, as soon as
the database accepts writes again.
"""

from __future__ import annotations

import atexit
import csv
import hashlib
import hmac
import io
import json
import logging
import os
import sqlite3
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

from prometheus_client import Counter, Gauge
from pydantic import BaseModel, Field

from .errors import AssistantError
from .settings import Settings, get_settings

log = logging.getLogger(__name__)

DB_NAME = "audit.sqlite3"
SECRET_NAME = "audit.key"
GENESIS = "0" * 64
SPOOL_MAX = 10_000  # entries kept in memory while the database refuses writes (≈ hours of questions)
RETRY_S = 5.0  # seconds between attempts to write the spool
BUSY_TIMEOUT_S = 0.5  # how long a write waits for a lock before the entry goes to the spool
PRUNE_EVERY_S = 24 * 3600

FAILURES = Counter("policyqa_audit_failures", "Audit writes that failed (locked or full database), then spooled.")
DROPPED = Counter("policyqa_audit_dropped", "Audit entries lost because the spool was full.")
SPOOLED = Gauge("policyqa_audit_spooled", "Audit entries waiting in memory for the database.")

_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS entries (
        id INTEGER PRIMARY KEY,
        created_at TEXT NOT NULL,
        principal TEXT NOT NULL,
        action TEXT NOT NULL,
        question TEXT,
        rewritten_question TEXT,
        mode TEXT,
        refused INTEGER,
        citations TEXT NOT NULL,
        detail TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
    )""",
    "CREATE TABLE IF NOT EXISTS head (one INTEGER PRIMARY KEY CHECK (one = 1), last_id INTEGER NOT NULL,"
    " last_hash TEXT NOT NULL, mac TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS checkpoints (id INTEGER PRIMARY KEY AUTOINCREMENT, created_at TEXT NOT NULL,"
    " upto_id INTEGER NOT NULL, upto_hash TEXT NOT NULL, pruned INTEGER NOT NULL, mac TEXT NOT NULL)",
)

Action = Literal["ask", "upload", "replace", "remove", "metadata", "reindex", "key_created", "key_revoked"]


class InvalidAuditRequest(AssistantError):
    """An export format or date that cannot be used."""


class AuditEntry(BaseModel):
    """One line of the log, as exported. `question` is the text or, with POLICYQA_AUDIT_QUESTIONS=hash,
    an HMAC of it (equal questions give equal values, the text cannot be read back)."""

    id: int = 0
    created_at: str = Field(description="UTC, ISO 8601 with microseconds.")
    principal: str
    action: str
    question: str | None = None
    rewritten_question: str | None = None
    mode: str | None = None
    refused: bool | None = None
    citations: list[str] = Field(default_factory=list, description="Cited clause ids, in citation order.")
    detail: dict[str, Any] = Field(default_factory=dict, description="What an admin action changed.")

    def canonical(self) -> bytes:
        return json.dumps(self.model_dump(), ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


class VerifyResult(BaseModel):
    ok: bool
    checked: int = Field(description="Entries whose chain link was checked.")
    first_bad_id: int | None = Field(None, description="The first entry that was edited, deleted or out of place.")
    message: str


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def load_secret(settings: Settings) -> bytes:
    """The chain key: the setting if given, else a random key created once beside the data (mode 0600)."""
    if settings.audit_secret:
        return settings.audit_secret.encode()
    path = settings.data_dir / SECRET_NAME
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f"{SECRET_NAME}.{os.getpid()}.{threading.get_ident()}")
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(os.urandom(32).hex())
        try:
            os.link(draft, path)  # appears complete or not at all; a process that lost the race reads the winner's
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return bytes.fromhex(path.read_text().strip())


class AuditLog:
    def __init__(self, path: Path, secret: bytes, *, questions: Literal["full", "hash"] = "full",
                 retention_days: int = 0):
        self.path = Path(path)
        self._secret = secret
        self.questions = questions
        self.retention_days = retention_days
        self._lock = threading.Lock()
        self._spool: deque[AuditEntry] = deque()
        self._retry: threading.Timer | None = None
        self._writer: sqlite3.Connection | None = None  # kept open: a question costs one small transaction
        self._next_prune = 0.0
        atexit.register(self.flush)

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> AuditLog:
        settings = settings or get_settings()
        return cls(settings.data_dir / DB_NAME, load_secret(settings), questions=settings.audit_questions,
                   retention_days=settings.audit_retention_days)

    # -- writing ------------------------------------------------------------------------------
    def question(self, principal: str, question: str, *, rewritten: str | None, mode: str, refused: bool,
                 citations: list[str]) -> None:
        self.append(AuditEntry(created_at=_now(), principal=principal, action="ask", question=self._mask(question),
                               rewritten_question=self._mask(rewritten) if rewritten else None, mode=mode,
                               refused=refused, citations=citations))

    def admin(self, principal: str, action: Action, detail: dict[str, Any]) -> None:
        self.append(AuditEntry(created_at=_now(), principal=principal, action=action, detail=detail))

    def append(self, entry: AuditEntry) -> None:
        """Write the entry (after any spooled ones); on a database failure keep it for later. Never raises."""
        with self._lock:
            if len(self._spool) >= SPOOL_MAX:
                self._spool.popleft()
                DROPPED.inc()
                log.error("audit spool full: oldest entry dropped")
            self._spool.append(entry)
            self._flush_locked()

    def flush(self) -> bool:
        """Write what the spool holds; True when it is empty afterwards."""
        with self._lock:
            return self._flush_locked()

    def _flush_locked(self) -> bool:
        if not self._spool:
            return True
        try:
            db = self._writer = self._writer or self._connect()
            db.execute("BEGIN IMMEDIATE")
            try:
                for entry in self._spool:
                    self._write(db, entry)
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
            self._spool.clear()
        except sqlite3.Error as error:
            if self._writer is not None:  # start afresh next time (the file may have been moved or repaired)
                self._writer.close()
                self._writer = None
            FAILURES.inc()
            log.error("audit log not writable (%s): %d entries kept for a later attempt", error, len(self._spool))
            self._schedule_retry()
            return False
        finally:
            SPOOLED.set(len(self._spool))
        self._prune_when_due()
        return True

    def _write(self, db: sqlite3.Connection, entry: AuditEntry) -> None:
        row = db.execute("SELECT last_id, last_hash FROM head").fetchone()
        last_id, last_hash = (row[0], row[1]) if row else (0, GENESIS)
        entry.id = last_id + 1
        digest = self._link(last_hash, entry)
        db.execute("INSERT INTO entries (id, created_at, principal, action, question, rewritten_question, mode,"
                   " refused, citations, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   (entry.id, entry.created_at, entry.principal, entry.action, entry.question,
                    entry.rewritten_question, entry.mode, None if entry.refused is None else int(entry.refused),
                    json.dumps(entry.citations, ensure_ascii=False),
                    json.dumps(entry.detail, ensure_ascii=False, sort_keys=True), last_hash, digest))
        db.execute("INSERT OR REPLACE INTO head (one, last_id, last_hash, mac) VALUES (1, ?, ?, ?)",
                   (entry.id, digest, self._mac("head", entry.id, digest)))

    def _schedule_retry(self) -> None:
        if self._retry is not None and self._retry.is_alive():
            return
        self._retry = threading.Timer(RETRY_S, self._retry_flush)
        self._retry.daemon = True
        self._retry.start()

    def _retry_flush(self) -> None:
        if self.flush():
            log.info("audit log writable again: spooled entries written")

    # -- chain ---------------------------------------------------------------------------------
    def _mac(self, *parts: object) -> str:
        return hmac.new(self._secret, "\x1f".join(str(p) for p in parts).encode(), hashlib.sha256).hexdigest()

    def _link(self, prev_hash: str, entry: AuditEntry) -> str:
        return hmac.new(self._secret, prev_hash.encode() + b"\n" + entry.canonical(), hashlib.sha256).hexdigest()

    def _mask(self, text: str) -> str:
        return text if self.questions == "full" else "hmac-sha256:" + self._mac("question", text)

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False)
        db.row_factory = sqlite3.Row
        # WAL: readers (verify, export) never block the writer; NORMAL: a commit survives a crash of the
        # process, only a power loss may cost the last moments.
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        for statement in _SCHEMA:
            db.execute(statement)
        return db

    # -- reading -------------------------------------------------------------------------------
    def verify(self) -> VerifyResult:
        """Walk the chain from the last checkpoint; name the first entry that does not fit."""
        self.flush()
        if not self.path.exists():
            return VerifyResult(ok=True, checked=0, message="审计日志为空。")
        with closing(self._connect()) as db:
            checkpoint = db.execute("SELECT * FROM checkpoints ORDER BY id DESC LIMIT 1").fetchone()
            head = db.execute("SELECT * FROM head").fetchone()
            prev_hash, expected = GENESIS, 1
            if checkpoint is not None:
                if not hmac.compare_digest(checkpoint["mac"], self._mac(
                        "checkpoint", checkpoint["upto_id"], checkpoint["upto_hash"], checkpoint["created_at"],
                        checkpoint["pruned"])):
                    return VerifyResult(ok=False, checked=0, first_bad_id=checkpoint["upto_id"] + 1,
                                        message=f"检查点（截至第 {checkpoint['upto_id']} 条）的签名无效。")
                prev_hash, expected = checkpoint["upto_hash"], checkpoint["upto_id"] + 1
            checked = 0
            for row in db.execute("SELECT * FROM entries WHERE id >= ? ORDER BY id", (expected,)):
                entry = _entry(row)
                if entry.id != expected:
                    return _bad(checked, expected, f"第 {expected} 条记录缺失（已被删除）。")
                if row["prev_hash"] != prev_hash:
                    return _bad(checked, entry.id, f"第 {entry.id} 条记录与前一条记录的链接不符（前一条被改动或删除）。")
                if not hmac.compare_digest(row["hash"], self._link(prev_hash, entry)):
                    return _bad(checked, entry.id, f"第 {entry.id} 条记录的内容被改动。")
                prev_hash, expected, checked = row["hash"], expected + 1, checked + 1
            last_id = expected - 1
            if head is not None:
                if not hmac.compare_digest(head["mac"], self._mac("head", head["last_id"], head["last_hash"])):
                    return _bad(checked, last_id + 1, "日志末尾记录的签名无效。")
                if head["last_id"] != last_id or head["last_hash"] != prev_hash:
                    return _bad(checked, last_id + 1,
                                f"第 {last_id + 1} 条及以后的记录缺失（日志末尾被截断），应有 {head['last_id']} 条。")
            elif last_id >= 1:
                return _bad(checked, 1, "日志末尾记录缺失。")
        return VerifyResult(ok=True, checked=checked, message=f"审计日志完整：校验了 {checked} 条记录。")

    def entries(self, since: datetime | None = None) -> Iterator[AuditEntry]:
        self.flush()
        if not self.path.exists():
            return
        cutoff = since.astimezone(UTC).isoformat(timespec="microseconds") if since else ""
        with closing(self._connect()) as db:
            rows = db.execute("SELECT * FROM entries WHERE created_at >= ? ORDER BY id", (cutoff,)).fetchall()
        for row in rows:
            yield _entry(row)

    def export(self, since: datetime | None = None, fmt: str = "jsonl") -> Iterator[str]:
        """Lines of JSON, or CSV rows with a header (list fields as JSON), oldest first."""
        if fmt == "jsonl":
            for entry in self.entries(since):
                yield json.dumps(entry.model_dump(), ensure_ascii=False)
            return
        if fmt != "csv":
            raise InvalidAuditRequest(f"不支持的导出格式：{fmt}（可用：jsonl、csv）")
        fields = list(AuditEntry.model_fields)
        yield _csv_line(fields)
        for entry in self.entries(since):
            data = entry.model_dump()
            yield _csv_line([json.dumps(data[f], ensure_ascii=False) if isinstance(data[f], list | dict)
                             else "" if data[f] is None else data[f] for f in fields])

    # -- retention -----------------------------------------------------------------------------
    def prune(self, before: datetime) -> int:
        """Delete entries older than `before`, leaving a signed checkpoint where the chain goes on."""
        cutoff = before.astimezone(UTC).isoformat(timespec="microseconds")
        with closing(self._connect()) as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                last = db.execute("SELECT id, hash FROM entries WHERE created_at < ? ORDER BY id DESC LIMIT 1",
                                  (cutoff,)).fetchone()
                if last is None:
                    db.execute("ROLLBACK")
                    return 0
                pruned = db.execute("DELETE FROM entries WHERE id <= ?", (last["id"],)).rowcount
                created = _now()
                db.execute("INSERT INTO checkpoints (created_at, upto_id, upto_hash, pruned, mac)"
                           " VALUES (?, ?, ?, ?, ?)",
                           (created, last["id"], last["hash"], pruned,
                            self._mac("checkpoint", last["id"], last["hash"], created, pruned)))
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        log.info("audit log: %d entries older than %s pruned, checkpoint at entry %d", pruned, cutoff, last["id"])
        return pruned

    def _prune_when_due(self) -> None:
        if not self.retention_days or time.monotonic() < self._next_prune:
            return
        self._next_prune = time.monotonic() + PRUNE_EVERY_S
        try:
            self.prune(datetime.now(UTC) - timedelta(days=self.retention_days))
        except sqlite3.Error as error:
            log.warning("audit log: pruning postponed (%s)", error)


def parse_since(value: str | None) -> datetime | None:
    """`--since` as a date (2026-01-31) or an ISO date-time; a naive time is taken as UTC."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError as error:
        raise InvalidAuditRequest(f"无法识别的时间：{value}（示例：2026-01-31 或 2026-01-31T08:00:00）") from error
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _entry(row: sqlite3.Row) -> AuditEntry:
    return AuditEntry(id=row["id"], created_at=row["created_at"], principal=row["principal"], action=row["action"],
                      question=row["question"], rewritten_question=row["rewritten_question"], mode=row["mode"],
                      refused=None if row["refused"] is None else bool(row["refused"]),
                      citations=json.loads(row["citations"]), detail=json.loads(row["detail"]))


def _bad(checked: int, entry_id: int, message: str) -> VerifyResult:
    return VerifyResult(ok=False, checked=checked, first_bad_id=entry_id, message=message)


def _csv_line(values: list[Any]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow(values)
    return buffer.getvalue()
