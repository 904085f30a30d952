"""The one CSV writer every download uses (the customer export, an import's rejected rows): UTF-8 with a
byte-order mark so spreadsheet programs open it as such, CRLF line ends, and no cell a spreadsheet would run
as a formula (CSV injection: a cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return is written
with a leading `'`).

    writer = spreadsheet.CsvWriter()
    yield writer.header(["id", "name"])         # with the BOM
    yield writer.row([customer.pk, customer.name])
"""

import csv
from collections.abc import Iterable

BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert(value):
    """The cell as written: text a spreadsheet would run as a formula starts with a quote instead."""
    if isinstance(value, str) and value[:1] in FORMULA_STARTS:
        return "'" + value
    return value


class _Echo:
    def write(self, value: str) -> str:
        return value


class CsvWriter:
    """Turns rows into CSV text, one line at a time (for a StreamingHttpResponse)."""

    def __init__(self):
        self._writer = csv.writer(_Echo(), lineterminator="\r\n")

    def header(self, names: Iterable[str]) -> str:
        return BOM + self.row(names)

    def row(self, values: Iterable) -> str:
        return self._writer.writerow([inert(value) for value in values])
