"""Reads of families and people. Every function takes the user and starts from the policy's queryset."""

from __future__ import annotations

import datetime
import functools
import operator
import re

from django.db import connection
from django.db.models import BooleanField, CharField, Func, Prefetch, Q, QuerySet, Subquery
from django.template.defaultfilters import date as date_filter

from safeguarding.access.models import EmergencyAccess
from safeguarding.access.policies import FamilyDisclosure, memberships_visible_to, people_visible_to
from safeguarding.allocation.models import Allocation, CaseRole
from safeguarding.core.chronology import child_chronology, child_names
from safeguarding.core.compiled import CompiledModels, CompiledQuery, as_uuid, compile_for_ids, compile_models
from safeguarding.core.panels import family_panels
from safeguarding.core.urls import RowUrls
from safeguarding.journey.records import child_due_rows
from safeguarding.people.identifiers import normalise_nhs_number
from safeguarding.people.models import Address, AdultDetail, Family, FamilyMember, Person, Relationship

from . import status

# A search that matches more asks the user to narrow it (a date of birth, more of the name): nobody reads
# down hundreds of namesakes, and rendering them was most of a surname search's time.
SEARCH_RESULT_LIMIT = 25
FAMILY_TIMELINE_EVENTS = 10


def _disclose_addresses(disclosure: FamilyDisclosure, addresses) -> None:
    for address in addresses:
        address.disclosure = disclosure.for_record(address.sensitivity)


def family_detail(user, family: Family, *, today: datetime.date) -> dict:
    """Everything the family page shows, in a fixed number of queries whatever the family's size: who is
    in the family and where each child stands (status.py), what is overdue, who works with them and how
    to reach them, and the children's latest events."""
    members = list(_compiled_members(connection.vendor).queryset([family.pk]))
    people = {m.person_id: m.person for m in members}
    # The members' current addresses, newest first, in one query read straight into lists: a prefetch
    # through each person's addresses did the same with half as much again of the members query's time.
    addresses: dict = {}
    relationships = []
    if people:  # (no query for a family with nobody in it yet, as the ORM does for an empty IN)
        for address in _compiled_addresses(connection.vendor, len(people)).queryset(people):
            addresses.setdefault(address.person_id, []).append(address)
        # Both ends of each relationship are members, loaded above: the relationships' own columns are
        # enough (joining the two people again made two dozen more Person objects on a large family's page).
        _columns, relationships = _compiled_relationships(connection.vendor, len(people)).run(people)
    kind_labels = dict(Relationship.Kind.choices)
    # Each member lists their relationships both ways: "Mother of Mia" on Dana, "Child of Dana" on Mia.
    by_person: dict = {}
    for person_id, relative_id, kind, description in relationships:
        person_id, relative_id = as_uuid(person_id), as_uuid(relative_id)
        label = str(kind_labels.get(kind, kind)) + (f" ({description})" if description else "") + " of"
        by_person.setdefault(person_id, []).append((label, people[relative_id]))
        by_person.setdefault(relative_id, []).append((Relationship.INVERSE_LABELS[kind], people[person_id]))
    # Each row's links, each URL name reversed once (core.urls): a reversal a link was a tenth of the page.
    urls = RowUrls()
    allocations = list(_compiled_allocations(connection.vendor).queryset([family.pk]))
    current = [a for a in allocations if a.end_date is None]
    for allocation in current:
        allocation.end_url = urls("casefile:allocation-end", family.pk, allocation.pk)
    disclosure = FamilyDisclosure(
        user,
        family,
        current_allocations=current,
        adult_ids=[m.person_id for m in members if m.member_type == FamilyMember.MemberType.ADULT],
    )
    days: dict = {}
    for member in members:
        member.born = _born(member.person, today, days)
        member.placement_note = ""
        member.person_url = urls("casefile:person-detail", member.person_id)
        member.address_create_url = urls("casefile:address-create", family.pk, member.person_id)
        member.relationship_list = by_person.get(member.person_id, [])
        # Read once here: the table asks for them twice a row.
        member.current_addresses = addresses.get(member.person_id, [])
        _disclose_addresses(disclosure, member.current_addresses)
    children = [m for m in members if m.member_type == FamilyMember.MemberType.CHILD and m.left_on is None]
    for child in children:
        child.status = status.child_status(child, disclosure, urls=urls)
        # What the address column says first of a looked-after child (none for another child or an adult).
        looked_after = child.status.looked_after
        if looked_after and looked_after.short_breaks_agreement:
            child.placement_note = "On an agreed series of short breaks, living at home between breaks."
        elif looked_after and not looked_after.placed_at_home:
            child.placement_note = "Looked after, placed away from home."
    statuses = [child.status for child in children]
    status.disclose_placements(statuses)
    names, short_names = child_names(m.person for m in children)
    return {
        "children": children,
        "due": status.family_due(user, family, statuses, names, today=today),
        # The children's latest statutory events (one query however many children), one entry for what
        # happened to several of them at once: the full family chronology is a page of its own.
        "timeline": child_chronology(
            list(names), limit=FAMILY_TIMELINE_EVENTS, names=names, merge=True, short_names=short_names
        ),
        "lead_allocation": next((a for a in current if a.case_role == CaseRole.LEAD_SOCIAL_WORKER), None),
        # Who to ask about the family when the lead cannot be reached (loaded for the disclosure already).
        "team_manager": disclosure.team_manager,
        "adults": [
            m for m in members if m.member_type == FamilyMember.MemberType.ADULT and m.left_on is None
        ],
        "former_members": [m for m in members if m.left_on is not None],
        "current_allocations": current,
        "past_allocations": [a for a in allocations if a.end_date is not None],
        "disclosure": disclosure,
        "emergency_access": _emergency_grant(user, family) if disclosure.emergency_only else None,
        # What each capability adds (the Workbook's cycle and events, ...), from core.panels.
        "panels": family_panels(user, family, disclosure, today=today),
    }


