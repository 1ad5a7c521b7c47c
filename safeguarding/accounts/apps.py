from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "safeguarding.accounts"
    label = "accounts"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        # Every way of signing in (the sign-in page, and the test client's force_login) starts the
        # inactivity clock and drops a kept form that belongs to someone else. Session bookkeeping only:
        # no domain behaviour lives in signals.
        user_logged_in.connect(_start_session, dispatch_uid="accounts.start_session")


def _start_session(sender, request, user, **kwargs):
    from .sessions import signed_in

    if request is not None and hasattr(request, "session"):
        signed_in(request, user)
