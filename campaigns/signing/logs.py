"""A logging filter for pyHanko's warnings, named in settings.LOGGING."""

from __future__ import annotations

import logging


class WithoutTraceback(logging.Filter):
    """Keep a library's warnings but drop their tracebacks.

    pyHanko logs every chain that reaches no trusted root ("Failed to build path") as a warning
    with the whole PathBuildingError traceback; the portal already shows that verdict
    ("untrusted") beside the signature, so one line in the log is enough. Errors keep theirs.
    """

    def __init__(self, prefixes: tuple[str, ...] = ("pyhanko",)) -> None:
        super().__init__()
        self.prefixes = tuple(prefixes)

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.ERROR and record.name.startswith(self.prefixes):
            record.exc_info = None
            record.exc_text = None
            record.stack_info = None
        return True