# The members and allocations queries compiled once (core.compiled): building and compiling them through
# the ORM (fourteen status columns, two joins of users) was about 2.5 ms of the page's CPU on every request.
@functools.lru_cache(maxsize=4)
def _compiled_members(vendor: str) -> CompiledModels:
    return compile_models(
        lambda ids: (
            FamilyMember.objects.filter(family_id=ids[0])
            .select_related("person")
            .annotate(**status.status_annotations())
            .order_by("member_type", "left_on", "person__date_of_birth", "person__expected_date_of_birth")
        ),
        1,
    )


# The members' addresses and relationships likewise, for each number of members.
@functools.lru_cache(maxsize=64)
def _compiled_addresses(vendor: str, count: int) -> CompiledModels:
    return compile_models(
        lambda ids: Address.objects.filter(person_id__in=ids, moved_out_on__isnull=True), count
    )


@functools.lru_cache(maxsize=64)
def _compiled_relationships(vendor: str, count: int) -> CompiledQuery:
    return compile_for_ids(
        lambda ids: Relationship.objects.filter(person_id__in=ids, relative_id__in=ids).values_list(
            "person_id", "relative_id", "kind", "description"
        ),
        count,
    )


@functools.lru_cache(maxsize=4)
def _compiled_allocations(vendor: str) -> CompiledModels:
    return compile_models(
        lambda ids: (
            Allocation.objects.filter(family_id=ids[0])
            .select_related("worker__organisation", "worker__team")
            .prefetch_related("works_with")
            .order_by("end_date", "start_date")
        ),
        1,
    )


def _born(person: Person, today: datetime.date, days: dict) -> str:
    """The members table's date of birth ("3 Jan 2010 (16)", "Unborn, due 3 Jan 2027", "Not known"), put
    together once here, each date formatted once: a date filter, an age and their look-ups for each row
    were a good part of the table's rendering."""

    def day(value):
        text = days.get(value)
        if text is None:
            text = days[value] = date_filter(value, "j M Y")
        return text

    if person.is_unborn:
        return f"Unborn, due {day(person.expected_date_of_birth)}"
    if person.date_of_birth:
        return f"{day(person.date_of_birth)} ({person.age_on(today)})"
    return "Not known"


def _emergency_grant(user, family):
    return (
        EmergencyAccess.objects.active()
        .filter(worker_id=user.pk, family=family)
        .order_by("-expires_at")
        .first()
    )


