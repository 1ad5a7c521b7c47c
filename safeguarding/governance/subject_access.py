"""Subject access (UK GDPR Article 15): everything the system holds about one person, and who has
accessed it, as a ZIP an information governance officer reviews and discloses.

The bundle holds a readable summary (summary.html) and the same information as JSON, one file per kind:
identity, family memberships, relationships, addresses, the workers allocated to their families, the
access log, and any other record that names them (so that records added later are not forgotten).

Only the person's own data goes in. Other people appear only where they are part of the person's own
record: a relative's name in a relationship, a worker's name in an allocation or the access log. The
summary reminds the reviewer to consider those third parties before disclosure (DPA 2018 Schedule 2,
paragraph 16).
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass

from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from safeguarding.allocation.models import Allocation
from safeguarding.people.models import Address, FamilyMember, Person, Relationship

from . import selectors

# Relations to Person with a file of their own; any other relation lands in other_records.json.
COVERED = {FamilyMember, Address, Relationship}

IDENTITY_FIELDS = (
    "first_name",
    "middle_names",
    "last_name",
    "known_as",
    "date_of_birth",
    "expected_date_of_birth",
    "date_of_death",
    "first_language",
    "nhs_number",
    "upn",
    "council_id",
)
IDENTITY_LABELS = {
    "record_id": "Record number",
    "first_name": "First name",
    "middle_names": "Middle names",
    "last_name": "Last name",
    "known_as": "Known as",
    "date_of_birth": "Date of birth",
    "expected_date_of_birth": "Expected date of birth",
    "date_of_death": "Date of death",
    "sex": "Sex",
    "ethnicity": "Ethnicity",
    "disabilities": "Disabilities",
    "first_language": "First language",
    "nhs_number": "NHS number",
    "upn": "Unique pupil number",
    "council_id": "Council child ID",
    "recorded_on": "First recorded",
    "last_changed_on": "Last changed",
}


@dataclass(frozen=True)
class Bundle:
    filename: str
    content: bytes
    files: tuple[str, ...]
    events: int


def gather(person: Person) -> dict:
    """Everything held about the person, as plain data, in a fixed number of queries."""
    memberships = list(
        FamilyMember.objects.filter(person=person).select_related("family__team").order_by("joined_on")
    )
    family_ids = [m.family_id for m in memberships]
    identity = {name: getattr(person, name) for name in IDENTITY_FIELDS}
    identity.update(
        {
            "record_id": person.pk,
            "sex": person.get_sex_display(),
            "ethnicity": person.get_ethnicity_display(),
            "disabilities": person.get_disabilities_display(),
            "recorded_on": person.created_at,
            "last_changed_on": person.updated_at,
        }
    )
    relationships = []
    for rel in Relationship.objects.filter(Q(person=person) | Q(relative=person)).select_related(
        "person", "relative"
    ):
        if rel.person_id == person.pk:
            label, other = f"{rel.get_kind_display()} of", rel.relative
        else:
            label, other = rel.inverse_label, rel.person
        relationships.append(
            {
                "relationship": label,
                "relative": other.full_name,
                "description": rel.description,
                "recorded_on": rel.created_at,
            }
        )
    allocations = (
        Allocation.objects.filter(family_id__in=family_ids)
        .select_related("worker__organisation", "family")
        .order_by("family__name", "start_date")
    )
    events = list(selectors.subject_events(person, memberships))
    return {
        "identity": identity,
        "families": [
            {
                "family": m.family.name,
                "reference": m.family.reference,
                "team": m.family.team.name,
                "as": m.get_member_type_display(),
                "joined_on": m.joined_on,
                "left_on": m.left_on,
            }
            for m in memberships
        ],
        "relationships": relationships,
        "addresses": [
            {
                "address": str(a),
                "moved_in_on": a.moved_in_on,
                "moved_out_on": a.moved_out_on,
                "recorded_on": a.created_at,
            }
            for a in person.addresses.order_by("moved_in_on", "created_at")
        ],
        "allocations": [
            {
                "family": a.family.reference,
                "worker": a.worker.display_name,
                "job_title": a.worker.job_title,
                "employed_by": a.worker.organisation.name if a.worker.organisation else "",
                "role_on_the_case": a.get_case_role_display(),
                "from": a.start_date,
                "to": a.end_date,
            }
            for a in allocations
        ],
        "access_log": [
            {
                "when": row.occurred_at,
                "worker": row.worker_name,
                "worker_username": row.worker_username,
                "action": row.action_label,
                "record": row.record,
                "what_happened": row.what,
            }
            for row in selectors.describe(events)
        ],
        "other_records": _other_records(person),
    }


def _other_records(person: Person) -> list[dict]:
    """Rows of any other model that points at the person (an adult's sensitive details, a basis for
    sharing, ...), each as Django's own serialisation: every field, nothing interpreted."""
    found = []
    for relation in Person._meta.related_objects:
        if relation.many_to_many or relation.related_model in COVERED:
            continue
        rows = relation.related_model._default_manager.filter(**{relation.field.name: person})
        found.extend(serializers.serialize("python", rows))
    return found


def build(person: Person, *, produced_by) -> Bundle:
    data = gather(person)
    produced_at = timezone.localtime()
    files: dict[str, str] = {
        f"{name}.json": json.dumps(value, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)
        for name, value in data.items()
    }
    files["summary.html"] = render_to_string(
        "governance/subject_access_summary.html",
        {
            "person": person,
            "data": data,
            "identity": [(IDENTITY_LABELS.get(k, k), v) for k, v in data["identity"].items()],
            "produced_by": produced_by,
            "produced_at": produced_at,
        },
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in ["summary.html", *sorted(n for n in files if n != "summary.html")]:
            archive.writestr(name, files[name])
    return Bundle(
        filename=f"subject-access-{produced_at:%Y-%m-%d}-{person.pk.hex[:8]}.zip",
        content=buffer.getvalue(),
        files=tuple(sorted(files)),
        events=len(data["access_log"]),
    )
