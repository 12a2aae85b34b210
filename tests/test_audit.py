"""The audit log: a hash chain that names the first edited or deleted entry, retention behind a signed
checkpoint, masked questions, exports, and the CLI. Real SQLite files, tampered with directly."""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest

from assistant.audit import AuditEntry, AuditLog, load_secret, parse_since
from assistant.settings import PROJECT_ROOT, Settings


def _log(tmp_path, **kwargs) -> AuditLog:
    return AuditLog(tmp_path / "audit.sqlite3", b"k" * 32, **kwargs)


def _fill(log: AuditLog, n: int = 5) -> None:
    for i in range(n):
        log.question("reader-a", f"问题{i}", rewritten=None, mode="extractive", refused=i == 2,
                     citations=[f"hunan-2017#1.{i}"])


def _sql(log: AuditLog, statement: str, *params) -> None:
    with sqlite3.connect(log.path) as db:
        db.execute(statement, params)


def test_untouched_log_verifies(tmp_path):
    log = _log(tmp_path)
    _fill(log)
    log.admin("admin", "reindex", {"documents": 3})
    result = log.verify()
    assert result.ok and result.checked == 6 and result.first_bad_id is None
    entries = list(log.entries())
    assert [e.id for e in entries] == [1, 2, 3, 4, 5, 6]
    assert entries[2].refused is True and entries[2].citations == ["hunan-2017#1.2"]
    assert entries[5].action == "reindex" and entries[5].detail == {"documents": 3}


def test_edited_question_is_named(tmp_path):
    log = _log(tmp_path)
    _fill(log)
    _sql(log, "UPDATE entries SET question = '改过的问题' WHERE id = 3")
    result = log.verify()
    assert not result.ok and result.first_bad_id == 3 and "第 3 条" in result.message


def test_edit_with_recomputed_plain_hashes_is_still_found(tmp_path):
    """Without the secret an attacker cannot make an edited entry fit the chain again."""
    import hashlib

    log = _log(tmp_path)
    _fill(log)
    _sql(log, "UPDATE entries SET refused = 0, hash = ? WHERE id = 2", hashlib.sha256(b"forged").hexdigest())
    assert log.verify().first_bad_id == 2


def test_deleted_entry_is_named(tmp_path):
    log = _log(tmp_path)
    _fill(log)
    _sql(log, "DELETE FROM entries WHERE id = 2")
    result = log.verify()
    assert not result.ok and result.first_bad_id == 2 and "删除" in result.message


def test_cut_off_tail_is_named(tmp_path):
    log = _log(tmp_path)
    _fill(log)
    _sql(log, "DELETE FROM entries WHERE id >= 4")
    result = log.verify()
    assert not result.ok and result.first_bad_id == 4


def test_entries_written_after_a_reopen_continue_the_chain(tmp_path):
    _fill(_log(tmp_path), 3)
    log = _log(tmp_path)
    _fill(log, 2)
    assert log.verify().ok and [e.id for e in log.entries()] == [1, 2, 3, 4, 5]


def test_another_secret_does_not_verify(tmp_path):
    _fill(_log(tmp_path))
    assert not AuditLog(tmp_path / "audit.sqlite3", b"x" * 32).verify().ok


def test_retention_prunes_behind_a_signed_checkpoint(tmp_path):
    log = _log(tmp_path)
    old = (datetime.now(UTC) - timedelta(days=400)).isoformat(timespec="microseconds")
    for i in range(3):
        log.append(AuditEntry(created_at=old, principal="p", action="ask", question=f"旧{i}"))
    _fill(log, 2)
    assert log.prune(datetime.now(UTC) - timedelta(days=180)) == 3
    assert [e.id for e in log.entries()] == [4, 5]
    assert log.verify().ok
    _sql(log, "UPDATE entries SET question = 'x' WHERE id = 4")
    assert log.verify().first_bad_id == 4


def test_forged_checkpoint_is_found(tmp_path):
    log = _log(tmp_path)
    old = (datetime.now(UTC) - timedelta(days=400)).isoformat(timespec="microseconds")
    log.append(AuditEntry(created_at=old, principal="p", action="ask", question="旧"))
    _fill(log, 2)
    log.prune(datetime.now(UTC) - timedelta(days=1))
    _sql(log, "UPDATE checkpoints SET upto_id = 0")
    result = log.verify()
    assert not result.ok and "检查点" in result.message


def test_retention_setting_prunes_on_write(tmp_path):
    log = _log(tmp_path, retention_days=30)
    old = (datetime.now(UTC) - timedelta(days=31)).isoformat(timespec="microseconds")
    log._next_prune = float("inf")  # hold pruning back while the old entry is written
    log.append(AuditEntry(created_at=old, principal="p", action="ask", question="旧"))
    log._next_prune = 0.0
    _fill(log, 1)
    assert [e.question for e in log.entries()] == ["问题0"] and log.verify().ok


