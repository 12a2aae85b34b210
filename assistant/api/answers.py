"""The seam between HTTP handlers and the Python API for answers, plain and streamed.

Streams are iterators of text pieces ending with the final Answer. The extractive answerer has no token
stream, so its finished text is cut into pieces; an assistant that offers `ask_stream(question, **kwargs)`
with the same contract (the LLM mode) is streamed for real.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ..access import LOCAL, Principal
from ..assistant import Assistant
from ..models import Answer
from .metrics import REFUSALS
from .schemas import ChatTurn

AnswerStream = Iterator["str | Answer"]

_PIECE = re.compile(r"\[\d+\]|[^\[]{1,16}|\[")


def _kwargs(province: Any, doc_id: Any, top_k: int | None, history: list[ChatTurn] | None,
            principal: Principal) -> dict[str, Any]:
    return {"province": province, "doc_id": doc_id, "top_k": top_k,
            "history": [turn.model_dump() for turn in history] if history else None, "principal": principal}


def ask(assistant: Assistant, question: str, *, province: Any = None, doc_id: Any = None,
        top_k: int | None = None, history: list[ChatTurn] | None = None, endpoint: str = "ask",
        principal: Principal = LOCAL) -> Answer:
    """Assistant.ask, counting refusals for the metrics."""
    answer = assistant.ask(question, **_kwargs(province, doc_id, top_k, history, principal))
    if not answer.answerable:
        REFUSALS.labels(endpoint).inc()
    return answer


def pieces(text: str) -> Iterator[str]:
    """Short pieces of a finished answer, never splitting a [n] citation marker."""
    yield from _PIECE.findall(text)


def stream(assistant: Assistant, question: str, *, province: Any = None, doc_id: Any = None,
           top_k: int | None = None, history: list[ChatTurn] | None = None, endpoint: str = "ask",
           principal: Principal = LOCAL) -> AnswerStream:
    """Text pieces as they are produced, then the Answer they make up."""
    producer = getattr(assistant, "ask_stream", None)
    if not callable(producer):
        answer = ask(assistant, question, province=province, doc_id=doc_id, top_k=top_k, history=history,
                     endpoint=endpoint, principal=principal)
        yield from pieces(answer.answer)
        yield answer
        return
    for item in producer(question, **_kwargs(province, doc_id, top_k, history, principal)):
        if isinstance(item, Answer) and not item.answerable:
            REFUSALS.labels(endpoint).inc()
        yield item
