"""The placeholder language of incident message templates (issue 19, item 3): `{customer_name}` and its kin.

A placeholder names one value, nothing more: no attribute or index access (`{customer.__class__}`), no
conversion (`!r`), no format spec (`:>999999`), no positional `{}`. Literal braces are doubled (`{{`, `}}`).
`check` refuses a text at save with the field and the placeholder named: a field privacy declares sensitive on
a customer (`{contact_email}`, `{personal_notes}`: asked of `intimacy_ops.sensitive`, never listed here) is
"never usable"; any other name not in `PLACEHOLDERS` is unknown. `render` substitutes known names only and
leaves anything else as written, so a text that bypassed `check` (the admin) still evaluates nothing.
"""

from string import Formatter

from intimacy_ops import sensitive
from segments.models import Customer

# name → what a person writing a template reads about it.
PLACEHOLDERS = {
    "customer_name": "the customer's name",
    "account_manager": "their account manager's name",
    "tier": "the customer's tier",
    "incident_title": "what is broken",
    "incident_kind": "outage, delay, quality, billing or data",
    "incident_started_at": "when it started (date and time)",
    "incident_status": "open, mitigated, resolved…",
    "sla_first_response": "the tier's first-response commitment (P1)",
    "sla_resolution": "the tier's resolution commitment (P1)",
    "goodwill_offered": "the goodwill this customer got in this incident",
}


def _fields(text: str):
    try:
        return list(Formatter().parse(text))
    except ValueError:
        return None


def _sensitive_names() -> set[str]:
    names = set(sensitive.sensitive_fields(Customer))
    return names | {f"customer_{name}" for name in names}


def problems(text: str) -> list[str]:
    """What is wrong with the placeholders of one text (empty: nothing)."""
    parsed = _fields(text)
    if parsed is None:
        return ["Unbalanced braces: write {{ and }} for literal ones."]
    found, secret = [], _sensitive_names()
    for _literal, name, spec, conversion in parsed:
        if name is None:
            continue
        written = "{" + name + ("!" + conversion if conversion else "") + (":" + spec if spec else "") + "}"
        parts = {part for part in name.replace("[", ".").replace("]", ".").split(".") if part}
        if parts & secret:
            found.append(f"{written} is a sensitive field of the customer: never usable in a message.")
        elif name != name.strip() or "." in name or "[" in name:
            found.append(f"{written}: a placeholder names a value, no attribute or index access.")
        elif conversion or spec:
            found.append(f"{written}: no conversion or format in a placeholder; write {{{name}}}.")
        elif name not in PLACEHOLDERS:
            known = ", ".join("{" + known + "}" for known in PLACEHOLDERS)
            found.append(f"{written} is not a placeholder we know. Known: {known}.")
    return list(dict.fromkeys(found))


def render(text: str, values: dict[str, str]) -> str:
    """The text with each known placeholder replaced by its value; anything else stays as written."""
    parsed = _fields(text)
    if parsed is None:
        return text
    out = []
    for literal, name, spec, conversion in parsed:
        out.append(literal)
        if name is None:
            continue
        if name in PLACEHOLDERS and name in values and not spec and not conversion:
            out.append(str(values[name]))
        else:
            out.append(
                "{" + name + ("!" + conversion if conversion else "") + (":" + spec if spec else "") + "}"
            )
    return "".join(out)
