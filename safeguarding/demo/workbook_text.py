"""Synthetic text for the demo council's Workbooks: sentence banks per case role and chapter section.

Everything here is invented, in our own words, about invented families: no real person, case or service.
The names come from the demo's Faker households, the schools are made-up Demoborough schools. The text is
plain English a Family Safeguarding worker might write, so a reader of the demo sees what a chapter is
for; it is not practice guidance.

A chapter section is composed from several banks (`compose`): two or three sentences drawn from the role's
own bank for the section, sometimes one from a bank all roles share, and the facts the generator knows for
the cycle (how many visits, which events) put in front. With the family's names filled in, no two
chapters read the same, which is what the demo must show: chapters written by people, not one template.

Placeholders: {mother} (the main carer), {partner} (the other parent, when there is one), {children}
(every child's name), {child} and {child2} (two different children, {child2} only when there are two),
{adult} with {ad_he} {ad_He} {ad_his} {ad_His} {ad_him} (the adult a part is about), {school}, {month}.
A sentence that names {partner} or {child2} is only drawn when the family has one; one that starts with
{single} (which fills in as nothing) only when no partner lives in the household, so no chapter talks of an
ex-partner in a couple's home.
"""

from __future__ import annotations

import re
import string
from functools import cache

SCHOOLS = (
    "Demoborough Primary",
    "Millbrook Infants",
    "St Aldric's Primary",
    "Northgate Academy",
    "Riverside High",
    "Larkfield Juniors",
    "Demoborough College",
)

# The text banks' role keys, from allocation.CaseRole values.
ROLE_KEY = {
    "lead_social_worker": "sw",
    "social_worker": "sw",
    "family_support_worker": "fsw",
    "da_victim_practitioner": "dav",
    "da_perpetrator_practitioner": "dap",
    "recovery_worker": "rec",
    "mental_health_practitioner": "mh",
}

# ---- Chapter sections: the role's own sentences --------------------------------------------------------

