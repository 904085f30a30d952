"""How an app takes part in privacy: called from its `privacy.py` (found by `intimacy_ops.discovery`).

    # <app>/privacy.py (an imaginary app whose Member records are about people)
    from privacy import declare
    from privacy.retention.kinds import RetentionKind

    declare.subject(
        Member,
        key="member",                                # API field, filter and form name
        owner_field="steward_id",                    # the owner reads everything of their records
        fields={"email": "confidential", "notes": "restricted"},
        permission="<app>.view_sensitive_member",    # guardian permission a grant gives
        user_permission_model=MemberUserObjectPermission,     # guardian's direct-FK table
        legal_hold=Q(legal_hold=True),
        consent={"profiling": ("consent_profiling", "profiling")},
        export=member_section,                       # subject → dict (its own export section)
        url_name="<app>:member-detail",
        api_prefix="members",                        # /api/v1/members/{id}/subject-export/
    )
    declare.export_section(Member, "visits", visits_of, audit_model=Visit)
    declare.retention_kind(RetentionKind(name="old_visits", …))

A subject's sensitive fields are then masked and access-logged by `intimacy_ops.sensitive`, grants,
break-glass sessions and access-log rows point at its records, retention keeps off those on legal
hold, and the export gathers every app's sections about it.
"""

from collections.abc import Callable, Mapping

from django.db.models import Model, ProtectedError, Q
from django.db.models.signals import pre_delete

from intimacy_ops import sensitive
from privacy import access_rules, selectors, subjects
from privacy.models import AccessLogEntry, BreakGlassSession, SensitiveAccessGrant
from privacy.retention import kinds
from privacy.retention.kinds import RetentionKind
from privacy.services import sensitive_access


def subject(
    model: type[Model],
    *,
    key: str,
    owner_field: str,
    fields: Mapping[str, str],
    permission: str,
    user_permission_model: type[Model],
    legal_hold: Q | None = None,
    consent: Mapping[str, tuple[str, str]] | None = None,
    export: Callable[[Model], dict] | None = None,
    url_name: str = "",
    api_prefix: str = "",
) -> subjects.Subject:
    """Declare `model` a data subject: its sensitive fields, owner, grants' permission, hold, consent, export."""
    for name, _label in (consent or {}).values():
        model._meta.get_field(name)  # a typo fails at start-up
    declared = subjects.add(
        subjects.Subject(
            model=model,
            key=key,
            owner_field=owner_field,
            fields=dict(fields),
            permission=permission,
            user_permission_model=user_permission_model,
            legal_hold=legal_hold if legal_hold is not None else Q(pk__in=[]),
            consent=dict(consent or {}),
            export=export,
            url_name=url_name,
            api_prefix=api_prefix,
        )
    )
    sensitive.declare_fields(model, fields)
    sensitive.register_subject(
        model,
        owner_field=owner_field,
        active_access=lambda user, ids: selectors.active_access(declared, user, ids),
        write_log=lambda rows: sensitive_access.write_access_log(declared, rows),
    )
    access_rules.register_subject_rules(model)
    pre_delete.connect(_keep_the_record, sender=model, weak=False, dispatch_uid=f"privacy:{declared.label}")
    return declared


def _keep_the_record(sender, instance, **kwargs) -> None:
    """What a foreign key did before the rows became generic: a subject someone looked at, or opened by
    break-glass, cannot be deleted (the record of the look must keep its subject); its grants go with it."""
    about = {"subject_type": subjects.of(instance).content_type(), "subject_id": instance.pk}
    looked = [*AccessLogEntry.objects.filter(**about)[:1], *BreakGlassSession.objects.filter(**about)[:1]]
    if looked:
        raise ProtectedError(
            f"{instance} has access-log entries or break-glass sessions: the record of who looked stays.",
            set(looked),
        )
    SensitiveAccessGrant.objects.filter(**about).delete()


def part(model: type[Model], *, of: str, fields: Mapping[str, str]) -> None:
    """Declare `model`'s records parts of a subject (`of`: the attribute holding it, e.g. "customer"): their
    sensitive fields are shown to whoever may read that subject's (owner, grant, break-glass), logged as the
    subject's "<model>.<field>"."""
    sensitive.declare_fields(model, fields)
    sensitive.register_part(model, holder=of)


def export_section(
    model: type[Model],
    name: str,
    build: Callable[[Model], list[dict]],
    *,
    audit_model: type[Model] | None = None,
) -> subjects.ExportSection:
    """Add a section to the export of `model`'s subjects: `build(subject)` → rows (each with its "id"
    when `audit_model` is given: the audit events about those rows join the export's)."""
    return subjects.add_section(
        model, subjects.ExportSection(name=name, build=build, audit_model=audit_model)
    )


def retention_kind(kind: RetentionKind) -> RetentionKind:
    """Add a kind of data the retention policies may anonymize or delete."""
    return kinds.register(kind)
