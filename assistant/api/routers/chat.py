"""OpenAI-compatible chat completions, so existing chat clients and SDKs can talk to the assistant.

The last user message is the question, earlier user and assistant messages are the history; system prompts
are ignored (the answers are quotes, not generations). The citations travel in an extra top-level field.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from typing import Any

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from ...errors import InvalidQuestion
from ...models import Answer
from .. import answers
from ..deps import AssistantDep, errors
from ..openai_compat import MODEL_ID, check_model, check_supported, usage
from ..security import CallerDep
from ..schemas import (
    AskResponse,
    ChatCompletion,
    ChatCompletionChoice,
    ChatCompletionMessage,
    ChatCompletionRequest,
    ChatMessage,
    ChatTurn,
)
from ..sse import dumps, event_response

router = APIRouter(tags=["openai"])

STREAM_DOC = {
    200: {
        "description": "chat.completion, or with `stream: true` chat.completion.chunk events ending with "
                       "`data: [DONE]`; the last chunk with choices carries `citations`, and with "
                       "`stream_options.include_usage` one more chunk carries `usage`.",
        "content": {"text/event-stream": {"schema": {"type": "string"}}},
    }
}


def split_messages(messages: list[ChatMessage]) -> tuple[str, list[ChatTurn]]:
    """(question, history): the last user message, and the user/assistant turns before it."""
    last_user = max((i for i, m in enumerate(messages) if m.role == "user"), default=None)
    if last_user is None:
        raise InvalidQuestion("消息中缺少用户问题（role 为 user 的消息）。")
    history = [ChatTurn(role=m.role, content=m.text()) for m in messages[:last_user]
               if m.role in ("user", "assistant") and m.text().strip()]
    return messages[last_user].text(), history


@router.post("/chat/completions", response_model=ChatCompletion, responses={**STREAM_DOC, **errors(
    400, 401, 404, 413, 422, 429, 503)})
async def chat_completions(body: ChatCompletionRequest, assistant: AssistantDep, principal: CallerDep):
    """Answer the last user message; `stream: true` sends OpenAI-style chunks."""
    check_model(body.model)
    check_supported(body)
    question, history = split_messages(body.messages)
    completion_id = f"chatcmpl-{uuid.uuid4().hex}"
    created = int(time.time())
    if body.stream:
        stream = answers.stream(assistant, question, province=body.province, doc_id=body.doc_id, history=history,
                                endpoint="chat_completions", principal=principal)
        include_usage = body.stream_options is not None and body.stream_options.include_usage
        return await event_response(stream, _chunk_renderer(completion_id, created, body.messages, include_usage),
                                    closing=[{"data": "[DONE]"}])
    answer = await run_in_threadpool(answers.ask, assistant, question, province=body.province,
                                     doc_id=body.doc_id, history=history, endpoint="chat_completions",
                                     principal=principal)
    contract = AskResponse.of(answer)
    return ChatCompletion(
        id=completion_id, created=created, model=MODEL_ID,
        choices=[ChatCompletionChoice(message=ChatCompletionMessage(content=answer.answer))],
        usage=usage(body.messages, answer.answer), citations=contract.citations, answerable=answer.answerable)


def _chunk_renderer(completion_id: str, created: int, messages: list[ChatMessage], include_usage: bool):
    """chat.completion.chunk events; with `include_usage`, every chunk has `usage: null` and one more chunk
    without choices carries the counts, as OpenAI sends them."""
    started = False

    def chunk(choices: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
        payload = {"id": completion_id, "object": "chat.completion.chunk", "created": created, "model": MODEL_ID,
                   "choices": choices, **({"usage": None} if include_usage else {}), **extra}
        return {"data": dumps(payload)}

    def choice(delta: dict[str, Any], finish_reason: str | None = None) -> list[dict[str, Any]]:
        return [{"index": 0, "delta": delta, "finish_reason": finish_reason}]

    def render(item: str | Answer) -> Iterator[dict[str, Any]]:
        nonlocal started
        if not started:
            started = True
            yield chunk(choice({"role": "assistant", "content": ""}))
        if isinstance(item, Answer):
            contract = AskResponse.of(item).model_dump(mode="json")
            yield chunk(choice({}, "stop"), citations=contract["citations"], answerable=contract["answerable"])
            if include_usage:
                yield chunk([], usage=usage(messages, item.answer).model_dump())
        else:
            yield chunk(choice({"content": item}))

    return render
