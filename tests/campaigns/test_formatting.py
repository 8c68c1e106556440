"""Number, symbol and date lines read exactly as the guidance and the reference directive."""

import dataclasses
import datetime
import unicodedata

import pytest

from campaigns.documents.formatting import date_line, document_symbol, number_line, short_date
from campaigns.documents.profiles import FormatProfile, get_profile


@pytest.fixture
def padded() -> FormatProfile:
    return get_profile("hd36-2018")


@pytest.fixture
def unpadded(padded) -> FormatProfile:
    return dataclasses.replace(padded, name="unpadded", pad_date=False)


def test_symbol_of_the_reference_directive():
    assert document_symbol(number=32, type_code="HD", issuer_code="BTGĐUK") == "32-HD/BTGĐUK"


@pytest.mark.parametrize(
    ("number", "expected"),
    [(1, "01-HD/BTGĐUK"), (5, "05-HD/BTGĐUK"), (9, "09-HD/BTGĐUK"), (10, "10-HD/BTGĐUK")],
)
def test_symbol_numbers_below_ten_get_a_leading_zero(number, expected):
    assert document_symbol(number=number, type_code="HD", issuer_code="BTGĐUK") == expected


def test_symbol_allows_five_and_more_digits():
    assert document_symbol(number=123456, type_code="CTr", issuer_code="TU") == "123456-CTr/TU"


@pytest.mark.parametrize("number", [0, -1])
def test_symbol_rejects_numbers_below_one(number):
    with pytest.raises(ValueError, match="1 or more"):
        document_symbol(number=number, type_code="HD", issuer_code="BTGĐUK")


def test_symbol_rejects_a_bool_number():
    with pytest.raises(TypeError):
        document_symbol(number=True, type_code="HD", issuer_code="BTGĐUK")


@pytest.mark.parametrize(
    ("type_code", "issuer_code"), [("", "BTGĐUK"), ("  ", "BTGĐUK"), ("HD", ""), ("HD", " ")]
)
def test_symbol_rejects_empty_codes(type_code, issuer_code):
    with pytest.raises(ValueError, match="must not be empty"):
        document_symbol(number=32, type_code=type_code, issuer_code=issuer_code)


@pytest.mark.parametrize(
    ("type_code", "issuer_code"), [("HD/X", "BTGĐUK"), ("HD", "BTG-ĐUK"), ("HD", "BTG ĐUK")]
)
def test_symbol_rejects_codes_that_would_break_it_apart(type_code, issuer_code):
    with pytest.raises(ValueError, match="must not contain"):
        document_symbol(number=32, type_code=type_code, issuer_code=issuer_code)


def test_number_line_has_no_colon():
    assert number_line("32-HD/BTGĐUK") == "Số 32-HD/BTGĐUK"


def test_number_line_rejects_an_empty_symbol():
    with pytest.raises(ValueError, match="must not be empty"):
        number_line(" ")


@pytest.mark.parametrize("profile_name", ["padded", "unpadded"])
def test_date_line_of_the_reference_directive(request, profile_name):
    profile = request.getfixturevalue(profile_name)
    line = date_line(place="Cần Thơ", day=datetime.date(2024, 3, 29), profile=profile)
    assert line == "Cần Thơ, ngày 29 tháng 3 năm 2024"


def test_padded_date_line_pads_day_and_february(padded):
    line = date_line(place="Cần Thơ", day=datetime.date(2026, 2, 5), profile=padded)
    assert line == "Cần Thơ, ngày 05 tháng 02 năm 2026"


def test_padded_date_line_pads_january(padded):
    line = date_line(place="Hà Nội", day=datetime.date(2026, 1, 9), profile=padded)
    assert line == "Hà Nội, ngày 09 tháng 01 năm 2026"


@pytest.mark.parametrize("month", range(3, 13))
def test_padded_date_line_never_pads_months_from_march(padded, month):
    line = date_line(place="Cần Thơ", day=datetime.date(2025, month, 5), profile=padded)
    assert line == f"Cần Thơ, ngày 05 tháng {month} năm 2025"


def test_unpadded_date_line_writes_plain_numbers(unpadded):
    line = date_line(place="Cần Thơ", day=datetime.date(2026, 2, 5), profile=unpadded)
    assert line == "Cần Thơ, ngày 5 tháng 2 năm 2026"


def test_date_line_is_nfc_even_from_decomposed_input(padded):
    place = unicodedata.normalize("NFD", "Cần Thơ")
    line = date_line(place=place, day=datetime.date(2024, 3, 29), profile=padded)
    assert line == "Cần Thơ, ngày 29 tháng 3 năm 2024"
    assert unicodedata.is_normalized("NFC", line)


def test_date_line_rejects_an_empty_place(padded):
    with pytest.raises(ValueError, match="place"):
        date_line(place="", day=datetime.date(2024, 3, 29), profile=padded)


def test_short_date_is_unpadded_as_in_basis_lines():
    assert short_date(datetime.date(2024, 3, 14)) == "14/3/2024"
    assert short_date(datetime.date(2024, 10, 10)) == "10/10/2024"
    assert short_date(datetime.date(2026, 2, 5)) == "5/2/2026"


def test_basis_line_reads_as_in_the_reference_directive():
    symbol = document_symbol(number=52, type_code="HD", issuer_code="BTGTU")
    basis = f"Hướng dẫn số {symbol} ngày {short_date(datetime.date(2024, 3, 14))}"
    assert basis == "Hướng dẫn số 52-HD/BTGTU ngày 14/3/2024"
