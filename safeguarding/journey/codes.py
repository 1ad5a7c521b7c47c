"""DfE code lists for the child's statutory journey.

CIN census codes are from the Children in Need census schema 2026 (../shared/data/specs/cin/); SSDA903
codes from the SSDA903 specification for 2026 (../shared/data/specs/ssda903/, each year's diff applied).
The labels are short forms of the DfE's descriptions for pick lists; the codes are what the returns use.
"""

from django.db import models


class ReferralSource(models.TextChoices):
    FAMILY = "1A", "Individual: family member, relative or carer"
    ACQUAINTANCE = "1B", "Individual: acquaintance, including neighbours and childminders"
    SELF = "1C", "Individual: self"
    INDIVIDUAL_OTHER = "1D", "Individual: other, including strangers"
    SCHOOLS = "2A", "Schools"
    EDUCATION = "2B", "Education services"
    GP = "3A", "Health: GP"
    HEALTH_VISITOR = "3B", "Health: health visitor"
    SCHOOL_NURSE = "3C", "Health: school nurse"
    PRIMARY_HEALTH = "3D", "Health: other primary health services"
    A_AND_E = "3E", "Health: A&E"
    HEALTH_OTHER = "3F", "Health: other, for example a hospice"
    HOUSING = "4", "Housing"
    LA_SOCIAL_CARE = "5A", "Council: social care, for example adult social care"
    LA_OTHER_INTERNAL = "5B", "Council: other department, for example youth justice"
    LA_EXTERNAL = "5C", "Another council's services"
    EARLY_HELP = "5D", "Council: early help"
    POLICE = "6", "Police"
    LEGAL_AGENCY = "7", "Other legal agency: courts, probation, immigration, Cafcass or prison"
    OTHER = "8", "Other: children's centres, independent or voluntary organisations"
    ANONYMOUS = "9", "Anonymous"
    UNKNOWN = "10", "Unknown"


class PrimaryNeed(models.TextChoices):
    ABUSE_NEGLECT = "N1", "N1 Abuse, neglect and exploitation"
    CHILD_DISABILITY = "N2", "N2 Child's disability"
    PARENT_ILLNESS = "N3", "N3 Parental disability or illness"
    ACUTE_STRESS = "N4", "N4 Family in acute stress"
    DYSFUNCTION = "N5", "N5 Family dysfunction"
    BEHAVIOUR = "N6", "N6 Socially unacceptable behaviour"
    LOW_INCOME = "N7", "N7 Low income"
    ABSENT_PARENTING = "N8", "N8 Absent parenting"
    NOT_CIN = "N9", "N9 Cases other than children in need"
    NOT_STATED = "N0", "N0 Not stated"


class ClosureReason(models.TextChoices):
    ADOPTED = "RC1", "RC1 Adopted"
    DIED = "RC2", "RC2 Died"
    CHILD_ARRANGEMENTS = "RC3", "RC3 Child arrangements order"
    SGO = "RC4", "RC4 Special guardianship order"
    TRANSFERRED_LA = "RC5", "RC5 Transferred to another council's services"
    TRANSFERRED_ADULTS = "RC6", "RC6 Transferred to adult social care"
    CEASED = "RC7", "RC7 Services ceased for any other reason, including no longer in need"
    NFA_AFTER_ASSESSMENT = "RC8", "RC8 Closed after assessment, no further action"
    EARLY_HELP_AFTER_ASSESSMENT = "RC9", "RC9 Closed after assessment, referred to early help"


class AbuseCategory(models.TextChoices):
    NEGLECT = "NEG", "Neglect"
    PHYSICAL = "PHY", "Physical abuse"
    SEXUAL = "SAB", "Sexual abuse"
    EMOTIONAL = "EMO", "Emotional abuse"
    MULTIPLE = "MUL", "Multiple"


