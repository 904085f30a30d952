"""Reading an import file as a stream of rows, so memory stays flat however large the file is.

CSV: UTF-8 with or without a byte-order mark, comma-separated, a header row, CRLF or LF line ends.
JSON: a list of objects with the same keys; items are decoded one at a time from a sliding window
(`json.JSONDecoder.raw_decode` over chunks), never the whole document at once. Numbers keep their
exact decimal value.

A file is refused whole, before anything is written, when it is not UTF-8, is not a list of
objects (JSON), is not well-formed JSON anywhere, or its header lacks a required column.
"""

import codecs
import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from intimacy_ops import errors
from segments.imports.columns import FileSpec

CHUNK_CHARS = 64 * 1024
SCAN_CHUNK_BYTES = 1024 * 1024
MAX_ITEM_CHARS = 1024 * 1024  # a JSON item larger than this is refused rather than buffered
_SPACE = re.compile(r"[ \t\n\r]*")
NUL, REPLACEMENT = "\x00", "\ufffd"
# CSV cells may be long (notes); the default limit of 128 KiB would stop the import at such a row.
csv.field_size_limit(10 * 1024 * 1024)


class FileRefused(errors.DomainError):
    """The whole file is refused (wrong header, not UTF-8, not JSON): nothing of it is written."""

    status = 400
    code = "file_refused"


@dataclass
class RawRow:
    """One data row as it stood in the file: `line` (CSV line, or JSON item number) and its cells by column."""

    line: int
    data: dict
    problems: dict[str, list[str]] = field(default_factory=dict)


def detect_format(path: Path, name: str = "") -> str:
    """'csv' or 'json': by the file name's extension, else by the first character of the content."""
    suffix = Path(name or path.name).suffix.lower()
    if suffix in (".csv", ".json"):
        return suffix[1:]
    with path.open("rb") as handle:
        start = handle.read(4096).removeprefix(codecs.BOM_UTF8).lstrip()
    return "json" if start[:1] == b"[" else "csv"


def check_utf8(path: Path) -> None:
    """Refuse a file that is not UTF-8, naming the line of the first bad byte (the file is read in chunks)."""
    consumed = 0
    lines = 0
    pending = b""
    with path.open("rb") as handle:
        while True:
            chunk = handle.read(SCAN_CHUNK_BYTES)
            data = pending + chunk
            if not data:
                return
            try:
                data.decode("utf-8")
                good = len(data)
            except UnicodeDecodeError as problem:
                cut_by_chunk = (
                    chunk and problem.reason == "unexpected end of data" and len(data) - problem.start < 4
                )
                if not cut_by_chunk:
                    line = lines + data[: problem.start].count(b"\n") + 1
                    raise FileRefused(
                        f"The file is not UTF-8 text: byte {consumed + problem.start + 1} (line {line}) "
                        f"cannot be read as UTF-8. Save or export it as UTF-8 (CSV UTF-8) and upload it again."
                    ) from None
                good = problem.start  # a character split between two chunks: finish it with the next one
            lines += data[:good].count(b"\n")
            consumed += good
            pending = data[good:]
            if not chunk:
                if pending:
                    raise FileRefused("The file is not UTF-8 text: it ends in the middle of a character.")
                return


def _column_name(raw) -> str:
    return str(raw).replace(NUL, REPLACEMENT).strip().lower()


def _refuse_nul(data: dict, problems: dict) -> dict:
    """A text cell holding a NUL character is a problem of its column (the database and the API refuse such
    text); the row is kept with the NUL shown as U+FFFD, so the rejected row can be stored and read."""
    try:
        if NUL not in "".join(data.values()):
            return data  # the common case, checked at once (every CSV cell is text)
    except TypeError:
        pass  # a JSON item with a number or an object: each cell checked below
    for name, value in data.items():
        if isinstance(value, str) and NUL in value:
            data[name] = value.replace(NUL, REPLACEMENT)
            problems.setdefault(name, []).append(
                "Contains a NUL character (\\x00), which text may not hold: remove it and import the row again."
            )
    return data