ROLE_SENTENCES: dict[str, dict[str, tuple[str, ...]]] = {
    "sw": {
        "work_done": (
            "I spent time with {child} in their bedroom, looking at the "
            "drawings on the wall and talking about school.",
            "I used the three houses with {child} to hear their worries, good things and wishes.",
            "I spoke to the designated safeguarding lead at {school} "
            "about attendance and how {child} is settling.",
            "I chaired the core group and shared the updated plan with everyone, including {mother}.",
            "I spoke with the health visitor, who has seen {mother} twice this month.",
            "I went through the written agreement with {mother} line by "
            "line and we changed two points together.",
            "I met {mother} and {partner} together to talk about how arguments affect the children.",
            "I did a joint visit with the family support worker so "
            "{mother} could show us the new bedtime routine.",
            "I completed a genogram with {mother}, which brought up two relatives we had not heard of.",
            "I arranged a network meeting with the grandparents and a "
            "family friend to talk about the safety plan.",
            "I took {child} and {child2} to the park so they could talk away from the house.",
            "I read the chapters of the other workers before the group "
            "supervision and followed up two questions.",
        ),
        "what_changed": (
            "School say {child} has been on time every day for the last three weeks.",
            "{mother} has started answering calls and texts, which she was not doing before.",
            "The home is calmer: {child} said nobody has been shouting at night.",
            "{partner} has moved out to his brother's flat and visits by arrangement.",
            "{mother} has registered the children with a new GP and booked the dental check-ups.",
            "There has been less change than we hoped: the same worries about supervision came up again.",
            "{child} is now seen by the school nurse each week and seems happier to talk.",
            "The children's rooms have beds and bedding now, which was not the case last month.",
            "{single}{mother} tells me she has stopped letting her ex-partner into the house.",
        ),
        "meaning_for_children": (
            "For {child} it means mornings are more predictable and they arrive at school fed.",
            "The children are less likely to see or hear adults fighting, "
            "but they still worry it will start again.",
            "{child} has someone at school they trust, and knows who to go to if things go wrong at home.",
            "{child2} is still too young to tell us what it is like; what "
            "we see is a baby who is growing and settled.",
            "It means {child} does not have to look after the younger ones in the evenings any more.",
            "Until the adults' drinking is under control the children's evenings are not safe enough.",
            "{children} have more time with their mum when she is well, and she notices when they are upset.",
        ),
        "worries": (
            "I am still worried that {mother} minimises what the children have seen.",
            "There are gaps in what we know about who else comes to the house.",
            "{child} has missed four health appointments this year.",
            "{partner} has not yet engaged with his worker, and the risk he poses is not understood.",
            "School report {child} is hungry in the mornings on some days.",
            "{mother} is isolated and has nobody to call late at night when things get difficult.",
            "The safety plan depends on one grandparent, who has her own health problems.",
            "I worry the improvement will not last once the plan ends.",
        ),
        "working_well": (
            "{mother} is honest with me about the hard days, which means we can plan for them.",
            "The children have a strong bond with their grandmother, who sees them most weekends.",
            "{child} is doing well at {school} and has joined an after-school club.",
            "The team is working closely: the adult workers and I share what we see straight away.",
            "{mother} attends every meeting and brings her own questions.",
            "{partner} has been clear with me about his wish to be a better dad.",
            "The house is warm and there is food in the cupboards at every visit.",
        ),
        "parents_words": (
            '"I just want you lot to see that I\'m trying."',
            '"The kids are everything to me. I know I\'ve let them down before."',
            "\"It's easier now I know what you're actually worried about.\"",
            '"I don\'t like having social workers in my life, but this one listens."',
            '"Some days I can\'t get out of bed, and the kids know it."',
            '"I didn\'t think the arguing affected them because they were upstairs."',
        ),
    },
    "fsw": {
        "work_done": (
            "I visited on school mornings to help {mother} get {children} up, dressed and out on time.",
            "We worked on a weekly meal plan and a shopping list within the family's budget.",
            "I helped {mother} fill in the housing form and went with her to the appointment.",
            "I did a bedtime visit to see how the new routine is going with {child}.",
            "I took {mother} to the food bank and to the children's centre stay and play.",
            "We made a visual timetable for {child}'s mornings and put it on the fridge.",
            "I went through the school letters with {mother} so she knows what is coming up.",
            "I supported {mother} to attend the parenting group and sat in on the first session.",
            "We cleared the back bedroom together so {child2} can have a room of their own.",
        ),
        "what_changed": (
            "The morning routine is mostly holding: the children were late only once this month.",
            "{mother} now plans meals for the week; the fridge had food in it at every visit.",
            "The family has been offered a bigger flat and has a moving date.",
            "{mother} now goes to the stay and play group on her own.",
            "Bedtime is still hard, but {child} is in bed by eight most nights.",
            "The debt letters have stopped piling up: {mother} opens them with me each week.",
        ),
        "meaning_for_children": (
            "{children} get to school on time and with breakfast, and teachers have noticed.",
            "{child} sleeps better and is less tired and tearful at school.",
            "The children have their own space to play and do homework.",
            "{child2} gets more one-to-one time with {mother} at the stay and play sessions.",
            "The younger children see their mum managing, which makes the house feel safer for them.",
        ),
        "worries": (
            "When I miss a visit, the routines slip quickly.",
            "{mother} is very tired and sometimes falls asleep while the children are still up.",
            "Money is tight and the electric meter often runs low by the weekend.",
            "The flat is damp and {child} has a cough that keeps coming back.",
            "{mother} relies on me to open letters; I want her to do this on her own.",
        ),
        "working_well": (
            "{mother} is proud of the timetable and shows it to visitors.",
            "The children help with tidying now, and {child} likes being in charge of the shoes.",
            "{mother} has made a friend at the stay and play group.",
            "The family welcomes visits and is ready when I arrive.",
            "{partner} has started doing the school run twice a week.",
        ),
        "parents_words": (
            '"Having the chart on the fridge means I\'m not shouting all morning."',
            '"I\'ve never been good with money, but the list helps."',
            '"The kids actually like the new routine, which I didn\'t expect."',
            '"I get overwhelmed when everything comes at once."',
        ),
    },
    "dav": {
        "work_done": (
            "I met {adult} at the office and we reviewed {ad_his} safety "
            "plan, including a code word with a neighbour.",
            "We completed the risk checklist again; the score has come down since the first one.",
            "I started the recovery programme with {adult}, looking at how controlling behaviour works.",
            "I went with {adult} to the housing options meeting to talk about a move away from the area.",
            "I spoke to the police domestic abuse officer about the bail "
            "conditions and shared them with the team.",
            "I did a phone check-in with {adult} each week at a time {ad_he} chose as safe.",
            "I helped {adult} apply for a non-molestation order and went with {ad_him} to court.",
            "We talked about what the children might have heard, and "
            "how {ad_he} could talk to them about it.",
            "I referred {adult} to the local women's group, which {ad_he} has agreed to try.",
        ),
        "what_changed": (
            "{single}{adult} has changed {ad_his} number and blocked {ad_his} ex-partner on social media.",
            "{adult} now recognises the pattern of apologies and gifts after an incident.",
            "There have been no reported incidents since the bail conditions were set.",
            "{adult} has told the school who may and may not collect the children.",
            "{adult} has started to talk about what happened, where before {ad_he} said everything was fine.",
            "The locks have been changed and a doorbell camera fitted through the sanctuary scheme.",
        ),
        "meaning_for_children": (
            "{single}The children are living in a home where the abuser is no "
            "longer present, which lowers the immediate risk.",
            "{single}{child} has heard less shouting, but still asks where their dad is.",
            "With a safety plan the children know what to do and who to call if there is trouble at home.",
            "As {adult} feels safer {ad_he} is more available to the children emotionally.",
            "The children have seen their mum hurt; that harm does not "
            "go away because the incidents have stopped.",
        ),
        "worries": (
            "{single}{adult} still has contact with {ad_his} ex-partner through the children's handovers.",
            "{single}The ex-partner has turned up at the school gate twice.",
            "{adult} tends to play down incidents when asked about them in front of the children.",
            "The risk of harm is highest if {adult} ends the relationship for good, and {ad_he} knows this.",
            "{adult} is financially dependent on {partner}, which makes leaving hard.",
        ),
        "working_well": (
            "{adult} keeps every appointment and calls me if {ad_he} has to change one.",
            "{adult} has a sister nearby who knows the safety plan and is willing to help.",
            "{adult} is thinking about the children's safety first in the decisions {ad_he} makes.",
            "{adult}'s confidence has grown: {ad_he} spoke up at the core group for the first time.",
        ),
        "parents_words": (
            '"I thought it was normal. It\'s what I grew up with."',
            "\"I'm scared of what he'll do if I go to the police again.\"",
            '"I didn\'t realise how much the kids were hearing."',
            '"For the first time in years I can sleep through the night."',
            '"People keep telling me to leave like it\'s easy."',
        ),
    },
    "dap": {
        "work_done": (
            "I had one-to-one sessions with {adult} on the behaviour change "
            "programme, looking at the build-up to incidents.",
            "We worked on a time-out plan {adult} can use when {ad_he} feels angry.",
            "I went through the incident in the police report with "
            "{adult} and compared it with {ad_his} account.",
            "I checked {adult}'s attendance at the group programme with the group facilitator.",
            "We talked about the effect on the children of hearing and seeing violence at home.",
            "I met {adult} with the probation officer to agree one set of expectations.",
            "I used the responsibility scale with {adult}; {ad_he} moved "
            "from blaming others towards owning some of it.",
            "We looked at {adult}'s own father and what {ad_he} "
            "learned from him about being a man and a dad.",
        ),
        "what_changed": (
            "{adult} has attended every group session this month.",
            "{adult} now calls the incident 'what I did' rather than 'what happened'.",
            "{adult} used the time-out plan once, by {ad_his} own account, and left the house for an hour.",
            "{adult} has stopped checking {ad_his} partner's phone, and {ad_his} partner confirms it.",
            "Little has changed: {adult} still says the police exaggerated.",
        ),
        "meaning_for_children": (
            "If {adult} can keep using the time-out plan, the children "
            "are less likely to see another incident.",
            "The children want time with {adult}; it has to be safe time, with the plan in place.",
            "{child} has seen the violence; {adult} taking "
            "responsibility is the first step to repairing that.",
            "Until {adult}'s behaviour changes for good, the children's "
            "safety relies on the adults around them.",
        ),
        "worries": (
            "{adult} still blames alcohol and stress for the violence rather than {ad_his} own choices.",
            "{adult} has missed two sessions and gave different reasons each time.",
            "There are signs of jealousy and control in how {adult} talks about {ad_his} partner.",
            "{adult} wants the team to step back before the work is finished.",
        ),
        "working_well": (
            "{adult} is open about {ad_his} feelings in sessions and asks for help.",
            "{adult} is employed and keen to keep {ad_his} job, which gives {ad_him} a reason to change.",
            "{adult} talks warmly about the children and wants them to be proud of {ad_him}.",
        ),
        "parents_words": (
            '"I never hit the kids. I know that\'s not the point."',
            '"When I get like that I can\'t hear anyone."',
            '"My dad was the same. I said I\'d never be like him."',
            '"I just want to go home and be a normal family."',
        ),
    },
    "rec": {
        "work_done": (
            "I saw {adult} weekly for key work sessions on cutting down {ad_his} drinking.",
            "We completed a drink diary together and worked out the riskiest times of the week.",
            "I arranged a medically supported detox with the GP and went through what to expect.",
            "{adult} gave two clear drug tests this cycle, taken at the clinic with me.",
            "I introduced {adult} to a mutual aid group and went with {ad_him} to the first meeting.",
            "We wrote a relapse prevention plan, with the names of people {ad_he} can call.",
            "I talked with {adult} about safe storage of medication and the needles bin.",
            "We worked on a plan for who looks after the children if {adult} uses.",
        ),
        "what_changed": (
            "{adult} reports drinking on two evenings a week, down from most evenings.",
            "{adult} has been abstinent for six weeks, confirmed by tests.",
            "{adult} has started the script and picks it up daily from the pharmacy.",
            "{adult} lapsed once, after a difficult weekend, and told me straight away.",
            "There are no empty bottles in the recycling now when I visit.",
        ),
        "meaning_for_children": (
            "The children have a parent who is sober at bedtime on most nights.",
            "{child} says {adult} is 'more fun' and 'not so sleepy' now.",
            "If {adult} relapses, the children need another adult in the house who can step in.",
            "The children have stopped covering for {adult} at school.",
        ),
        "worries": (
            "{adult} still drinks when {ad_he} is on {ad_his} own with the children at weekends.",
            "{adult}'s friends are the people {ad_he} used with, and {ad_he} sees them most days.",
            "The lapse happened when the children were in the house.",
            "{adult} finds it hard to talk honestly about how much {ad_he} uses.",
        ),
        "working_well": (
            "{adult} is motivated by the children and talks about being there for them.",
            "{adult} has a sponsor at the mutual aid group and calls her when things are hard.",
            "{adult} has been honest about the lapse, which helps us plan.",
        ),
        "parents_words": (
            '"I drink because it\'s the only time my head goes quiet."',
            '"I don\'t want the kids to see me like my mum was."',
            '"Six weeks. I haven\'t done six weeks since I was twenty."',
            '"I thought I had it under control. I didn\'t."',
        ),
    },
    "mh": {
        "work_done": (
            "I met {adult} fortnightly to work on low mood, using a simple activity diary.",
            "I completed the mood questionnaires with {adult} and shared the scores with {ad_his} GP.",
            "We worked on a crisis plan together, with the numbers {ad_he} can call at night.",
            "I supported {adult} to go to the GP to review {ad_his} medication.",
            "We looked at {adult}'s sleep and made a plan for the evenings.",
            "I used a session to help {adult} think about how {ad_his} mood affects the children day to day.",
            "I referred {adult} to the talking therapy service and helped with the forms.",
            "We talked through {adult}'s worry thoughts and how to challenge them.",
        ),
        "what_changed": (
            "{adult}'s mood scores have improved since last month.",
            "{adult} is taking {ad_his} medication regularly, using a pill organiser.",
            "{adult} now goes out every day, even if only to the shop.",
            "{adult} is sleeping better, about six hours a night.",
            "{adult} had a bad week after a family anniversary but used the crisis plan.",
        ),
        "meaning_for_children": (
            "When {adult} is well {ad_he} can play with the children and notice what they need.",
            "The children have seen {adult} struggle; explaining it to them in words they understand helps.",
            "{child} no longer feels they have to check on {adult} before going to school.",
            "If {adult}'s mood drops again, the children need the safety plan to be in place.",
        ),
        "worries": (
            "{adult} has had thoughts of self-harm in the past, and the risk rises when {ad_he} is alone.",
            "{adult} stops taking the medication when {ad_he} feels better.",
            "{adult} is isolated and has few people to turn to.",
            "The waiting list for talking therapy is long.",
        ),
        "working_well": (
            "{adult} is open about how {ad_he} feels and tells me when things are getting worse.",
            "{adult} has a good relationship with {ad_his} GP.",
            "{adult} enjoys cooking with the children, and it lifts {ad_his} mood.",
        ),
        "parents_words": (
            "\"It's like a fog. I know the kids need me but I can't reach them.\"",
            "\"I don't want them to think it's their fault.\"",
            '"I feel more like me than I have in a long time."',
            '"Talking about it makes it real, and that\'s scary."',
        ),
    },
}