# Factors identified at the end of assessment (CIN census AssessmentFactors). Codes 1-4 with B are the
# parents' alcohol, drug, domestic abuse and mental health problems that Family Safeguarding exists to
# work on with its adult practitioners; the form shows those first.
ASSESSMENT_FACTORS: dict[str, str] = {
    "1A": "Alcohol misuse by the child",
    "1B": "Alcohol misuse by a parent or carer",
    "1C": "Alcohol misuse by another person in the household",
    "2A": "Drug misuse by the child",
    "2B": "Drug misuse by a parent or carer",
    "2C": "Drug misuse by another person in the household",
    "3A": "Domestic abuse: the child is the subject",
    "3B": "Domestic abuse: a parent or carer is the subject",
    "3C": "Domestic abuse: another person in the household is the subject",
    "4A": "Mental health of the child",
    "4B": "Mental health of a parent or carer",
    "4C": "Mental health of another person in the household",
    "5A": "Learning disability of the child",
    "5B": "Learning disability of a parent or carer",
    "5C": "Learning disability of another person in the household",
    "6A": "Physical disability or illness of the child",
    "6B": "Physical disability or illness of a parent or carer",
    "6C": "Physical disability or illness of another person in the household",
    "7A": "Young carer",
    "8B": "Privately fostered: overseas child who intends to return",
    "8C": "Privately fostered: overseas child who intends to stay",
    "8D": "Privately fostered: UK child in an educational placement",
    "8E": "Privately fostered: UK child in an alternative family arrangement",
    "8F": "Privately fostered: other",
    "9A": "Unaccompanied asylum-seeking child",
    "10A": "Going or being missing",
    "11A": "Child sexual exploitation",
    "12A": "Trafficking",
    "13A": "Gangs",
    "14A": "Socially unacceptable behaviour",
    "15A": "Self-harm",
    "16A": "Neglect",
    "17A": "Emotional abuse",
    "18B": "Physical abuse by another child",
    "18C": "Physical abuse by an adult",
    "19B": "Sexual abuse by another child",
    "19C": "Sexual abuse by an adult",
    "20": "Other",
    "21": "No factors identified",
    "22A": "Female genital mutilation",
    "23A": "Abuse linked to faith or belief",
    "24A": "Child criminal exploitation",
}
# The adults' problems the model's adult practitioners work on (shown first, and counted on dashboards).
PARENT_FACTORS = ("1B", "2B", "3B", "4B")
NO_FACTORS = "21"


class PreProceedingsOutcome(models.TextChoices):
    ISSUE_PROCEEDINGS = "issue", "Issue care proceedings"
    STEP_DOWN = "step_down", "Step down: concerns reduced, continue under a plan"
    EXTEND = "extend", "Extend pre-proceedings"
    OTHER = "other", "Other"


class FinalOrder(models.TextChoices):
    CARE_ORDER = "care_order", "Care order"
    SUPERVISION_ORDER = "supervision_order", "Supervision order"
    PLACEMENT_ORDER = "placement_order", "Care order and placement order"
    SGO = "sgo", "Special guardianship order"
    CHILD_ARRANGEMENTS = "child_arrangements", "Child arrangements order"
    NO_ORDER = "no_order", "No order"
    WITHDRAWN = "withdrawn", "Application withdrawn"


class HearingKind(models.TextChoices):
    CMH = "cmh", "Case management hearing"
    ICO = "interim", "Interim care order hearing"
    IRH = "irh", "Issues resolution hearing"
    FINAL = "final", "Final hearing"
    OTHER = "other", "Other hearing"


class ReasonNewEpisode(models.TextChoices):
    STARTED = "S", "S Started to be looked after"
    LEGAL_STATUS = "L", "L Change of legal status only"
    PLACEMENT_AND_CARER = "P", "P Change of placement and carer only"
    PLACEMENT_SAME_CARER = "T", "T Change of placement, same carer"
    BOTH = "B", "B Change of legal status and of placement and carer"
    BOTH_SAME_CARER = "U", "U Change of legal status and of placement, same carer"


