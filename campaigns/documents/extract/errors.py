"""The error the extractor raises for a file or text it cannot read as a directive."""

from __future__ import annotations


class DirectiveImportError(ValueError):
    """A file or text that cannot be read as a directive; the message is for the user."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
