"""Customers, tiers and service commitments (DESIGN.md, "segments/")."""
