"""One server for everything: the API under /v1, the widget at /widget.js and the Gradio chat at /."""

from __future__ import annotations

import logging

from fastapi import FastAPI

from ..assistant import Assistant
from ..settings import Settings, get_settings
from .app import create_app

log = logging.getLogger(__name__)


def mount_ui(app: FastAPI, assistant: Assistant) -> bool:
    """Mount the chat UI at /, registered last so it never shadows the API; skipped if the UI is missing."""
    try:
        from ..ui import build_ui
    except ImportError as error:
        log.warning("Chat UI not available (%s); serving the API only", error)
        return False
    import gradio as gr

    gr.mount_gradio_app(app, build_ui(assistant), path="/", footer_links=[])
    return True


def build_app(assistant: Assistant | None = None, settings: Settings | None = None, *, ui: bool = True) -> FastAPI:
    """The full application; usable as `uvicorn --factory assistant.api.server:build_app`."""
    settings = settings or (assistant.settings if assistant is not None else get_settings())
    assistant = assistant or Assistant(settings, show_progress=True)
    app = create_app(assistant, settings)
    app.state.ui_mounted = ui and mount_ui(app, assistant)
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
