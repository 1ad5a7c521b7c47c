"""The DfE's published figures and the statistical neighbours (issue #12 items 2 and 6).

The golden values are read by hand from the DfE's files in ../shared/data/dfe (rows quoted in each test),
and checked here against what a fresh install has: the data migration loads the shipped compact table,
so these tests read the database the pages will read. Peterborough is council 874; its ten neighbours in
the DfE 2025 model (sn_model_2025_wide.csv, row 874) are, closest first: 331 Coventry, 831 Derby,
312 Hillingdon, 350 Bolton, 852 Southampton, 335 Walsall, 821 Luton, 354 Rochdale, 336 Wolverhampton,
883 Thurrock.
"""

import filecmp
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from safeguarding.outcomes import published
from safeguarding.outcomes.models import PublishedFigure, StatisticalNeighbour

pytestmark = pytest.mark.django_db

PETERBOROUGH = "874"
EAST_OF_ENGLAND = "E12000006"
DFE_DIR = Path(settings.BASE_DIR).parent / "shared" / "data" / "dfe"


def by_year(rows):
    return {row.year: row for row in rows}


# -- Golden values ----------------------------------------------------------------------------------------


def test_looked_after_rate_beside_the_neighbours_median_region_and_england_for_two_years():
    # cla_number_and_rate_per_10k_children.csv, population_type "Children looked after on 31 March each
    # year", column rate_per_10000:
    #   2025: Peterborough 72; neighbours Coventry 82, Derby 88, Hillingdon 41, Bolton 78, Southampton 90,
    #         Walsall 81, Luton 58, Rochdale 102, Wolverhampton 73, Thurrock 60. Sorted: 41 58 60 73 78 |
    #         81 82 88 90 102, so the median of ten is (78 + 81) / 2 = 79.5. East of England 49, England 67.
    #   2024: Peterborough 75; neighbours 83, 99, 43, 77, 97, 94, 62, 106, 78, 64 in the same order.
    #         Sorted: 43 62 64 77 78 | 83 94 97 99 106: median (78 + 83) / 2 = 80.5. East of England 50,
    #         England 69.
    rows = by_year(published.comparison(PETERBOROUGH, "cla_at31_rate"))
    assert sorted(rows) == [2021, 2022, 2023, 2024, 2025]
    y2025, y2024 = rows[2025], rows[2024]
    assert (y2025.council, y2025.neighbours, y2025.region, y2025.england) == (72, 79.5, 49, 67)
    assert (y2024.council, y2024.neighbours, y2024.region, y2024.england) == (75, 80.5, 50, 69)
    assert y2025.method == "median"
    assert (y2025.neighbours_with_value, y2025.neighbours_total) == (10, 10)
    assert y2025.region_code == EAST_OF_ENGLAND


def test_a_count_is_compared_with_the_sum_of_the_neighbours():
    # Same file, "Children starting to be looked after each year", children_count for 2025: Coventry 282,
    # Derby 156, Hillingdon 224, Bolton 220, Southampton 176, Walsall 115, Luton 125, Rochdale 176,
    # Wolverhampton 119, Thurrock 109; summed by hand: 1,702. Peterborough's own row: 182.
    row = by_year(published.comparison(PETERBOROUGH, "cla_started_count"))[2025]
    assert row.method == "sum"
    assert row.neighbours == 1702
    assert row.council == 182
    assert row.neighbours_with_value == 10


