"""Identifiers: DOMAIN_RULES.md §5 and test vector 8."""

import pytest
from django.core.exceptions import ValidationError

from kokumin_nenkin import identifiers as ids


@pytest.mark.parametrize(
    "number,valid",
    [
        ("123456789018", True),
        ("123456789011", False),
        ("987654321093", True),
        ("１２３４ ５６７８ ９０１８", True),
        ("1234-5678-9018", True),
        ("12345678901", False),
        ("12345678901a", False),
        ("", False),
    ],
)
def test_my_number_check_digit(number, valid):
    assert ids.is_valid_my_number(number) is valid


def test_my_number_errors_are_japanese_and_do_not_echo_the_number():
    with pytest.raises(ValidationError) as exc:
        ids.validate_my_number("123456789011")
    assert "検査用数字" in exc.value.messages[0]
    assert "123456789011" not in exc.value.messages[0]
    with pytest.raises(ValidationError, match="12桁"):
        ids.validate_my_number("1234")


@pytest.mark.parametrize("code,valid", [("112020", True), ("131016", True), ("112021", False)])
def test_municipality_code(code, valid):
    assert ids.is_valid_municipality_code(code) is valid


@pytest.mark.parametrize(
    "text,normal",
    [
        ("1234567890", "1234-567890"),
        ("1234-567890", "1234-567890"),
        ("１２３４－５６７８９０", "1234-567890"),
    ],
)
def test_basic_pension_number_normalised(text, normal):
    assert ids.normalise_basic_pension_number(text) == normal


@pytest.mark.parametrize("text", ["123-4567890", "12345678901", "abcd-efghij", ""])
def test_basic_pension_number_format_refused(text):
    with pytest.raises(ValidationError, match="4桁の記号と6桁の番号"):
        ids.normalise_basic_pension_number(text)


def test_the_configured_city_code_is_valid(settings):
    assert ids.is_valid_municipality_code(settings.MUNICIPALITY_CODE)


@pytest.mark.parametrize(
    "text,found",
    [
        ("番号 123456789018 です", True),
        ("１２３４５６７８９０１８", True),
        ("1234-5678-9018", True),
        ("1234 5678 9018", True),
        ("受付番号 2025000001234", False),  # 13 digits: not a 12-digit run
        ("基礎年金番号 1234-567890", False),
        ("電話 048-512-3456", False),
        ("", False),
    ],
)
def test_my_number_like_scanner(text, found):
    assert ids.contains_my_number_like(text) is found


def test_known_receipt_numbers_can_be_allowed():
    text = "受付番号 202500000123 / 個人番号 123456789018"
    assert ids.find_my_number_like(text) == ["202500000123", "123456789018"]
    assert ids.find_my_number_like(text, allow={"202500000123"}) == ["123456789018"]


@pytest.mark.parametrize(
    "code,shown", [("3600845", "〒360-0845"), ("３６０－０８４５", "〒360-0845"), ("", "")]
)
def test_postal_code_is_shown_with_its_hyphen(code, shown):
    from django.template import Context, Template

    assert ids.format_postal_code(code) == shown
    assert Template("{{ c|postal }}").render(Context({"c": code})) == shown
