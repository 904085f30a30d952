"""Feedback's panels on the dashboard (intimacy_ops/dashboard; issue 16, item 7): the customer's voice by
segment (NPS, CES, negative sentiment that counts), root-cause analyses and overdue corrective actions by
process, and how often the machine's sentiment is corrected per source. Computed by
feedback/selectors_dashboard.py (aggregate SQL only).

The RCA panel drills into the RCA board with the same filters (`process`, `region`, `overdue`); the voice
and correction panels have no list of their own here yet (the feedback inbox's filters will be theirs).
"""

from django.urls import reverse

from feedback import selectors_dashboard as figures
from intimacy_ops import dashboard

Column, Table, Chart = dashboard.Column, dashboard.Table, dashboard.Chart


def _voice(user, filters) -> Table:
    return Table(
        columns=[
            Column("name", "Segment"),
            Column("nps", "NPS", kind="number"),
            Column("nps_answers", "NPS answers", kind="int"),
            Column("ces", "CES (1–7)", kind="number"),
            Column("ces_answers", "CES answers", kind="int"),
            Column("negative_share", "Negative sentiment", kind="percent"),
            Column("sentiments", "Sentiments counted", kind="int"),
        ],
        rows=figures.voice_by_segment(user, filters),
        chart=Chart(kind="bar", labels="name", series=["nps"]),
        empty="No survey answer or analysed feedback in these regions and this period.",
    )


def _rcas(user, filters) -> Table:
    rows = figures.rcas_by_process(user, filters)
    board = reverse("feedback:rca-board")

    def drill(**extra):
        return lambda row: filters.drill(board, process=row["ref"], **extra)

    return Table(
        columns=[
            Column("name", "Process"),
            Column("open_rcas", "Active RCAs", kind="int"),
            Column("open_actions", "Open actions", kind="int"),
            Column("overdue_actions", "Overdue actions", kind="int"),
        ],
        rows=rows,
        links={"open_rcas": drill(), "overdue_actions": drill(overdue=True)},
        chart=Chart(kind="bar", labels="name", series=["open_rcas", "overdue_actions"]),
        empty="No root-cause analysis under way in these regions.",
        flags={
            index: "corrective actions overdue" for index, row in enumerate(rows) if row["overdue_actions"]
        },
    )


def _corrections(user, filters) -> Table:
    return Table(
        columns=[
            Column("name", "Source"),
            Column("suggested", "Suggested", kind="int"),
            Column("settled", "Settled by a person", kind="int"),
            Column("corrected", "Corrected", kind="int"),
            Column("rate", "Correction rate", kind="percent"),
            Column("waiting", "Waiting to be confirmed", kind="int"),
        ],
        rows=figures.corrections_by_source(user, filters),
        chart=Chart(kind="bar", labels="name", series=["rate"]),
        empty="The machine suggested no sentiment in these regions and this period (no consent, or no text).",
    )


dashboard.register(
    dashboard.Panel(
        key="feedback-voice-by-segment",
        title="NPS and CES by segment",
        explanation=(
            "Survey answers received in the period, per the customer's segment: NPS = % promoters (9–10) − % "
            "detractors (0–6); CES the mean effort score (1 easy … 7 hard); negative sentiment among the "
            "analysed texts that count (confident, or confirmed by a person)."
        ),
        order=60,
        compute=_voice,
    )
)
dashboard.register(
    dashboard.Panel(
        key="feedback-rcas",
        title="Root-cause analyses and overdue actions",
        explanation=(
            "Root-cause analyses under way today on each process (touching customers of these regions), their "
            "open corrective actions and those past their due date. Neither the period nor the segment applies."
        ),
        order=61,
        compute=_rcas,
    )
)
dashboard.register(
    dashboard.Panel(
        key="feedback-sentiment-corrections",
        title="How often the machine's sentiment is corrected",
        explanation=(
            "Per source, of the machine's sentiment suggestions a person settled in the period, the share they "
            "corrected; and the suggestions still waiting for a person."
        ),
        order=62,
        compute=_corrections,
    )
)