def test_masked_questions_cannot_be_read_but_can_be_matched(tmp_path):
    log = _log(tmp_path, questions="hash")
    log.question("a", "湖南省的目标是什么？", rewritten="湖南省的目标是什么呢？", mode="extractive", refused=False,
                 citations=[])
    log.question("b", "湖南省的目标是什么？", rewritten=None, mode="extractive", refused=False, citations=[])
    first, second = log.entries()
    assert first.question == second.question and first.question.startswith("hmac-sha256:")
    on_disk = b"".join(path.read_bytes() for path in tmp_path.iterdir())  # database and its WAL
    assert "湖南".encode() not in on_disk and b"hmac-sha256:" in on_disk
    assert first.rewritten_question and first.rewritten_question != first.question


def test_export_since_and_csv(tmp_path):
    log = _log(tmp_path)
    old = (datetime.now(UTC) - timedelta(days=10)).isoformat(timespec="microseconds")
    log.append(AuditEntry(created_at=old, principal="p", action="ask", question="旧问题"))
    _fill(log, 2)
    lines = list(log.export(parse_since((datetime.now(UTC) - timedelta(days=1)).date().isoformat()), "jsonl"))
    assert [json.loads(line)["question"] for line in lines] == ["问题0", "问题1"]
    rows = list(csv.DictReader(io.StringIO("\n".join(log.export(None, "csv")))))
    assert [r["question"] for r in rows] == ["旧问题", "问题0", "问题1"]
    assert json.loads(rows[1]["citations"]) == ["hunan-2017#1.0"]


def test_bad_since_and_format_are_clear_errors(tmp_path):
    from assistant.audit import InvalidAuditRequest

    with pytest.raises(InvalidAuditRequest, match="无法识别的时间"):
        parse_since("上周")
    with pytest.raises(InvalidAuditRequest, match="不支持的导出格式"):
        list(_log(tmp_path).export(None, "xml"))


def test_locked_database_spools_then_writes_in_order(tmp_path):
    log = _log(tmp_path)
    _fill(log, 1)
    blocker = sqlite3.connect(log.path, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        log.question("p", "锁住时的问题", rewritten=None, mode="extractive", refused=False, citations=[])
        assert len(log._spool) == 1
    finally:
        blocker.execute("COMMIT")
        blocker.close()
    assert log.flush()
    assert [e.question for e in log.entries()] == ["问题0", "锁住时的问题"] and log.verify().ok


def test_secret_file_is_private_and_stable(tmp_path):
    settings = Settings(data_dir=tmp_path / "data")
    first = load_secret(settings)
    assert load_secret(settings) == first and len(first) == 32
    assert os.stat(tmp_path / "data" / "audit.key").st_mode & 0o777 == 0o600


def _cli(tmp_path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "POLICYQA_DATA_DIR": str(tmp_path), "PYTHONPATH": str(PROJECT_ROOT)}
    return subprocess.run([sys.executable, "-m", "assistant", *args], capture_output=True, text=True, env=env,
                          cwd=PROJECT_ROOT, timeout=120)


def test_cli_keys_and_audit_verify_name_the_first_bad_entry(tmp_path):
    created = _cli(tmp_path, "keys", "create", "--name", "门户组件", "--role", "reader", "--collections", "公开")
    assert created.returncode == 0, created.stderr
    key = created.stdout.strip()
    assert key.startswith("pqa_") and "只显示这一次" in created.stderr
    assert key.split("_", 2)[2] not in (tmp_path / "keys.sqlite3").read_bytes().decode("utf-8", "replace")
    assert _cli(tmp_path, "keys", "revoke", "门户组件").returncode == 0
    listed = _cli(tmp_path, "keys", "list", "--json").stdout.splitlines()
    assert json.loads(listed[0])["revoked_at"] and "secret" not in listed[0]
    ok = _cli(tmp_path, "audit", "verify")
    assert ok.returncode == 0 and "校验了 2 条" in ok.stdout
    with sqlite3.connect(tmp_path / "audit.sqlite3") as db:
        db.execute("UPDATE entries SET principal = 'someone' WHERE id = 1")
    bad = _cli(tmp_path, "audit", "verify")
    assert bad.returncode == 1 and "第 1 条" in bad.stdout
    exported = _cli(tmp_path, "audit", "export", "--format", "jsonl").stdout.splitlines()
    assert [json.loads(line)["action"] for line in exported] == ["key_created", "key_revoked"]
