"""What OpenAI clients expect beyond the answer itself: our one model id, token usage, and refusing the
request features we do not implement (so nothing a client asked for is silently dropped)."""

from __future__ import annotations

import math
import re
import time

from ..assistant import Assistant
from .errors import ModelNotFound, UnsupportedParameter
from .schemas import ChatCompletionRequest, ChatMessage, Model, Usage

MODEL_ID = "policy-qa"  # the one model this server offers, also when an LLM writes the answers
OWNER = "policy-qa-assistant"

_TOKEN = re.compile(r"[A-Za-z0-9]+|\S")
_LATIN_CHARS_PER_TOKEN = 4

_CONTENT_KINDS = {"image_url": "图片", "input_image": "图片", "input_audio": "音频", "audio": "音频",
                  "file": "文件", "input_file": "文件"}


def count_tokens(text: str) -> int:
    """Approximate, deterministic token count without a tokenizer: one per Chinese character or punctuation
    mark, one per four letters or digits of a Latin word (about what BPE tokenizers give)."""
    return sum(math.ceil(len(piece) / _LATIN_CHARS_PER_TOKEN) if piece.isascii() and piece.isalnum() else 1
               for piece in _TOKEN.findall(text))


def usage(messages: list[ChatMessage], answer: str) -> Usage:
    prompt = sum(count_tokens(m.text()) for m in messages)
    completion = count_tokens(answer)
    return Usage(prompt_tokens=prompt, completion_tokens=completion, total_tokens=prompt + completion)


def model_card(assistant: Assistant) -> Model:
    built = time.mktime(time.strptime(assistant.index.manifest.built_at, "%Y-%m-%dT%H:%M:%S"))
    return Model(id=MODEL_ID, created=int(built), owned_by=OWNER)


def check_model(model_id: str | None, param: str = "model") -> None:
    """None means our model; any other id is OpenAI's 404 `model_not_found`."""
    if model_id is not None and model_id != MODEL_ID:
        raise ModelNotFound(f"模型“{model_id}”不存在，本服务只提供模型“{MODEL_ID}”（见 GET /v1/models）。", param)


def check_supported(body: ChatCompletionRequest) -> None:
    """400 for features that would change what the client gets back, instead of ignoring them."""
    if body.n is not None and body.n != 1:
        raise UnsupportedParameter(f"不支持 n={body.n}：每次请求只返回一个回答，请将 n 设为 1 或不传。", "n")
    for name in ("tools", "functions"):
        if getattr(body, name):
            raise UnsupportedParameter(f"不支持工具调用（{name}）：本服务只回答政策问题并引用原文条款。", name)
    for name in ("tool_choice", "function_call"):
        if getattr(body, name) not in (None, "none"):
            raise UnsupportedParameter(f"不支持工具调用（{name}）：请不传该参数或设为 \"none\"。", name)
    for i, message in enumerate(body.messages):
        if message.role in ("tool", "function") or message.tool_calls or message.function_call:
            raise UnsupportedParameter("不支持工具调用：消息中不能包含工具调用或工具结果（role 为 tool/function、"
                                       "tool_calls、function_call）。", f"messages[{i}]")
        for j, part in enumerate(message.content if isinstance(message.content, list) else []):
            if part.type != "text":
                kind = _CONTENT_KINDS.get(part.type, "该")
                raise UnsupportedParameter(f"不支持{kind}类型的消息内容（{part.type}）：只能发送文本。",
                                           f"messages[{i}].content[{j}]")
