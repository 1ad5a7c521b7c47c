"""A synthetic council of any size, built deterministically from a seed with bulk inserts.

`build_council(scale="demo")` is the small council `make run` serves (three teams, about 60 families);
`scale="large"` is the benchmark council (about 8,000 families, 20,000 children, 400 workers).
Nobody in it is real: names come from Faker, NHS numbers from the 999 range the NHS sets aside for
testing, UPNs from the non-existent local authority 999, postcodes from the non-existent area DB.
"""

from __future__ import annotations

import datetime
import random
import uuid
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from faker import Faker

from safeguarding.access.models import EmergencyAccess, SharingBasis
from safeguarding.accounts.models import Organisation, Team, User
from safeguarding.allocation.models import Allocation, CaseRole, EndReason
from safeguarding.audit.services import Action, audit_record
from safeguarding.people.codes import Disability, Ethnicity
from safeguarding.people.identifiers import UPN_LETTERS, nhs_number_check_digit, upn_check_letter
from safeguarding.people.models import Address, AdultDetail, Family, FamilyMember, Person, Relationship

from . import journeys, measures, readiness, supervision, workbook
from . import personas as cast


@dataclass(frozen=True)
class Scale:
    teams: int
    families_per_team: int


SCALES = {
    "demo": Scale(teams=3, families_per_team=20),
    # 36 teams of 11 workers plus managers is about 400 workers; 8,000 families hold about 20,000 children.
    "large": Scale(teams=36, families_per_team=222),
}

TEAM_NAMES = ["North", "South", "East", "West", "Central", "Riverside"]
BATCH = 2000

# A team's adult practitioners by the case role they take, and the partner agency that employs them.
ADULT_PRACTITIONERS = [
    (CaseRole.DA_VICTIM_PRACTITIONER, "Domestic abuse victim practitioner", cast.DA_SERVICE),
    (CaseRole.DA_PERPETRATOR_PRACTITIONER, "Domestic abuse perpetrator practitioner", cast.PROBATION),
    (CaseRole.RECOVERY_WORKER, "Recovery worker", cast.RECOVERY_SERVICE),
    (CaseRole.MENTAL_HEALTH_PRACTITIONER, "Mental health practitioner", cast.NHS_TRUST),
]
SOCIAL_WORKERS_PER_TEAM = 5

# What each adult practitioner first records about the adult they work with (synthetic, our own words).
ADULT_DETAIL_TEXT = {
    CaseRole.DA_VICTIM_PRACTITIONER: (
        "domestic_abuse",
        "Describes controlling behaviour by a former partner. Safety plan agreed; DASH checklist completed.",
    ),
    CaseRole.DA_PERPETRATOR_PRACTITIONER: (
        "domestic_abuse",
        "Accepts some responsibility for arguments at home. Agreed to start a behaviour change programme.",
    ),
    CaseRole.RECOVERY_WORKER: (
        "substance_use",
        "Drinking most evenings; wants to cut down. Started structured treatment; next review in four weeks.",
    ),
    CaseRole.MENTAL_HEALTH_PRACTITIONER: (
        "mental_health",
        "Low mood and poor sleep since the last baby. GP aware; referred for talking therapy.",
    ),
}

# Ethnicity mix loosely shaped like England's child population (not a statistic we report).
ETHNICITY_WEIGHTS = [
    (Ethnicity.WBRI, 70),
    (Ethnicity.WOTH, 6),
    (Ethnicity.MWBC, 3),
    (Ethnicity.MOTH, 3),
    (Ethnicity.AIND, 3),
    (Ethnicity.APKN, 4),
    (Ethnicity.ABAN, 2),
    (Ethnicity.BAFR, 4),
    (Ethnicity.BCRB, 1),
    (Ethnicity.OOTH, 2),
    (Ethnicity.WROM, 1),
    (Ethnicity.NOBT, 1),
]


def team_name(index: int) -> str:
    base = TEAM_NAMES[index % len(TEAM_NAMES)]
    suffix = "" if index < len(TEAM_NAMES) else f" {index // len(TEAM_NAMES) + 1}"
    return f"{base}{suffix} Family Safeguarding Team"


def council_exists() -> bool:
    return User.objects.filter(username="asha").exists()


