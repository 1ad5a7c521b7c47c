from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    """Information governance: who has seen a record, unusual access, subject access bundles. Reads the
    audit log (audit/) and the records it names; writes nothing but its own audit events."""

    name = "safeguarding.governance"
    label = "governance"
    verbose_name = "Information governance"

    def ready(self):
        from safeguarding.core.navigation import NavigationEntry, register

        from .policies import audit_pages_can_use

        register(
            NavigationEntry(
                "Audit", "governance:home", 80, audit_pages_can_use, active_namespace="governance"
            )
        )
