"""SLA compliance's summary table (issue 15, item 7): what the dashboard's SLA panel and the summary's
compliance figure read instead of aggregating every case. Rebuilt set-based by the periodic check
`segments.dashboard_summaries` (figures.py, through the kernel's `intimacy_ops.dashboard.summary_tables.rebuild`):

- `SlaFigure`: per day of resolution (none: still open) × region × segment × priority, of the cases whose
  customer has a segment: closed, closed without a breach, open and breached at the refresh.
"""
