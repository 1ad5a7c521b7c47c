"""The kinds of task capabilities provide, and where a worker goes to act on one.

A capability registers its kinds in its AppConfig.ready(): the label My tasks and Timeliness show, and
the page (a URL name taking the child's id) where the worker records what meets the deadline. The tasks
app never imports a capability, so supervision actions and measure alerts arrive the way the statutory
journey did.
"""

from __future__ import annotations

from dataclasses import dataclass

from safeguarding.core.urls import RowUrls


@dataclass(frozen=True)
class TaskKind:
    kind: str
    label: str
    # A URL name whose one argument is the child's id: the page where the task is done. Empty for a kind
    # whose rows carry their own page (Deadline.link: a family task such as a supervision action).
    url_name: str
    provider: str


_KINDS: dict[str, TaskKind] = {}


def register_kinds(provider: str, kinds: dict[str, str], *, url_name: str = "") -> None:
    """Register `kinds` (code -> label) for `provider`. A code belongs to one provider only."""
    for kind, label in kinds.items():
        existing = _KINDS.get(kind)
        if existing is not None and existing.provider != provider:
            raise ValueError(f"Task kind {kind!r} is already registered by {existing.provider}")
        _KINDS[kind] = TaskKind(kind=kind, label=str(label), url_name=url_name, provider=provider)


def kinds() -> list[TaskKind]:
    """Every registered kind, in registration order (the order Timeliness shows them in)."""
    return list(_KINDS.values())


def is_kind(kind: str) -> bool:
    return kind in _KINDS


def kind_label(kind: str) -> str:
    registered = _KINDS.get(kind)
    return registered.label if registered else kind


class ChildUrls:
    """Each kind's page for a child, reversing each URL name once (core.urls): reversing for each of a
    hundred rows was a tenth of My tasks' time."""

    def __init__(self):
        self._urls = RowUrls()

    def __call__(self, kind: str, child_id) -> str:
        registered = _KINDS.get(kind)
        if registered is None or not registered.url_name or child_id is None:
            return ""
        return self._urls(registered.url_name, child_id)
