"""Per-region figures of the home cards (issue 14): what an operations lead's home read live from every
customer and case of their regions on every request — the tier load and the open cases' headline — kept
per region and refreshed set-based by the periodic check `segments.region_figures` (refresh.py); read by
selectors.py, summed over the regions the user sees.

- `TierFigure`: per region × segment: customers, and those whose segment is locked by hand;
- `CaseFigure`: per region: open cases, late now, within their due times, waiting on the customer, due soon
  (`selectors.cases.case_counts`'s figures, as of the refresh);
- when they were last refreshed: the kernel's `SummaryRefresh` row `segments.region_figures` (the cards say
  "as of"), as for the dashboard's summary tables.

Customers and cases are scoped by region alone (segments/access_rules.py), so the sum over the user's
regions (every region for those who read across them) is the live figure as of the refresh.
"""
