from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("jobs", "0002_worker_heartbeat"),
    ]

    operations = [
        migrations.AddField(
            model_name="job",
            name="worker_id",
            field=models.CharField(blank=True, max_length=64, verbose_name="ワーカーID"),
        ),
    ]
