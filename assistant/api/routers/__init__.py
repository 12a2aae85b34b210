"""One router per resource: answers, search, documents, chat completions, admin, health, widget."""
