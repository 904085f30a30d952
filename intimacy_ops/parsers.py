"""JSON bodies with a nesting limit, for the API (DRF's default parser) and any view that reads JSON itself.

Python's json module recurses once per level: `'[' * 50000` ends in a RecursionError, a 500 for anyone,
signed in or not. The depth is measured first, by a flat scan of the bytes (strings removed, then the
brackets counted), so nothing recurses before the body is known to be shallow enough.
"""

import io
import json
import re
from itertools import accumulate

from rest_framework import parsers
from rest_framework.exceptions import ParseError

MAX_DEPTH = 32  # our deepest body (a review with its votes) is 3 levels; 32 leaves room for any client

# A JSON string literal, escapes included (unrolled so it runs in linear time). Quotes, backslashes and
# brackets are ASCII, and no byte of a multi-byte UTF-8 character is ASCII, so bytes are scanned as they are.
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET = re.compile(rb"[^\[\]{}]+")
_STEP = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}


class TooDeep(ValueError):
    def __init__(self, depth: int):
        self.depth = depth
        super().__init__(
            f"JSON nested {depth} levels deep; at most {MAX_DEPTH} levels of arrays and objects are accepted."
        )


def nesting_depth(raw: bytes | str) -> int:
    """The deepest level of arrays and objects in a JSON text, without parsing it (so without recursing)."""
    if isinstance(raw, str):
        raw = raw.encode("utf-8", "surrogatepass")
    brackets = _NOT_BRACKET.sub(b"", _STRING.sub(b"", raw))
    return max(accumulate(_STEP[byte] for byte in brackets), default=0)


def check_depth(raw: bytes | str) -> None:
    """Raise `TooDeep` (a ValueError, as json.loads raises for bad JSON) when nested past MAX_DEPTH."""
    depth = nesting_depth(raw)
    if depth > MAX_DEPTH:
        raise TooDeep(depth)


def loads(raw: bytes | str):
    """json.loads, refusing (ValueError) a text nested deeper than MAX_DEPTH instead of recursing into it."""
    check_depth(raw)
    return json.loads(raw)


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, refusing a body nested deeper than MAX_DEPTH with a 400 that says so."""

    def parse(self, stream, media_type=None, parser_context=None):
        raw = stream.read() if stream is not None else b""
        try:
            check_depth(raw)
        except TooDeep as exc:
            raise ParseError(f"JSON parse error - {exc}") from None
        return super().parse(io.BytesIO(raw), media_type, parser_context)