# ---- Chapter sections: sentences any role may write ---------------------------------------------------

SHARED_SENTENCES: dict[str, tuple[str, ...]] = {
    "work_done": (
        "I went to the group case supervision and talked through the family with the team.",
        "I shared my notes with the lead social worker after each session.",
        "I spoke to the health visitor to check the children's development reviews.",
        "I wrote to {mother} after the meeting to confirm what we agreed.",
    ),
    "what_changed": (
        "Overall this has been a steadier month for the family.",
        "Things were difficult in the middle of {month} but settled again.",
        "Progress is slow, but it is in the right direction.",
    ),
    "meaning_for_children": (
        "What matters most for the children is that the calmer weeks become the normal ones.",
        "The children need the adults to keep going with the work even when it is hard.",
        "The children's day-to-day lives are a little more predictable than they were.",
    ),
    "worries": (
        "The family has many professionals around it and {mother} says it can feel like too much.",
        "We need to hear more directly from the children about what life is like at home.",
        "There is a risk that things go back to how they were once the extra support stops.",
    ),
    "working_well": (
        "The family has stayed engaged with every worker.",
        "The team is giving the family one message, which {mother} says helps.",
        "The family's network is bigger than it was at the start.",
    ),
    "parents_words": (
        '"It\'s been a better month. Not perfect."',
        '"I know why you\'re all here now."',
        '"I still feel judged sometimes."',
        '"I\'m tired of telling my story to new people."',
        '"The kids have noticed I\'m calmer."',
        "\"Don't write that I'm not trying.\"",
        '"Some weeks are good. This wasn\'t one of them."',
    ),
}

