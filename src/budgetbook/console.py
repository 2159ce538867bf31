"""The console streams made safe for what budgetbook prints, on any Windows code page.

Python writes to a real Windows console in UTF-8 whatever its code page, but output
redirected to a file or a pipe (`budgetbook run > logg.txt`, `| more`, a scheduled task)
is encoded in the locale's code page (cp1252 on a Swedish Windows) with errors="strict".
Our messages carry amounts with a minus sign (U+2212), which cp1252 lacks, and cp850/cp437
(`PYTHONIOENCODING`, old consoles) also lack ” – … : one such character used to stop the
command with "Oväntat fel (UnicodeEncodeError …)" after the work was done, and cut the
listing short. Here a character the stream cannot encode becomes its plain ASCII
counterpart ("−2 894" -> "-2 894"), or "?" for one we never print on purpose; å, ä and
ö stay as they are in every code page we meet.
"""

from __future__ import annotations

import codecs
import io
import sys

ERRORS = "budgetbook-ascii"

# what we print, as a reader of a code page without it would write it
ASCII = {
    "\u2212": "-",  # minus sign
    "\u2013": "-",  # en dash
    "\u2014": "-",  # em dash
    "\u2026": "...",
    "\u201c": '"',
    "\u201d": '"',
    "\u2018": "'",
    "\u2019": "'",
    "\u00d7": "x",
    "\u2265": ">=",
    "\u2264": "<=",
    "\u2260": "!=",
    "\u2192": "->",
    "\u2022": "*",
    "\u00b7": "*",
    "\u00a0": " ",  # no-break space (thousands)
    "\u202f": " ",  # narrow no-break space
    "\u2009": " ",  # thin space
}


def ascii_fallback(exc: UnicodeError) -> tuple[str, int]:
    """codecs error handler: the unencodable run as ASCII (see ASCII), else "?"."""
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    run = exc.object[exc.start : exc.end]
    return "".join(ASCII.get(ch, "?") for ch in run), exc.end


codecs.register_error(ERRORS, ascii_fallback)


def is_utf(stream: object) -> bool:
    """True when `stream` encodes every character (UTF-8, or not a text stream we know)."""
    encoding = getattr(stream, "encoding", None) or "utf-8"
    return codecs.lookup(encoding).name.startswith("utf")


def make_safe() -> None:
    """Let stdout and stderr write every character we print, whatever their encoding.

    Only a stream in a code page is changed, and only its error handling; its encoding
    stays the one the user's Windows (or PYTHONIOENCODING) chose, so a redirected file
    opens in Notepad or Excel as before. pythonw.exe has no streams (None): left alone.
    """
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper) and not is_utf(stream):
            stream.reconfigure(errors=ERRORS)
