"""Re-seal the existing audit events under the keyed scheme, then let the trigger allow only sealing.

The events written before this migration were chained with plain SHA-256, which anyone with database
access could recompute; they are re-sealed here, in id order, with HMAC-SHA256 and the current AUDIT_KEY.
Their content is unchanged; only the seal fields are rewritten, once, by this migration (run
`verify_audit` before migrating if you want the old chain checked one last time).
"""

from django.db import migrations

from intimacy_ops.audit import keys
from intimacy_ops.audit.models import GENESIS_HASH, event_content
from intimacy_ops.migration_helpers import postgresql_only

SEAL_ONLY_TRIGGER = """
CREATE OR REPLACE FUNCTION intimacy_ops_audit_append_only() RETURNS trigger AS $$
BEGIN
    -- The one update allowed: the sealer filling the seal fields of an unsealed event, nothing else.
    IF TG_OP = 'UPDATE'
       AND OLD.seq IS NULL AND OLD.prev_hash IS NULL AND OLD.hash IS NULL AND OLD.key_id IS NULL
       AND NEW.seq IS NOT NULL AND NEW.prev_hash IS NOT NULL AND NEW.hash IS NOT NULL AND NEW.key_id IS NOT NULL
       AND (to_jsonb(NEW) - ARRAY['seq', 'prev_hash', 'hash', 'key_id'])
           = (to_jsonb(OLD) - ARRAY['seq', 'prev_hash', 'hash', 'key_id'])
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit events are append-only: % refused on %', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS audit_event_append_only ON intimacy_ops_auditevent;
CREATE TRIGGER audit_event_append_only
    BEFORE UPDATE OR DELETE ON intimacy_ops_auditevent
    FOR EACH ROW EXECUTE FUNCTION intimacy_ops_audit_append_only();
"""

DROP_TRIGGER = "DROP TRIGGER IF EXISTS audit_event_append_only ON intimacy_ops_auditevent;"


def reseal(apps, schema_editor):
    AuditEvent = apps.get_model("intimacy_ops", "AuditEvent")
    kid, key = keys.current()
    # Clear first: the new seals must not collide with the old hashes on the unique columns.
    AuditEvent.objects.update(seq=None, prev_hash=None, hash=None, key_id=None)
    prev_hash, batch = GENESIS_HASH, []
    for seq, event in enumerate(AuditEvent.objects.order_by("id").iterator(chunk_size=2000), start=1):
        event.seq, event.prev_hash, event.key_id = seq, prev_hash, kid
        event.hash = keys.seal_hash(
            key, seq=seq, prev_hash=prev_hash, key_id=kid, content=event_content(event)
        )
        prev_hash = event.hash
        batch.append(event)
        if len(batch) == 1000:
            AuditEvent.objects.bulk_update(batch, ["seq", "prev_hash", "hash", "key_id"])
            batch = []
    if batch:
        AuditEvent.objects.bulk_update(batch, ["seq", "prev_hash", "hash", "key_id"])


class Migration(migrations.Migration):
    dependencies = [("intimacy_ops", "0007_audit_sealing")]

    operations = [
        migrations.RunPython(reseal, migrations.RunPython.noop),
        postgresql_only(SEAL_ONLY_TRIGGER, DROP_TRIGGER),
    ]
