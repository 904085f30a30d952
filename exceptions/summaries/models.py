"""The summary tables (see the package's docstring). Rows are derived: the refresh replaces them all in
one transaction; nothing else writes them. Foreign keys without database constraints (`db_constraint=False`):
a summary row never holds up deleting a customer's region, segment or a process, and the next refresh drops
it."""

from django.db import models

MONEY = {"max_digits": 16, "decimal_places": 2}


def _key(model, **extra):
    return models.ForeignKey(
        model, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+", **extra
    )


class ExceptionStatusFigure(models.Model):
    region = _key("accounts.Region")
    segment = _key("segments.Segment", null=True)
    process = _key("exceptions.Process")
    status = models.CharField(max_length=20)
    requests = models.PositiveIntegerField()
    monthly_cost = models.DecimalField(**MONEY)
    one_off_cost = models.DecimalField(**MONEY)

    class Meta:
        indexes = [models.Index(fields=["region", "status"], name="statusfigure_region_status")]

    def __str__(self) -> str:
        return f"{self.status} × {self.requests} (region {self.region_id}, process {self.process_id})"


class ExceptionDayFigure(models.Model):
    day = models.DateField()
    region = _key("accounts.Region")
    segment = _key("segments.Segment", null=True)
    process = _key("exceptions.Process")
    route = models.CharField(max_length=10)
    created = models.PositiveIntegerField()
    approved = models.PositiveIntegerField()
    rejected = models.PositiveIntegerField()
    withdrawn = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["region", "day"], name="dayfigure_region_day")]

    def __str__(self) -> str:
        return f"{self.day}: {self.created} created, {self.approved} approved (region {self.region_id})"


class DecisionTimeFigure(models.Model):
    day = models.DateField()
    region = _key("accounts.Region")
    segment = _key("segments.Segment", null=True)
    process = _key("exceptions.Process")
    route = models.CharField(max_length=10)
    tenths = models.IntegerField(help_text="Tenths of a day from the latest submission to the decision.")
    decisions = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["region", "day"], name="decisionfigure_region_day")]

    def __str__(self) -> str:
        return f"{self.day}: {self.decisions} decided in {self.tenths / 10} d (region {self.region_id})"


class DriftFigure(models.Model):
    """Per region × segment × process: the customers holding an active request against the process now
    (`on` empty), or holding one in force on `on` (the start of each preset period at the refresh)."""

    on = models.DateField(null=True)
    region = _key("accounts.Region")
    segment = _key("segments.Segment", null=True)
    process = _key("exceptions.Process")
    customers = models.PositiveIntegerField()
    active = models.PositiveIntegerField(help_text="Active requests (now only).")

    class Meta:
        indexes = [models.Index(fields=["on", "region"], name="driftfigure_on_region")]

    def __str__(self) -> str:
        return f"{self.on or 'now'}: {self.customers} customers (process {self.process_id})"


class CustomerFigure(models.Model):
    """Per region × segment: the customers (drift's "customers in scope")."""

    region = _key("accounts.Region")
    segment = _key("segments.Segment", null=True)
    customers = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"{self.customers} customers (region {self.region_id}, segment {self.segment_id})"


class CostMonthFigure(models.Model):
    """Per calendar month (of the 12 up to the refresh) × region × segment × process: the estimated cost of the
    requests in force that month and how many they are, the cost booked that month and on how many requests."""

    month = models.DateField(help_text="The month's first day.")
    region = _key("accounts.Region")
    segment = _key("segments.Segment", null=True)
    process = _key("exceptions.Process")
    estimated = models.DecimalField(**MONEY)
    in_force = models.PositiveIntegerField()
    actual = models.DecimalField(**MONEY)
    booked = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["region", "month"], name="costmonthfigure_region_month")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}: {self.estimated} estimated, {self.actual} actual (process {self.process_id})"


class CustomerCostFigure(models.Model):
    """Per customer holding an active request: its active requests and their yearly cost (12 × monthly +
    one-off), with its region, segment and annual revenue as of the refresh (cost over revenue)."""

    customer = _key("segments.Customer")
    region = _key("accounts.Region")
    segment = _key("segments.Segment", null=True)
    revenue = models.DecimalField(**MONEY)
    active = models.PositiveIntegerField()
    yearly_cost = models.DecimalField(**MONEY)

    class Meta:
        indexes = [models.Index(fields=["region", "segment"], name="customercostfigure_region")]

    def __str__(self) -> str:
        return f"customer {self.customer_id}: {self.yearly_cost} a year over {self.revenue}"