def person_detail(user, person: Person) -> dict:
    """A person's families and relationships, limited to what the user may see: a relative in a family the
    user does not work with stays invisible, even by name."""
    memberships = list(memberships_visible_to(user).filter(person=person).select_related("family"))
    visible_people = people_visible_to(user).values("pk")
    relationships = list(
        Relationship.objects.filter(
            Q(person=person, relative__in=visible_people) | Q(relative=person, person__in=visible_people)
        ).select_related("person", "relative")
    )
    if not memberships:
        return {"memberships": memberships, "relationships": relationships, "addresses": []}
    # Sealed and special-category records are judged against the family the person belongs to now, never
    # a former one: once someone moves (to a refuge, say), the former team's manager must not see the new
    # address. A viewer who sees only a former family sees what was recorded while the person was in it,
    # not what came after.
    current = next((m for m in memberships if m.left_on is None), None)
    if current is not None:
        family, recorded_until = current.family, None
    else:
        now_in = (
            FamilyMember.objects.filter(person=person, left_on__isnull=True).select_related("family").first()
        )
        family = now_in.family if now_in is not None else memberships[0].family
        recorded_until = max(m.left_on for m in memberships) if now_in is not None else None
    addresses = person.addresses.order_by("moved_out_on", "-moved_in_on")
    if recorded_until is not None:
        addresses = addresses.filter(created_at__date__lte=recorded_until)
    addresses = list(addresses)
    context = {"memberships": memberships, "relationships": relationships, "addresses": addresses}
    disclosure = FamilyDisclosure(user, family)
    _disclose_addresses(disclosure, addresses)
    context.update(disclosure=disclosure, context_family=family)
    is_adult = any(m.member_type == FamilyMember.MemberType.ADULT for m in memberships)
    if is_adult:
        details = person.adult_details.select_related("recorded_by")
        if recorded_until is not None:
            details = details.filter(created_at__date__lte=recorded_until)
        details = list(details)
        context["adult_details_shown"] = [
            d for d in details if disclosure.for_record(d.sensitivity, about_person_id=person.pk).visible
        ]
        hidden = len(details) - len(context["adult_details_shown"])
        context["adult_details_hidden"] = hidden
        context["adult_details_disclosure"] = disclosure.for_record(
            AdultDetail.sensitivity, about_person_id=person.pk
        )
        context["sharing_bases"] = list(person.sharing_bases.select_related("recorded_by", "withdrawn_by"))
        context["can_record_adult_detail"] = disclosure.can_record_adult_detail(person.pk)
        context["can_record_sharing_basis"] = disclosure.can_record_sharing_basis(person.pk)
        context["own_practitioners"] = disclosure.practitioners.get(person.pk, [])
    context["is_adult"] = is_adult
    if any(m.member_type == FamilyMember.MemberType.CHILD for m in memberships):
        # A child's next statutory due dates (one query), with links to their journey and chronology.
        context["is_child"] = True
        context["due_rows"] = child_due_rows(person)
    return context


def possible_duplicates(
    *, first_name: str, last_name: str, date_of_birth: datetime.date | None, exclude_pk=None
) -> QuerySet[Person]:
    """People already recorded with the same name and date of birth, council-wide.

    Council-wide on purpose: two records for one child split their history, which is a safeguarding
    risk. The caller shows details only of those the user may see (see `duplicate_warning`).
    """
    if not (first_name and last_name and date_of_birth):
        return Person.objects.none()
    matches = Person.objects.filter(
        first_name__iexact=first_name.strip(),
        last_name__iexact=last_name.strip(),
        date_of_birth=date_of_birth,
    )
    if exclude_pk:
        matches = matches.exclude(pk=exclude_pk)
    return matches


def duplicate_warning(user, *, first_name, last_name, date_of_birth, exclude_pk=None) -> dict | None:
    matches = possible_duplicates(
        first_name=first_name, last_name=last_name, date_of_birth=date_of_birth, exclude_pk=exclude_pk
    )
    ids = list(matches.values_list("pk", flat=True)[:20])
    if not ids:
        return None
    visible = list(
        people_visible_to(user)
        .filter(pk__in=ids)
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=memberships_visible_to(user).select_related("family"),
            )
        )
    )
    return {"visible": visible, "hidden_count": len(ids) - len(visible)}


_DATE_PATTERNS = (
    (re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$"), ("day", "month", "year")),
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"), ("year", "month", "day")),
)


def _parse_date(text: str) -> datetime.date | None:
    for pattern, order in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            parts = dict(zip(order, (int(g) for g in match.groups()), strict=True))
            try:
                return datetime.date(parts["year"], parts["month"], parts["day"])
            except ValueError:
                return None
    return None


class _NotFromIndex(Func):
    """On SQLite, a text column's own value, in the same order, as an expression no index can give.

    A search by name matches with LIKE '%term%', which no b-tree index serves. Ordered by the bare column,
    SQLite walked the (last_name, first_name) index in order and stopped at the 26th match, as if matches
    were spread evenly: for a common surname late in the alphabet ("Smith") that read most of the 35,000
    people of the large council one by one (27 ms of CPU, against 16 ms to scan the table and sort the
    1,164 matches). A search by NHS number or date of birth finds its few rows by their own indexes either
    way. PostgreSQL keeps the bare column: given an expression to sort by, it joined every visible
    membership (35,000) in a hash instead of checking the matches' few, which was slower still."""

    template = "%(expressions)s"
    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, template="(%(expressions)s || '')", **extra_context)


