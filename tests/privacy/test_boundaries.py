"""Privacy is a part of the kernel: it imports only the kernel and names no business app or model, not even
as a string; what it knows of the business comes from the apps' `privacy.py` declarations."""

import ast
import re
from pathlib import Path

from django.conf import settings

from intimacy_ops import sensitive
from privacy import subjects
from segments.models import Customer

ROOT = Path(__file__).resolve().parents[2]
PRIVACY = ROOT / "privacy"
TEMPLATES = ROOT / "templates" / "privacy"


def _business_models() -> set[str]:
    from django.apps import apps

    return {
        model.__name__ for app in settings.BUSINESS_APPS for model in apps.get_app_config(app).get_models()
    }


def _python_files():
    return sorted(path for path in PRIVACY.rglob("*.py") if "__pycache__" not in path.parts)


def test_privacy_imports_no_business_app():
    offenders = []
    for path in _python_files():
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [
                f"{path.relative_to(ROOT)}: {name}"
                for name in names
                if name.split(".")[0] in settings.BUSINESS_APPS
            ]
    assert offenders == []


def test_privacy_names_no_business_model_not_even_as_a_string():
    """No model class in code or strings, no `app.model` label, `app:` url name or `app/` path of a business app."""
    models = _business_models()
    apps_named = re.compile(r"(?<![\w.])(" + "|".join(settings.BUSINESS_APPS) + r")[.:/]")
    offenders = []
    for path in _python_files():
        text = path.read_text()
        tree = ast.parse(text)
        for node in ast.walk(tree):
            if isinstance(node, ast.Name | ast.Attribute):
                name = node.id if isinstance(node, ast.Name) else node.attr
                if name in models:
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}: {name}")
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                words = set(re.findall(r"[A-Za-z_]\w*", node.value))
                offenders += [f"{path.relative_to(ROOT)}:{node.lineno}: {w!r}" for w in words & models]
        offenders += [f"{path.relative_to(ROOT)}: {m.group(0)}" for m in apps_named.finditer(text)]
    for path in TEMPLATES.rglob("*.html"):
        # The shared styles partial still lives under templates/segments/: no model in it.
        text = path.read_text().replace('"segments/_styles.html"', "")
        offenders += [f"{path.relative_to(ROOT)}: {m.group(0)}" for m in apps_named.finditer(text)]
    assert offenders == []


def test_the_kernel_lists_no_business_field_the_app_declares_them():
    source = (ROOT / "intimacy_ops" / "sensitive.py").read_text()
    assert "segments" not in source and "contact_email" not in source
    # segments/privacy.py declared them; the kernel knows them from the declaration.
    assert sensitive.sensitive_fields(Customer) == ["contact_email", "personal_notes"]
    assert sensitive.tier(Customer, "contact_email") == sensitive.CONFIDENTIAL
    assert sensitive.tier(Customer, "personal_notes") == sensitive.RESTRICTED
    declared = subjects.of(Customer)
    assert declared is not None and declared.key == "customer"
    assert [section.name for section in subjects.sections(Customer)] == [
        "segment_history",
        "cases",
        "import_rejected_rows",
        "feedback",
        "survey_invitations",  # feedback/privacy.py: the surveys asked of the customer
        "goodwill",  # incidents/privacy.py: the goodwill given to the customer (its reason is free text)
        "incident_messages",  # incidents/privacy.py: the messages recorded as sent to the customer
    ]


def test_a_subject_with_looks_is_protected_and_its_grants_go_with_it(db):
    import datetime

    import pytest
    from django.db import transaction
    from django.db.models import ProtectedError
    from django.utils import timezone

    from privacy.models import AccessLogEntry, SensitiveAccessGrant
    from tests.factories import user_with
    from tests.segments.factories import CustomerFactory

    steward, lead = user_with("data steward"), user_with("operations lead")
    looked_at, granted = CustomerFactory(), CustomerFactory()
    now = timezone.now()
    AccessLogEntry.objects.create(
        user=lead, subject=looked_at, fields=["contact_email"], at=now, purpose="break-glass", channel="page"
    )
    SensitiveAccessGrant.objects.create(
        user=lead,
        subject=granted,
        purpose="Quarterly review",
        granted_by=steward,
        granted_at=now,
        expires_at=now + datetime.timedelta(days=1),
    )

    with pytest.raises(ProtectedError), transaction.atomic():
        looked_at.delete()
    granted.delete()

    assert AccessLogEntry.objects.about(looked_at).count() == 1
    assert not SensitiveAccessGrant.objects.exists()
