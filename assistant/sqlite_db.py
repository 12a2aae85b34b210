"""The one way the small SQLite stores under data_dir (feedback, keys) open their database."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def connect(path: Path, schema: str) -> sqlite3.Connection:
    """A connection with rows by column name; the folder and the table (one CREATE statement) made if missing."""
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(path, timeout=10)
    connection.row_factory = sqlite3.Row
    connection.execute(schema)
    return connection