# What a name term in a search may match, each on its own index on PostgreSQL.
_NAME_LOOKUPS = ("first_name__icontains", "last_name__icontains", "known_as__icontains", "council_id__iexact")


def _name_matches(term: str) -> Q:
    """The term in any field a name may be in: the lookups the PostgreSQL path runs one by one."""
    return functools.reduce(operator.or_, (Q(**{lookup: term}) for lookup in _NAME_LOOKUPS))


class _AnyOf(Func):
    """`column = ANY(ARRAY(subquery))` (PostgreSQL): the subquery is run once, first, and the planner
    expects a handful of ids from it (it cannot see how many), so it fetches those rows by primary key
    and checks each one's visibility through its index rather than hashing all of them."""

    template = "%(expressions)s"
    arg_joiner = " = ANY(ARRAY"
    output_field = BooleanField()

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = super().as_sql(compiler, connection, **extra_context)
        return f"{sql})", params


def search_people(user, query: str) -> tuple[list[Person], bool]:
    """Find people the user may see by name, date of birth, NHS number or the council's child ID.

    Returns the first SEARCH_RESULT_LIMIT matches and whether there were more. A query may combine a name
    and a date of birth ("Mia Carter 03/04/2019").
    """
    terms = query.split()
    if not terms:
        return [], False
    people = people_visible_to(user)
    name_terms = []
    nhs = normalise_nhs_number(query)
    if len(nhs) == 10 and nhs.isdigit():
        people = people.filter(nhs_number=nhs)
    else:
        for term in terms[:6]:
            day = _parse_date(term)
            if day:
                people = people.filter(Q(date_of_birth=day) | Q(expected_date_of_birth=day))
            else:
                name_terms.append(term)
    for term in name_terms:
        people = people.filter(_name_matches(term))
    if name_terms and len(name_terms[0]) >= 4 and connection.vendor == "postgresql":
        # Only people who match the first name term can be found: look them up first, one field at a time,
        # each from its own index (trigram indexes, migration people 0006). Asked as one condition with the
        # four ORed, PostgreSQL costs a table scan below those indexes and either walked the surname index
        # in order, testing every row up to the 26th visible match (28,000 rows for Smith), or hashed every
        # visible membership to check the 1,164 Smiths: 30-50 ms. As an array of ids it finds the Smiths in
        # a few ms and checks only those against the policy, each through the person_id index. The full
        # condition stays in the query: the same people either way. Not for a term of three letters or
        # fewer: one trigram or none, often thousands of matches ("son": 3,777), of which the surname index
        # walk reaches 26 sooner (10 ms against 60).
        term = name_terms[0]
        matching = [
            Person.objects.filter(**{lookup: term}).order_by().values("pk") for lookup in _NAME_LOOKUPS
        ]
        people = people.filter(_AnyOf("pk", Subquery(matching[0].union(*matching[1:], all=True))))
        found = people.order_by("last_name", "first_name", "date_of_birth", "pk")
    else:
        found = people.order_by(_NotFromIndex("last_name"), "first_name", "date_of_birth", "pk")
    found = found.only("first_name", "last_name", "date_of_birth", "expected_date_of_birth", "council_id")
    results = list(found[: SEARCH_RESULT_LIMIT + 1])
    more = len(results) > SEARCH_RESULT_LIMIT
    results = results[:SEARCH_RESULT_LIMIT]
    _label_results(user, results)
    return results, more


def _label_results(user, people: list[Person]) -> None:
    """Give each person found what their row shows, put together here rather than in the template (a URL
    tag and a date filter per row, and the families through related objects): `url`, `born_label` and
    `families` (each family the user may see that they are or were in: url and name)."""
    if not people:
        return
    urls = RowUrls()
    families: dict = {person.pk: [] for person in people}
    for person_id, family_id, family_name in (
        memberships_visible_to(user)
        .filter(person_id__in=list(families))
        .values_list("person_id", "family_id", "family__name")
    ):
        families[person_id].append((urls("casefile:family-detail", family_id), family_name))
    for person in people:
        person.url = urls("casefile:person-detail", person.pk)
        if person.is_unborn:
            person.born_label = f"Due {date_filter(person.expected_date_of_birth, 'j M Y')}"
        else:
            person.born_label = date_filter(person.date_of_birth, "j M Y") or "Not known"
        person.families = families[person.pk]