class ImportFile:
    """An open import file: `columns` (its header), `rows()` one at a time, `position()` in bytes for progress."""

    def __init__(self, path: Path, *, spec: FileSpec, name: str = ""):
        self.path = Path(path)
        self.spec = spec
        self.format = detect_format(self.path, name)
        self.total_bytes = self.path.stat().st_size
        self._binary = None
        self._first_item = None

    # --- opening and refusing -------------------------------------------------------------

    def open(self) -> "ImportFile":
        """Check the whole file (UTF-8; JSON well-formed) and the header; raise FileRefused when it will not do."""
        if self.total_bytes == 0:
            raise FileRefused(
                f"The file is empty. Expected a header row with the columns — {self.spec.describe()}."
            )
        check_utf8(self.path)
        if self.format == "json":
            # A syntax error half-way would otherwise leave the first half imported: check it all first.
            with self.path.open("rb") as handle:
                for _ in _json_items(io.TextIOWrapper(handle, encoding="utf-8-sig")):
                    pass
        self._binary = self.path.open("rb")
        text = io.TextIOWrapper(self._binary, encoding="utf-8-sig", newline="")
        if self.format == "csv":
            self._reader = csv.reader(text)
            header = next(self._reader, None)
            if header is None:
                self.close()
                raise FileRefused(
                    f"The file is empty. Expected a header row with the columns — {self.spec.describe()}."
                )
            self.columns = [_column_name(cell) for cell in header]
        else:
            self._items = _json_items(text)
            self._first_item = next(self._items, None)
            if self._first_item is None:
                self.columns = []  # an empty list: nothing to import, nothing to refuse
            elif not isinstance(self._first_item[1], dict):
                self.close()
                raise FileRefused('A JSON import file is a list of objects, like [{"source": "crm", …}, …].')
            else:
                self.columns = [_column_name(key) for key in self._first_item[1]]
        self._check_header()
        return self

    def _check_header(self) -> None:
        named = [name for name in self.columns if name]
        repeated = sorted({name for name in named if named.count(name) > 1})
        if repeated:
            self.close()
            raise FileRefused(
                f"The header names {', '.join(repeated)} more than once. Expected columns — {self.spec.describe()}."
            )
        if self.format == "json" and self._first_item is None:
            return
        missing = [name for name in self.spec.required if name not in named]
        if missing:
            self.close()
            raise FileRefused(
                f"The header lacks the required column{'s' if len(missing) > 1 else ''} {', '.join(missing)}; "
                f"nothing was imported. Expected columns — {self.spec.describe()}."
            )

    @property
    def ignored_columns(self) -> list[str]:
        return [name for name in self.columns if name and name not in self.spec.columns]

    def close(self) -> None:
        if self._binary is not None:
            self._binary.close()
            self._binary = None

    def __enter__(self) -> "ImportFile":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def position(self) -> int:
        """Bytes read so far (ahead of the rows handed out by at most one buffer)."""
        if self._binary is None or self._binary.closed:
            return self.total_bytes
        return min(self._binary.tell(), self.total_bytes)

    # --- rows ------------------------------------------------------------------------------

    def rows(self) -> Iterator[RawRow]:
        yield from (self._csv_rows() if self.format == "csv" else self._json_rows())

    def _csv_rows(self) -> Iterator[RawRow]:
        width = len(self.columns)
        try:
            for cells in self._reader:
                if not "".join(cells).strip():
                    continue  # a blank line
                problems = {}
                if len(cells) > width and any(cell.strip() for cell in cells[width:]):
                    problems["line"] = [
                        f"The line has {len(cells)} cells but the header has {width} columns."
                    ]
                elif len(cells) < width:
                    problems["line"] = [
                        f"The line has {len(cells)} cells but the header has {width} columns."
                    ]
                    cells = cells + [""] * (width - len(cells))
                data = {name: cell for name, cell in zip(self.columns, cells, strict=False) if name}
                yield RawRow(line=self._reader.line_num, data=_refuse_nul(data, problems), problems=problems)
        except csv.Error as problem:
            raise FileRefused(
                f"The CSV file cannot be read after line {self._reader.line_num}: {problem}."
            ) from None

    def _json_rows(self) -> Iterator[RawRow]:
        if self._first_item is None:
            return
        pending = [self._first_item]
        self._first_item = None
        for number, item in _chain(pending, self._items):
            if not isinstance(item, dict):
                problems = {"item": ["Not an object."]}
                yield RawRow(
                    line=number, data=_refuse_nul({"item": _storable(item)}, problems), problems=problems
                )
                continue
            data = {}
            problems = {}
            for key, value in item.items():
                name = _column_name(key)
                data[name] = _storable(value)
                if isinstance(value, dict | list):
                    problems[name] = ["Give a single value, not a list or an object."]
            yield RawRow(line=number, data=_refuse_nul(data, problems), problems=problems)


