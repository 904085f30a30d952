"""The rows of the privacy API that name a data subject: the subject under the key its app declared, and the access
log's rows (written by hand). Split from privacy/api.py, which imports them."""

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from intimacy_ops.api import moment
from privacy import subjects
from privacy.models import AccessLogEntry

# --- the subject, under the key its app declared ------------------------------------------------------


@extend_schema_field(OpenApiTypes.INT)
class SubjectIdField(serializers.Field):
    """The id of the row's subject when it is a record of this declared kind, else null."""

    def __init__(self, subject: subjects.Subject, **kwargs):
        self.subject = subject
        kwargs.setdefault("help_text", f"{subject.verbose_name.capitalize()} id.")
        # Null only for a row about another kind of subject (none while one kind is declared).
        super().__init__(source="*", read_only=True, allow_null=len(subjects.all()) > 1, **kwargs)

    def _mine(self, row) -> bool:
        return row.subject_type_id == self.subject.content_type().pk

    def to_representation(self, row):
        return row.subject_id if self._mine(row) else None


@extend_schema_field(OpenApiTypes.STR)
class SubjectNameField(SubjectIdField):
    def __init__(self, subject: subjects.Subject, **kwargs):
        kwargs.setdefault("help_text", f"{subject.verbose_name.capitalize()} name.")
        super().__init__(subject, **kwargs)

    def to_representation(self, row):
        if not self._mine(row) or row.subject is None:
            return None
        return str(row.subject)


# A row about a subject: after "user", each declared subject key with its id and its name. (Comments, not
# docstrings, on these bases: a docstring would become every serializer's description in the schema.)
class SubjectRowSerializer(serializers.ModelSerializer):
    def get_fields(self):
        declared = {}
        for subject in subjects.all():
            declared[subject.key] = SubjectIdField(subject)
            declared[f"{subject.key}_name"] = SubjectNameField(subject)
        ordered = {}
        for name, field in super().get_fields().items():
            ordered[name] = field
            if name == "user":
                ordered.update(declared)
        return ordered


class AccessLogEntrySerializer(SubjectRowSerializer):
    user = serializers.SlugRelatedField(slug_field="username", read_only=True)
    fields = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = AccessLogEntry
        fields = ["id", "user", "fields", "at", "purpose", "channel"]
        read_only_fields = fields

    def to_representation(self, row: AccessLogEntry) -> dict:
        # The fields above written by hand (DRF's per-field machinery was most of the list's serializing): the
        # same dict as `ModelSerializer.to_representation`, tests/privacy/test_access_log_output.py.
        if not hasattr(self, "_subjects_and_zone"):  # once per serializer: a list's child writes every row
            declared = [(subject.key, subject.content_type().pk) for subject in subjects.all()]
            self._subjects_and_zone = (declared, timezone.get_current_timezone())
        declared, zone = self._subjects_and_zone
        data = {"id": row.pk, "user": row.user.username}
        for key, content_type_id in declared:
            mine = row.subject_type_id == content_type_id
            data[key] = row.subject_id if mine else None
            data[f"{key}_name"] = str(row.subject) if mine and row.subject is not None else None
        data["fields"] = None if row.fields is None else [None if f is None else str(f) for f in row.fields]
        data["at"] = moment(row.at, zone)
        data["purpose"] = row.purpose
        data["channel"] = row.channel
        return data
