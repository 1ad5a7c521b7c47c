"""The DfE's published figures and the statistical-neighbour model (issue #12 items 2 and 6).

Public aggregates about whole councils, regions and England: nothing here is about a child or family, so
these are plain tables with integer keys. They are filled from the compact table shipped in data/ by the
data migration, and refreshed by `manage.py outcomes_load_published DIR`; published.py reads them.
"""

from django.db import models


class Level(models.TextChoices):
    LA = "la", "Local authority"
    REGION = "region", "Region"
    ENGLAND = "england", "England"


class PublishedArea(models.Model):
    """A council (its DfE old code, e.g. "874"), a region or England (its ONS code), as the DfE names it.
    A council's region is its ONS region code (London for Inner and Outer London boroughs)."""

    code = models.CharField(max_length=12, unique=True)
    level = models.CharField(max_length=10, choices=Level.choices)
    name = models.CharField(max_length=120)
    new_code = models.CharField(max_length=12, blank=True)
    region_code = models.CharField(max_length=12, blank=True)

    def __str__(self):
        return f"{self.name} ({self.code})"


class PublishedFigure(models.Model):
    """One figure the DfE published (or we derived from its counts, as published.MEASURES says) for an
    area and year. `year` is the DfE's time_period: 2025 is the year to 31 March 2025 (for the population,
    the ONS mid-year). `value` is None when the DfE did not publish it; `marker` then keeps its symbol
    (c, x, z, u ...): not published is never 0."""

    level = models.CharField(max_length=10, choices=Level.choices)
    area_code = models.CharField(max_length=12)
    year = models.PositiveSmallIntegerField()
    measure = models.CharField(max_length=40)
    value = models.FloatField(null=True, blank=True)
    marker = models.CharField(max_length=10, blank=True)
    unit = models.CharField(max_length=10)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["area_code", "year", "measure"], name="outcomes_figure_once"),
        ]
        indexes = [models.Index(fields=["measure", "area_code"], name="outcomes_figure_measure")]

    def __str__(self):
        shown = self.value if self.value is not None else self.marker
        return f"{self.measure} {self.area_code} {self.year}: {shown}"


class StatisticalNeighbour(models.Model):
    """A council's neighbour in the DfE 2025 statistical-neighbour model: rank 1 is the closest, and
    `closeness` the DfE's band (Extremely close, Very close, Close, Somewhat close, Not close)."""

    la_code = models.CharField(max_length=12)
    rank = models.PositiveSmallIntegerField()
    neighbour_code = models.CharField(max_length=12)
    closeness = models.CharField(max_length=30)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["la_code", "rank"], name="outcomes_neighbour_rank_once"),
        ]

    def __str__(self):
        return f"{self.la_code} #{self.rank}: {self.neighbour_code} ({self.closeness})"


class OutcomeSnapshot(models.Model):
    """The council's own figures for one scope (the whole council, or one team), worked out from its
    records by services.snapshot_refresh and read by the pages (figures.snapshot gives the payload).

    Working the figures out takes seconds on a large council (every period of care, plan and referral
    since the first month shown), so the pages read the last refresh and say when it was: each night
    (`manage.py outcomes_refresh`), or when a user presses "Work the figures out again". Aggregates only:
    no name or record identifier is stored."""

    COUNCIL = "council"

    # "council", or the team's id.
    scope_key = models.CharField(max_length=40, unique=True)
    scope_label = models.CharField(max_length=200)
    as_of = models.DateField()
    computed_at = models.DateTimeField()
    payload = models.JSONField()

    def __str__(self):
        return f"Outcomes for {self.scope_label} as at {self.as_of}"
