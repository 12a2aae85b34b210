"""Feedback on answers (👍/👎 and an optional comment), kept in SQLite under settings.data_dir.

Each record keeps the question, the answer text and the cited clause ids, so a reviewer can later see what
was rated without re-running the question against an index that may have changed since.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from .errors import AssistantError, NotFound
from .models import Answer
from .settings import Settings, get_settings
from .sqlite_db import connect

log = logging.getLogger(__name__)

Rating = Literal["up", "down"]
DB_NAME = "feedback.sqlite3"
MAX_COMMENT_CHARS = 2000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,
    rating TEXT NOT NULL CHECK (rating IN ('up', 'down')),
    question TEXT NOT NULL,
    rewritten_question TEXT,
    answer TEXT NOT NULL,
    answerable INTEGER NOT NULL,
    citations TEXT NOT NULL,
    comment TEXT,
    updated_at TEXT
)
"""


class InvalidFeedback(AssistantError):
    """A rating other than up/down, or an over-long comment."""


class FeedbackRecord(BaseModel):
    id: int
    created_at: str = Field(description="UTC, ISO 8601.")
    rating: Rating
    question: str
    rewritten_question: str | None = None
    answer: str
    answerable: bool
    citations: list[str] = Field(description="Clause ids cited by the answer, in citation order.")
    comment: str | None = None
    updated_at: str | None = None


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _clean_comment(comment: str | None) -> str | None:
    if comment is None or not comment.strip():
        return None
    if len(comment) > MAX_COMMENT_CHARS:
        raise InvalidFeedback(f"补充说明过长（{len(comment)} 字），请控制在 {MAX_COMMENT_CHARS} 字以内。")
    return comment.strip()


class FeedbackStore:
    """Durable feedback; the database file and its folder are created on the first write."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> FeedbackStore:
        return cls((settings or get_settings()).data_dir / DB_NAME)

    def _connect(self) -> sqlite3.Connection:
        return connect(self.path, _SCHEMA)

    def add(self, rating: Rating, question: str, answer: Answer, comment: str | None = None) -> int:
        """Record a rating of `answer` to `question`; returns the record id (for a comment added later)."""
        if rating not in ("up", "down"):
            raise InvalidFeedback("评价只能是 up（有用）或 down（无用）。")
        row = (_now(), rating, question, answer.rewritten_question, answer.answer, int(answer.answerable),
               json.dumps([c.clause_id for c in answer.citations], ensure_ascii=False), _clean_comment(comment))
        with self._lock, closing(self._connect()) as db, db:
            cursor = db.execute(
                "INSERT INTO feedback (created_at, rating, question, rewritten_question, answer, answerable,"
                " citations, comment) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", row)
            feedback_id = int(cursor.lastrowid or 0)
        log.info("feedback %s recorded (%s)", feedback_id, rating)
        return feedback_id

    def set_comment(self, feedback_id: int, comment: str) -> None:
        """Attach (or replace) the comment of an earlier rating."""
        text = _clean_comment(comment)
        with self._lock, closing(self._connect()) as db, db:
            cursor = db.execute("UPDATE feedback SET comment = ?, updated_at = ? WHERE id = ?",
                                (text, _now(), feedback_id))
            if cursor.rowcount == 0:
                raise NotFound(f"未找到反馈记录：{feedback_id}")

    def set_rating(self, feedback_id: int, rating: Rating) -> None:
        """Change an earlier rating (the user clicked the other thumb)."""
        if rating not in ("up", "down"):
            raise InvalidFeedback("评价只能是 up（有用）或 down（无用）。")
        with self._lock, closing(self._connect()) as db, db:
            cursor = db.execute("UPDATE feedback SET rating = ?, updated_at = ? WHERE id = ?",
                                (rating, _now(), feedback_id))
            if cursor.rowcount == 0:
                raise NotFound(f"未找到反馈记录：{feedback_id}")

    def records(self) -> Iterator[FeedbackRecord]:
        """All feedback, oldest first; nothing (and no file created) when none was ever given."""
        if not self.path.exists():
            return
        with closing(self._connect()) as db:
            rows = db.execute("SELECT * FROM feedback ORDER BY id").fetchall()
        for row in rows:
            data = dict(row)
            data["citations"] = json.loads(data["citations"])
            data["answerable"] = bool(data["answerable"])
            yield FeedbackRecord(**data)

    def export_jsonl(self) -> Iterator[str]:
        """One JSON object per line, as `assistant feedback export` prints them."""
        for record in self.records():
            yield json.dumps(record.model_dump(), ensure_ascii=False)
