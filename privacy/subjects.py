"""The registry of what apps declared in their `privacy.py` (through `privacy.declare`).

- *Subjects*: models whose records are about a data subject and carry sensitive fields, consent
  flags or a legal hold.
- *Export sections*: what each app adds to a subject's export (history, cases, …).

Only this module's lookups are used by the rest of privacy: nothing here names a business model.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, Q, QuerySet


@dataclass(frozen=True)
class Subject:
    model: type[Model]
    key: str  # the name the API, filters and forms use for it, e.g. "member"
    owner_field: str  # attribute holding the owning user's id, e.g. "account_manager_id"
    fields: dict[str, str]  # sensitive field → tier (intimacy_ops.sensitive)
    # guardian: "app_label.codename" of the object permission a grant gives, and the owning app's
    # direct-foreign-key user object permission model that holds it (an indexed join, not a varchar).
    permission: str
    user_permission_model: type[Model]
    # which subjects are on legal hold: retention never touches their data
    legal_hold: Q = field(default_factory=lambda: Q(pk__in=[]))
    # consent flag → (model field, what a person reads), e.g. "profiling": ("consent_profiling", "profiling")
    consent: dict[str, tuple[str, str]] = field(default_factory=dict)
    # subject → its own section of the export (sensitive fields unmasked)
    export: Callable[[Model], dict] | None = None
    url_name: str = ""  # the subject's page, reversed with its pk
    api_prefix: str = ""  # /api/v1/<api_prefix>/{id}/subject-export/

    @property
    def label(self) -> str:
        return self.model._meta.label_lower

    @property
    def verbose_name(self) -> str:
        return str(self.model._meta.verbose_name)

    @property
    def codename(self) -> str:
        return self.permission.split(".", 1)[1]

    def content_type(self) -> ContentType:
        return ContentType.objects.get_for_model(self.model, for_concrete_model=False)

    def on_hold(self) -> QuerySet:
        return self.model._default_manager.filter(self.legal_hold)


@dataclass(frozen=True)
class ExportSection:
    name: str  # the key in the export document, e.g. "cases"
    build: Callable[[Model], list[dict]]  # subject → rows
    # The model of the rows (each row has its "id"): their audit events join the subject's in the export.
    audit_model: type[Model] | None = None


_subjects: dict[str, Subject] = {}
_sections: dict[str, list[ExportSection]] = {}


def add(subject: Subject) -> Subject:
    if any(other.key == subject.key and other.label != subject.label for other in _subjects.values()):
        raise ValueError(f"Another data subject is already called {subject.key!r}.")
    _subjects[subject.label] = subject
    return subject


def add_section(model: type[Model], section: ExportSection) -> ExportSection:
    sections = _sections.setdefault(model._meta.label_lower, [])
    sections[:] = [s for s in sections if s.name != section.name] + [section]
    return section


def all() -> list[Subject]:  # noqa: A001 - `subjects.all()` reads as the registry's all
    return list(_subjects.values())


def of(obj_or_model) -> Subject | None:
    """The declaration of this record's (or model's) subject kind, or None."""
    return _subjects.get(obj_or_model._meta.label_lower)


def by_content_type_id(content_type_id: int) -> Subject | None:
    for subject in _subjects.values():
        if subject.content_type().pk == content_type_id:
            return subject
    return None


def sections(obj_or_model) -> list[ExportSection]:
    return list(_sections.get(obj_or_model._meta.label_lower, []))


def rows_about(queryset: QuerySet, scopes: Callable[[Subject], QuerySet]) -> QuerySet:
    """Rows of a privacy model (subject_type, subject_id) whose subject is in `scopes(subject)`, in SQL."""
    condition = Q(pk__in=[])
    for subject in _subjects.values():
        condition |= Q(subject_type=subject.content_type(), subject_id__in=scopes(subject).values("pk"))
    return queryset.filter(condition)
