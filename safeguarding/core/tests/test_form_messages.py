"""Every form's error messages are written for their field, never assembled from its label (issue #8).

A label is often a question or part of a sentence ("Is this person a child or an adult in the family?",
"Of"), so a message made from it reads "Select is this person a child or an adult in the family?" or
"Select of". GOV.UK's guidance is a message that says what to do: "Select whether this person is a child or
an adult". These tests find every form class in the project, submit each one empty, and fail on a message
that is Django's default or looks assembled, so a new form has to write its own.
"""

from __future__ import annotations

import importlib
import pkgutil
import re

import pytest
from django import forms
from django.test import RequestFactory

import safeguarding
from safeguarding.accounts.models import Team, User
from safeguarding.core.forms import DJANGO_REQUIRED
from safeguarding.people.models import Person

AUXILIARY = r"(?:is|are|was|were|do|does|did|has|have|had|can|could|will|would|should|may|must)"
SUBJECT = r"(?:you|they|it|this|that|these|those|the|he|she|we|i|there|a|an)"
QUESTION_WORD = r"(?:what|why|which|who|whom|whose|how|when|where|whether)"
ASSEMBLED = (
    # "Select is this person a child…": a question label after the verb.
    re.compile(rf"^(?:Select|Enter) {AUXILIARY}\b", re.IGNORECASE),
    # "Enter why do you need…", "Select what is it about", "Select which adults will they work with":
    # a question's inverted word order. ("Select which adult this relationship is with" is fine.)
    re.compile(rf"^(?:Select|Enter) {QUESTION_WORD}(?: \w+)? {AUXILIARY} {SUBJECT}\b", re.IGNORECASE),
    # "Select of", "Select who", "Enter is the": a label that is a fragment of a sentence.
    re.compile(
        rf"^(?:Select|Enter) (?:{QUESTION_WORD}|of|to|for|from|with|by|the|a|an|is the)$", re.IGNORECASE
    ),
)


def assembled(message: str) -> bool:
    message = str(message).strip()
    return "?" in message or any(pattern.search(message) for pattern in ASSEMBLED)


@pytest.mark.parametrize(
    "message",
    [
        "Select is this person a child or an adult in the family?",
        "Select of",
        "Select who",
        "Enter why do you need to open this family's record now?",
        "Select what is it about?",
        "Select what is it about",
        "Enter why do you need to open",
        "Select which adults will they work with",
        "Why are you correcting this? must be 1000 characters or fewer",
    ],
)
def test_the_check_catches_messages_assembled_from_labels(message):
    assert assembled(message)


@pytest.mark.parametrize(
    "message",
    [
        "Select whether this person is a child or an adult",
        "Select which adult this relationship is with",
        "Enter why you need to open this family",
        "Enter why you are correcting this",
        "Select who made the referral",
        "Enter first name",
        "Select a worker",
        "Date of birth must be a real date",
    ],
)
def test_the_check_lets_written_messages_through(message):
    assert not assembled(message)


# ---- Every form class in the project ----------------------------------------------------------------------


def _import_every_module() -> None:
    for module in pkgutil.walk_packages(safeguarding.__path__, "safeguarding."):
        parts = module.name.split(".")
        if "tests" in parts or "migrations" in parts:
            continue
        importlib.import_module(module.name)


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def form_classes() -> list[type[forms.BaseForm]]:
    _import_every_module()
    found = {
        cls
        for cls in _subclasses(forms.BaseForm)
        # By its classes: a form made with type() (the journey's, one a step) is named as Django's module.
        if any(klass.__module__.startswith("safeguarding.") for klass in cls.__mro__)
        and ".tests" not in cls.__module__
        # A model form with no model is a base to build on (GovukModelForm), not a form.
        and not (issubclass(cls, forms.ModelForm) and cls._meta.model is None)
    }
    return sorted(found, key=_name)


def _name(cls) -> str:
    home = next(k for k in cls.__mro__ if k.__module__.startswith("safeguarding."))
    return f"{home.__module__}.{cls.__qualname__}"