class _Builder:
    def __init__(self, seed: int, today: datetime.date):
        self.rng = random.Random(seed)  # noqa: S311 - reproducible synthetic data, not security
        self.fake = Faker("en_GB")
        self.fake.seed_instance(seed)
        self.today = today
        self.serial = 0
        self.password = make_password(cast.DEMO_PASSWORD)
        self.people: list[Person] = []
        self.members: list[FamilyMember] = []
        self.relationships: list[Relationship] = []
        self.addresses: list[Address] = []
        self.allocations: list[Allocation] = []
        self.works_with: list = []
        self.adult_details: list[AdultDetail] = []
        self.sharing_bases: list[SharingBasis] = []
        self.people_with_sharing_basis: set[uuid.UUID] = (
            set()
        )  # a set: scanning the list made seeding quadratic
        # An NHS number or UPN identifies one person: without these, about 700 of the large council's
        # 35,000 people shared an NHS number with someone else (a birthday-paradox draw from 900,000).
        self.issued_identifiers: set[str] = set()

    def uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def nhs_number(self) -> str:
        while True:
            first_nine = "999" + f"{self.rng.randrange(10**6):06d}"
            check = nhs_number_check_digit(first_nine)
            number = f"{first_nine}{check}"
            if check is not None and number not in self.issued_identifiers:
                self.issued_identifiers.add(number)
                return number

    def upn(self) -> str:
        while True:
            rest = (
                "999"
                + f"{self.rng.randrange(10**4):04d}"
                + f"{self.rng.randrange(10, 26):02d}"
                + f"{self.rng.randrange(1000):03d}"
            )
            upn = upn_check_letter(rest) + rest
            if upn not in self.issued_identifiers:
                self.issued_identifiers.add(upn)
                return upn

    def postcode(self) -> str:
        letters = "".join(self.rng.choice(UPN_LETTERS) for _ in range(2))
        return f"DB{self.rng.randint(1, 9)} {self.rng.randint(1, 9)}{letters}"

    def date_between(self, start: datetime.date, end: datetime.date) -> datetime.date:
        return start + datetime.timedelta(days=self.rng.randrange(max(1, (end - start).days)))

    def person(self, *, first, last, sex, born=None, expected=None, child=False, ethnicity=None) -> Person:
        self.serial += 1
        disabilities = []
        if child and self.rng.random() < 0.08:
            disabilities = self.rng.sample([d for d in Disability.values if d != "NONE"], k=1)
        person = Person(
            id=self.uuid(),
            first_name=first,
            last_name=last,
            date_of_birth=born,
            expected_date_of_birth=expected,
            sex=sex,
            ethnicity=ethnicity or self.rng.choices(*zip(*ETHNICITY_WEIGHTS, strict=True))[0],
            disabilities=disabilities,
            first_language="English"
            if self.rng.random() < 0.85
            else self.rng.choice(["Polish", "Urdu", "Romanian", "Punjabi", "Arabic", "Somali"]),
            nhs_number=self.nhs_number() if born else "",
            upn=self.upn() if child and born and (self.today - born).days > 5 * 365 else "",
            council_id=f"C{self.serial:07d}" if child else f"A{self.serial:07d}",
        )
        self.people.append(person)
        return person


