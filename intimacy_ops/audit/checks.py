"""The audit trail's periodic checks: sealing what a crash left behind, and checkpointing the chain's head."""

from intimacy_ops import checks, notifications
from intimacy_ops.accounts.roles import Role
from intimacy_ops.accounts.selectors import people_with_role
from intimacy_ops.audit import checkpoints
from intimacy_ops.audit.sealing import seal_pending

# After this many events sealed since the last checkpoint, the seal check writes one at once.
CHECKPOINT_AFTER_EVENTS = 1000


@checks.register(
    name="audit.seal",
    every_seconds=60,
    description="Seals audit events that a crash left unsealed between commit and sealing.",
)
def seal() -> checks.CheckResult:
    sealed = seal_pending()
    line = f"{checks.plural(sealed, 'event')} sealed"
    written = checkpoints.since_latest() >= CHECKPOINT_AFTER_EVENTS and checkpoint_and_tell()
    if written:
        line += f"; checkpoint at event {written['seq']}"
    return checks.CheckResult(line, {"sealed": sealed})


@checks.register(
    name="audit.checkpoint",
    every_seconds=3600,
    description="Writes the audit chain's head outside the database and mails it to the auditors.",
)
def checkpoint() -> checks.CheckResult:
    seal_pending()
    written = checkpoint_and_tell()
    if not written:
        return checks.CheckResult("no new events since the last checkpoint", {"checkpoints": 0})
    return checks.CheckResult(f"checkpoint at event {written['seq']}", {"checkpoints": 1})


def checkpoint_and_tell() -> dict | None:
    written = checkpoints.write()
    if written:
        notifications.notify(
            people_with_role(Role.AUDITOR),
            subject=f"Audit checkpoint: event {written['seq']}",
            body=(
                "Keep this message: it lets you prove later that the audit trail was not cut or rewritten.\n"
                f"Event: {written['seq']}\nHash: {written['hash']}\nTime: {written['at']}\n"
                f"Key id: {written['key_id']}\nDatabase: {written['database']}"
            ),
            link="/audit/verify/",
        )
    return written