def test_a_suppressed_figure_stays_not_published_and_the_median_is_of_the_neighbours_that_have_one():
    # d5_cpps_at31march_by_duration_2013_to_2025.csv, 2025, column 2_years_or_more_percent: Peterborough
    # "c" (suppressed). Neighbours: Bolton c, Rochdale 5.3, Derby 5.1, Coventry 3.5, Walsall 0 (a real
    # zero), Wolverhampton 11.7, Luton c, Thurrock c, Southampton 3.1, Hillingdon 7.9. The seven
    # published, sorted: 0 3.1 3.5 5.1 5.3 7.9 11.7, median 5.1. East of England 2.6, England 2.3.
    row = by_year(published.comparison(PETERBOROUGH, "cp_2years_pct"))[2025]
    assert row.council is None
    assert row.council_marker == "c"
    assert (row.neighbours, row.neighbours_with_value, row.neighbours_total) == (5.1, 7, 10)
    assert (row.region, row.england) == (2.6, 2.3)
    stored = PublishedFigure.objects.get(area_code=PETERBOROUGH, year=2025, measure="cp_2years_pct")
    assert (stored.value, stored.marker) == (None, "c")
    # Walsall's 0 is published, and is a value, not a suppression.
    walsall = PublishedFigure.objects.get(area_code="335", year=2025, measure="cp_2years_pct")
    assert (walsall.value, walsall.marker) == (0, "")


def test_derived_rates_divide_by_the_ons_estimate_for_the_mid_year_before():
    # d5 file, CPP_At31 for Peterborough: 2025 222, 2024 277. ONS file, Peterborough 0-17: mid-2024 57,621,
    # mid-2023 56,451 (the CLA file's population_estimate for 2025 and 2024 is the same, which is how the
    # DfE pairs them). 222 / 57,621 x 10,000 = 38.53 -> 38.5; 277 / 56,451 x 10,000 = 49.07 -> 49.1.
    rows = by_year(published.comparison(PETERBOROUGH, "cp_at31_rate"))
    assert rows[2025].council == 38.5
    assert rows[2024].council == 49.1
    # c3 file, 2025, Peterborough: Domestic_Abuse_parent 1,266 of 3,182 episodes with assessment factors:
    # 39.79% -> 39.8.
    factor = by_year(published.comparison(PETERBOROUGH, "factor_domestic_abuse_parent"))[2025]
    assert factor.council == 39.8


def test_neighbours_in_rank_order_with_closeness_and_region():
    # sn_model_2025_wide.csv row 874: SN_1 331 "Very close", SN_3 312 "Close " (the DfE's trailing space
    # and capitals vary; we keep the band); Hillingdon is an Outer London borough, in the London region.
    found = published.neighbours(PETERBOROUGH)
    assert [n["code"] for n in found] == [
        "331",
        "831",
        "312",
        "350",
        "852",
        "335",
        "821",
        "354",
        "336",
        "883",
    ]
    assert [n["rank"] for n in found] == list(range(1, 11))
    assert found[0] == {
        "rank": 1,
        "code": "331",
        "name": "Coventry",
        "closeness": "Very close",
        "region_code": "E12000005",
        "region": "West Midlands",
    }
    assert (found[2]["name"], found[2]["closeness"], found[2]["region"]) == ("Hillingdon", "Close", "London")


def test_child_population_name_and_years():
    # ONS file, Peterborough 0-17: 2024 57,621 (the latest), 2012 45,392 (the first).
    assert published.child_population(PETERBOROUGH, 2024) == 57621
    assert published.child_population(PETERBOROUGH, 2012) == 45392
    assert published.child_population(PETERBOROUGH, 2027) == 57621, "later years use the latest estimate"
    assert published.child_population(PETERBOROUGH, 2011) is None
    assert published.child_population("999", 2024) is None
    assert published.council_name(PETERBOROUGH) == "Peterborough"
    assert published.council_name("999") is None
    assert published.years_published() == list(range(2013, 2026))
    assert published.years_published("cla_at31_rate") == [2021, 2022, 2023, 2024, 2025]


def test_every_measure_is_documented_and_shipped():
    codes = [m.code for m in published.MEASURES]
    assert len(codes) == len(set(codes))
    for measure in published.MEASURES:
        assert measure.unit in {"rate", "percent", "count"}
        assert measure.label and measure.counts and measure.source
        assert PublishedFigure.objects.filter(measure=measure.code, area_code=PETERBOROUGH).exists(), measure
    assert published.MEASURES_BY_CODE["cp_started_count"].comparator == "sum"
    assert published.MEASURES_BY_CODE["rereferrals_pct"].comparator == "median"