def _organisations_and_staff(b: _Builder, scale: Scale) -> tuple[list[Team], dict]:
    orgs = {}
    for name, kind in [
        (cast.COUNCIL, Organisation.Kind.COUNCIL),
        (cast.DA_SERVICE, Organisation.Kind.CHARITY),
        (cast.RECOVERY_SERVICE, Organisation.Kind.DRUG_ALCOHOL_PROVIDER),
        (cast.NHS_TRUST, Organisation.Kind.NHS_TRUST),
        (cast.PROBATION, Organisation.Kind.PROBATION),
    ]:
        orgs[name] = Organisation.objects.create(name=name, kind=kind)
    teams = Team.objects.bulk_create(
        [Team(id=b.uuid(), name=team_name(i), organisation=orgs[cast.COUNCIL]) for i in range(scale.teams)]
    )
    teams_by_name = {t.name: t for t in teams}
    users: list[User] = []
    staff: dict = {t.pk: {"social_workers": [], "adult": {}, "fsw": None, "manager": None} for t in teams}

    def add_user(username, first, last, role, org, team, title):
        user = User(
            username=username,
            first_name=first,
            last_name=last,
            role=role,
            organisation=orgs[org],
            team=team,
            job_title=title,
            password=b.password,
            email=f"{username}@demo.invalid",
            # Ofcom's drama range (01632 960000 to 960999): never a real line. Numbered, not drawn from the
            # seeded random generator, so the rest of the council is the same for a seed as before.
            phone=f"01632 960{len(users) % 1000:03d}",
        )
        users.append(user)
        return user

    for p in cast.PERSONAS:
        user = add_user(
            p.username,
            p.first_name,
            p.last_name,
            p.role,
            p.organisation,
            teams_by_name.get(p.team),
            p.job_title,
        )
        if p.role == "system_administrator":
            user.is_staff = True
            user.is_superuser = True
        if p.role == "auditor":
            user.is_staff = True  # reads the audit log in the admin, nothing else there
    persona_slots = {(p.team, p.role, p.case_role) for p in cast.PERSONAS}
    for team in teams:
        slot = staff[team.pk]
        manager = next((u for u in users if u.team == team and u.role == "team_manager"), None)
        slot["manager"] = manager or add_user(
            f"tm.{team.name.split()[0].lower()}{teams.index(team)}",
            b.fake.first_name(),
            b.fake.last_name(),
            "team_manager",
            cast.COUNCIL,
            team,
            "Team manager",
        )
        slot["social_workers"] = [u for u in users if u.team == team and u.role == "social_worker"]
        while len(slot["social_workers"]) < SOCIAL_WORKERS_PER_TEAM:
            n = len(slot["social_workers"])
            slot["social_workers"].append(
                add_user(
                    f"sw.{teams.index(team)}.{n}",
                    b.fake.first_name(),
                    b.fake.last_name(),
                    "social_worker",
                    cast.COUNCIL,
                    team,
                    "Social worker",
                )
            )
        for case_role, title, org in ADULT_PRACTITIONERS:
            existing = next((u for u in users if u.team == team and u.job_title == title), None)
            if existing is None and (team.name, "adult_practitioner", case_role) in persona_slots:
                existing = None
            slot["adult"][case_role] = existing or add_user(
                f"ap.{teams.index(team)}.{case_role.split('_')[0]}{case_role.split('_')[1][:4]}",
                b.fake.first_name(),
                b.fake.last_name(),
                "adult_practitioner",
                org,
                team,
                title,
            )
        slot["fsw"] = add_user(
            f"fsw.{teams.index(team)}",
            b.fake.first_name(),
            b.fake.last_name(),
            "family_support_worker",
            cast.COUNCIL,
            team,
            "Family support worker",
        )
    User.objects.bulk_create(users, batch_size=BATCH)
    return teams, staff


