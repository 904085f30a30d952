"""Feedback items written set-based (`INSERT … SELECT … FROM generate_series`): bench/generate.py's
`--feedback N` and bench/feedback.py's rows.

History: NPS answers (scores 0–10, a third about a process) at `per_day` a day going back from before the
recurring-failure window, so a bigger table is a longer history, not a busier month. The window (the last
WINDOW_DAYS days) holds the same rows whatever the size: `per_day` non-negative answers a day (scores 7–10,
a third about a process) and, per cluster process, `cluster` detractors — the clusters the check finds.
"""

import datetime

from django.db import connection

WINDOW_DAYS = 30
COLUMNS = (
    "customer_id, source, score, text, received_on, process_id, actionable, import_source, external_id, "
    "created_at, updated_at, sentiment_rationale, sentiment_machine_suggested, sentiment_needs_confirmation, "
    "sentiment_confirmed, sentiment_corrected_from"
)


def _insert(select: str, params: list) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO feedback_feedbackitem ({COLUMNS}) {select}", params)  # noqa: S608
        return cursor.rowcount


def history(
    *, start: int, count: int, per_day: int, customers: list[int], processes: list[int], today
) -> int:
    """Rows number start … start+count−1 of the history (row n on day today − WINDOW_DAYS − 1 − n // per_day)."""
    first = today - datetime.timedelta(days=WINDOW_DAYS + 1)
    return _insert(
        "SELECT (%(c)s::int[])[1 + g %% cardinality(%(c)s::int[])], 'nps_survey', g %% 11, 'Said something.', "
        "%(first)s::date - (g / %(per_day)s), "
        "CASE WHEN g %% 3 = 0 THEN (%(p)s::int[])[1 + (g / 3) %% cardinality(%(p)s::int[])] END, "
        "false, '', '', now(), now(), '[]', false, false, false, '' "
        "FROM generate_series(%(start)s, %(end)s) AS g",
        {
            "c": customers,
            "p": processes,
            "first": first,
            "per_day": per_day,
            "start": start,
            "end": start + count - 1,
        },
    )


def window(
    *, per_day: int, clusters: list[int], cluster: int, customers: list[int], processes: list[int], today
) -> int:
    """The window's rows: `per_day` non-negative answers a day, and `cluster` detractors per cluster process."""
    background = _insert(
        "SELECT (%(c)s::int[])[1 + g %% cardinality(%(c)s::int[])], 'nps_survey', 7 + g %% 4, 'Fine.', "
        "%(today)s::date - (g / %(per_day)s), "
        "CASE WHEN g %% 3 = 0 THEN (%(p)s::int[])[1 + (g / 3) %% cardinality(%(p)s::int[])] END, "
        "false, '', '', now(), now(), '[]', false, false, false, '' "
        "FROM generate_series(0, %(n)s - 1) AS g",
        {"c": customers, "p": processes, "today": today, "per_day": per_day, "n": per_day * WINDOW_DAYS},
    )
    detractors = _insert(
        "SELECT (%(c)s::int[])[1 + g %% cardinality(%(c)s::int[])], 'nps_survey', g %% 7, 'Late again.', "
        "%(today)s::date - (g %% %(days)s), (%(k)s::int[])[1 + g / %(cluster)s], "
        "false, '', '', now(), now(), '[]', false, false, false, '' "
        "FROM generate_series(0, %(n)s - 1) AS g",
        {"c": customers, "k": clusters, "today": today, "days": WINDOW_DAYS - 1, "cluster": cluster,
         "n": cluster * len(clusters)},
    )  # fmt: skip
    return background + detractors
