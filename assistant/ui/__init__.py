"""The Gradio UI: `build_ui(assistant)` returns the Blocks that app.py mounts at "/"."""

from .app import build_ui

__all__ = ["build_ui"]
