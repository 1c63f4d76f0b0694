"""Callback numbers: E.164 shape, and a number that is valid for its country (phonenumbers).

Parsing with phonenumbers costs about 40 µs a number, too much for 50,000 reservations, so an
E.164 string is split into country code and national number directly (country codes are
prefix-free) and only unusual numbers go through the full parser. Results are cached because big
batches repeat numbers. Messages mask numbers to their last four digits.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final

import phonenumbers

from reconciler.core.model import Origin
from reconciler.core.problems import Problem
from reconciler.core.redact import mask_number

_E164: Final = re.compile(r"\+[1-9][0-9]{1,14}\Z")


def _country_code(digits: str) -> int | None:
    for size in (1, 2, 3):
        code = int(digits[:size])
        if code in phonenumbers.COUNTRY_CODE_TO_REGION_CODE:
            return code
    return None


def _valid(number: str, code: int, national: str) -> bool:
    if national and not national.startswith("0"):
        parsed = phonenumbers.PhoneNumber(country_code=code, national_number=int(national))
        # The main region is tried first by phonenumbers too; valid there means valid.
        main_region = phonenumbers.COUNTRY_CODE_TO_REGION_CODE[code][0]
        if phonenumbers.is_valid_number_for_region(parsed, main_region):
            return True
        return bool(phonenumbers.is_valid_number(parsed))
    try:  # leading zeros (Italy) need the full parser
        return bool(phonenumbers.is_valid_number(phonenumbers.parse(number, None)))
    except phonenumbers.NumberParseException:
        return False


@lru_cache(maxsize=65536)
def number_problem(number: str) -> tuple[str, str, str] | None:
    """(code, message, hint) when `number` is not a valid E.164 number, else None."""
    if not _E164.match(number):
        return (
            "phone.not-e164",
            f"{mask_number(number)} is not an E.164 number",
            'write it as "+" country code and number, without spaces, e.g. "+14155550199"',
        )
    digits = number[1:]
    code = _country_code(digits)
    if code is None:
        return ("phone.invalid", f"{mask_number(number)} has no known country code", "")
    national = digits[len(str(code)) :]
    if _valid(number, code, national):
        return None
    regions = phonenumbers.COUNTRY_CODE_TO_REGION_CODE.get(code, ())
    where = regions[0] if len(regions) == 1 else f"country code +{code}"
    return (
        "phone.invalid",
        f"{mask_number(number)} is not a valid number for {where}",
        "check the digits; phonenumbers knows which lengths and prefixes exist",
    )


def check_number(number: str, origin: Origin) -> Problem | None:
    found = number_problem(number)
    if found is None:
        return None
    code, message, hint = found
    return Problem(code, message, origin, hint=hint or None)
