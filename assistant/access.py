"""Who may see what: principals (API keys and chat users) with a role and the collections they may read.

Every document belongs to one or more collections (`DocumentMeta.collections`, from the manifest). A
principal sees a document when they share a collection; `Assistant` turns that into the visible document set
once per call and hands it to the retriever, so no answer, search, listing or error message can reach past it.

Keys are stored hashed (sha256 over a per-key salt) in SQLite under `data_dir`; the clear key is shown once,
at creation. A key reads `pqa_<id>_<secret>`: the id finds the row, the secret is compared in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
import sqlite3
from collections.abc import Iterable
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, Field

from .errors import AssistantError, NotFound
from .models import DocumentMeta
from .settings import Settings, get_settings
from .sqlite_db import connect

if TYPE_CHECKING:
    from .audit import AuditLog

log = logging.getLogger(__name__)

Role = Literal["reader", "admin"]
ROLES: tuple[Role, ...] = ("reader", "admin")
EVERY_COLLECTION = "*"
DEFAULT_COLLECTION = "公开"
KEYS_DB = "keys.sqlite3"
SETTINGS_KEY_PREFIX = "api-key-"  # names of the POLICYQA_API_KEYS principals: api-key-1, api-key-2…
_PREFIX = "pqa"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS api_keys (
    key_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    collections TEXT NOT NULL,
    salt TEXT NOT NULL,
    digest TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT
)
"""


class Principal(BaseModel):
    """An authenticated caller: what the audit log names and what the access check reads."""

    name: str
    role: Role = "reader"
    collections: list[str] = Field(default_factory=lambda: [DEFAULT_COLLECTION],
                                   description="Collections this principal may read; '*' means every one.")

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def can_see(self, meta: DocumentMeta) -> bool:
        return EVERY_COLLECTION in self.collections or not set(meta.collections).isdisjoint(self.collections)

    def visible(self, documents: Iterable[DocumentMeta]) -> set[str]:
        """The doc_ids of `documents` this principal may read."""
        return {d.doc_id for d in documents if self.can_see(d)}


LOCAL = Principal(name="local", role="admin", collections=[EVERY_COLLECTION])
"""The local operator (CLI, Python API): whoever can read the data folder already sees everything."""
ANONYMOUS = "anonymous"


class InvalidKeyRequest(AssistantError):
    """A key request with an unknown role, no collection or an empty name."""


class KeyRecord(BaseModel):
    """One stored key, without its secret."""

    key_id: str
    name: str
    role: Role
    collections: list[str]
    created_at: str
    revoked_at: str | None = None

    def principal(self) -> Principal:
        return Principal(name=self.name, role=self.role, collections=self.collections)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _digest(salt: str, secret: str) -> str:
    return hashlib.sha256(bytes.fromhex(salt) + secret.encode()).hexdigest()


def parse_collections(values: Iterable[str]) -> list[str]:
    """Collection names from a CLI or API list; commas (also 、and ，) separate several in one value."""
    names: list[str] = []
    for value in values:
        for part in value.replace("，", ",").replace("、", ",").split(","):
            if part.strip():
                names.append(part.strip())
    return list(dict.fromkeys(names))


