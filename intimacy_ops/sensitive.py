"""Sensitive fields: the one place that decides whether a value is shown or masked.

Each sensitive field is declared once with its tier. Until the sensitive-data issue brings
clearances, grants and the access log, the rule is the interim one: a customer's own account
manager sees their customer's sensitive fields; everyone else reads "***".
"""

from django.db.models import Model

MASK = "***"

PUBLIC, INTERNAL, CONFIDENTIAL, RESTRICTED = "public", "internal", "confidential", "restricted"

# (app_label.model, field) → tier
FIELDS: dict[tuple[str, str], str] = {
    ("segments.customer", "contact_email"): CONFIDENTIAL,
    ("segments.customer", "personal_notes"): RESTRICTED,
}


def tier(obj_or_model, field: str) -> str:
    return FIELDS.get((obj_or_model._meta.label_lower, field), INTERNAL)


def sensitive_fields(obj_or_model) -> list[str]:
    label = obj_or_model._meta.label_lower
    return [
        field
        for (model, field), level in FIELDS.items()
        if model == label and level in (CONFIDENTIAL, RESTRICTED)
    ]


def may_see(user, obj: Model, field: str) -> bool:
    if tier(obj, field) not in (CONFIDENTIAL, RESTRICTED):
        return True
    owner_id = getattr(obj, "account_manager_id", None)
    return bool(user is not None and user.is_authenticated and owner_id is not None and owner_id == user.pk)


def show(user, obj: Model, field: str) -> str:
    """The value of `field` for this user: the value itself, or the mask."""
    value = getattr(obj, field)
    return value if may_see(user, obj, field) else MASK
