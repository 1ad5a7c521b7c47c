"""The statutory clocks: when each step of a child's journey is due, as pure functions over dates.

No database and no "today": each function takes the date the clock starts from and returns the last day
by which the step is due (the step is in time if it happens on or before that date). Working-day clocks
count on the one England and Wales calendar in safeguarding.core.calendar, where the start day is day 0;
calendar-month clocks clamp to the end of a shorter month, so "within 3 months" of 30 November is
28 (or 29) February, never a day in March.

Sources:
- Working Together to Safeguard Children 2023 (Department for Education): referral decisions,
  assessments, section 47 enquiries, child protection conferences and core groups.
- The Care Planning, Placement and Case Review (England) Regulations 2010 (SI 2010/959): visits to
  looked-after children (regulation 28), reviews of their care plans (regulation 33), and both for a
  child on an agreed series of short breaks (regulation 48).
- The Children Act 1989, section 32(1)(a), as amended by section 14 of the Children and Families Act 2014:
  the 26-week limit for care and supervision proceedings.
"""

from __future__ import annotations

import datetime

from safeguarding.core.calendar import add_months, add_working_days

WEEK = datetime.timedelta(weeks=1)


# ---- Referral and assessment -------------------------------------------------------------------------------


def referral_decision_due(contact_date: datetime.date) -> datetime.date:
    """Decision on a referral: within 1 working day of it being received.

    Working Together 2023: within one working day of a referral being received, a local authority social
    worker should acknowledge receipt to the referrer and decide the next steps and the type of response.
    """
    return add_working_days(contact_date, 1)


def assessment_due(referral_date: datetime.date) -> datetime.date:
    """Child and family assessment: complete within 45 working days of the referral.

    Working Together 2023: the maximum timeframe for the assessment to conclude, so that it is possible to
    reach a decision on next steps, is 45 working days from the point of referral.
    """
    return add_working_days(referral_date, 45)


# ---- Child protection ------------------------------------------------------------------------------------


def icpc_due(strategy_discussion_date: datetime.date) -> datetime.date:
    """Initial child protection conference: within 15 working days of the strategy discussion.

    Working Together 2023: the initial child protection conference should take place within 15 working
    days of the strategy discussion at which section 47 enquiries were initiated (if more than one
    discussion was held, that one, so the caller passes the discussion that started the enquiry).
    """
    return add_working_days(strategy_discussion_date, 15)


def first_core_group_due(icpc_date: datetime.date) -> datetime.date:
    """First core group meeting: within 10 working days of the initial child protection conference.

    Working Together 2023: the core group should meet for the first time within 10 working days of the
    initial child protection conference, to develop and agree the child protection plan.
    """
    return add_working_days(icpc_date, 10)


def next_core_group_due(last_core_group_date: datetime.date) -> datetime.date:
    """Later core group meetings: at least monthly after the first.

    Working Together 2023 leaves the frequency to local procedure; the local safeguarding children
    partnership procedure followed here is at least monthly, so one calendar month after the last meeting.
    """
    return add_months(last_core_group_date, 1)


def first_review_conference_due(icpc_date: datetime.date) -> datetime.date:
    """First child protection review conference: within 3 months of the initial conference.

    Working Together 2023: the first child protection review conference should be held within three months
    of the initial child protection conference.
    """
    return add_months(icpc_date, 3)


def next_review_conference_due(last_review_date: datetime.date) -> datetime.date:
    """Later review conferences: at intervals of no more than 6 months.

    Working Together 2023: further reviews should be held at intervals of not more than six months for as
    long as the child remains subject to a child protection plan.
    """
    return add_months(last_review_date, 6)


def next_visit_due(last_visit_or_start_date: datetime.date, *, every_working_days: int) -> datetime.date:
    """Next statutory visit to a child on a plan: the local visiting standard, in working days.

    Working Together 2023 requires the child to be seen and visits to be set in the plan, but leaves the
    frequency to local standards: commonly every 10 working days on a child protection plan and every 20
    on a child in need plan. The caller passes its standard; the clock starts at the last visit, or at the
    start of the plan before the first visit.
    """
    if every_working_days < 1:
        raise ValueError(f"a visiting standard must be at least 1 working day (got {every_working_days})")
    return add_working_days(last_visit_or_start_date, every_working_days)


# ---- Looked-after children ---------------------------------------------------------------------------------


def looked_after_first_visit_due(placement_start: datetime.date) -> datetime.date:
    """First visit in a placement: within 1 week of its start (calendar days).

    The Care Planning, Placement and Case Review (England) Regulations 2010, regulation 28(2)(a): the
    responsible authority must ensure the child is visited within one week of the start of any placement.
    """
    return placement_start + WEEK


