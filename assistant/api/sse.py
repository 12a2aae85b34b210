"""Server-sent events from a blocking answer stream, with errors caught before and after the stream starts."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from typing import Any

from sse_starlette import EventSourceResponse
from starlette.concurrency import iterate_in_threadpool, run_in_threadpool

from ..errors import AssistantError
from ..models import Answer
from .errors import error_payload

log = logging.getLogger(__name__)

Render = Callable[["str | Answer"], Iterable[dict[str, Any]]]


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


async def event_response(stream: Iterator[str | Answer], render: Render,
                         closing: Iterable[dict[str, Any]] = ()) -> EventSourceResponse:
    """Start the stream first, so a bad question still gets a plain HTTP error, then send it as SSE."""
    first = await run_in_threadpool(next, stream, None)

    async def events() -> AsyncIterator[dict[str, Any]]:
        try:
            if first is not None:
                for event in render(first):
                    yield event
            async for item in iterate_in_threadpool(stream):
                for event in render(item):
                    yield event
        except Exception as error:  # the status is sent already: report in-band, log the details here
            if not isinstance(error, AssistantError):
                log.exception("Error while streaming an answer")
            yield {"event": "error", "data": dumps(error_payload(error))}
        for event in closing:
            yield event

    return EventSourceResponse(events(), sep="\n")
