"""Instruments as data: the shipped definitions load and say what they must; a broken definition is refused
with the file and the field; a council loads its own (or a new version) with a command, without code."""

from __future__ import annotations

import copy
import json

import pytest
from django.core.management import CommandError, call_command

from .. import instruments
from ..definitions import SHIPPED_DIR, DefinitionError, parse, shipped

SHIPPED = {i.code: i for i in shipped()}


def raw(code):
    return json.loads((SHIPPED_DIR / f"{code}.json").read_text(encoding="utf-8"))


def test_the_eight_instruments_are_shipped_with_their_ranges():
    ranges = {code: (i.min_score, i.max_score, len(i.items)) for code, i in SHIPPED.items()}
    assert ranges == {
        "phq9": (0, 27, 9),
        "gad7": (0, 21, 7),
        "audit": (0, 40, 10),
        "audit-c": (0, 12, 3),
        "dudit": (0, 44, 11),
        "core10": (0, 40, 10),
        "dash": (0, 24, 24),
        "wemwbs": (14, 70, 14),
    }


def test_every_shipped_definition_says_its_source_licence_and_that_labels_are_our_own():
    for instrument in SHIPPED.values():
        assert instrument.source and instrument.licence_text
        assert instrument.wording == "own_labels"


def test_the_items_that_score_0_2_4_and_the_reverse_and_risk_items():
    audit, dudit, core = SHIPPED["audit"], SHIPPED["dudit"], SHIPPED["core10"]
    assert [o.score for o in audit.item(9).options] == [0, 2, 4] == [o.score for o in audit.item(10).options]
    assert [o.score for o in dudit.item(10).options] == [0, 2, 4] == [o.score for o in dudit.item(11).options]
    assert [i.number for i in core.items if i.reverse] == [2, 3]
    assert [i.number for i in core.risk_items] == [6]
    assert [i.number for i in SHIPPED["phq9"].risk_items] == [9]


def test_wemwbs_needs_the_councils_licence_before_it_is_administered(settings):
    wemwbs = SHIPPED["wemwbs"]
    settings.MEASURES_LICENCES_HELD = frozenset()
    assert wemwbs.licence_required and not instruments.licence_held(wemwbs)
    assert instruments.licence_held(SHIPPED["phq9"])
    settings.MEASURES_LICENCES_HELD = frozenset({"wemwbs"})
    assert instruments.licence_held(wemwbs)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d.pop("source"), "source"),
        (lambda d: d.update(wording="official"), "wording"),
        (lambda d: d["items"][1].update(number=5), "items[1].number"),
        (lambda d: d["items"][0].update(label=""), "items[0].label"),
        (lambda d: d["options"][0].update(score=-1), "options[0].score"),
        (lambda d: d["options"][1].update(score="two"), "options[1].score"),
        (lambda d: d["bands"][1].update({"from": 6}), "bands[1].from"),
        (lambda d: d["bands"][-1].update(to=30), "bands[4].to"),
        (lambda d: d["alerts"][0].update(item=3), "alerts[0].item"),
        (lambda d: d["alerts"][0].update(kind="email"), "alerts[0].kind"),
        (lambda d: d.update(missing={"prorate_up_to": 9}), "missing.prorate_up_to"),
        (lambda d: d["change"].update(reliable_points="six"), "change.reliable_points"),
    ],
)
def test_a_broken_definition_is_refused_naming_the_file_and_the_field(change, field):
    data = copy.deepcopy(raw("phq9"))
    change(data)
    with pytest.raises(DefinitionError) as refused:
        parse(data, "council-phq9.json")
    assert refused.value.origin == "council-phq9.json"
    assert field in [where for where, _message in refused.value.problems]
    assert str(refused.value).startswith("council-phq9.json: ")


def test_sex_specific_bands_must_say_whose_apply_when_sex_is_not_recorded():
    data = copy.deepcopy(raw("dudit"))
    del data["bands_by_sex"]["unknown_uses"]
    with pytest.raises(DefinitionError) as refused:
        parse(data, "dudit.json")
    assert [w for w, _m in refused.value.problems] == ["bands_by_sex.unknown_uses"]


def test_licensed_wording_needs_the_licence_held():
    data = copy.deepcopy(raw("wemwbs"))
    data["wording"] = "licensed"
    with pytest.raises(DefinitionError) as refused:
        parse(data, "wemwbs.json")
    assert "wording" in [w for w, _m in refused.value.problems]
    data["licence"]["held"] = True
    assert parse(data, "wemwbs.json").wording == "licensed"


@pytest.mark.django_db
def test_a_council_loads_its_own_instrument_without_code(tmp_path):
    data = copy.deepcopy(raw("gad7"))
    data.update(code="gad2", name="GAD-2", title="Anxiety, two questions", items=data["items"][:2])
    data["bands"] = [{"from": 0, "to": 2, "label": "Negative"}, {"from": 3, "to": 6, "label": "Positive"}]
    data["change"] = None
    path = tmp_path / "gad2.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    call_command("measures_load", str(path))
    loaded = instruments.current_of("gad2")
    assert (loaded.name, loaded.max_score, [b.label for b in loaded.bands]) == (
        "GAD-2",
        6,
        ["Negative", "Positive"],
    )


@pytest.mark.django_db
def test_a_new_version_must_be_higher_and_becomes_current_while_the_old_stays(tmp_path):
    data = copy.deepcopy(raw("phq9"))
    path = tmp_path / "phq9.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CommandError, match="higher version"):
        call_command("measures_load", str(path))
    data["version"] = 2
    data["items"][0]["label"] = "Interest or pleasure in doing things (council wording)"
    path.write_text(json.dumps(data), encoding="utf-8")
    call_command("measures_load", str(path))
    assert instruments.current_of("phq9").version == 2
    assert ("phq9", 1) in instruments.every() and ("phq9", 2) in instruments.every()


@pytest.mark.django_db
def test_the_command_lists_every_problem_in_a_broken_file(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"code": "Bad Code", "version": 0}', encoding="utf-8")
    with pytest.raises(CommandError) as refused:
        call_command("measures_load", str(path))
    message = str(refused.value)
    assert message.startswith(f"{path.name}: ") or message.startswith(f"{path}: ")
    for field in ("code", "version", "items", "licence", "source"):
        assert f"  {field}:" in message
    path.write_text("not json", encoding="utf-8")
    with pytest.raises(CommandError, match="not valid JSON"):
        call_command("measures_load", str(path))
