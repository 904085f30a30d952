"""Retention (DESIGN.md, "Sensitive data"): policies that anonymize or delete data past its time.

`kinds` is the registry of data kinds, `service` applies the policies (dry run first),
`demo` seeds a couple of sensible policies. `python manage.py apply_retention [--dry-run]`.
"""
