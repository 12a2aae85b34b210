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
from ..security import CallerDep
from ..schemas import (
    AskResponse,
    ChatCompletion,
    ChatCompletionChoice,
    ChatCompletionMessage,
    ChatCompletionRequest,
    ChatMessage,
    ChatTurn,
    Usage,
)
from ..sse import dumps, event_response

router = APIRouter(tags=["openai"])

MODEL_NAME = "policy-qa"

STREAM_DOC = {
    200: {
        "description": "chat.completion, or with `stream: true` chat.completion.chunk events ending with "
                       "`data: [DONE]`; the last chunk carries `citations`.",
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


def _usage(messages: list[ChatMessage], answer: str) -> Usage:
    """Counted in characters: there is no tokenizer behind extractive answers."""
    prompt = sum(len(m.text()) for m in messages)
    return Usage(prompt_tokens=prompt, completion_tokens=len(answer), total_tokens=prompt + len(answer))


@router.post("/chat/completions", response_model=ChatCompletion, responses={**STREAM_DOC, **errors(
    400, 401, 413, 422, 429, 503)})
async def chat_completions(body: ChatCompletionRequest, assistant: AssistantDep, principal: CallerDep):
    """Answer the last user message; `stream: true` sends OpenAI-style chunks."""
    question, history = split_messages(body.messages)
    model = body.model or MODEL_NAME
    completion_id = f"chatcmpl-{uuid.uuid4().hex}"
    created = int(time.time())
    if body.stream:
        stream = answers.stream(assistant, question, province=body.province, doc_id=body.doc_id, history=history,
                                endpoint="chat_completions", principal=principal)
        return await event_response(stream, _chunk_renderer(completion_id, created, model),
                                    closing=[{"data": "[DONE]"}])
    answer = await run_in_threadpool(answers.ask, assistant, question, province=body.province,
                                     doc_id=body.doc_id, history=history, endpoint="chat_completions",
                                     principal=principal)
    contract = AskResponse.of(answer)
    return ChatCompletion(
        id=completion_id, created=created, model=model,
        choices=[ChatCompletionChoice(message=ChatCompletionMessage(content=answer.answer))],
        usage=_usage(body.messages, answer.answer), citations=contract.citations, answerable=answer.answerable)


def _chunk_renderer(completion_id: str, created: int, model: str):
    started = False

    def chunk(delta: dict[str, Any], finish_reason: str | None = None, **extra: Any) -> dict[str, Any]:
        payload = {"id": completion_id, "object": "chat.completion.chunk", "created": created, "model": model,
                   "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}], **extra}
        return {"data": dumps(payload)}

    def render(item: str | Answer) -> Iterator[dict[str, Any]]:
        nonlocal started
        if not started:
            started = True
            yield chunk({"role": "assistant", "content": ""})
        if isinstance(item, Answer):
            contract = AskResponse.of(item).model_dump(mode="json")
            yield chunk({}, "stop", citations=contract["citations"], answerable=contract["answerable"])
        else:
            yield chunk({"content": item})

    return render