# Who said the parent's words, and when: the quotation follows.
PARENT_WORDS_LEADS = (
    "{adult} said:",
    "At the last visit {adult} told me:",
    "When we talked about {child}, {adult} said:",
    "Asked what had changed, {adult} said:",
    "{adult} wanted this written down:",
    "In {ad_his} own words:",
    "After the core group, {adult} said:",
    "Talking about {child2}, {adult} said:",
)

# ---- Next steps, with how the worker reports them done the next cycle: (I will ..., I ...) ---------------

NEXT_STEPS: dict[str, tuple[tuple[str, str], ...]] = {
    "sw": (
        (
            "visit after school to see {child} on their own",
            "visited after school and saw {child} on their own",
        ),
        ("speak to {school} about the attendance plan", "spoke to {school} about the attendance plan"),
        ("arrange a family network meeting", "arranged the family network meeting and it went ahead"),
        ("update the safety plan with {mother}", "updated the safety plan with {mother}"),
        ("ask the GP for the children's health records", "got the children's health records from the GP"),
        ("meet {partner} to talk about contact", "met {partner} to talk about contact"),
        (
            "do direct work with {child} about their wishes and feelings",
            "did direct work with {child} about their wishes and feelings",
        ),
        (
            "check the children's bedrooms at an unannounced visit",
            "made an unannounced visit and checked the children's bedrooms",
        ),
    ),
    "fsw": (
        ("help {mother} set up a budget for the month", "helped {mother} set up a budget for the month"),
        ("go with {mother} to the housing appointment", "went with {mother} to the housing appointment"),
        ("visit at bedtime twice a week", "visited at bedtime twice a week"),
        ("introduce {mother} to the stay and play group", "introduced {mother} to the stay and play group"),
        ("make a morning chart with {child}", "made a morning chart with {child}"),
    ),
    "dav": (
        ("review {adult}'s safety plan", "reviewed {adult}'s safety plan with {ad_him}"),
        ("refer {adult} to the women's group", "referred {adult} to the women's group"),
        ("check the bail conditions with the police", "checked the bail conditions with the police"),
        ("help {adult} with the housing application", "helped {adult} with the housing application"),
        (
            "talk with {adult} about explaining things to the children",
            "talked with {adult} about explaining things to the children",
        ),
    ),
    "dap": (
        ("check {adult}'s group attendance", "checked {adult}'s group attendance with the facilitator"),
        (
            "go through the time-out plan with {adult} again",
            "went through the time-out plan with {adult} again",
        ),
        ("meet {adult} with the probation officer", "met {adult} with the probation officer"),
        (
            "do a session on the effect on the children",
            "did a session with {adult} on the effect on the children",
        ),
    ),
    "rec": (
        ("arrange drug tests with {adult}", "arranged drug tests with {adult}, which were clear"),
        ("write a relapse prevention plan with {adult}", "wrote a relapse prevention plan with {adult}"),
        ("go with {adult} to a mutual aid meeting", "went with {adult} to a mutual aid meeting"),
        ("talk to the GP about a detox", "talked to the GP about a detox"),
    ),
    "mh": (
        ("repeat the mood questionnaires with {adult}", "repeated the mood questionnaires with {adult}"),
        ("support {adult} at the GP medication review", "supported {adult} at the GP medication review"),
        ("update {adult}'s crisis plan", "updated {adult}'s crisis plan with {ad_him}"),
        ("chase the talking therapy referral", "chased the talking therapy referral"),
    ),
}

