"""Hostile text the hardening tests push through import, every page and every export.

`EVIL_HOST` is an address no test serves: a browser that tries to fetch it (an image in a
name rendered as Markdown or HTML) shows up in the browser tests' request log.
"""

from __future__ import annotations

EVIL_HOST = "evil.example"

FORMULAS = [  # OWASP CSV injection: cells that a spreadsheet would run
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://evil.example/x","klik")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
]
MARKUP = [  # text that Markdown, HTML or LaTeX would turn into something else
    f"![b](http://{EVIL_HOST}/gambar.png)",
    f"[tautan](http://{EVIL_HOST}/tautan)",
    "**tebal** _miring_ `kode`",
    "$\\frac{1}{0}$ :red[merah] :material/warning:",
    "# Judul besar",
    f"<img src=http://{EVIL_HOST}/html.png onerror=alert(1)>",
    "<script>alert('xss')</script>",
]
NUL = "Nama\x00tersembunyi"
PAYLOADS = FORMULAS + MARKUP  # every one a plausible value of a text column


def too_long(limit: int) -> str:
    """A text one character over `limit`."""
    return "A" * (limit + 1)