class KeyStore:
    """API keys and chat users in SQLite; the file is created on the first key."""

    def __init__(self, path: Path, audit: AuditLog | None = None):
        self.path = Path(path)
        self.audit = audit

    @classmethod
    def from_settings(cls, settings: Settings | None = None, audit: AuditLog | None = None) -> KeyStore:
        return cls((settings or get_settings()).data_dir / KEYS_DB, audit)

    def _connect(self) -> sqlite3.Connection:
        return connect(self.path, _SCHEMA)

    def create(self, name: str, role: str, collections: list[str], *, actor: str = LOCAL.name) -> tuple[str, KeyRecord]:
        """A new key: returns the clear key (shown once, never stored) and its record."""
        name = name.strip()
        if not name:
            raise InvalidKeyRequest("密钥名称不能为空。")
        if name in (LOCAL.name, ANONYMOUS) or name.startswith(SETTINGS_KEY_PREFIX):
            raise InvalidKeyRequest(f"密钥名称 {name} 为系统保留，请换一个名称。")
        if role not in ROLES:
            raise InvalidKeyRequest(f"未知的角色：{role}（可用：{'、'.join(ROLES)}）")
        collections = parse_collections(collections)
        if not collections:
            raise InvalidKeyRequest("请至少指定一个文档集合（--collections），'*' 表示全部集合。")
        if any(r.name == name for r in self.records() if r.revoked_at is None):
            raise InvalidKeyRequest(f"已有同名的有效密钥：{name}（请先吊销，或换一个名称）。")
        key_id, salt, secret = secrets.token_hex(4), secrets.token_hex(16), secrets.token_urlsafe(24)
        record = KeyRecord(key_id=key_id, name=name, role=role, collections=collections, created_at=_now())
        with closing(self._connect()) as db, db:
            db.execute("INSERT INTO api_keys (key_id, name, role, collections, salt, digest, created_at)"
                       " VALUES (?, ?, ?, ?, ?, ?, ?)",
                       (key_id, name, role, json.dumps(collections, ensure_ascii=False), salt,
                        _digest(salt, secret), record.created_at))
        log.info("key %s created for %s (%s)", key_id, name, role)
        if self.audit:
            self.audit.admin(actor, "key_created", {"key_id": key_id, "name": name, "role": role,
                                                     "collections": collections})
        return f"{_PREFIX}_{key_id}_{secret}", record

    def revoke(self, name_or_id: str, *, actor: str = LOCAL.name) -> list[KeyRecord]:
        """Revoke the active key with this id, or every active key with this name."""
        with closing(self._connect()) as db, db:
            rows = db.execute("SELECT * FROM api_keys WHERE (key_id = ? OR name = ?) AND revoked_at IS NULL",
                              (name_or_id, name_or_id)).fetchall()
            if not rows:
                raise NotFound(f"未找到有效的密钥：{name_or_id}")
            now = _now()
            db.executemany("UPDATE api_keys SET revoked_at = ? WHERE key_id = ?", [(now, r["key_id"]) for r in rows])
        revoked = [_record(row).model_copy(update={"revoked_at": now}) for row in rows]
        for record in revoked:
            log.info("key %s (%s) revoked", record.key_id, record.name)
            if self.audit:
                self.audit.admin(actor, "key_revoked", {"key_id": record.key_id, "name": record.name})
        return revoked

    def records(self) -> list[KeyRecord]:
        if not self.path.exists():
            return []
        with closing(self._connect()) as db:
            return [_record(row) for row in db.execute("SELECT * FROM api_keys ORDER BY created_at, key_id")]

    def authenticate(self, presented: str) -> Principal | None:
        """The principal of an active key, or None."""
        parts = presented.split("_", 2)
        if len(parts) != 3 or parts[0] != _PREFIX or not self.path.exists():
            return None
        with closing(self._connect()) as db:
            row = db.execute("SELECT * FROM api_keys WHERE key_id = ? AND revoked_at IS NULL",
                             (parts[1],)).fetchone()
        if row is None or not hmac.compare_digest(_digest(row["salt"], parts[2]), row["digest"]):
            return None
        return _record(row).principal()

    def active_user(self, name: str) -> Principal | None:
        """The principal of a chat user (a key's name) while one of their keys is active."""
        for record in self.records():
            if record.name == name and record.revoked_at is None:
                return record.principal()
        return None

    def has_active(self) -> bool:
        return any(r.revoked_at is None for r in self.records())


def _record(row: sqlite3.Row) -> KeyRecord:
    data = dict(row)
    data["collections"] = json.loads(data["collections"])
    return KeyRecord(**{k: v for k, v in data.items() if k in KeyRecord.model_fields})
