"""Checkpoints: the chain's head written outside the database, so a database writer cannot rewind it.

Each checkpoint is one JSON line appended to `AUDIT_CHECKPOINT_DIR/<database>.jsonl`: the head's sequence
number and hash, the time, the key id. The `audit.checkpoint` check writes one hourly (and the `audit.seal`
check after many events) and mails it to the auditors; `verify_audit` compares the chain with the latest.
"""

import datetime
import json
import os
import re
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

from intimacy_ops.audit.models import AuditEvent
from intimacy_ops.audit.sealing import head


def database_label() -> str:
    """Which database the checkpoints describe: its name (a SQLite file's stem), as a file-name-safe word."""
    name = str(connection.settings_dict["NAME"])
    if connection.vendor == "sqlite":
        name = Path(name).stem
    return re.sub(r"[^A-Za-z0-9_.-]", "_", name) or "default"


def checkpoint_file() -> Path:
    return Path(settings.AUDIT_CHECKPOINT_DIR) / f"{database_label()}.jsonl"


def latest(path: Path | None = None) -> dict | None:
    """The last well-formed checkpoint in the file, or None when there is none."""
    path = path or checkpoint_file()
    try:
        lines = path.read_text().splitlines()
    except FileNotFoundError:
        return None
    for line in reversed(lines):
        try:
            checkpoint = json.loads(line)
        except ValueError:
            continue
        if isinstance(checkpoint, dict) and {"seq", "hash"} <= checkpoint.keys():
            return checkpoint
    return None


def write() -> dict | None:
    """Append the current head as a checkpoint; None (nothing written) when the chain is empty or unchanged."""
    seq, head_hash = head()
    if seq == 0:
        return None
    previous = latest()
    if previous and previous["seq"] == seq and previous["hash"] == head_hash:
        return None
    key_id = _key_id_of(seq)
    checkpoint = {
        "seq": seq,
        "hash": head_hash,
        "at": timezone.now().astimezone(datetime.UTC).isoformat(timespec="seconds"),
        "key_id": key_id,
        "database": database_label(),
    }
    path = checkpoint_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as file:
        file.write(json.dumps(checkpoint, sort_keys=True) + "\n")
        file.flush()
        os.fsync(file.fileno())
    return checkpoint


def _key_id_of(seq: int) -> str:
    return AuditEvent.objects.filter(seq=seq).values_list("key_id", flat=True).first() or ""


def since_latest() -> int:
    """How many events were sealed after the latest checkpoint."""
    previous = latest()
    return head()[0] - (previous["seq"] if previous else 0)
