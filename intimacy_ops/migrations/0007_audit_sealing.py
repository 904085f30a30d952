"""Audit events get a seal (seq, key_id; prev_hash and hash become NULL until sealed).

The old trigger refused every UPDATE; it is dropped here and replaced in 0008 by one that lets the sealer
fill the seal fields once, after 0008 has re-sealed the existing events under the keyed scheme.
"""

from django.conf import settings
from django.db import migrations, models

from intimacy_ops.migration_helpers import postgresql_only

DROP_OLD_TRIGGER = "DROP TRIGGER IF EXISTS audit_event_append_only ON intimacy_ops_auditevent;"
RESTORE_OLD_TRIGGER = """
CREATE OR REPLACE FUNCTION intimacy_ops_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only: % refused on %', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS audit_event_append_only ON intimacy_ops_auditevent;
CREATE TRIGGER audit_event_append_only
    BEFORE UPDATE OR DELETE ON intimacy_ops_auditevent
    FOR EACH ROW EXECUTE FUNCTION intimacy_ops_audit_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("intimacy_ops", "0006_email_outbox"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        postgresql_only(DROP_OLD_TRIGGER, RESTORE_OLD_TRIGGER),
        migrations.AddField(
            model_name="auditevent",
            name="key_id",
            field=models.CharField(
                blank=True,
                help_text="Which AUDIT_KEY sealed it (not the key itself).",
                max_length=16,
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="seq",
            field=models.BigIntegerField(
                blank=True, help_text="Position in the chain (1, 2, …).", null=True, unique=True
            ),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="hash",
            field=models.CharField(blank=True, max_length=64, null=True, unique=True),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="prev_hash",
            field=models.CharField(blank=True, max_length=64, null=True),
        ),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(
                condition=models.Q(("seq__isnull", True)), fields=["id"], name="audit_event_unsealed"
            ),
        ),
    ]
