"""Every write of the segments app: one function per business act (STYLE.md)."""
