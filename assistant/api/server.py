"""One server for everything: the API under /v1, the widget at /widget.js and the Gradio chat at /."""

from __future__ import annotations

import logging

from fastapi import FastAPI

from ..assistant import Assistant
from ..errors import AssistantError
from ..settings import Settings, get_settings
from .app import create_app

log = logging.getLogger(__name__)


def mount_ui(app: FastAPI, assistant: Assistant | None, error_message: str | None = None) -> bool:
    """Mount the chat UI at /, registered last so it never shadows the API; skipped if the UI is missing.
    Without an assistant the UI shows `error_message` as a banner instead of a chat.

    The chat and its programmatic API (/gradio_api/…) ask for a login, checked against the API's keys, unless
    the server runs open (loopback) with no key at all; every callback checks the session's principal again."""
    try:
        from ..ui import build_ui
    except ImportError as error:
        log.warning("Chat UI not available (%s); serving the API only", error)
        return False
    import gradio as gr

    policy = app.state.policy
    login = not policy.open or policy.keys
    gr.mount_gradio_app(app, build_ui(assistant, error_message, principal_of=policy.chat_principal), path="/",
                        footer_links=[], auth=policy.login if login else None,
                        auth_message="请使用密钥名称作为用户名、API 密钥作为密码登录。" if login else None)
    return True


def build_app(assistant: Assistant | None = None, settings: Settings | None = None, *, ui: bool = True) -> FastAPI:
    """The full application; usable as `uvicorn --factory assistant.api.server:build_app`."""
    settings = settings or (assistant.settings if assistant is not None else get_settings())
    load_error = None
    if assistant is None:
        try:
            assistant = Assistant(settings, show_progress=True, stale_ok=True)
            assistant.catch_up()  # corpus changes since the last build are indexed while questions are answered
        except AssistantError as error:  # a broken corpus or index: stay up and say why, never crash
            log.error("索引无法加载：%s", error.message)
            load_error = f"索引无法加载：{error.message}"
    app = create_app(assistant, settings, load_error=load_error)
    app.state.ui_mounted = ui and mount_ui(app, assistant, load_error)
    return app


def serve(settings: Settings | None = None, *, ui: bool = True) -> int:
    """Load the index, then serve until interrupted."""
    import uvicorn

    settings = settings or get_settings()
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("assistant").setLevel(logging.INFO)  # also when the CLI configured logging already
    logging.getLogger("faiss").setLevel(logging.WARNING)
    app = build_app(settings=settings, ui=ui)
    url = f"http://{settings.host}:{settings.port}"
    chat = f"{url}/ （聊天界面） · " if app.state.ui_mounted else ""
    log.info("政策问答助手：%s%s/docs （API 文档） · %s/widget.js （嵌入组件）", chat, url, url)
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="info")
    return 0
