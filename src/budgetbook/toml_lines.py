"""Where a key or an array element of budgetbook.toml is written: its line, for errors
and for tracing a figure (a ram, an asset category's life) to it in Källor.

tomllib gives values without positions, so the lines are found in the text, counted
as editors count them (`settings_text.editor_lines`).
"""

from __future__ import annotations

import bisect
import functools
import re

from .settings_text import editor_lines


class TomlLines:
    """The lines of one TOML text, with lookups by key."""

    def __init__(self, source: str):
        self.lines = editor_lines(source)
        self._arrays: dict[str, list[int]] = {}
        self._inline: dict[str, list[int]] = {}

    def key_line(self, key: str) -> int | None:
        """Line of the first `key` (its last dotted part), as header or assignment: in
        its own table's lines first ("capital.deadline" under [capital], not the
        deadline of [round] above it), else anywhere in the file."""
        *table, last = re.sub(r"\[\d+\]", "", key).split(".")
        pattern = re.compile(rf"^\s*(\[+\s*)?([\w.]*\.)?{re.escape(last)}\s*(=|\]|\.)")
        if table:
            header = re.compile(rf"^\s*\[\s*{re.escape('.'.join(table))}\s*\]\s*(#.*)?$")
            starts = self._header_lines
            for i, start in enumerate(starts[:-1]):
                if header.match(self.lines[start - 1]):
                    for number in range(start + 1, starts[i + 1]):
                        if pattern.match(self.lines[number - 1]):
                            return number
        for number, text in enumerate(self.lines, start=1):
            if pattern.match(text):
                return number
        return None

    def element_line(self, array: str, index: int, key: str) -> int:
        """Line of `key` in the `index`-th element of `array`; 0 if not found.

        An element written as an `[[array]]` table: the key's own line, or the table's
        header line when the key is not on a line of its own (a multi-line value starts
        on the key's line). An element of an inline array (`array = [{...}, ...]`): the
        line its inline table is on, which holds all of it (TOML 1.0 inline tables are
        one line). The header lines are found in one pass per array and only the
        element's own lines are scanned (issue 8: a scan of the whole file per element
        was quadratic).
        """
        starts = self._array_headers(array)
        if not starts:
            inline = self._inline_elements(array)
            return inline[index] if index < len(inline) else 0
        if index >= len(starts):
            return 0
        start = starts[index]
        end = self._header_lines[bisect.bisect_right(self._header_lines, start)]
        own = re.compile(rf"^\s*([\"']?){re.escape(key)}\1\s*=")
        for number in range(start + 1, end):
            if own.match(self.lines[number - 1]):
                return number
        return start

    @functools.cached_property
    def _header_lines(self) -> list[int]:
        """1-based numbers of every table header line, and one past the last line."""
        any_header = re.compile(r"^\s*\[\[?\s*[\w.\"' -]+\s*\]\]?\s*(#.*)?$")
        # a header has a "[": most of ~80 000 lines at 1 000 avdelningar need no match
        found = [
            n
            for n, text in enumerate(self.lines, start=1)
            if "[" in text and any_header.match(text)
        ]
        return [*found, len(self.lines) + 1]

    def _array_headers(self, array: str) -> list[int]:
        hit = self._arrays.get(array)
        if hit is None:
            header = re.compile(rf"^\s*\[\[\s*{re.escape(array)}\s*\]\]\s*(#.*)?$")
            hit = [n for n in self._header_lines[:-1] if header.match(self.lines[n - 1])]
            self._arrays[array] = hit
        return hit

    def _inline_elements(self, array: str) -> list[int]:
        """The line of each inline table in `array = [ ... ]` at the top level (before
        any table header), skipping strings, comments and nested arrays; [] if none."""
        hit = self._inline.get(array)
        if hit is None:
            hit = []
            assign = re.compile(rf"^\s*([\"']?){re.escape(array)}\1\s*=\s*\[")
            for number in range(1, self._header_lines[0]):
                found = assign.match(self.lines[number - 1])
                if found:
                    hit = _inline_tables(self.lines, number, found.end())
                    break
            self._inline[array] = hit
        return hit


def _inline_tables(lines: list[str], number: int, col: int) -> list[int]:
    """Lines of the inline tables directly inside the array whose "[" ends just before
    `col` on line `number` (1-based), up to its closing "]"."""
    found: list[int] = []
    depth = 1  # inside the array
    quote = ""  # the open string's delimiter: ", ', \"\"\" or '''
    while number <= len(lines):
        text = lines[number - 1]
        while col < len(text):
            char = text[col]
            if quote:
                if quote[0] == '"' and char == "\\":
                    col += 2
                    continue
                if text.startswith(quote, col):
                    # a multi-line string may end in one or two quotes of its own before
                    # the closing three (`"""a "b""""`): the run's last three close it
                    run = len(quote)
                    if run == 3:
                        while run < 5 and text.startswith(quote[0], col + run):
                            run += 1
                    col += run
                    quote = ""
                    continue
            elif char == "#":
                break  # a comment, to the end of the line
            elif char in "\"'":
                quote = char * 3 if text.startswith(char * 3, col) else char
                col += len(quote)
                continue
            elif char in "[{":
                depth += 1
                if char == "{" and depth == 2:
                    found.append(number)
            elif char in "]}":
                depth -= 1
                if depth == 0:
                    return found
            col += 1
        if quote and len(quote) == 1:
            return found  # a one-line string left open: not TOML; what was found stands
        number, col = number + 1, 0
    return found
