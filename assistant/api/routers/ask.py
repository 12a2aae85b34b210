"""Questions in, cited answers out: as one JSON object or as a stream of server-sent events."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fastapi import APIRouter

from ...models import Answer
from .. import answers
from ..deps import AssistantDep, errors
from ..security import CallerDep
from ..schemas import AskRequest, AskResponse
from ..sse import dumps, event_response

router = APIRouter(tags=["answers"])

STREAM_DOC = {
    200: {
        "description": "Events `delta` ({text}) while the answer is built, then `citations` "
                       "({citations, answerable}), then `done` (the whole answer object); `error` on failure.",
        "content": {"text/event-stream": {"schema": {"type": "string"}}},
    }
}


@router.post("/ask", response_model=AskResponse, response_model_exclude_none=True,
             responses=errors(400, 401, 413, 422, 429, 503))
def ask(body: AskRequest, assistant: AssistantDep, principal: CallerDep) -> AskResponse:
    """Answer a question quoting the clauses that support it, or refuse when the documents do not say."""
    answer = answers.ask(assistant, body.question, province=body.province, doc_id=body.doc_id, top_k=body.top_k,
                         history=body.history, principal=principal)
    return AskResponse.of(answer)


def _render(item: str | Answer) -> Iterator[dict[str, Any]]:
    if isinstance(item, Answer):
        contract = AskResponse.of(item).model_dump(mode="json", exclude_none=True)
        yield {"event": "citations", "data": dumps({"citations": contract["citations"],
                                                    "answerable": contract["answerable"]})}
        yield {"event": "done", "data": dumps(contract)}
    else:
        yield {"event": "delta", "data": dumps({"text": item})}


@router.post("/ask/stream", responses={**STREAM_DOC, **errors(400, 401, 413, 422, 429, 503)})
async def ask_stream(body: AskRequest, assistant: AssistantDep, principal: CallerDep):
    """The same answer as POST /v1/ask, sent piece by piece as server-sent events."""
    stream = answers.stream(assistant, body.question, province=body.province, doc_id=body.doc_id,
                            top_k=body.top_k, history=body.history, endpoint="ask_stream", principal=principal)
    return await event_response(stream, _render)
