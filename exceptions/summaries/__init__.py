"""The exceptions app's dashboard summary tables (issue 15, item 7): what the dashboard's heaviest
exceptions panels read instead of aggregating every request live. Refreshed set-based by the periodic
check `exceptions.dashboard_summaries` (refresh.py); read by selectors.py.

- `ExceptionStatusFigure`: now, per region × segment × process × status: requests, monthly and one-off
  cost sums (the active-by-process/segment/region panels, the summary API's status counts and cost);
- `ExceptionDayFigure`: per day × region × segment × process × route: requests created (past draft),
  approved, rejected, withdrawn (by the day of the transition) — the per-month panel;
- `DecisionTimeFigure`: per day × region × segment × process × route × tenth of a day: decisions taking
  that long from the latest submission (a histogram: percentiles to the tenth of a day) — time to decision.
- when they were last refreshed: the kernel's `SummaryRefresh` (intimacy_ops/dashboard/summary_tables.py, which
  also holds the rebuild every app's summaries share).
"""
