"""The customer's voice and continuous improvement (DESIGN.md, "feedback/")."""
