"""Errors with user-facing Chinese messages; the CLI and the API turn them into exit codes and statuses."""

from __future__ import annotations


class AssistantError(Exception):
    """Base class: `message` is shown to end users as is."""

    http_status = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class InvalidQuestion(AssistantError):
    """Empty, whitespace-only or over-long questions."""


class UnknownFilter(AssistantError):
    """A province or doc_id filter that the corpus does not contain."""


class NotFound(AssistantError):
    http_status = 404


class CorpusError(AssistantError):
    """A corpus file that cannot be read or parsed, or a broken manifest."""

    http_status = 500


class IndexUnavailable(AssistantError):
    """A missing, corrupt or mismatched index that could not be rebuilt."""

    http_status = 503