# Forms that need more than their data to be made: what their views give them (with nothing to choose
# from: an empty form's messages do not depend on the choices). A new form that needs arguments must be
# added here, or the test below fails for it.
def _sign_in(cls, data):
    request = RequestFactory().post("/sign-in/")
    return cls(request, data=data)


CONSTRUCTORS = {
    "AllocationForm": lambda cls, data: cls(data, workers=User.objects.none(), adults=Person.objects.none()),
    "RelationshipForm": lambda cls, data: cls(data, members=[]),
    "FamilyForm": lambda cls, data: cls(data, teams=Team.objects.all()),
    "SignInForm": _sign_in,
    "ChronologyFilterForm": lambda cls, data: cls(data, kinds={}),
    # A chapter's fields are its parts' sections (none required); an empty chapter still has its version.
    "ChapterForm": lambda cls, data: cls(data, chapter=_NoParts()),
    "AddendumForm": lambda cls, data: cls(data, chapter=_NoParts()),
    # A measure's fields are its instrument's items: the DASH has the most (its professional judgement).
    "MeasureForm": lambda cls, data: cls(data, instrument=_dash()),
}


def _dash():
    from safeguarding.measures.definitions import SHIPPED_DIR, load_file

    return load_file(SHIPPED_DIR / "dash.json")[0]


class _NoParts:
    """A chapter with no parts yet, for the Workbook's chapter forms."""

    case_role = "social_worker"

    class parts:  # noqa: N801 - stands in for the related manager
        @staticmethod
        def all():
            return []


def make_form(cls, data):
    for klass in cls.__mro__:
        if klass.__name__ in CONSTRUCTORS:
            return CONSTRUCTORS[klass.__name__](cls, data)
    return cls(data)


FORM_CLASSES = form_classes()


def test_every_app_with_forms_is_walked():
    modules = {cls.__module__ for cls in FORM_CLASSES}
    for app in ("people", "allocation", "access", "accounts", "governance", "journey"):
        assert f"safeguarding.{app}.forms" in modules, app
    # The journey's forms are made from its steps: each step's form is walked.
    from safeguarding.journey.forms import CORRECT_FORMS, STEP_FORMS

    assert {*STEP_FORMS.values(), *CORRECT_FORMS.values()} <= set(FORM_CLASSES)


@pytest.mark.django_db
@pytest.mark.parametrize("form_class", FORM_CLASSES, ids=_name)
def test_an_empty_form_gives_messages_written_for_each_field(form_class):
    try:
        form = make_form(form_class, {})
    except TypeError as error:
        pytest.fail(f"{form_class.__qualname__} needs arguments: add it to CONSTRUCTORS ({error})")
    form.is_valid()
    shown = [str(message) for messages in form.errors.values() for message in messages]
    for message in shown:
        assert message != DJANGO_REQUIRED, f"{form_class.__qualname__}: Django's default message"
        assert not assembled(message), f"{form_class.__qualname__}: {message!r}"
    for name, field in form.fields.items():
        where = f"{form_class.__qualname__}.{name}"
        if field.required:
            written = str(field.error_messages.get("required", ""))
            if not (written == DJANGO_REQUIRED and _date_field(field)):
                assert written != DJANGO_REQUIRED, f"{where} has no message of its own when left empty"
                assert not assembled(written), f"{where}: {written!r}"
        if isinstance(field, forms.CharField) and field.max_length:
            too_long = str(field.error_messages.get("max_length", ""))
            assert too_long and not assembled(too_long), f"{where}: {too_long!r}"
        if _date_field(field):
            # A date's other messages start with its label: "Date of birth must be a real date".
            for typed in ({"day": "31", "month": "2", "year": "2020"}, {"day": "1", "month": "", "year": ""}):
                with pytest.raises(forms.ValidationError) as refused:
                    field.clean(typed)
                for message in refused.value.messages:
                    assert not assembled(message), f"{where}: {message!r}"


def _date_field(field) -> bool:
    # A GOV.UK date names itself in its label ("Date of birth"): its message is "Enter date of birth",
    # checked above through the empty form's errors.
    from safeguarding.core.forms import GovukDateField

    return isinstance(field, GovukDateField)
