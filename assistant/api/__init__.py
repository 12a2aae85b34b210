"""HTTP API: `create_app(assistant)` builds the FastAPI app; `server.serve()` runs it with the UI and widget."""

from .app import create_app

__all__ = ["create_app"]