def _household(b: _Builder, family: Family, team_staff: dict) -> None:
    rng, fake, today = b.rng, b.fake, b.today
    surname = family.name.removesuffix(" family")
    ethnicity = rng.choices(*zip(*ETHNICITY_WEIGHTS, strict=True))[0]
    street = f"{rng.randint(1, 180)} {fake.street_name()}"
    postcode = b.postcode()
    moved_in = b.date_between(today - datetime.timedelta(days=365 * 8), today - datetime.timedelta(days=30))

    def member(person, member_type):
        b.members.append(
            FamilyMember(
                id=b.uuid(), family=family, person=person, member_type=member_type, joined_on=moved_in
            )
        )
        b.addresses.append(
            Address(
                id=b.uuid(),
                person=person,
                line_1=street,
                town="Demoborough",
                postcode=postcode,
                moved_in_on=moved_in,
            )
        )

    first_address = len(b.addresses)  # this household's addresses are appended from here
    mother_age = rng.randint(19, 44)
    mother = b.person(
        first=fake.first_name_female(),
        last=surname,
        sex="F",
        ethnicity=ethnicity,
        born=today - datetime.timedelta(days=mother_age * 365 + rng.randrange(365)),
    )
    member(mother, "adult")
    adults = [mother]
    second_adult = None
    if rng.random() < 0.7:
        kind = rng.choices([Relationship.Kind.FATHER, Relationship.Kind.STEP_PARENT], [0.6, 0.4])[0]
        second_adult = b.person(
            first=fake.first_name_male(),
            last=surname if kind == "father" else fake.last_name(),
            sex="M",
            born=today - datetime.timedelta(days=rng.randint(20, 50) * 365),
        )
        member(second_adult, "adult")
        adults.append(second_adult)
        b.relationships.append(
            Relationship(id=b.uuid(), person=second_adult, relative=mother, kind=Relationship.Kind.PARTNER)
        )
    grandparent = None
    if rng.random() < 0.12:
        grandparent = b.person(
            first=fake.first_name_female(),
            last=surname,
            sex="F",
            born=today - datetime.timedelta(days=rng.randint(50, 72) * 365),
        )
        member(grandparent, "adult")
        b.relationships.append(
            Relationship(id=b.uuid(), person=grandparent, relative=mother, kind=Relationship.Kind.MOTHER)
        )
    # About 2.5 children a family, so 8,000 families hold about 20,000 children.
    n_children = rng.choices([1, 2, 3, 4, 5], [0.2, 0.3, 0.28, 0.15, 0.07])[0]
    children = []
    for i in range(n_children):
        sex = rng.choice("MF")
        first = fake.first_name_male() if sex == "M" else fake.first_name_female()
        if i == n_children - 1 and rng.random() < 0.04:
            child = b.person(
                first="Baby",
                last=surname,
                sex="U",
                child=True,
                ethnicity=ethnicity,
                expected=today + datetime.timedelta(days=rng.randint(14, 200)),
            )
        else:
            age_days = rng.randint(30, min(17 * 365, max(60, (mother_age - 16) * 365)))
            child = b.person(
                first=first,
                last=surname,
                sex=sex,
                child=True,
                ethnicity=ethnicity,
                born=today - datetime.timedelta(days=age_days),
            )
        member(child, "child")
        children.append(child)
        b.relationships.append(
            Relationship(id=b.uuid(), person=mother, relative=child, kind=Relationship.Kind.MOTHER)
        )
        if second_adult is not None:
            b.relationships.append(
                Relationship(
                    id=b.uuid(),
                    person=second_adult,
                    relative=child,
                    kind=second_adult.last_name == surname
                    and Relationship.Kind.FATHER
                    or Relationship.Kind.STEP_PARENT,
                )
            )
        if grandparent is not None:
            b.relationships.append(
                Relationship(
                    id=b.uuid(), person=grandparent, relative=child, kind=Relationship.Kind.GRANDPARENT
                )
            )
    for older, younger in zip(children, children[1:], strict=False):
        b.relationships.append(
            Relationship(id=b.uuid(), person=older, relative=younger, kind=Relationship.Kind.SIBLING)
        )

    # Workers: a lead social worker, then adult practitioners for the adults' problems.
    start = b.date_between(today - datetime.timedelta(days=540), today - datetime.timedelta(days=7))
    lead = team_staff["social_workers"][rng.randrange(len(team_staff["social_workers"]))]
    if rng.random() < 0.95:
        b.allocations.append(
            Allocation(
                id=b.uuid(),
                family=family,
                worker=lead,
                start_date=start,
                case_role=CaseRole.LEAD_SOCIAL_WORKER,
                allocated_by=team_staff["manager"],
            )
        )
    needs = rng.sample(
        list(team_staff["adult"].keys()), k=rng.choices([0, 1, 2, 3], [0.15, 0.4, 0.3, 0.15])[0]
    )
    for case_role in needs:
        # Each adult practitioner works with the adult whose problem they address: the DA perpetrator
        # practitioner with the mother's partner, the others with the mother or her partner.
        if case_role == CaseRole.DA_PERPETRATOR_PRACTITIONER:
            if second_adult is None:
                continue
            adult = second_adult
        elif case_role == CaseRole.DA_VICTIM_PRACTITIONER:
            adult = mother
        else:
            adult = rng.choice(adults)
        worker = team_staff["adult"][case_role]
        allocation = Allocation(
            id=b.uuid(),
            family=family,
            worker=worker,
            case_role=case_role,
            start_date=start + datetime.timedelta(days=rng.randint(0, 30)),
            allocated_by=team_staff["manager"],
        )
        b.allocations.append(allocation)
        b.works_with.append(Allocation.works_with.through(allocation_id=allocation.id, person_id=adult.id))
        topic, summary = ADULT_DETAIL_TEXT[case_role]
        b.adult_details.append(
            AdultDetail(
                id=b.uuid(),
                person=adult,
                topic=topic,
                summary=summary,
                recorded_by=worker,
                recorded_on=allocation.start_date,
            )
        )
        if rng.random() < 0.6 and adult.id not in b.people_with_sharing_basis:
            b.people_with_sharing_basis.add(adult.id)
            basis = SharingBasis(
                id=b.uuid(),
                person=adult,
                recorded_by=worker,
                recorded_on=allocation.start_date,
                basis=rng.choice([SharingBasis.Basis.CONSENT, SharingBasis.Basis.SAFEGUARDING]),
                explanation="Discussed with them at the first home visit",
            )
            # Consent taken at the start of the work covers the whole team (issue #9); a safeguarding
            # decision covers the lead social worker and the managers only. So the demo's Workbooks show an
            # adult's part to the whole team in some families and not in others. (Set after the draws
            # above, which stay in their order: the rest of the council is the same for a seed.)
            if basis.basis == SharingBasis.Basis.CONSENT:
                basis.scope = SharingBasis.Scope.TEAM
            b.sharing_bases.append(basis)
    if rng.random() < 0.03:
        # The mother and children moved to a refuge: their address is protected (sealed).
        for address in b.addresses[first_address:]:
            address.is_protected = True
    if rng.random() < 0.25:
        b.allocations.append(
            Allocation(
                id=b.uuid(),
                family=family,
                worker=team_staff["fsw"],
                case_role=CaseRole.FAMILY_SUPPORT_WORKER,
                start_date=start,
                allocated_by=team_staff["manager"],
            )
        )
    # Some history: a previous social worker who handed over.
    if rng.random() < 0.3:
        previous = team_staff["social_workers"][rng.randrange(len(team_staff["social_workers"]))]
        if previous is not lead:
            b.allocations.append(
                Allocation(
                    id=b.uuid(),
                    family=family,
                    worker=previous,
                    case_role=CaseRole.SOCIAL_WORKER,
                    start_date=start - datetime.timedelta(days=rng.randint(60, 400)),
                    end_date=start,
                    end_reason=EndReason.TRANSFERRED.label,
                    end_reason_code=EndReason.TRANSFERRED,
                    allocated_by=team_staff["manager"],
                )
            )


