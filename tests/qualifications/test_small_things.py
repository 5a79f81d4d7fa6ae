"""Small things a user notices (issue 14, item 10): a short 宛名番号 finds the person, an
impossible date in the search box is said as one, 世帯主 once, the application prints the real
世帯主 and the 基礎年金番号, a favicon, hints that the fields point at, the user's own office."""

import re

import pytest
from django.urls import reverse

from qualifications.models import Household
from qualifications.selectors import search_persons, understand
from tests.exemptions.conftest import give_income, qualify
from tests.exemptions.conftest import make_person as make_member
from tests.pdf import pdf_text as printed_text
from tests.qualifications.factories import make_person
from tests.urlconf import ALL_PATTERNS, sample_path

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("typed", ["10", "010", "0000000010", "１０"])
def test_a_short_addressee_number_finds_the_zero_padded_person(typed):
    person = make_person(addressee_number="0000000010")
    make_person(addressee_number="0000000100")
    assert list(search_persons(understand(typed))) == [person]


@pytest.mark.parametrize("typed", ["令和8年2月30日", "R8.2.30", "2026-02-30", "平成31年5月1日"])
def test_an_impossible_date_in_search_is_said_not_searched_as_a_name(client_for, typed):
    make_person(family_name="令和")  # a name search would find this one
    client = client_for("madoguchi")
    response = client.post(reverse("qualifications:search"), {"q": typed})
    assert response.status_code == 200
    page = response.content.decode()
    assert "ありません" in page or "読めません" in page
    assert 'class="error"' in page
    by_get = client.get(reverse("qualifications:search"), {"q": typed}).content.decode()
    assert 'class="error"' in by_get and "令和　" not in by_get


def test_the_householder_is_said_once_on_the_person_page(client_for):
    home = Household.objects.create(number="H0000001")
    head = make_person(household=home, is_householder=True, relationship="世帯主")
    page = client_for("madoguchi").get(reverse("qualifications:person", args=[head.pk]))
    text = page.content.decode()
    assert "世帯主・世帯主" not in text


def pdf_text(content: bytes) -> str:
    """The printed text with the line breaks and spaces of the layout taken out."""
    return re.sub(r"\s+", "", printed_text(content))


def test_the_application_prints_the_spouse_as_householder_and_the_basic_pension_number(
    client_for, cast
):
    home = Household.objects.create(number="H0000002")
    husband = make_member(family="熊谷", given="一郎", household=home, householder=True)
    wife = make_member(given="花子", household=home, spouse=husband, relationship="妻")
    wife.basic_pension_number = "1234-567890"
    wife.save()
    qualify(wife, cast["kakunin"])
    give_income(wife, 2023, 500_000)
    url = f"/exemptions/persons/{wife.pk}/application.pdf?kind=exemption&year=2024"
    response = client_for("madoguchi").get(url)
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert "配偶者（熊谷一郎）" in text
    assert "本人または配偶者" not in text
    assert "基礎年金番号1234-567890" in text


def test_a_favicon_is_linked_and_served(client):
    page = client.get(reverse("accounts:login")).content.decode()
    href = re.search(r'<link rel="icon" href="([^"]+)"', page).group(1)
    assert href.endswith("favicon.svg")


def test_the_footer_names_the_users_own_office(client_for, cast):
    page = client_for("oosato").get("/").content.decode()
    footer = page[page.index('<footer class="site-footer">') :]
    assert cast["oosato"].office.name in footer


def _described_ids(html: str) -> set[str]:
    ids = set()
    for value in re.findall(r'aria-describedby="([^"]+)"', html):
        ids.update(value.split())
    return ids


def test_every_aria_describedby_points_at_an_element_that_exists(client_for, cast):
    """Over the URL walk (the pages without a parameter) and a person's pages."""
    person = make_person()
    pages = [sample_path(route) for route, _ in ALL_PATTERNS if "<" not in route]
    pages += [
        reverse("qualifications:person", args=[person.pk]),
        reverse("verification:new", args=["qualifications.acquisition", person.pk]),
        reverse("qualifications:memo_new", args=[person.pk]),
    ]
    missing = {}
    for name in ("madoguchi", "kakunin", "shintatsu", "kansa", "kanri"):
        client = client_for(name)
        for url in pages:
            response = client.get(url)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            html = response.content.decode()
            ids = set(re.findall(r'\sid="([^"]+)"', html))
            dangling = _described_ids(html) - ids
            if dangling:
                missing[url] = sorted(dangling)
    assert missing == {}
