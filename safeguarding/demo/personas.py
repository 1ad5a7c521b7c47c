"""The named demo cast, shared by the demo council, the README and the tests.

Everyone signs in with DEMO_PASSWORD in the demo (never in production: the production settings refuse
to seed). All people and families in the demo are synthetic.
"""

from dataclasses import dataclass

DEMO_PASSWORD = "family-safeguarding-demo"  # noqa: S105 - published demo credential, demo council only

COUNCIL = "Demo Borough Council"
NORTH_TEAM = "North Family Safeguarding Team"
SOUTH_TEAM = "South Family Safeguarding Team"
EAST_TEAM = "East Family Safeguarding Team"

# Partner agencies that employ the adult practitioners embedded in the teams.
DA_SERVICE = "Safer Homes Domestic Abuse Service"
RECOVERY_SERVICE = "Pathways Drug and Alcohol Service"
NHS_TRUST = "Demo Community Health NHS Trust"
PROBATION = "Probation Service (Demo region)"


@dataclass(frozen=True)
class Persona:
    username: str
    first_name: str
    last_name: str
    role: str
    organisation: str
    team: str | None
    job_title: str
    case_role: str | None = None  # the role they take on families they are allocated to
    about: str = ""


PERSONAS = [
    Persona(
        "asha",
        "Asha",
        "Patel",
        "social_worker",
        COUNCIL,
        NORTH_TEAM,
        "Social worker",
        "lead_social_worker",
        "Social worker in the North team; lead social worker for several North families",
    ),
    Persona(
        "dan",
        "Dan",
        "Whitfield",
        "adult_practitioner",
        DA_SERVICE,
        NORTH_TEAM,
        "Domestic abuse victim practitioner",
        "da_victim_practitioner",
        "Employed by a partner agency; sees only the families he is allocated to",
    ),
    Persona(
        "maria",
        "Maria",
        "Santos",
        "team_manager",
        COUNCIL,
        NORTH_TEAM,
        "Team manager",
        None,
        "Manages the North team: team caseload, allocation",
    ),
    Persona(
        "owen",
        "Owen",
        "Price",
        "service_manager",
        COUNCIL,
        None,
        "Head of service",
        None,
        "Sees every team's families",
    ),
    Persona(
        "ben",
        "Ben",
        "Turner",
        "social_worker",
        COUNCIL,
        SOUTH_TEAM,
        "Social worker",
        "lead_social_worker",
        "Social worker in the South team: cannot open North families",
    ),
    Persona(
        "priya",
        "Priya",
        "Shah",
        "performance_analyst",
        COUNCIL,
        None,
        "Performance analyst",
        None,
        "Dashboards and returns; no case pages",
    ),
    Persona(
        "alex",
        "Alex",
        "Morgan",
        "auditor",
        COUNCIL,
        None,
        "Information governance officer",
        None,
        "Who saw and changed what",
    ),
    Persona(
        "sami",
        "Sami",
        "Haddad",
        "system_administrator",
        COUNCIL,
        None,
        "System administrator",
        None,
        "Manages users and teams in the admin; no case content",
    ),
]

PERSONAS_BY_USERNAME = {p.username: p for p in PERSONAS}
