"""Check digits of the identifiers a child's record carries.

NHS number: ten digits, the last a modulus 11 check digit over the first nine weighted 10 down to 2
(NHS Data Dictionary, "NHS Number"). A remainder giving 10 means the number is not valid.

Unique pupil number (UPN): thirteen characters, a check letter followed by twelve characters (the local
authority number, the establishment number, the year and a serial; the last may be a letter in a
temporary UPN). The check letter is the sum of characters 2 to 13 weighted by their position, modulo 23,
read against the 23 letters that omit I, O and S (DfE, "Unique pupil numbers (UPN)" guidance, Annex A).
"""

import re

UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
# re.ASCII: without it \d also matches other scripts' digits (Arabic-Indic, Devanagari...), which are not
# digits of an identifier that is sent to the DfE.
_UPN_SHAPE = re.compile(r"^[A-Z]\d{11}[0-9A-Z]$", re.ASCII)


def normalise_nhs_number(value: str) -> str:
    return re.sub(r"[\s-]", "", value or "")


def nhs_number_is_valid(value: str) -> bool:
    digits = normalise_nhs_number(value)
    # isascii: str.isdigit() is also true of superscripts and other scripts' digits, which int() rejects
    # or which are not an NHS number's digits.
    if len(digits) != 10 or not (digits.isascii() and digits.isdigit()):
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def nhs_number_check_digit(first_nine: str) -> int | None:
    """The check digit for nine digits, or None when no valid NHS number starts with them."""
    total = sum(int(d) * w for d, w in zip(first_nine, range(10, 1, -1), strict=True))
    check = (11 - total % 11) % 11
    return None if check == 10 else check


def format_nhs_number(value: str) -> str:
    digits = normalise_nhs_number(value)
    return f"{digits[:3]} {digits[3:6]} {digits[6:]}" if len(digits) == 10 else value


def normalise_upn(value: str) -> str:
    return re.sub(r"\s", "", value or "").upper()


def upn_check_letter(last_twelve: str) -> str:
    total = 0
    for position, char in enumerate(last_twelve, start=2):
        value = int(char) if char.isdigit() else UPN_LETTERS.index(char)
        total += value * position
    return UPN_LETTERS[total % 23]


def upn_is_valid(value: str) -> bool:
    upn = normalise_upn(value)
    if not _UPN_SHAPE.match(upn):
        return False
    if not upn[12].isdigit() and upn[12] not in UPN_LETTERS:
        return False
    return upn[0] == upn_check_letter(upn[1:])


# A UK postcode's shape (outward code, optional space, inward code), checked on addresses and on the
# postcodes the SSDA903 return carries. Shape only: whether it exists needs the postcode directory.
_POSTCODE_SHAPE = re.compile(r"[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}", re.ASCII)
POSTCODE_MESSAGE = "Enter a real postcode, for example LS1 4AP"


def normalise_postcode(value: str) -> str:
    """A postcode written as DB1 1AA however it was typed ("db11aa", "db1  1aa"): the inward code is
    always the last three characters. Anything that is not a postcode comes back trimmed, for the caller to
    refuse."""
    compact = "".join((value or "").split()).upper()
    if postcode_is_valid(compact):
        return f"{compact[:-3]} {compact[-3:]}"
    return (value or "").strip()


def postcode_is_valid(value: str) -> bool:
    return bool(_POSTCODE_SHAPE.fullmatch((value or "").strip().upper()))
