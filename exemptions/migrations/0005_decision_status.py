"""Records hold JPS's decision only: 受付 / 確認済 / 進達済 were the office's steps, which the
verification Entry (and its history) already holds. A record in any of them waits for JPS:
審査中. The history rows of those office steps (受付→確認済, 確認済→進達済) are dropped here:
the same moves stand in the entry's history and in the audit chain."""

from django.db import migrations, models

OFFICE_STEPS = ("received", "verified", "reported")
RECORD_MODELS = ("ExemptionApplication", "StatutoryExemption", "MaternityExemption", "AdditionalPremium")


def forwards(apps, schema_editor):
    for name in RECORD_MODELS:
        apps.get_model("exemptions", name).objects.filter(decision__in=OFFICE_STEPS).update(
            decision="awaiting"
        )
    change = apps.get_model("exemptions", "DecisionChange")
    change.objects.filter(to_decision__in=OFFICE_STEPS).delete()
    change.objects.filter(from_decision__in=OFFICE_STEPS).update(from_decision="awaiting")


def backwards(apps, schema_editor):
    for name in RECORD_MODELS:
        apps.get_model("exemptions", name).objects.filter(decision="awaiting").update(
            decision="reported"
        )
    change = apps.get_model("exemptions", "DecisionChange")
    change.objects.filter(from_decision="awaiting").update(from_decision="reported")


DECISION_CHOICES = [
    ("awaiting", "審査中"),
    ("approved", "承認"),
    ("rejected", "却下"),
    ("returned", "返戻"),
    ("revoked", "取消"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("exemptions", "0004_jps_results_returned_renewal"),
    ]

    operations = [
        migrations.RenameModel("StatusChange", "DecisionChange"),
        migrations.RenameField("decisionchange", "from_status", "from_decision"),
        migrations.RenameField("decisionchange", "to_status", "to_decision"),
        *[migrations.RenameField(m.lower(), "status", "decision") for m in RECORD_MODELS],
        migrations.RunPython(forwards, backwards),
        *[
            migrations.AlterField(
                model_name=m.lower(),
                name="decision",
                field=models.CharField(
                    choices=DECISION_CHOICES, default="awaiting", max_length=10, verbose_name="審査状況"
                ),
            )
            for m in RECORD_MODELS
        ],
        migrations.AlterField(
            model_name="decisionchange",
            name="from_decision",
            field=models.CharField(choices=DECISION_CHOICES, max_length=10, verbose_name="変更前"),
        ),
        migrations.AlterField(
            model_name="decisionchange",
            name="to_decision",
            field=models.CharField(choices=DECISION_CHOICES, max_length=10, verbose_name="変更後"),
        ),
        migrations.AlterModelOptions(
            name="decisionchange",
            options={"ordering": ["id"], "verbose_name": "審査状況の履歴", "verbose_name_plural": "審査状況の履歴"},
        ),
    ]