class LegalStatus(models.TextChoices):
    ICO = "C1", "C1 Interim care order"
    CARE_ORDER = "C2", "C2 Full care order"
    FREEING = "D1", "D1 Freeing order granted"
    PLACEMENT_ORDER = "E1", "E1 Placement order granted"
    S20 = "V2", "V2 Accommodated under section 20 (single period)"
    SHORT_BREAKS_EPISODES = "V3", "V3 Agreed series of short breaks (episodes recorded)"
    SHORT_BREAKS_AGREEMENTS = "V4", "V4 Agreed series of short breaks (agreements recorded)"
    POLICE_PROTECTION = "L1", "L1 Police protection, in council accommodation"
    EPO = "L2", "L2 Emergency protection order"
    CAO = "L3", "L3 Child assessment order, in council accommodation"
    REMAND = "J1", "J1 Remanded to council or youth detention accommodation"
    PACE = "J2", "J2 Council accommodation under PACE 1984"
    YRO = "J3", "J3 Youth rehabilitation order with residence requirement"


class CategoryOfNeed(models.TextChoices):
    # SSDA903 CIN: the same needs as the census primary need codes, without N9 and N0.
    ABUSE_NEGLECT = "N1", "N1 Abuse or neglect"
    CHILD_DISABILITY = "N2", "N2 Child's disability"
    PARENT_ILLNESS = "N3", "N3 Parental illness or disability"
    ACUTE_STRESS = "N4", "N4 Family in acute stress"
    DYSFUNCTION = "N5", "N5 Family dysfunction"
    BEHAVIOUR = "N6", "N6 Socially unacceptable behaviour"
    LOW_INCOME = "N7", "N7 Low income"
    ABSENT_PARENTING = "N8", "N8 Absent parenting"


class PlacementType(models.TextChoices):
    # SSDA903 PLACE, 2026 list (H5 and P2 were withdrawn in 2025; K3 added in 2025; Z11-Z14 in 2026).
    A3 = "A3", "A3 Placed for adoption with consent, with current foster carers"
    A4 = "A4", "A4 Placed for adoption with consent, not with current foster carers"
    A5 = "A5", "A5 Placed for adoption with placement order, with current foster carers"
    A6 = "A6", "A6 Placed for adoption with placement order, not with current foster carers"
    K1 = "K1", "K1 Secure children's home"
    K2 = "K2", "K2 Children's home"
    K3 = "K3", "K3 Registered supported accommodation"
    P1 = "P1", "P1 Placed with parents or others with parental responsibility"
    P3 = "P3", "P3 Residential employment"
    R1 = "R1", "R1 Residential care home"
    R2 = "R2", "R2 NHS or health trust establishment"
    R3 = "R3", "R3 Family centre or mother and baby unit"
    R5 = "R5", "R5 Young offender institution"
    S1 = "S1", "S1 Residential school"
    T0 = "T0", "T0 Temporary move of any type"
    T1 = "T1", "T1 Temporary period in hospital"
    T2 = "T2", "T2 Temporary absence on holiday"
    T3 = "T3", "T3 Temporary accommodation while foster carers are on holiday"
    T4 = "T4", "T4 Temporary accommodation of 7 days or less, other reason"
    U1 = "U1", "U1 Foster placement with relative or friend: long term"
    U2 = "U2", "U2 Foster placement with relative or friend: fostering for adoption"
    U3 = "U3", "U3 Foster placement with relative or friend: other"
    U4 = "U4", "U4 Foster placement with other carer: long term"
    U5 = "U5", "U5 Foster placement with other carer: fostering for adoption"
    U6 = "U6", "U6 Foster placement with other carer: other"
    Z1 = "Z1", "Z1 Other placement"
    Z11 = "Z11", "Z11 Other placement (2026 code Z11)"
    Z12 = "Z12", "Z12 Other placement (2026 code Z12)"
    Z13 = "Z13", "Z13 Other placement (2026 code Z13)"
    Z14 = "Z14", "Z14 Other placement (2026 code Z14)"


