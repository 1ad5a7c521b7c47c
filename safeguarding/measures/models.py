"""Parent measures (issue #11): questionnaire definitions a council has loaded, and each measure recorded.

A measure is special-category data about the adult it describes (their mood, drinking, drug use, the abuse
they suffer): `sensitivity` is adult_special and access.policies.FamilyDisclosure decides who reads it,
judged against the family it was recorded in, as for readiness readings.
"""

from __future__ import annotations

from django.db import models

from safeguarding.core.models import BaseModel


class InstrumentDefinition(BaseModel):
    """A council's own instrument definition (or a new version of a shipped one), as loaded and validated
    by `manage.py measures_load`. Never changed once loaded: a change is a new version."""

    code = models.CharField(max_length=30)
    version = models.PositiveIntegerField()
    definition = models.JSONField()
    loaded_from = models.CharField(max_length=300, blank=True)
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="measures_definition_version_once")
        ]

    def __str__(self):
        return f"{self.code} version {self.version}"
