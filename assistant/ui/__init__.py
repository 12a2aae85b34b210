"""The Gradio UI: `build_ui(assistant)` returns the Blocks that app.py mounts at "/"."""

import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # before gradio is imported: no calls home

from .app import build_ui

__all__ = ["build_ui"]