ECHO_DONE = (
    "Last cycle I said I would {future}. I {past}.",
    "As planned last cycle, I {past}.",
    "Following on from last time, I {past}.",
)
ECHO_NOT_DONE = (
    "Last cycle I said I would {future}; this has not happened yet because {reason}.",
    "I planned to {future}, but {reason}, so it is carried over.",
)
NOT_DONE_REASONS = (
    "the appointment was cancelled twice",
    "the family was away for a week",
    "I was off sick for part of the cycle",
    "{mother} asked to wait until after the school holidays",
    "we had to respond to a crisis first",
)

# ---- Session notes (one line, at most 300 characters) ---------------------------------------------------

SESSION_NOTES: dict[str, tuple[str, ...]] = {
    "sw_visit": (
        "House warm and tidy; food in the fridge.",
        "Saw the children's bedrooms. New bunk beds in place.",
        "Children just home from school, chatty and relaxed.",
        "Unannounced. {mother} let me in straight away.",
        "Talked with {child} alone in the garden.",
        "Quiet visit; {mother} tired but coping.",
        "Smell of smoke in the lounge; talked with {mother} about smoking outside.",
        "Went through the plan with {mother} at the kitchen table.",
    ),
    "sw_placement": (
        "Visit to {child} at their placement: settled, talked about school.",
        "Saw {child} with the foster carers; contact arrangements discussed.",
        "{child} showed me their room at the placement and their new bike.",
    ),
    "sw_phone": (
        "Call with {mother} to plan the next visit.",
        "Call with {mother} after the school raised a concern.",
        "Rang {mother} to check how the weekend went.",
    ),
    "sw_office": (
        "Office meeting with {mother} to go through the written agreement.",
        "Met {mother} at the office to prepare for the conference.",
    ),
    "sw_video": ("Video call with {mother}; the children waved from the sofa.",),
    "fsw_home_visit": (
        "Morning routine visit: out of the door at 8.20.",
        "Meal planning and shopping list for the week.",
        "Bedtime visit: stories and lights out by eight.",
        "Went through the post together; two bills paid.",
    ),
    "fsw_group": (
        "Parenting group: positive praise and rewards.",
        "Parenting group: setting limits calmly.",
        "Stay and play at the children's centre.",
    ),
    "fsw_phone": (
        "Call to remind {mother} of the housing appointment.",
        "Check-in call about the morning routine.",
    ),
    "module": (
        "Worked through the prompts together.",
        "Went over what we covered last time first.",
        "{adult} brought notes of {ad_his} own.",
        "Shorter session: one of the children was unwell.",
    ),
    # An adult practitioner's, by their role (in person) and by the kind of session (calls and groups).
    "dav": (
        "Reviewed the safety plan.",
        "Went through the risk checklist again.",
        "Talked about the court date and what to expect.",
        "Recovery programme: a session on coercive control.",
    ),
    "dap": (
        "Behaviour change work: the build-up to incidents.",
        "Practised the time-out plan.",
        "Went through the police report together.",
    ),
    "rec": (
        "Key work session; drink diary.",
        "Clear test at the clinic.",
        "Relapse prevention plan updated.",
    ),
    "mh": (
        "Mood check-in and crisis plan.",
        "Activity diary reviewed.",
        "Sleep plan reviewed.",
    ),
    "adult_phone": (
        "Phone check-in at an agreed safe time.",
        "Call to rearrange next week's session.",
        "Short call; {adult} sounded brighter.",
    ),
    "adult_video": ("Video session; went through last week's goals.",),
    "adult_group": (
        "Group session; attended and took part.",
        "Group session; quiet but stayed to the end.",
    ),
}

# ---- Significant events: (what happened, impact on the children) per kind -------------------------------

