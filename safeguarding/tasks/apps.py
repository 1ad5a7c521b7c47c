from django.apps import AppConfig


class TasksConfig(AppConfig):
    """Work that is due, from every capability that registers a provider: My tasks and Timeliness."""

    name = "safeguarding.tasks"
    label = "tasks"
    verbose_name = "Tasks"

    def ready(self):
        from safeguarding.core.navigation import NavigationEntry, register

        from .policies import my_tasks_shown, timeliness_can_view_without_query

        register(NavigationEntry("My tasks", "tasks:my-tasks", 20, my_tasks_shown))
        register(
            NavigationEntry(
                "Timeliness",
                "tasks:timeliness",
                40,
                timeliness_can_view_without_query,
                active_on=frozenset({"tasks:team-timeliness", "tasks:team-overdue"}),
            )
        )
