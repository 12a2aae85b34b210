"""Shared fixtures: one real Assistant (real index over the real corpus) per test session."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")


@pytest.fixture(scope="session")
def assistant():
    from assistant.assistant import Assistant

    return Assistant()


@pytest.fixture(scope="session")
def corpus():
    from assistant.corpus import load_corpus
    from assistant.settings import get_settings

    return load_corpus(get_settings().corpus_dir)
