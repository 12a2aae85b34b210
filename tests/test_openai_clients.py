"""The clients people already run, unchanged, against a real server on 127.0.0.1: the official `openai`
package and `langchain-openai`'s ChatOpenAI. Answers, streaming, follow-ups, model listing, usage, and every
error surfacing as the SDK's usual exception class with our Chinese message."""

from __future__ import annotations

import openai
import pytest
from langchain_core.messages import AIMessage, HumanMessage
from langchain_openai import ChatOpenAI

from assistant.api import create_app
from assistant.api.openai_compat import MODEL_ID, count_tokens

HUNAN = "湖南省到2020年工程项目一次性验收合格率要达到多少？"
QINGHAI = "青海省森林覆盖率要达到多少？"
KEY = "sdk-key-71c2"


def _chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


@pytest.fixture(scope="module")
def client(server_url):
    with openai.OpenAI(base_url=f"{server_url}/v1", api_key="unused-on-an-open-server", max_retries=0) as sdk:
        yield sdk


@pytest.fixture(scope="module")
def chat_model(server_url):
    return ChatOpenAI(base_url=f"{server_url}/v1", api_key="unused", model=MODEL_ID, max_retries=0,
                      stream_usage=True)


@pytest.fixture(scope="module")
def keyed_url(assistant, serve_app):
    """Keys required, and a limit of three requests a minute per key."""
    settings = assistant.settings.model_copy(update={"api_keys": [KEY], "open_mode": False,
                                                     "rate_limit_per_minute": 3})
    return serve_app(create_app(assistant, settings))


# -- openai ------------------------------------------------------------------------------------------

def test_models_list_offers_policy_qa_as_front_ends_expect(client):
    models = client.models.list()
    assert [m.id for m in models.data] == [MODEL_ID]
    model = client.models.retrieve(MODEL_ID)
    assert model.object == "model" and model.owned_by and model.created > 1_600_000_000


def test_unknown_model_is_not_found_in_openai_shape(client):
    with pytest.raises(openai.NotFoundError) as retrieved:
        client.models.retrieve("gpt-4o")
    with pytest.raises(openai.NotFoundError) as chatted:
        client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": HUNAN}])
    for error in (retrieved.value, chatted.value):
        assert error.code == "model_not_found" and error.type == "invalid_request_error"
        assert "gpt-4o" in error.body["message"] and MODEL_ID in error.body["message"]


def test_completion_answers_with_citations_and_usage(client):
    completion = client.chat.completions.create(model=MODEL_ID, messages=[{"role": "user", "content": HUNAN}])
    message = completion.choices[0].message
    assert message.role == "assistant" and "99.3%" in message.content
    assert completion.model == MODEL_ID and completion.choices[0].finish_reason == "stop"
    assert completion.usage.prompt_tokens == count_tokens(HUNAN)
    assert completion.usage.completion_tokens == count_tokens(message.content)
    assert completion.usage.total_tokens == completion.usage.prompt_tokens + completion.usage.completion_tokens
    assert any(c["doc_id"] == "hunan-2017" for c in completion.model_extra["citations"])


def test_stream_adds_up_to_the_completion_and_ends_with_usage(client):
    plain = client.chat.completions.create(model=MODEL_ID, messages=[{"role": "user", "content": QINGHAI}])
    chunks = list(client.chat.completions.create(model=MODEL_ID, messages=[{"role": "user", "content": QINGHAI}],
                                                 stream=True, stream_options={"include_usage": True}))
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == plain.choices[0].message.content and "6.28%" in text
    *answer_chunks, last = chunks
    assert last.choices == [] and last.usage.total_tokens == plain.usage.total_tokens
    assert all(c.usage is None for c in answer_chunks)
    assert answer_chunks[-1].choices[0].finish_reason == "stop"
    without = list(client.chat.completions.create(model=MODEL_ID, messages=[{"role": "user", "content": QINGHAI}],
                                                  stream=True))
    assert all(c.choices for c in without)  # no usage chunk unless asked for


def test_follow_up_uses_the_earlier_messages(client):
    first = client.chat.completions.create(model=MODEL_ID, messages=[{"role": "user", "content": HUNAN}])
    follow_up = client.chat.completions.create(model=MODEL_ID, messages=[
        {"role": "system", "content": "你是政策助手"}, {"role": "user", "content": HUNAN},
        {"role": "assistant", "content": first.choices[0].message.content},
        {"role": "user", "content": "那四川呢？"}])
    assert {c["province"] for c in follow_up.model_extra["citations"]} == {"四川"}


