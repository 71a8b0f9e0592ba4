"""Logging for the dashboard and the command line: one setup, called once by `dashboard.py`
and by `python -m data_access`.

Everything the project logs goes to the "dasbor" logger and its children ("dasbor.akses" for
sign-ins, "dasbor.unduh" for the audit of person-level exports), one line per event on stderr:
time, level, logger, message. The level comes from the setting LOG_LEVEL (default INFO).
Streamlit configures its own "streamlit" loggers only, so it neither swallows nor repeats these.

What may be logged: emails (who signed in, who downloaded), roles, scopes and filters as codes,
dataset names, row counts. Never a NIP, an employee's name, a cookie, a token or a secret.
"""

from __future__ import annotations

import logging
import sys

from .config import setting

NAME = "dasbor"
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_HANDLER = "dasbor-stderr"


# Control characters as escapes: a line break inside a message (a crafted email, a traceback) is
# written as \n, so every event stays one line and no value can forge one; an escape sequence
# cannot steer the terminal that shows the log.
_ESCAPES = {c: f"\\x{c:02x}" for c in [*range(32), 127]} | {9: "\\t", 10: "\\n", 13: "\\r"}


class _OneLine(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return super().format(record).translate(_ESCAPES)


class _Stderr(logging.StreamHandler):
    """Writes to sys.stderr as it is when the line is written (a redirect, a test's capture),
    not as it was when the handler was made."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        pass


def setup() -> logging.Logger:
    """The "dasbor" logger with its one stderr handler, at the level LOG_LEVEL names. Safe to call
    on every rerun: the handler is added once per process, the level follows the setting."""
    logger = logging.getLogger(NAME)
    wanted = (setting("LOG_LEVEL", "INFO") or "INFO").strip().upper()
    level = logging.getLevelNamesMapping().get(wanted)
    logger.setLevel(level if isinstance(level, int) and level > 0 else logging.INFO)
    if not any(h.get_name() == _HANDLER for h in logger.handlers):
        handler = _Stderr()
        handler.set_name(_HANDLER)
        handler.setFormatter(_OneLine(FORMAT))
        logger.addHandler(handler)
        if level is None or level == 0:
            logger.warning("LOG_LEVEL %r tidak dikenal; dipakai INFO (pilihan: DEBUG, INFO, WARNING, ERROR)",
                           wanted)
    return logger
