"""Verifying the trail: the keyed chain, event by event, then the chain against the latest checkpoint."""

from dataclasses import dataclass
from pathlib import Path

from intimacy_ops.audit import checkpoints, keys
from intimacy_ops.audit.models import GENESIS_HASH, AuditEvent, event_content

LINK_BROKEN = "its link does not match the previous event's hash (an event was removed or inserted)"
ALTERED = "its content no longer matches its hash (the row was altered, or re-hashed without the audit key)"


@dataclass(frozen=True)
class ChainReport:
    intact: bool
    checked: int
    broken_event_id: int | None = None
    problem: str = ""
    unsealed: int = 0
    checkpoint: dict | None = None

    def __str__(self) -> str:
        if not self.intact:
            if self.broken_event_id is None:
                return f"broken: {self.problem} ({self.checked} events verified)"
            return f"broken at event #{self.broken_event_id}: {self.problem} ({self.checked} events checked before it)"
        line = f"intact: {self.checked} events, every hash and link verified"
        if self.checkpoint:
            line += f"; matches the checkpoint of {self.checkpoint.get('at', '?')} (event {self.checkpoint['seq']})"
        else:
            line += "; no checkpoint to compare with yet"
        if self.unsealed:
            line += f"; {self.unsealed} newer events not sealed yet"
        return line


def verify_chain(batch_size: int = 2000, checkpoint_path: Path | None = None) -> ChainReport:
    """Walk the sealed trail in sequence and report the first event whose key, hash or link does not hold,
    then whether the trail still reaches the latest checkpoint (truncation, a wiped trail, a re-hash)."""
    known_keys = keys.known()
    checkpoint = checkpoints.latest(checkpoint_path)
    expected_prev, expected_seq, checked = GENESIS_HASH, 1, 0

    def broken(event_id: int | None, problem: str) -> ChainReport:
        return ChainReport(False, checked, event_id, problem, checkpoint=checkpoint)

    sealed = AuditEvent.objects.filter(seq__isnull=False).order_by("seq")
    for event in sealed.iterator(chunk_size=batch_size):
        if event.seq != expected_seq or event.prev_hash != expected_prev:
            return broken(event.id, LINK_BROKEN)
        key = known_keys.get(event.key_id)
        if key is None:
            return broken(
                event.id,
                f"it was sealed with key {event.key_id!r}, which is neither AUDIT_KEY nor one of "
                "AUDIT_KEY_FALLBACKS (a forged seal, or a retired key missing from the fallbacks)",
            )
        expected = keys.seal_hash(
            key, seq=event.seq, prev_hash=event.prev_hash, key_id=event.key_id, content=event_content(event)
        )
        if expected != event.hash:
            return broken(event.id, ALTERED)
        if checkpoint and event.seq == checkpoint["seq"] and event.hash != checkpoint["hash"]:
            return broken(
                event.id,
                f"its hash differs from the checkpoint of {checkpoint.get('at', '?')} for event "
                f"{checkpoint['seq']} (the trail was re-hashed since)",
            )
        expected_prev, expected_seq, checked = event.hash, expected_seq + 1, checked + 1
    if checkpoint and checked == 0:
        return broken(
            None,
            f"the trail is empty, but the checkpoint of {checkpoint.get('at', '?')} recorded "
            f"{checkpoint['seq']} events (the trail was wiped)",
        )
    if checkpoint and checked < checkpoint["seq"]:
        return broken(
            None,
            f"the trail ends at event {checked}, but the checkpoint of {checkpoint.get('at', '?')} recorded "
            f"{checkpoint['seq']} events (the newest events were removed: truncated)",
        )
    unsealed = AuditEvent.objects.filter(seq__isnull=True).count()
    return ChainReport(True, checked, unsealed=unsealed, checkpoint=checkpoint)