@pytest.mark.parametrize("extra, param", [
    ({"n": 2}, "n"),
    ({"tools": [{"type": "function", "function": {"name": "lookup", "parameters": {"type": "object"}}}]}, "tools"),
    ({"tool_choice": "required"}, "tool_choice"),
    ({"messages": [{"role": "user", "content": [
        {"type": "text", "text": "这张图里的文件是哪个省的？"},
        {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}}]}]}, "messages[0].content[1]"),
    ({"messages": [{"role": "user", "content": HUNAN}, {"role": "tool", "content": "42", "tool_call_id": "c1"}]},
     "messages[1]"),
])
def test_unsupported_features_are_a_clear_bad_request(client, extra, param):
    request = {"model": MODEL_ID, "messages": [{"role": "user", "content": HUNAN}], **extra}
    with pytest.raises(openai.BadRequestError) as caught:
        client.chat.completions.create(**request)
    error = caught.value
    assert error.code == "unsupported_parameter" and error.param == param and error.type == "invalid_request_error"
    assert _chinese(error.body["message"]) and "不支持" in error.body["message"]


def test_empty_question_is_a_bad_request(client):
    with pytest.raises(openai.BadRequestError) as caught:
        client.chat.completions.create(model=MODEL_ID, messages=[{"role": "user", "content": "  "}])
    assert caught.value.code == "invalid_question" and _chinese(caught.value.body["message"])


def test_wrong_key_is_authentication_error_and_the_limit_rate_limit_error(keyed_url):
    with openai.OpenAI(base_url=f"{keyed_url}/v1", api_key="guessed", max_retries=0) as wrong:
        with pytest.raises(openai.AuthenticationError) as caught:
            wrong.models.list()
    assert caught.value.code == "unauthorized" and caught.value.type == "authentication_error"
    assert caught.value.body["message"] == "API 密钥无效。"
    with openai.OpenAI(base_url=f"{keyed_url}/v1", api_key=KEY, max_retries=0) as right:
        for _ in range(3):
            assert right.models.list().data[0].id == MODEL_ID
        with pytest.raises(openai.RateLimitError) as limited:
            right.models.list()
    assert limited.value.code == "rate_limited" and limited.value.type == "rate_limit_error"
    assert _chinese(limited.value.body["message"]) and int(limited.value.response.headers["retry-after"]) >= 1


# -- langchain-openai ----------------------------------------------------------------------------------

def test_chat_openai_invoke_reports_usage(chat_model):
    reply = chat_model.invoke(HUNAN)
    assert "99.3%" in reply.content
    assert reply.usage_metadata["input_tokens"] == count_tokens(HUNAN)
    assert reply.usage_metadata["total_tokens"] > reply.usage_metadata["input_tokens"]


def test_chat_openai_streams_and_follows_up(chat_model):
    pieces = list(chat_model.stream(QINGHAI))
    assert len(pieces) > 2 and "6.28%" in "".join(p.content for p in pieces)
    assert sum(p.usage_metadata["total_tokens"] for p in pieces if p.usage_metadata) > 0
    first = chat_model.invoke(HUNAN)
    follow_up = chat_model.invoke([HumanMessage(HUNAN), AIMessage(first.content), HumanMessage("那四川呢？")])
    assert "四川" in follow_up.content


def test_chat_openai_raises_the_sdk_errors(server_url, keyed_url):
    with pytest.raises(openai.AuthenticationError):
        ChatOpenAI(base_url=f"{keyed_url}/v1", api_key="guessed", model=MODEL_ID, max_retries=0).invoke(HUNAN)
    with pytest.raises(openai.NotFoundError):
        ChatOpenAI(base_url=f"{server_url}/v1", api_key="unused", model="gpt-4o", max_retries=0).invoke(HUNAN)
    with pytest.raises(openai.BadRequestError) as caught:
        ChatOpenAI(base_url=f"{server_url}/v1", api_key="unused", model=MODEL_ID, max_retries=0, n=2).invoke(HUNAN)
    assert caught.value.param == "n"
