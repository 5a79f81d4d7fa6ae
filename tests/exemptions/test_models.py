"""Items 16–46 exist under their exact Japanese names; one latest row per person and kind."""

from datetime import date

import pytest
from django.apps import apps
from django.db import IntegrityError, transaction

from exemptions.models import ExemptionApplication

from .conftest import make_person

# RECORD_ITEMS.md, items 16–46, exactly as written there.
ITEMS = {
    16: "申請期間（免除・学特）",
    17: "処理結果（免除・学特）",
    18: "免除区分",
    19: "申請年月日（免除・学特）",
    20: "免除結果種別区分コード",
    21: "免除始期",
    22: "免除終期",
    23: "承認期間（開始）",
    24: "承認期間（終了）",
    25: "却下期間（開始）",
    26: "却下期間（終了）",
    27: "免除取消期間（開始）",
    28: "免除取消期間（終了）",
    29: "免除理由（法定免除）",
    30: "免除消滅理由",
    31: "該当年月日（法定免除）",
    32: "消滅_不該当年月日",
    33: "取消_不該当年月日",
    34: "免除始期（法定免除）",
    35: "免除終期（法定免除）",
    36: "出産の予定日（出産日）",
    37: "単胎妊娠又は多胎妊娠の別",
    38: "免除始期（産前産後免除）",
    39: "免除終期（産前産後免除）",
    40: "付加納付申出年月日",
    41: "付加加入理由",
    42: "付加該当年月日",
    43: "付加納付辞退申出年月日",
    44: "付加辞退（非該当）理由",
    45: "付加非該当年月日",
    46: "処理結果（付加）",
}


def exemption_field_names() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for model in apps.get_app_config("exemptions").get_models():
        for field in model._meta.get_fields():
            name = getattr(field, "verbose_name", None)
            if name:
                found.setdefault(str(name), []).append(f"{model.__name__}.{field.name}")
    return found


@pytest.mark.parametrize("number,name", ITEMS.items(), ids=[str(n) for n in ITEMS])
def test_every_item_16_to_46_has_a_field_with_its_exact_name(number, name):
    assert name in exemption_field_names(), f"item {number} 「{name}」 is missing"


def test_every_exemption_record_carries_latest_flag_and_operator():
    names = exemption_field_names()
    for label in ("最新フラグ", "操作者ID"):
        holders = {h.split(".")[0] for h in names[label]}
        assert holders == {
            "ExemptionApplication",
            "StatutoryExemption",
            "MaternityExemption",
            "AdditionalPremium",
        }


@pytest.mark.django_db
def test_the_database_refuses_two_latest_rows_for_one_person(cast):
    person = make_person()
    fields = {
        "person": person,
        "operator": cast["madoguchi"],
        "period_year": 2024,
        "exemption_class": "01",
        "applied_on": date(2024, 8, 1),
        "start_month": date(2024, 7, 1),
        "end_month": date(2025, 6, 1),
    }
    ExemptionApplication.objects.create(**fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        ExemptionApplication.objects.create(**fields)
    ExemptionApplication.objects.create(**fields, is_latest=False)
