from django.apps import AppConfig


class CasefileConfig(AppConfig):
    """The case file: family page, person page, caseloads and navigation. It reads what the capabilities
    below it register (safeguarding.core registries) and edits none of them."""

    name = "safeguarding.casefile"
    label = "casefile"
    verbose_name = "Case file"

    def ready(self):
        from safeguarding.access.policies import case_records_can_search, family_can_create
        from safeguarding.accounts.models import User
        from safeguarding.core.navigation import NavigationEntry, register

        Role = User.Role
        register(NavigationEntry("My families", "casefile:my-families", 10, lambda user: True))
        register(
            NavigationEntry(
                "Team caseload",
                "casefile:team-caseload",
                30,
                lambda user: user.role in (Role.TEAM_MANAGER, Role.SERVICE_MANAGER),
            )
        )
        register(NavigationEntry("Search", "casefile:search", 50, case_records_can_search))
        register(NavigationEntry("Create a family", "casefile:family-create", 60, family_can_create))
