"""Check digits of the NHS number and the unique pupil number (UPN).

The expected answers are worked by hand from the published algorithms, not read back from the code:

- NHS number (NHS Data Dictionary, "NHS Number"): multiply digits 1-9 by 10 down to 2, add, take the
  remainder mod 11 and subtract it from 11. 11 gives check digit 0; 10 means no valid number starts
  with those nine digits.
- UPN (DfE, "Unique pupil numbers", Annex A): multiply characters 2-13 by their positions 2 to 13 (a
  letter in position 13 of a temporary UPN counts as its place in the check-letter alphabet), add, take
  the remainder mod 23 and read it against ABCDEFGHJKLMNPQRTUVWXYZ (no I, O or S).

The hypothesis properties use the small reference implementations below, written from those
definitions, as the oracle.
"""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safeguarding.people.identifiers import (
    format_nhs_number,
    nhs_number_check_digit,
    nhs_number_is_valid,
    normalise_nhs_number,
    normalise_upn,
    upn_check_letter,
    upn_is_valid,
)

DFE_CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"


def reference_nhs_check_digit(first_nine: str) -> int | None:
    remainder = (
        sum(int(digit) * weight for digit, weight in zip(first_nine, range(10, 1, -1), strict=True)) % 11
    )
    check = 11 - remainder
    if check == 11:
        return 0
    return None if check == 10 else check


def reference_upn_check_letter(last_twelve: str) -> str:
    total = 0
    for position, char in enumerate(last_twelve, start=2):
        total += position * (int(char) if char.isdigit() else DFE_CHECK_LETTERS.index(char))
    return DFE_CHECK_LETTERS[total % 23]


# --- NHS number: worked examples ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "working"),
    [
        # 9*10+4*9+3*8+4*7+7*6+6*5+5*4+9*3+1*2 = 299; 299 mod 11 = 2; 11 - 2 = 9
        ("9434765919", "remainder 2, check 9"),
        # 9 * (10+9+...+2) = 9 * 54 = 486; 486 mod 11 = 2; 11 - 2 = 9
        ("9999999999", "remainder 2, check 9"),
        # 9*10+9*9+9*8 + 5*2 = 253 = 11 * 23; remainder 0; 11 - 0 = 11, which gives check digit 0
        ("9990000050", "remainder 0, check 0"),
        # 9*10+9*9+9*8 + 1*2 = 245; 245 mod 11 = 3; 11 - 3 = 8
        ("9990000018", "remainder 3, check 8"),
    ],
)
def test_nhs_number_with_correct_check_digit_is_valid(number, working):
    assert nhs_number_is_valid(number), working


@pytest.mark.parametrize(
    "number",
    [
        "9434765918",  # check digit should be 9
        "9434765910",
        "9999999990",
        "9990000051",  # check digit should be 0
        "9990000010",  # check digit should be 8
    ],
)
def test_nhs_number_with_wrong_check_digit_is_invalid(number):
    assert not nhs_number_is_valid(number)


@pytest.mark.parametrize("last_digit", "0123456789")
def test_nhs_number_whose_remainder_gives_ten_is_invalid_whatever_its_last_digit(last_digit):
    # 9*10+9*9+9*8 = 243; 243 mod 11 = 1; 11 - 1 = 10: no check digit exists for 999000000.
    assert not nhs_number_is_valid("999000000" + last_digit)


def test_nine_digits_whose_remainder_gives_ten_have_no_check_digit():
    assert nhs_number_check_digit("999000000") is None


@pytest.mark.parametrize(
    ("first_nine", "check"), [("943476591", 9), ("999999999", 9), ("999000005", 0), ("999000001", 8)]
)
def test_nhs_number_check_digit_matches_the_worked_examples(first_nine, check):
    assert nhs_number_check_digit(first_nine) == check


@pytest.mark.parametrize(
    "number",
    [
        "943476591",  # nine digits
        "94347659190",  # eleven digits
        "943476591X",
        "",
        "²²²²²²²²²²",  # str.isdigit() is true of superscripts, but they are not digits of a number
        "٩٤٣٤٧٦٥٩١٩",  # 9434765919 in Arabic-Indic digits
    ],
)
def test_nhs_number_that_is_not_ten_ascii_digits_is_invalid(number):
    assert not nhs_number_is_valid(number)


@pytest.mark.parametrize("typed", ["943 476 5919", "943-476-5919", " 9434765919 ", "943\t476\t5919"])
def test_nhs_number_typed_with_spaces_or_hyphens_is_normalised_and_valid(typed):
    assert normalise_nhs_number(typed) == "9434765919"
    assert nhs_number_is_valid(typed)


def test_nhs_number_is_formatted_in_groups_of_three_three_four():
    assert format_nhs_number("9434765919") == "943 476 5919"


# --- NHS number: properties --------------------------------------------------------------------------

nine_digits = st.text(alphabet="0123456789", min_size=9, max_size=9)


@given(nine_digits)
def test_any_nine_digits_with_their_computed_check_digit_validate(first_nine):
    check = reference_nhs_check_digit(first_nine)
    assert nhs_number_check_digit(first_nine) == check
    if check is None:
        assert not any(nhs_number_is_valid(first_nine + d) for d in "0123456789")
    else:
        assert nhs_number_is_valid(first_nine + str(check))