EVENT_TEXT: dict[str, tuple[tuple[str, str], ...]] = {
    "police_da": (
        (
            "Police were called by a neighbour at about 11pm after shouting from the flat. {partner} had "
            "pushed {mother} against a door; he was arrested at the scene and later released on bail.",
            "{children} were in the house and {child} came downstairs during the incident.",
        ),
        (
            "{mother} called the police after {partner} arrived drunk and would not leave. Officers "
            "removed him and made a referral to children's services.",
            "The children were asleep upstairs, but {child} told school the next day that they heard it.",
        ),
        (
            "Police attended after an argument in the street outside the home. No arrest; a domestic abuse "
            "notification was sent the next morning.",
            "{child} was with {mother} during the argument and was frightened.",
        ),
    ),
    "police_other": (
        (
            "Police brought {child} home at 1am after finding them in the town centre with older teenagers.",
            "{child} may be at risk of exploitation; the team met to plan the next steps.",
        ),
        (
            "Police attended after a neighbour dispute about noise; no further action.",
            "The children were upset by the police coming to the door.",
        ),
    ),
    "arrest": (
        (
            "{partner} was arrested for breaching his bail conditions by coming to the house.",
            "The children saw the police arrive; the safety plan was used and worked.",
        ),
        (
            "{partner} was arrested on a warrant for an old driving matter and held overnight.",
            "Little direct effect; {mother} was anxious and the children noticed.",
        ),
    ),
    "injury": (
        (
            "{child} came to nursery with a bruise on the cheek. {mother} said they fell off the sofa; "
            "a child protection medical was arranged the same day.",
            "The paediatrician found the bruise consistent with the explanation given.",
        ),
        (
            "{child} burned their hand on the oven door while {mother} was cooking.",
            "Treated at the minor injuries unit; the home safety check has been updated.",
        ),
    ),
    "hospital": (
        (
            "{child} was taken to A&E with breathing difficulties and kept in overnight.",
            "The hospital asked about the damp flat; the housing request has been raised again.",
        ),
        (
            "{mother} was admitted to hospital for two nights; the children stayed with their grandmother.",
            "The children coped well with their grandmother, as the safety plan set out.",
        ),
    ),
    "missing": (
        (
            "{child} did not come home after school and was reported missing at 10pm. Found the next "
            "morning at a friend's house.",
            "A return home interview was offered; {child} spoke to the school counsellor instead.",
        ),
    ),
    "relapse": (
        (
            "{adult} told {ad_his} recovery worker that {ad_he} had been drinking heavily over the weekend.",
            "Another adult looked after the children; the safety plan for weekends is being reviewed.",
        ),
        (
            "A drug test was positive for cocaine after three clear months.",
            "No evidence the children were left unsupervised; the team met the same week.",
        ),
    ),
    "mental_health_crisis": (
        (
            "{adult} called the crisis line saying {ad_he} could not cope; the home treatment team visited.",
            "The children were taken to school by their grandmother for a week while {adult} recovered.",
        ),
    ),
    "disclosure": (
        (
            "{child} told their teacher that mum and her boyfriend fight and that they are scared at night.",
            "A strategy discussion was held; {child} has a named adult at school to talk to.",
        ),
        (
            "{child} told the school nurse they sometimes do not have tea at home.",
            "School now gives breakfast club every day; the family support worker is looking at meals.",
        ),
    ),
    "exclusion": (
        (
            "{child} was excluded from {school} for three days after a fight in the playground.",
            "{child} was at home for three days; the social worker visited and work was sent home.",
        ),
    ),
    "house_move": (
        (
            "The family moved to a three-bedroom house through the council's housing register.",
            "The children have their own rooms and stay at the same schools.",
        ),
        (
            "{mother} and the children moved to a refuge for their safety.",
            "The children have had to change school; the team is arranging a quick start.",
        ),
    ),
    "birth": (
        (
            "{child} was born at Demoborough General. Mother and baby went home after two days.",
            "The birth plan was followed; the health visitor saw them on day ten.",
        ),
    ),
    "death": (
        (
            "{mother}'s father died after a long illness.",
            "The children were close to their grandfather; school has been told and is keeping an eye.",
        ),
    ),
    "other": (
        (
            "The family's electricity was cut off for two days after a meter fault.",
            "The children were cold for two nights; an emergency payment was arranged.",
        ),
        (
            "{mother} lost her job at the supermarket.",
            "Money is tighter; the family support worker is helping with a benefits check.",
        ),
    ),
}

# ---- Module work, per module in the programme's order (1 to 8) -------------------------------------------

