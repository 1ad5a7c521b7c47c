from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    """Outcomes, measured honestly (issue #12): the council's own figures from its records (children
    coming into care, on child protection plans, in care proceedings; the national trial's 18-month
    measure; the monthly indicator table) beside the DfE's published figures for its statistical
    neighbours, region and England. Reads the journey and allocations; writes only its own refreshed
    figures and comparators, and its audit events."""

    name = "safeguarding.outcomes"
    label = "outcomes"
    verbose_name = "Outcomes"

    def ready(self):
        from safeguarding.core.navigation import NavigationEntry, register

        from .policies import outcomes_lands_here, outcomes_shown

        register(
            NavigationEntry(
                "Outcomes",
                "outcomes:home",
                47,
                outcomes_shown,
                active_namespace="outcomes",
                lands=outcomes_lands_here,
            )
        )
