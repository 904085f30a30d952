"""The audit trail: an append-only record of every change, sealed into a keyed hash chain.

Services call `record(...)` inside their transaction for every business act (`record_many` for a batch):
the event is inserted unsealed, without any lock, and sealed right after commit by a short transaction of
its own (`sealing.py`): a sequence number and an HMAC-SHA256 with `AUDIT_KEY` over its content and its
predecessor's hash. Events cannot be changed or deleted: the model refuses in code, the admin is
read-only, and on PostgreSQL a trigger refuses UPDATE and DELETE except the one sealing step. Checkpoints
of the chain's head are written outside the database (`checkpoints.py`); `python manage.py verify_audit`
checks the keyed chain and compares it with the latest checkpoint (`verification.py`).
"""

from intimacy_ops.audit.models import GENESIS_HASH, AppendOnlyError, AuditEvent
from intimacy_ops.audit.recording import record, record_many
from intimacy_ops.audit.sealing import seal_pending
from intimacy_ops.audit.verification import ChainReport, verify_chain

__all__ = [
    "GENESIS_HASH",
    "AppendOnlyError",
    "AuditEvent",
    "ChainReport",
    "record",
    "record_many",
    "seal_pending",
    "verify_chain",
]
