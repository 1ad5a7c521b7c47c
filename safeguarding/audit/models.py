"""The append-only record of who saw and changed what.

Councils are audited for staff opening records they have no reason to open, so every view of a family
or person page, every create, change and allocation, and every search is written here, in the same
transaction as the write it describes.

The log is tamper-evident: each event carries a hash chained to the one before (chain.py, ADR 0011), the
application refuses to change or delete events, and on PostgreSQL the database refuses too.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditEventImmutable("Audit events cannot be changed")

    def delete(self):
        raise AuditEventImmutable("Audit events cannot be deleted")

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        if any(not obj.hash for obj in objs):
            raise AuditEventUnchained("Write audit events through audit_record_many, which chains them")
        return super().bulk_create(objs, *args, **kwargs)


class AuditEventImmutable(Exception):
    pass


class AuditEventUnchained(Exception):
    """An event saved without its place in the hash chain would read as tampering to `audit_verify`."""


class AuditEvent(models.Model):
    class Action(models.TextChoices):
        VIEW = "view", "Viewed"
        CREATE = "create", "Created"
        CHANGE = "change", "Changed"
        # A statutory fact recorded earlier was corrected, with a reason (journey.Correction).
        CORRECT = "correct", "Corrected"
        ALLOCATE = "allocate", "Allocated"
        END_ALLOCATION = "end_allocation", "Ended allocation"
        SEARCH = "search", "Searched"
        DENIED = "denied", "Refused access"
        SIGN_IN = "sign_in", "Signed in"
        SIGN_OUT = "sign_out", "Signed out"
        SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
        SIGN_IN_LOCKED = "sign_in_locked", "Sign-in locked"
        TWO_FACTOR_ENROLLED = "two_factor_enrolled", "Set up two-step verification"
        TWO_FACTOR_VERIFIED = "two_factor_verified", "Passed two-step verification"
        TWO_FACTOR_FAILED = "two_factor_failed", "Failed two-step verification"
        EXPORT = "export", "Exported"
        PRINT = "print", "Printed"
        BREAK_GLASS = "break_glass", "Break-glass access"
        SUBJECT_ACCESS = "subject_access", "Subject access bundle"
        # A member of staff's role, team, organisation, admin rights or activation changed (or the account
        # was created): these decide which families they see, so each change is audited, naming them.
        ACCESS_CHANGE = "access_change", "Changed a user's access"
        # Passwords are never set by an administrator (issue #8): the account's owner is emailed a one-time
        # link and sets their own. The sending and the setting are each audited, naming the user.
        PASSWORD_LINK_SENT = "password_link_sent", "Sent a set-password link"
        PASSWORD_SET = "password_set", "Set their password through a link"
        TEAM_CLOSE = "team_close", "Closed a team"
        TEAM_REOPEN = "team_reopen", "Reopened a team"

    # The id is the chain's order: `audit_record` issues it under the chain lock, before the hash is made.
    id = models.BigAutoField(primary_key=True)
    # Set by `audit_record` (not auto_now_add, which would overwrite it after the hash was computed).
    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The username is kept as written at the time, so the record still reads if an account is renamed.
    actor_username = models.CharField(max_length=150, blank=True)
    # The vocabulary of actions lives in code (Action), not in the schema: a new kind of event must not
    # need a migration of the append-only table. `audit_record` refuses values outside it.
    action = models.CharField(max_length=30)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=64, blank=True, db_index=True)
    # The family the event concerns, so "who has seen this family" is one indexed lookup.
    family_id = models.UUIDField(null=True, blank=True, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    # Tamper evidence (see chain.py): the previous event's hash, and sha256(previous_hash + this event's
    # fields). Keeping the previous hash on the row tells "this event was changed" apart from "an event
    # before it was removed".
    previous_hash = models.CharField(max_length=64, editable=False)
    hash = models.CharField(max_length=64, editable=False)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        # Django's internal base manager must refuse changes too, not only `objects`.
        base_manager_name = "objects"
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["actor", "occurred_at"]),
            # The unusual-access report reads one kind of event over a period (break-glass, refusals).
            models.Index(fields=["action", "occurred_at"], name="audit_action_occurred_idx"),
        ]

    def __str__(self):
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor_username} {self.action} {self.object_type}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditEventImmutable("Audit events cannot be changed")
        if not self.hash:
            raise AuditEventUnchained("Write audit events through audit_record, which chains them")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditEventImmutable("Audit events cannot be deleted")

    @property
    def action_label(self) -> str:
        return dict(self.Action.choices).get(self.action, self.action)


class AuditSubjectQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditEventImmutable("Audit subjects cannot be changed")

    def delete(self):
        raise AuditEventImmutable("Audit subjects cannot be deleted")


class AuditSubject(models.Model):
    """A family or person an audit event is about, named by the service that wrote the event.

    "Who has seen this record", unusual access and subject access read this table only, so an event is found
    whatever its detail says and whichever app wrote it. Written with its event in the same transaction by
    `audit_record`; kept beside the hash-chained row (which is unchanged by it) and append-only like it.
    """

    class Kind(models.TextChoices):
        FAMILY = "family", "Family"
        PERSON = "person", "Person"

    id = models.BigAutoField(primary_key=True)
    # No database constraint: rows are never deleted through the application, and if someone removes an
    # event behind its back, the chain (audit_verify) is what reports it; a constraint would only make the
    # tampering fail loudly in the database instead of being found and reported.
    event = models.ForeignKey(
        AuditEvent, on_delete=models.DO_NOTHING, related_name="subjects", db_constraint=False
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    subject_id = models.UUIDField()

    objects = AuditSubjectQuerySet.as_manager()

    class Meta:
        base_manager_name = "objects"
        constraints = [
            models.UniqueConstraint(
                fields=["event", "kind", "subject_id"], name="audit_subject_once_per_event"
            )
        ]
        # "Every event about this family / person", newest first, from the index alone.
        indexes = [models.Index(fields=["kind", "subject_id", "event"], name="audit_subject_lookup_idx")]

    def __str__(self):
        return f"{self.kind} {self.subject_id} in event {self.event_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditEventImmutable("Audit subjects cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditEventImmutable("Audit subjects cannot be deleted")
