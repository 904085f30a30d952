"""The health score (issue 20, item 3): one number per customer, 0–100, from parts anyone can check.

- `parts.py`: the six parts — what each counts, over which window, one `GROUP BY` query each for every
  customer at once — and how a raw figure and a weight make points;
- `compute.py`: the check `keyaccounts.health_scores` (upserts one `HealthScore` row per customer and day,
  keeping the parts as computed) and the history the demo backfills;
- `weights.py`: the weights per region, versioned, set by operations leads and administrators;
- `selectors.py`: the scores a person may see (list, card, home card, dashboard panel);
- `access_rules.py`: who sees scores and weights, who sets weights.
"""
