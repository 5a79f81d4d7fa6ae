"""The person page renders the panels other apps register, in order, with their own data."""

import pytest
from django.urls import reverse

from qualifications import panels
from tests.qualifications.factories import make_person


@pytest.fixture
def extra_panel():
    saved = dict(panels._PANELS)
    panels.register_panel(
        panels.PersonPanel(
            code="tests.greeting",
            title="試験用の欄",
            order=1,
            template_name="tests/_greeting_panel.html",
            context=lambda person: {"greeting": f"{person.family_name}さんの試験欄"},
        )
    )
    yield
    panels._PANELS.clear()
    panels._PANELS.update(saved)


def test_registered_panels_come_in_order():
    codes = [p.code for p in panels.registered_panels()]
    assert codes.index("exemptions.history") < codes.index("jps_reporting.returns")


@pytest.mark.django_db
def test_a_registered_panel_shows_on_the_person_page(client_for, extra_panel, settings):
    settings.TEMPLATES = [
        {
            **settings.TEMPLATES[0],
            "OPTIONS": {
                **settings.TEMPLATES[0].get("OPTIONS", {}),
                "loaders": [
                    (
                        "django.template.loaders.locmem.Loader",
                        {
                            "tests/_greeting_panel.html": (
                                "<section><h2>{{ panel.title }}</h2><p>{{ greeting }}</p></section>"
                            )
                        },
                    ),
                    "django.template.loaders.filesystem.Loader",
                    "django.template.loaders.app_directories.Loader",
                ],
            },
            "APP_DIRS": False,
        }
    ]
    person = make_person(family_name="架空")
    html = client_for("madoguchi").get(reverse("qualifications:person", args=[person.pk]))
    text = html.content.decode()
    assert "試験用の欄" in text and "架空さんの試験欄" in text
    assert text.index("試験用の欄") < text.index("免除・付加の履歴")  # order 1 comes first
