"""The review backlog's summary tables (issue 15, item 7): what the dashboard's review-backlog panel and the
summary's open-reviews count read instead of scanning every review through the reviewer's scope. Rebuilt
set-based by the periodic check `governance.dashboard_summaries` (figures.py, through the kernel's
`intimacy_ops.dashboard.summary_tables.rebuild`):

- `ReviewBacklogFigure`: now, per board × region (the region of the customer whose request is reviewed;
  none for a proposal): open reviews, and of them those past their due date on the refresh's day;
- `ReviewDecisionFigure`: per board × region × day of the decision × tenth of a day: reviews decided after
  that long open (a histogram: the median to the tenth of a day).
"""