def test_the_selectors_use_a_handful_of_queries(django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        published.comparison(PETERBOROUGH, "cin_at31_rate")
    with django_assert_max_num_queries(3):
        published.neighbours(PETERBOROUGH)


def test_a_database_emptied_since_the_migration_is_filled_again_from_the_shipped_table(
    django_assert_num_queries,
):
    with django_assert_num_queries(1):
        assert published.ensure_loaded() is False
    PublishedFigure.objects.all().delete()
    StatisticalNeighbour.objects.all().delete()
    assert published.ensure_loaded() is True
    assert by_year(published.comparison(PETERBOROUGH, "cla_at31_rate"))[2025].neighbours == 79.5


def test_an_unknown_measure_is_refused():
    with pytest.raises(KeyError):
        published.comparison(PETERBOROUGH, "care_proceedings")


# -- The load command, on small synthetic files of the DfE's shape -------------------------------------

B1_HEADER = (
    "time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,"
    "old_la_code,new_la_code,la_name,category,Anypoint_episodes,Anypoint_child,Started_episodes,"
    "Started_child,Ended_episodes,Ended_child,At31_episodes,awaiting_assessment"
)


def b1_row(year, level, code, at31):
    if level == "National":
        place = "National,E92000001,England,,,,,"
    else:
        place = f"Local authority,E92000001,England,E12000006,East of England,{code},E06000031,Peterborough"
    return f"{year},Reporting year,{place},Children in Need,1,1,1,1,1,1,{at31},1"


def write(directory, name, lines):
    path = Path(directory) / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_newer_file_adds_its_year_and_replaces_the_years_it_holds(tmp_path):
    before_2024 = PublishedFigure.objects.get(area_code=PETERBOROUGH, year=2024, measure="cin_at31_count")
    write(
        tmp_path,
        "b1_children_in_need_2013_to_2026.csv",
        [
            B1_HEADER,
            b1_row(2026, "Local authority", PETERBOROUGH, 2000),
            b1_row(2026, "National", "", 400000),
            b1_row(2025, "Local authority", PETERBOROUGH, 2500),
            b1_row(2025, "National", "", "c"),
        ],
    )
    output = io.StringIO()
    call_command("outcomes_load_published", str(tmp_path), stdout=output)
    assert "for 2025 to 2026 from 1 file(s)" in output.getvalue()

    rows = by_year(published.comparison(PETERBOROUGH, "cin_at31_count"))
    assert rows[2026].council == 2000
    assert rows[2026].england == 400000
    assert rows[2025].council == 2500, "the newer file's 2025 replaces the shipped 2025"
    assert (
        rows[2025].england,
        PublishedFigure.objects.get(area_code="E92000001", year=2025, measure="cin_at31_count").marker,
    ) == (None, "c")
    # The file holds no neighbours for 2025 and 2026: their figures for those years are gone, not kept from
    # an older release beside the new one.
    assert rows[2025].neighbours is None and rows[2025].neighbours_with_value == 0
    # Years the file does not hold are untouched.
    assert PublishedFigure.objects.get(pk=before_2024.pk).value == before_2024.value
    # The derived rate for 2026 divides by the latest estimate there is (mid-2024, 57,621): 2,000 / 57,621
    # x 10,000 = 347.1.
    assert by_year(published.comparison(PETERBOROUGH, "cin_at31_rate"))[2026].council == 347.1
    assert 2026 in published.years_published()


def test_a_file_without_the_columns_we_need_is_refused_with_its_name(tmp_path):
    write(
        tmp_path, "b1_children_in_need_2026.csv", ["time_period,geographic_level,la_name", "2026,National,"]
    )
    with pytest.raises(CommandError, match=r"b1_children_in_need_2026\.csv: .*no column .*At31_episodes"):
        call_command("outcomes_load_published", str(tmp_path))
    assert not PublishedFigure.objects.filter(year=2026).exists()


@pytest.mark.parametrize(
    "bad_row, message",
    [
        (b1_row("2026/27", "National", "", 1), r"line 3: time_period '2026/27' is not a year"),
        (b1_row(2026, "National", "", 1).replace("National", "Ward", 1), r"line 3: geographic_level 'Ward'"),
        (b1_row(2026, "Local authority", "", 1), r"line 3: a Local authority row with no old_la_code"),
    ],
    ids=["not a year", "not a level", "no council code"],
)
def test_a_malformed_row_is_refused_and_nothing_is_loaded(tmp_path, bad_row, message):
    # Line 1 the header, line 2 a good row, line 3 the bad one: the message points at line 3.
    write(tmp_path, "b1_children_in_need_2026.csv", [B1_HEADER, b1_row(2026, "National", "", 5), bad_row])
    with pytest.raises(CommandError, match=message):
        call_command("outcomes_load_published", str(tmp_path))
    assert not PublishedFigure.objects.filter(year=2026).exists()


def test_a_missing_directory_or_one_without_dfe_files_is_refused(tmp_path):
    with pytest.raises(CommandError, match="no such directory"):
        call_command("outcomes_load_published", str(tmp_path / "absent"))
    write(tmp_path, "notes.csv", ["a,b"])
    with pytest.raises(CommandError, match="no DfE file we know"):
        call_command("outcomes_load_published", str(tmp_path))


def test_the_shipped_table_cannot_be_written_from_part_of_the_files(tmp_path):
    write(tmp_path, "b1_children_in_need_2026.csv", [B1_HEADER, b1_row(2026, "National", "", 5)])
    with pytest.raises(CommandError, match="needs every file; missing: .*cla_number_and_rate"):
        call_command("outcomes_load_published", str(tmp_path), "--write-shipped")


def test_a_newer_neighbour_model_replaces_the_stored_one(tmp_path):
    header = "old_la_code,la_name,region_ind,region_name," + ",".join(f"SN_{n},SN_{n}P" for n in range(1, 11))
    row = "874,Peterborough,2,East of England," + ",".join(f"{800 + n},Close " for n in range(1, 11))
    write(tmp_path, "sn_model_2025_wide.csv", [header, row])
    call_command("outcomes_load_published", str(tmp_path), stdout=io.StringIO())
    assert [n["code"] for n in published.neighbours(PETERBOROUGH)] == [str(800 + n) for n in range(1, 11)]
    assert {n["closeness"] for n in published.neighbours(PETERBOROUGH)} == {"Close"}
    assert StatisticalNeighbour.objects.count() == 10


# -- The shipped table is our derivation of the DfE's files ------------------------------------------------


@pytest.mark.skipif(not DFE_DIR.is_dir(), reason=f"the DfE files are not here ({DFE_DIR}): CI's clean clone")
def test_the_shipped_table_is_a_fresh_derivation_of_the_dfe_files(tmp_path):
    written = published.write_shipped(published.derive(published.find_sources(DFE_DIR)), tmp_path)
    for path in written:
        assert filecmp.cmp(path, published.DATA_DIR / path.name, shallow=False), (
            f"{path.name} differs from a fresh derivation: run "
            f"manage.py outcomes_load_published {DFE_DIR} --write-shipped"
        )


def test_the_shipped_files_carry_the_attribution():
    for name in (published.FIGURES_FILE, published.AREAS_FILE, published.NEIGHBOURS_FILE, "README.md"):
        text = (published.DATA_DIR / name).read_text(encoding="utf-8")
        assert "Open Government Licence v3.0" in text and "Department for Education" in text, name
