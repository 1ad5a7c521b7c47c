"""Signing in with a username and password, and finding the signed-in user on each request."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class UserBackend(ModelBackend):
    """Django's own backend, but the user comes with their organisation in the same query.

    Every page reads the signed-in user's organisation (whether they work for a partner agency decides what
    they may see and change; the footer names it), so loading it lazily was a query of its own on every
    request. Everything else is Django's: the same password check, and an inactive user is refused."""

    def get_user(self, user_id):
        User = get_user_model()
        try:
            user = User._default_manager.select_related("organisation").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
