from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "safeguarding.audit"
    label = "audit"
