"""The columns of each import file (CONTRACT.md, "Import files"): required ones first, in contract order."""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class FileSpec:
    kind: str
    required: tuple[str, ...]
    optional: tuple[str, ...]
    label: str = ""
    # The writer of this kind (segments.imports.writing's `Importer` subclass); None: customers' or cases'.
    importer: type | None = None
    # Cells holding the named customer's sensitive data beyond its own fields: cell → (customer → the record
    # whose field of that name `intimacy_ops.sensitive` decides, e.g. an unsaved feedback item of the customer).
    masked: dict[str, Callable] = field(default_factory=dict)

    @property
    def columns(self) -> tuple[str, ...]:
        return self.required + self.optional

    def describe(self) -> str:
        """The expected columns as a person reads them: required ones, then optional ones."""
        text = f"required: {', '.join(self.required)}"
        if self.optional:
            text += f"; optional: {', '.join(self.optional)}"
        return text


CUSTOMERS = FileSpec(
    kind="customers",
    label="Customers",
    required=("source", "external_id", "name", "region"),
    optional=(
        "account_manager",
        "annual_revenue",
        "strategic_value",
        "support_complexity",
        "lifetime_value",
        "contact_email",
        "personal_notes",
    ),
)
CASES = FileSpec(
    kind="cases",
    label="Service cases",
    required=("source", "external_id", "customer_source", "customer_external_id", "priority", "opened_at"),
    optional=("first_response_at", "resolved_at", "title"),
)
SPECS = {spec.kind: spec for spec in (CUSTOMERS, CASES)}


def register(spec: FileSpec) -> FileSpec:
    """Another app's kind of import file (from its `imports.py`, found by `intimacy_ops.discovery`)."""
    SPECS[spec.kind] = spec
    return spec


ERRORS_COLUMN = "errors"
