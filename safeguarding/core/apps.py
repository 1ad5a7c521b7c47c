from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "safeguarding.core"
    label = "core"

    def ready(self):
        from .compiled import let_psycopg_remember_long_statements

        let_psycopg_remember_long_statements()
