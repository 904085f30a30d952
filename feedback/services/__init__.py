"""Every write of the feedback app: one function per business act (STYLE.md, "Inside an app")."""
