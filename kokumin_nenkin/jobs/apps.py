from django.apps import AppConfig


class JobsConfig(AppConfig):
    """Background jobs with progress (batch outputs, large imports)."""

    name = "kokumin_nenkin.jobs"
    label = "jobs"
    verbose_name = "バックグラウンド処理"
