"""Escalations (DESIGN.md, "Background work"): a crossed line raised to someone, climbing its ladder
while nobody acknowledges it. The kernel owns them; checks in the business apps raise them."""