# Long-term placements allow three-monthly visits after the first year (Care Planning Regulations 2010,
# reg 28(2)(b)).
LONG_TERM_PLACEMENTS = frozenset({"U1", "U4"})

# An agreed series of short breaks (SSDA903 legal status V3 or V4, accommodation under section 20(4) of the
# Children Act 1989): the Care Planning Regulations 2010 apply with reg 48's modifications, among them a
# first review within 3 months of the first short break.
SHORT_BREAKS_LEGAL_STATUSES = frozenset({"V3", "V4"})


class PlacementProvider(models.TextChoices):
    PARENTS = "PR0", "PR0 Parents or others with parental responsibility"
    OWN = "PR1", "PR1 The council's own provision"
    OTHER_LA = "PR2", "PR2 Another council's provision"
    OTHER_PUBLIC = "PR3", "PR3 Other public provision"
    PRIVATE = "PR4", "PR4 Private provision"
    VOLUNTARY = "PR5", "PR5 Voluntary or third sector provision"


class ReasonCeased(models.TextChoices):
    NEW_EPISODE = "X1", "X1 Episode ends and a new one begins the same day"
    ADOPTED_UNOPPOSED = "E11", "E11 Adopted: application unopposed"
    ADOPTED_CONSENT_DISPENSED = "E12", "E12 Adopted: consent dispensed with"
    DIED = "E2", "E2 Died"
    OTHER_LA = "E3", "E3 Care taken over by another council"
    HOME_PLANNED = "E4A", "E4A Returned home as part of the care plan"
    HOME_UNPLANNED = "E4B", "E4B Returned home, not part of the care plan"
    LEFT_TO_RELATIVES = (
        "E13",
        "E13 Left care to live with parents or relatives without parental responsibility",
    )
    CAO = "E41", "E41 Child arrangements (residence) order"
    SGO_FOSTER_RELATIVE = "E45", "E45 Special guardianship: former foster carer, relative or friend"
    SGO_FOSTER_OTHER = "E46", "E46 Special guardianship: former foster carer, not relative or friend"
    SGO_OTHER_RELATIVE = "E47", "E47 Special guardianship: other carer, relative or friend"
    SGO_OTHER = "E48", "E48 Special guardianship: other carer, not relative or friend"
    SUPPORTED_LIVING = "E5", "E5 Moved to independent living with support"
    INDEPENDENT_LIVING = "E6", "E6 Moved to independent living without support"
    ADULT_CARE = "E7", "E7 Transferred to residential care funded by adult social care"
    CUSTODY = "E9", "E9 Sentenced to custody"
    REMAND_ENDED = "E14", "E14 Accommodation on remand ended"
    AGE_ASSESSED = "E15", "E15 Age assessed as 18 or over"
    ABROAD = "E16", "E16 Moved abroad"
    STAYING_PUT = "E17", "E17 Aged 18 and stayed with current carers"
    OTHER = "E8", "E8 Ceased for any other reason"


class ReviewParticipation(models.TextChoices):
    UNDER_4 = "PN0", "PN0 Child under 4"
    SPOKE = "PN1", "PN1 Attended and spoke for themselves"
    ADVOCATE_ATTENDED = "PN2", "PN2 Attended, an advocate spoke for them"
    SYMBOLS = "PN3", "PN3 Attended and conveyed views symbolically"
    NO_CONTRIBUTION = "PN4", "PN4 Attended without contributing"
    ADVOCATE_ABSENT = "PN5", "PN5 Did not attend, briefed an advocate"
    VIEWS_CONVEYED = "PN6", "PN6 Did not attend, conveyed views another way"
    NOT_CONVEYED = "PN7", "PN7 Did not attend, views not conveyed"


class MissingKind(models.TextChoices):
    MISSING = "M", "Missing: whereabouts not known"
    AWAY = "A", "Away from placement without authorisation"