MODULE_TEXT: dict[int, dict[str, tuple[str, ...]]] = {
    1: {
        "covered": (
            "We talked about why the team is involved and listed the worries in {adult}'s own words.",
            "We drew a family map and agreed three things {adult} wants to be different in six months.",
        ),
        "reflections": (
            '"I thought you were here to take the kids. Now I get what you\'re worried about."',
            '"I want them to have a calmer house than I did."',
        ),
        "analysis": (
            "{adult} can name the worries, though {ad_he} still sees some as exaggerated.",
            "{adult} is engaged and has set goals that match the plan.",
        ),
    },
    2: {
        "covered": (
            "We went through a school day hour by hour and found the pinch points in the morning.",
            "We looked at meals, bedtimes and who takes the children to appointments.",
        ),
        "reflections": (
            '"Mornings are chaos. I didn\'t realise how much it stresses the kids."',
            '"I\'m better at bedtime than I thought."',
        ),
        "analysis": (
            "{adult} provides basic care well when {ad_he} is well; routines slip under stress.",
            "Routines have improved with practical help and need to hold without it.",
        ),
    },
    3: {
        "covered": (
            "We talked about each child's age and stage and what they need from a parent now.",
            "We watched a short film about how young children show stress, and talked about {child}.",
        ),
        "reflections": (
            '"{child} goes quiet when they\'re upset. I used to think that meant they were fine."',
            '"I didn\'t know babies could pick up on arguments."',
        ),
        "analysis": (
            "{adult} is starting to see the children's behaviour as communication.",
            "{adult} knows the children well but finds it hard to put their needs before {ad_his} own.",
        ),
    },
    4: {
        "covered": (
            "We looked at the cycle of abuse and where the children were during past incidents.",
            "We talked about healthy and unhealthy relationships and what {adult} wants for the children.",
        ),
        "reflections": (
            '"I kept telling myself they were asleep."',
            '"It\'s hard to hear that what he did was abuse."',
        ),
        "analysis": (
            "{adult} recognises the impact of the abuse on the children and has a safety plan.",
            "{adult}'s understanding is growing, but {ad_he} still minimises the most recent incident.",
        ),
    },
    5: {
        "covered": (
            "We mapped when drinking or drug use happens and who looks after the children then.",
            "We agreed a plan for safe storage and for who to call if {adult} has been using.",
        ),
        "reflections": (
            '"I never drink when they\'re awake. Well, not much."',
            '"Writing it down made me see how often it was."',
        ),
        "analysis": (
            "Substance use has reduced; the children are safer at weekends with the plan in place.",
            "{adult} is honest about use but the plan depends on other adults being available.",
        ),
    },
    6: {
        "covered": (
            "We talked about {adult}'s warning signs and what helps when {ad_he} is struggling.",
            "We wrote a plan for the children's care on days when {adult} cannot cope.",
        ),
        "reflections": (
            "\"When I'm low I can't face the school run. Now there's a plan for that.\"",
            '"I didn\'t know other mums felt like this."',
        ),
        "analysis": (
            "{adult} knows {ad_his} warning signs and asks for help earlier than before.",
            "{adult}'s mental health remains the main risk to consistent care.",
        ),
    },
    7: {
        "covered": (
            "We talked about {adult}'s own childhood and the adults who cared for {ad_him}.",
            "We made a timeline of {adult}'s life and marked the times {ad_he} felt safe.",
        ),
        "reflections": (
            '"Nobody ever asked me what it was like for me growing up."',
            '"I want to do it differently, I just don\'t always know how."',
        ),
        "analysis": (
            "{adult} links {ad_his} own experiences to how {ad_he} parents, a sign of insight.",
            "{adult}'s own childhood trauma is not yet resolved and "
            "affects how {ad_he} reacts to the children.",
        ),
    },
    8: {
        "covered": (
            "We named the people in {adult}'s network and what each will do if things go wrong.",
            "We wrote the family safety plan and shared it with the grandparents at a network meeting.",
        ),
        "reflections": (
            '"I\'ve got more people than I thought."',
            '"It\'s good that my mum knows what to do now."',
        ),
        "analysis": (
            "The network is reliable and knows the plan; this supports ending the child protection plan.",
            "The network is small and depends on one person; it needs to grow before the plan can end.",
        ),
    },
}

# ---- Assessments ---------------------------------------------------------------------------------------

# The sections of the compiled picture and of the social worker's analysis (FamilyAssessment.compiled and
# .analysis), with the text the demo fills them with.
ASSESSMENT_COMPILED: dict[str, tuple[str, ...]] = {
    "chapters": (
        "The social worker, the family support worker and the adult workers all report steady engagement. "
        "The adult workers describe reduced drinking and a safety plan that is being used.",
        "Chapters from every worker agree that {mother} is engaging well; worries remain about evenings and "
        "weekends, when support is thinnest.",
    ),
    "children": (
        "{children}: the statutory status and visits are up to date.",
        "{children} have been seen regularly, alone where old enough.",
    ),
    "events": (
        "Significant events this period are listed in the "
        "chronology; the most serious was a police call-out.",
        "No high-impact events in the last two cycles.",
    ),
}
ASSESSMENT_ANALYSIS: dict[str, tuple[str, ...]] = {
    "life_for_children": (
        "For {child}, life at home is calmer than at the start of our work. They go to school most days and "
        "have an adult at school they trust. They still worry about the adults arguing.",
        "{children} have had a lot of change this year. Their basic needs are met, but the adults' problems "
        "still shape their evenings and weekends.",
    ),
    "risks": (
        "The main risk is a return of the domestic abuse if the "
        "adults reconcile before the work is finished.",
        "The main risks are {mother}'s drinking at weekends and the "
        "children being left without a sober adult.",
        "{mother}'s low mood means the children's care is inconsistent when she is unwell.",
    ),
    "strengths": (
        "{mother} loves the children and they love her; she has engaged with every worker.",
        "The wider family is involved and knows the safety plan.",
    ),
    "what_needs_to_change": (
        "The adults need to keep using the safety plan without prompting for the next three months.",
        "{mother} needs to keep working with her recovery worker and show sustained abstinence.",
        "The children need a stable routine that holds at weekends as well as during the week.",
    ),
}
PARENTING_ANALYSIS: dict[str, tuple[str, ...]] = {
    "capacity": (
        "{mother} can meet the children's day-to-day needs and has shown she can keep routines going.",
        "{mother} meets the children's basic needs well; emotional warmth is a clear strength.",
    ),
    "modules": (
        "All eight modules were completed. The strongest progress was on routines and the safety plan; "
        "the parent's own story was the hardest to talk about.",
        "The modules showed growing insight into the impact of the adults' problems on the children.",
    ),
    "recommendation": (
        "The children can remain at home with {mother} with the support set out in the plan.",
        "Continue on a child in need plan; the parenting is good enough with the network in place.",
    ),
}
# A change to a chapter after its cycle closed: (what was added, why).
ADDENDA = (
    ("The core group was on the 14th, not the 12th as written above.", "Wrong date"),
    (
        "Since writing this I have learned that {mother} did attend the GP appointment; the GP's letter "
        "arrived late.",
        "New information",
    ),
    ("{child}'s school is {school}, not the one named above.", "Wrong school named"),
    (
        "The police have confirmed no further action on the incident mentioned above.",
        "Outcome now known",
    ),
)