def looked_after_next_visit_due(
    last_visit: datetime.date, *, first_year: bool, long_term_placement: bool = False
) -> datetime.date:
    """Later visits in a placement: 6 weeks in its first year; then 6 weeks, or 3 months if long-term.

    The Care Planning, Placement and Case Review (England) Regulations 2010, regulation 28(2): at intervals
    of not more than six weeks for the first year of the placement; thereafter, where the placement is
    intended to last until the child is 18 (a long-term placement), at intervals of not more than three
    months, and otherwise of not more than six weeks.
    """
    if not first_year and long_term_placement:
        return add_months(last_visit, 3)
    return last_visit + 6 * WEEK


def looked_after_care_order_at_home_visit_due(care_order_made: datetime.date) -> datetime.date:
    """First visit after a care order is made for a child living with a parent: within 1 week of the order.

    The Care Planning, Placement and Case Review (England) Regulations 2010, regulation 28(5): where a care
    order has been made under section 31 of the Children Act 1989 and the child is living with a parent
    (or another person with parental responsibility), the child is visited within one week of the making
    of the care order, and thereafter at intervals of not more than six weeks (looked_after_next_visit_due,
    with no three-monthly interval: a placement with parents is not a long-term placement).
    """
    return care_order_made + WEEK


def looked_after_interim_order_at_home_next_visit_due(
    last_visit: datetime.date, *, first_review_held: bool
) -> datetime.date:
    """Later visits to a child living with a parent under an interim care order: weekly, then 4-weekly.

    The Care Planning, Placement and Case Review (England) Regulations 2010, regulation 28(4): where an
    interim care order has been made under section 38 of the Children Act 1989 and the child is living with
    a parent (or another person with parental responsibility), the child is visited at least once a week
    until the first review carried out under Part 6 (regulation 33), and thereafter at intervals of not
    more than four weeks. The first visit in the placement is within a week of its start, as for any
    placement (looked_after_first_visit_due).
    """
    return last_visit + (4 * WEEK if first_review_held else WEEK)


def looked_after_first_review_due(became_looked_after: datetime.date) -> datetime.date:
    """First review of a looked-after child's case: within 20 working days of becoming looked after.

    The Care Planning, Placement and Case Review (England) Regulations 2010, regulation 33 (timing of
    reviews): the first review within 20 working days of the date on which the child becomes looked after.
    """
    return add_working_days(became_looked_after, 20)


def looked_after_second_review_due(first_review: datetime.date) -> datetime.date:
    """Second review: not more than 3 months after the first.

    The Care Planning, Placement and Case Review (England) Regulations 2010, regulation 33 (timing of
    reviews).
    """
    return add_months(first_review, 3)


def looked_after_next_review_due(last_review: datetime.date) -> datetime.date:
    """Third and later reviews: not more than 6 months after the one before.

    The Care Planning, Placement and Case Review (England) Regulations 2010, regulation 33 (timing of
    reviews).
    """
    return add_months(last_review, 6)


def short_breaks_first_review_due(first_short_break: datetime.date) -> datetime.date:
    """First review of a child on an agreed series of short breaks: within 3 months of the first break.

    The Care Planning, Placement and Case Review (England) Regulations 2010, regulation 48: where a child
    not in care is placed in a series of short-term placements with the same carer or in the same place
    (short breaks), the regulations apply with modifications, among them that the child's case is first
    reviewed within three months of the start of the first short break, not within 20 working days.
    """
    return add_months(first_short_break, 3)


def short_breaks_next_review_due(last_review: datetime.date) -> datetime.date:
    """Second and later reviews of a child on short breaks: not more than 6 months after the one before.

    The Care Planning, Placement and Case Review (England) Regulations 2010, regulation 48: after the first
    review, the case of a child on short breaks is reviewed at intervals of not more than six months (there
    is no three-month second review, as regulation 33 has for other looked-after children).
    """
    return add_months(last_review, 6)


# ---- Care proceedings ------------------------------------------------------------------------------------


def proceedings_due(application_date: datetime.date) -> datetime.date:
    """Care or supervision proceedings: disposed of within 26 weeks of the application being issued.

    The Children Act 1989, section 32(1)(a), as amended by section 14 of the Children and Families Act
    2014: the court draws up a timetable with a view to disposing of the application without delay and in
    any event within twenty-six weeks beginning with the day on which the application was issued. A period
    "beginning with" the issue day counts that day as its first, so its last day is the day before the
    same weekday 26 weeks on: the issue date plus 181 days. Extensions
    (section 32(5), up to eight weeks at a time) are recorded as a new due date, not computed here.
    """
    return application_date + 26 * WEEK - datetime.timedelta(days=1)