@st.composite
def valid_nhs_numbers(draw):
    first_nine = draw(nine_digits.filter(lambda digits: reference_nhs_check_digit(digits) is not None))
    return first_nine + str(reference_nhs_check_digit(first_nine))


@given(valid_nhs_numbers(), st.integers(min_value=0, max_value=9), st.integers(min_value=1, max_value=9))
def test_changing_any_single_digit_of_a_valid_nhs_number_invalidates_it(number, position, shift):
    # Weights 10..1 and changes 1..9 are all non-zero mod 11 (a prime), so every single-digit change moves
    # the weighted sum off a multiple of 11.
    changed = number[:position] + str((int(number[position]) + shift) % 10) + number[position + 1 :]
    assert nhs_number_is_valid(number)
    assert not nhs_number_is_valid(changed)


# --- UPN: worked examples ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("upn", "working"),
    [
        # 8*2+0*3+1*4+2*5+0*6+0*7+0*8+0*9+5*10+0*11+0*12+1*13 = 93; 93 mod 23 = 1 -> B
        ("B801200005001", "93 mod 23 = 1"),
        # 9*2+9*3+9*4+1*5+2*6+3*7+4*8+1*9+2*10+3*11+4*12+5*13 = 326; 326 mod 23 = 4 -> E
        ("E999123412345", "326 mod 23 = 4"),
        # Temporary UPN: position 13 is A, worth 0: 80 + 0 = 80; 80 mod 23 = 11 -> M
        ("M80120000500A", "80 mod 23 = 11"),
        # Temporary UPN: T is the 17th letter, worth 16: 261 + 16*13 = 469; 469 mod 23 = 9 -> K
        ("K99912341234T", "469 mod 23 = 9"),
    ],
)
def test_upn_with_correct_check_letter_is_valid(upn, working):
    assert upn_check_letter(upn[1:]) == upn[0], working
    assert upn_is_valid(upn), working


@pytest.mark.parametrize(
    "upn",
    [
        "A801200005001",  # check letter should be B
        "C801200005001",
        "E999123412346",  # last digit changed
        "B80120000500A",  # temporary UPN whose check letter should be M
        "K99912341234U",  # temporary UPN whose last letter changed
    ],
)
def test_upn_with_wrong_check_letter_is_invalid(upn):
    assert not upn_is_valid(upn)


@pytest.mark.parametrize(
    "upn",
    [
        "B80120000500",  # twelve characters
        "B8012000050011",  # fourteen characters
        "1801200005001",  # no check letter
        "B80120000500I",  # I, O and S are never used in a UPN
        "B80120000500O",
        "B80120000500S",
        "B8012000A5001",  # a letter is allowed only in the last position
        "B٨٠١٢٠٠٠٠٥٠٠1",  # B801200005001 with Arabic-Indic digits in positions 2-12
        "",
    ],
)
def test_upn_of_the_wrong_shape_is_invalid(upn):
    assert not upn_is_valid(upn)


@pytest.mark.parametrize(
    ("last_twelve", "letter"),
    [
        ("000000000000", "A"),  # remainder 0
        ("400000000000", "J"),  # 4*2 = 8: J, not I
        ("000000000001", "P"),  # 1*13 = 13: P, not N (I skipped) or O
        ("800000000000", "T"),  # 8*2 = 16: T, not Q, R or S
        ("900000000000", "V"),  # 9*2 = 18: V, not S
        ("000000000007", "Z"),  # 7*13 = 91; 91 mod 23 = 22: Z, the 23rd letter
    ],
)
def test_upn_check_letter_alphabet_skips_i_o_and_s(last_twelve, letter):
    assert upn_check_letter(last_twelve) == letter


def test_upn_is_normalised_to_capitals_without_spaces():
    assert normalise_upn(" b801 2000 05001 ") == "B801200005001"
    assert upn_is_valid("b801200005001")


# --- UPN: properties ---------------------------------------------------------------------------------

eleven_digits = st.text(alphabet="0123456789", min_size=11, max_size=11)
last_character = st.sampled_from("0123456789" + DFE_CHECK_LETTERS)


@given(eleven_digits, last_character)
def test_any_twelve_characters_with_their_computed_check_letter_validate(middle, last):
    last_twelve = middle + last
    letter = reference_upn_check_letter(last_twelve)
    assert upn_check_letter(last_twelve) == letter
    assert upn_is_valid(letter + last_twelve)


@given(
    eleven_digits, st.sampled_from("0123456789"), st.integers(min_value=1, max_value=12), st.integers(1, 9)
)
def test_changing_any_single_digit_of_a_valid_upn_invalidates_it(middle, last, position, shift):
    # Weights 2..13 and changes 1..9 are non-zero mod 23 (a prime), so the check letter always moves.
    upn = reference_upn_check_letter(middle + last) + middle + last
    changed = upn[:position] + str((int(upn[position]) + shift) % 10) + upn[position + 1 :]
    assert upn_is_valid(upn)
    assert not upn_is_valid(changed)


@given(eleven_digits, last_character, st.sampled_from(DFE_CHECK_LETTERS))
def test_changing_the_check_letter_of_a_valid_upn_invalidates_it(middle, last, other_letter):
    upn = reference_upn_check_letter(middle + last) + middle + last
    changed = other_letter + upn[1:]
    assert upn_is_valid(changed) == (other_letter == upn[0])
