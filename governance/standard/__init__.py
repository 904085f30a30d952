"""Change control over the standard processes themselves (issue 17, items 4 and 5): the board's review of a
pending version of a controlled process (or of a retired option customers use), and the periodic
re-standardization review of a controlled process's active exceptions. Models here; writes in
governance/services/standard_change.py and restandardization.py."""
