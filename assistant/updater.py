"""Index updates in a worker thread, so questions are answered from the current index while one runs."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Literal

from pydantic import BaseModel, Field

from .errors import AssistantError
from .library import PendingDocument

log = logging.getLogger(__name__)


class IndexState(BaseModel):
    """What /readyz, /v1/documents, `assistant docs list` and the 文件库 tab say about the index."""

    state: Literal["ready", "building"]
    pending: list[PendingDocument] = Field(default_factory=list,
                                           description="Corpus changes the index in use does not contain yet.")
    last_error: str | None = Field(None, description="Why the last background update failed, if it did.")


class BackgroundIndexer:
    """Runs `update` in one daemon thread whenever asked; asks arriving during a run coalesce into one more run."""

    def __init__(self, update: Callable[[], object]):
        self._update = update
        self._lock = threading.Lock()
        self._wanted = False
        self._running = False
        self._idle = threading.Event()
        self._idle.set()
        self.last_error: str | None = None

    @property
    def busy(self) -> bool:
        return not self._idle.is_set()

    def request(self) -> None:
        with self._lock:
            self._wanted = True
            if self._running:
                return
            self._running = True
            self._idle.clear()
        threading.Thread(target=self._run, name="index-update", daemon=True).start()

    def wait(self, timeout: float | None = None) -> bool:
        """True once no update is running or wanted (for tests and orderly shutdowns)."""
        return self._idle.wait(timeout)

    def _run(self) -> None:
        while True:
            with self._lock:
                if not self._wanted:
                    self._running = False
                    self._idle.set()
                    return
                self._wanted = False
            try:
                self._update()
                self.last_error = None
            except AssistantError as error:
                log.error("后台更新索引失败：%s", error.message)
                self.last_error = error.message
            except Exception:  # the worker must outlive any failure; the old index keeps answering
                log.exception("background index update failed")
                self.last_error = "后台更新索引时发生内部错误，请查看服务器日志。"
