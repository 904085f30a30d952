"""Writes of the privacy part: grants and break-glass (`sensitive_access`), consent, the subject export."""
