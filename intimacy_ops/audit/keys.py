"""The audit key: HMAC-SHA256 keys the chain with a secret that is never stored in the database.

`AUDIT_KEY` seals new events; `AUDIT_KEY_FALLBACKS` (comma-separated retired keys) still verify the events
they sealed. Each event records its key's id, the first 8 hex digits of the key's SHA-256: enough to pick
the key, useless for forging.
"""

import hashlib
import hmac
import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder


def key_id(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()[:8]


def current() -> tuple[str, bytes]:
    """(key id, key) of the key that seals new events."""
    return key_id(settings.AUDIT_KEY), settings.AUDIT_KEY.encode()


def known() -> dict[str, bytes]:
    """Every key that may verify an event, by key id: the current one and the retired ones."""
    keys = {key_id(key): key.encode() for key in getattr(settings, "AUDIT_KEY_FALLBACKS", []) if key}
    keys[key_id(settings.AUDIT_KEY)] = settings.AUDIT_KEY.encode()
    return keys


def seal_hash(key: bytes, *, seq: int, prev_hash: str, key_id: str, content: dict) -> str:
    """The event's link in the chain: its position, its predecessor, its key id and its content, keyed."""
    payload = json.dumps(content, sort_keys=True, separators=(",", ":"), cls=DjangoJSONEncoder)
    message = f"{seq}|{prev_hash}|{key_id}|{payload}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()