def _demo_emergency_access(b: _Builder, families: list[Family]) -> None:
    """Ben (South) used emergency access to a North family two nights ago, so the North team manager's
    home page and the audit report have something to show."""
    ben = User.objects.get(username="ben")
    family = next(f for f in families if f.team.name == cast.NORTH_TEAM)
    started = timezone.now() - datetime.timedelta(days=2)
    grant = EmergencyAccess.objects.create(
        worker=ben,
        family=family,
        started_at=started,
        expires_at=started + datetime.timedelta(hours=4),
        reason="Out-of-hours call from the police about the children; checking the current plan and contacts",
    )
    audit_record(
        actor=ben,
        action=Action.BREAK_GLASS,
        obj=grant,
        family_id=family.pk,
        detail={"reason": grant.reason, "expires_at": grant.expires_at.isoformat(), "demo": True},
    )


def _demo_moved_adult(b: _Builder, families: list[Family]) -> Person | None:
    """A mother who left a North family three weeks ago for Ben's South family, where she lives at a
    protected (refuge) address. Her new address is sealed to everyone but the South team's managers, and
    the North team, which held her family, sees what it recorded while she was in it (issue #8)."""
    asha_or_ben = User.objects.filter(username__in=["asha", "ben"])
    held = set(Allocation.objects.filter(worker__in=asha_or_ben).values_list("family_id", flat=True))
    north = [f.pk for f in families if f.team.name == cast.NORTH_TEAM and f.pk not in held]
    bens = Allocation.objects.filter(worker__username="ben", end_date__isnull=True).order_by(
        "family__reference"
    )
    leaving = (
        FamilyMember.objects.filter(
            family_id__in=north, member_type=FamilyMember.MemberType.ADULT, left_on__isnull=True
        )
        .select_related("person")
        .order_by("family__reference", "person__last_name", "person__first_name")
        .first()
    )
    joining = bens.first()
    if leaving is None or joining is None:
        return None
    moved_on = b.today - datetime.timedelta(days=21)
    mother = leaving.person
    FamilyMember.objects.filter(pk=leaving.pk).update(left_on=moved_on)
    FamilyMember.objects.create(
        id=b.uuid(),
        family_id=joining.family_id,
        person=mother,
        member_type=FamilyMember.MemberType.ADULT,
        joined_on=moved_on,
    )
    Address.objects.filter(person=mother, moved_out_on__isnull=True).update(moved_out_on=moved_on)
    Address.objects.create(
        id=b.uuid(),
        person=mother,
        line_1="12 Haven Close",
        town="Demoborough",
        postcode=b.postcode(),
        moved_in_on=moved_on,
        is_protected=True,
    )
    return mother


