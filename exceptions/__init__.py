"""Standard processes and requests to deviate from them (DESIGN.md, "exceptions/")."""