MANAGER_COMMENTS = (
    "Please say more about what life is like for the youngest child, and how we know.",
    "The risks section needs the police call-out from last month.",
    "Good analysis. Please make the factors for each child match what the adult workers recorded.",
)


# ---- Composition -----------------------------------------------------------------------------------------

# Words that say the main carer is a woman: not drawn when the family's main carer is a man (a father left
# with the children), so no sentence calls him "she".
_FEMININE = re.compile(r"\b(she|her|mum|She|Her|Mum|women's)\b")


@cache
def _needs(sentence: str) -> frozenset[str]:
    """The placeholders a sentence fills."""
    return frozenset(name for _text, name, _spec, _conv in string.Formatter().parse(sentence) if name)


def _fits(sentence: str, ctx: dict) -> bool:
    if not _needs(sentence) <= ctx.keys():
        return False
    return not (ctx.get("male_carer") and "{mother}" in sentence and _FEMININE.search(sentence))


def usable(sentences, ctx: dict) -> list[str]:
    """The sentences whose every placeholder this context can fill (no {partner} in a one-parent family)."""
    return _usable(tuple(sentences), frozenset(ctx), bool(ctx.get("male_carer")))


@cache
def _usable(sentences: tuple[str, ...], keys: frozenset, male_carer: bool) -> list[str]:
    # Families differ only in which placeholders they can fill: the filtering is done once for each kind.
    ctx = dict.fromkeys(keys, "")
    if male_carer:
        ctx["male_carer"] = True
    return [s for s in sentences if _fits(s, ctx)]


def fill(sentence: str, ctx: dict) -> str:
    """The sentence in the family's names, starting with a capital."""
    text = sentence.format_map(ctx)
    return text[:1].upper() + text[1:]


def compose(rng, role_key: str, section: str, ctx: dict, *, lead=(), count=(2, 3)) -> str:
    """A section's text: the facts given (`lead`), then two or three of the role's sentences and perhaps
    one every role may write, in the family's names."""
    own = usable(ROLE_SENTENCES.get(role_key, ROLE_SENTENCES["sw"]).get(section, ()), ctx)
    picked = rng.sample(own, k=min(len(own), rng.randint(*count)))
    if section == "parents_words":
        # One quotation, said by someone at some point: the words in the family's context.
        said = rng.choice(usable(PARENT_WORDS_LEADS, ctx))
        quote = rng.choice(own + usable(SHARED_SENTENCES["parents_words"], ctx))
        return " ".join([*lead, fill(said, ctx), quote])
    if rng.random() < 0.4:
        shared = usable(SHARED_SENTENCES.get(section, ()), ctx)
        if shared:
            picked.insert(rng.randrange(len(picked) + 1), rng.choice(shared))
    return " ".join([*lead, *(fill(s, ctx) for s in picked)])


def next_steps(rng, role_key: str, ctx: dict) -> tuple[str, list[tuple[str, str]]]:
    """The next steps section and the steps chosen, kept so the next cycle can say what became of them."""
    steps = [
        (future.format_map(ctx), past.format_map(ctx))
        for future, past in NEXT_STEPS.get(role_key, NEXT_STEPS["sw"])
        if _fits(future, ctx) and _fits(past, ctx)
    ]
    chosen = rng.sample(steps, k=min(len(steps), rng.randint(2, 3)))
    first, *rest = chosen
    text = f"I will {first[0]}."
    if rest:
        text += " " + " ".join(
            f"{rng.choice(('I will also', 'Then I will', 'I will'))} {f}." for f, _p in rest
        )
    return text, chosen


def echo(rng, step: tuple[str, str], ctx: dict) -> str:
    """What became of one of last cycle's next steps, at the start of this cycle's "What I did"."""
    future, past = step
    if rng.random() < 0.25:
        reason = rng.choice(usable(NOT_DONE_REASONS, ctx)).format_map(ctx)
        return fill(rng.choice(ECHO_NOT_DONE), {"future": future, "reason": reason})
    return fill(rng.choice(ECHO_DONE), {"future": future, "past": past})


def session_note(rng, bank: str, ctx: dict) -> str:
    """One line of notes from a bank of SESSION_NOTES (none if the bank has nothing for this family)."""
    options = usable(SESSION_NOTES.get(bank, ()), ctx)
    return fill(rng.choice(options), ctx)[:300] if options else ""


def event_text(rng, kind: str, ctx: dict) -> tuple[str, str] | None:
    options = [
        (what, impact) for what, impact in EVENT_TEXT.get(kind, ()) if _fits(what, ctx) and _fits(impact, ctx)
    ]
    if not options:
        return None
    what, impact = rng.choice(options)
    return fill(what, ctx), fill(impact, ctx)


def module_text(rng, order: int, field: str, ctx: dict) -> str:
    options = usable(MODULE_TEXT.get(order, MODULE_TEXT[1])[field], ctx)
    return fill(rng.choice(options), ctx) if options else ""


def pick_text(rng, bank: dict[str, tuple[str, ...]], ctx: dict) -> dict[str, str]:
    """One text per key of an assessment bank, in the family's names."""
    picked = {}
    for key, options in bank.items():
        fitting = usable(options, ctx)
        if fitting:
            picked[key] = fill(rng.choice(fitting), ctx)
    return picked
