"""`make run`: one server with the chat UI at /, the HTTP API under /v1 (docs at /docs) and /widget.js.

Host, port, keys and the rest come from the POLICYQA_* settings (assistant/settings.py).
"""

from assistant.api.server import serve

if __name__ == "__main__":
    raise SystemExit(serve())
