"""Change-control boards and the rules they enforce (DESIGN.md, "governance/")."""
