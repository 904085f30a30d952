"""The columns of each import file (CONTRACT.md, "Import files"): required ones first, in contract order."""

from dataclasses import dataclass


@dataclass(frozen=True)
class FileSpec:
    kind: str
    required: tuple[str, ...]
    optional: tuple[str, ...]

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
    required=("source", "external_id", "customer_source", "customer_external_id", "priority", "opened_at"),
    optional=("first_response_at", "resolved_at", "title"),
)
SPECS = {spec.kind: spec for spec in (CUSTOMERS, CASES)}
ERRORS_COLUMN = "errors"
