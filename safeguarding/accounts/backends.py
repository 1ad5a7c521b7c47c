"""Signing in with a username and password, and finding the signed-in user on each request."""

from __future__ import annotations

import functools

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import connection

from safeguarding.core.compiled import CompiledModels, compile_models


class UserBackend(ModelBackend):
    """Django's own backend, but the user comes with their organisation in the same query.

    Every page reads the signed-in user's organisation (whether they work for a partner agency decides what
    they may see and change; the footer names it), so loading it lazily was a query of its own on every
    request. Everything else is Django's: the same password check, and an inactive user is refused."""

    def get_user(self, user_id):
        try:
            number = int(user_id)
        except (TypeError, ValueError):
            return None
        user = next(iter(_compiled_user(connection.vendor).queryset((), numbers=[number])), None)
        return user if user is not None and self.user_can_authenticate(user) else None


# Compiled once (core.compiled): it runs on every request, and building and compiling it through the ORM
# took about ten times as long as running it.
@functools.lru_cache(maxsize=4)
def _compiled_user(vendor: str) -> CompiledModels:
    return compile_models(
        lambda ids, user_id: (
            get_user_model()._default_manager.select_related("organisation").filter(pk=user_id)
        ),
        0,
        numbers=1,
    )
