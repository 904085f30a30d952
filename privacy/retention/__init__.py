"""Retention (DESIGN.md, "Sensitive data"): policies that anonymize or delete data past its time.

`kinds` is the registry of data kinds (each app declares its own in its `privacy.py`), `service`
applies the policies (dry run first), `views` shows them; `privacy/demo.py` seeds a few sensible
policies. `python manage.py apply_retention [--dry-run]`.
"""