@transaction.atomic
def build_council(
    *, scale: str = "demo", seed: int = 2026, today: datetime.date | None = None, histories_only: bool = False
) -> dict:
    """Create the whole council. Returns counts. Call only when `council_exists()` is false.

    `histories_only` stops after the register and the children's statutory histories: no Workbooks,
    readiness rulers, measures or group supervisions. The histories are the same either way (they are drawn
    before the rest); tests of the histories alone use it, as the rest is about half of the seeding time."""
    size = SCALES[scale]
    b = _Builder(seed, today or timezone.localdate())
    teams, staff = _organisations_and_staff(b, size)
    families = []
    surnames = set()
    for team in teams:
        for _ in range(size.families_per_team):
            surname = b.fake.last_name()
            family = Family(
                id=b.uuid(), name=f"{surname} family", team=team, reference=f"FAM-{len(families) + 1:06d}"
            )
            surnames.add(surname)
            families.append(family)
            _household(b, family, staff[team.pk])
    Family.objects.bulk_create(families, batch_size=BATCH)
    Person.objects.bulk_create(b.people, batch_size=BATCH)
    FamilyMember.objects.bulk_create(b.members, batch_size=BATCH)
    Relationship.objects.bulk_create(b.relationships, batch_size=BATCH)
    Address.objects.bulk_create(b.addresses, batch_size=BATCH)
    Allocation.objects.bulk_create(b.allocations, batch_size=BATCH)
    Allocation.works_with.through.objects.bulk_create(b.works_with, batch_size=BATCH)
    AdultDetail.objects.bulk_create(b.adult_details, batch_size=BATCH)
    SharingBasis.objects.bulk_create(b.sharing_bases, batch_size=BATCH)
    # Every child's statutory history, drawn after everything above so the rest of the council is unchanged.
    journey_counts = journeys.build_journeys(b, families, staff, north_team_name=cast.NORTH_TEAM)
    _demo_emergency_access(b, families)
    _demo_moved_adult(b, families)
    workbook_counts, readiness_readings, measures_recorded, supervision_counts = {}, 0, 0, {}
    if not histories_only:
        # The Workbooks last: they read the allocations, the statutory visits and the moved adult above.
        workbook_counts = workbook.build_workbooks(b, families, staff, seed=seed, scale=scale)
        # Each parent's readiness rulers, one reading a cycle: after the Workbooks, whose cycles they follow.
        readiness_readings = readiness.build_readiness(b, families, seed=seed)
        # Parent measures after readiness: their scores follow each parent's stage of change.
        measures_recorded = measures.build_measures(b, families, seed=seed, north_team_name=cast.NORTH_TEAM)
        # Group supervisions close the Workbooks' cycles: drawn from them.
        supervision_counts = supervision.build_supervisions(b, families, staff, seed=seed, scale=scale)
    return {
        "teams": len(teams),
        "workers": User.objects.filter(role__in=User.CASEWORK_ROLES).count(),
        "families": len(families),
        "children": sum(1 for m in b.members if m.member_type == "child"),
        "adults": sum(1 for m in b.members if m.member_type == "adult"),
        "allocations": len(b.allocations),
        "journey_records": sum(n for kind, n in journey_counts.items() if kind != "deadlines"),
        "deadlines": journey_counts["deadlines"],
        "workbook_records": sum(workbook_counts.values()),
        "readiness_readings": readiness_readings,
        "measures": measures_recorded,
        "supervision_records": sum(supervision_counts.values()),
    }
