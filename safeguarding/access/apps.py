from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "safeguarding.access"
    label = "access"
    verbose_name = "Access to records beyond allocation"

    def ready(self):
        from safeguarding.core.navigation import NavigationEntry, register

        from .policies import emergency_access_can_request

        register(
            NavigationEntry("Emergency access", "access:emergency-access", 70, emergency_access_can_request)
        )
