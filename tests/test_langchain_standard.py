"""PolicyRetriever against LangChain's own standard retriever tests (langchain-tests), on the real index:
what any LangChain app that takes a BaseRetriever relies on, sync and async, `k` at construction and per call."""

from __future__ import annotations

from typing import Any

import pytest
from langchain_tests.integration_tests import RetrieversIntegrationTests

from assistant.langchain_retriever import PolicyRetriever

HUNAN = "湖南省到2020年工程项目一次性验收合格率要达到多少？"


class TestPolicyRetrieverStandard(RetrieversIntegrationTests):
    @pytest.fixture(autouse=True)
    def _shared_assistant(self, assistant) -> None:
        self.assistant = assistant

    @property
    def retriever_constructor(self) -> type[PolicyRetriever]:
        return PolicyRetriever

    @property
    def retriever_constructor_params(self) -> dict[str, Any]:
        return {"assistant": self.assistant}

    @property
    def retriever_query_example(self) -> str:
        return HUNAN


async def test_async_invoke_honours_k_and_filters(assistant):
    retriever = PolicyRetriever(assistant=assistant, k=4)
    assert len(await retriever.ainvoke(HUNAN)) == 4
    docs = await retriever.ainvoke("标准化工作有什么要求？", k=2, province="四川")
    assert len(docs) == 2 and {d.metadata["province"] for d in docs} == {"四川"}


def test_top_k_is_accepted_as_a_synonym_of_k(assistant):
    assert len(PolicyRetriever(assistant=assistant, top_k=2).invoke(HUNAN)) == 2
    assert len(PolicyRetriever(assistant=assistant).invoke(HUNAN, top_k=1)) == 1


def test_unknown_or_invalid_arguments_are_errors_not_ignored(assistant):
    retriever = PolicyRetriever(assistant=assistant)
    with pytest.raises(TypeError):
        retriever.invoke(HUNAN, limit=1)
    with pytest.raises(ValueError, match="k 须为正整数"):
        retriever.invoke(HUNAN, k=0)
