"""Serve the UI alone (without the REST API): `python -m assistant.ui [--port N]`."""

from __future__ import annotations

import argparse
import logging

from ..errors import AssistantError
from ..settings import get_settings
from .app import build_ui

log = logging.getLogger("assistant.ui")


def main() -> None:
    settings = get_settings()
    parser = argparse.ArgumentParser(description="政策问答助手（仅界面）")
    parser.add_argument("--host", default=settings.host)
    parser.add_argument("--port", type=int, default=settings.port)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    try:
        from ..assistant import Assistant

        ui = build_ui(Assistant())
    except AssistantError as error:
        log.error("knowledge base unavailable: %s", error.message)
        ui = build_ui(None, error.message)
    ui.launch(server_name=args.host, server_port=args.port, footer_links=[])


if __name__ == "__main__":
    main()