def _chain(first: list, rest: Iterator) -> Iterator:
    yield from first
    yield from rest


def _storable(value):
    """A JSON value as the rejected-rows store keeps it: text, whole numbers and booleans as they are."""
    if value is None or isinstance(value, str | bool | int):
        return value
    if isinstance(value, Decimal):
        return str(value)
    return json.dumps(value, default=str)


def _json_items(text: io.TextIOBase) -> Iterator[tuple[int, object]]:
    """Yield (item number, value) for each element of a top-level JSON array, reading `text` in chunks."""
    decoder = json.JSONDecoder(parse_float=Decimal)
    buffer = ""
    pos = 0
    eof = False
    consumed_lines = 0  # lines dropped from the front of the buffer, for error messages

    def fill() -> bool:
        nonlocal buffer, pos, eof, consumed_lines
        chunk = text.read(CHUNK_CHARS)
        if not chunk:
            eof = True
            return False
        consumed_lines += buffer.count("\n", 0, pos)
        buffer = buffer[pos:] + chunk
        pos = 0
        return True

    def next_char() -> str:
        nonlocal pos
        while True:
            pos = _SPACE.match(buffer, pos).end()
            if pos < len(buffer):
                return buffer[pos]
            if not fill():
                return ""

    def where() -> str:
        line = consumed_lines + buffer.count("\n", 0, pos) + 1
        return f"line {line}"

    def refuse(what: str):
        raise FileRefused(
            f"The file is not valid JSON: {what} at {where()}. Expected a list of objects: [{{…}}, {{…}}]."
        )

    if next_char() != "[":
        refuse("it does not start with '['")
    pos += 1
    if next_char() == "]":
        pos += 1
    else:
        number = 0
        while True:
            if next_char() == "":
                refuse("the list is not closed with ']'")
            while True:
                try:
                    value, end = decoder.raw_decode(buffer, pos)
                except RecursionError:  # the C decoder recurses once per level: refuse, never a traceback
                    refuse(f"item {number + 1} is nested too deeply (an item is one flat object)")
                except json.JSONDecodeError as problem:
                    if eof or len(buffer) - pos > MAX_ITEM_CHARS or not fill():
                        if len(buffer) - pos > MAX_ITEM_CHARS:
                            refuse(
                                f"item {number + 1} is larger than {MAX_ITEM_CHARS // 1024} KiB or malformed"
                            )
                        pos = problem.pos
                        refuse(f"{problem.msg} in item {number + 1}")
                    continue
                if end == len(buffer) and not isinstance(value, dict | list | str) and not eof and fill():
                    continue  # a number or literal may have been cut by the chunk boundary
                break
            pos = end
            number += 1
            yield number, value
            separator = next_char()
            if separator == ",":
                pos += 1
                continue
            if separator == "]":
                pos += 1
                break
            refuse(f"expected ',' or ']' after item {number}")
    if next_char() != "":
        refuse("there is more after the closing ']'")
