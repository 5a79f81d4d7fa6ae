from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Synthetic demo data (seed_demo) and the demo logins. Works only in demo mode."""

    name = "kokumin_nenkin.demo"
    label = "demo"
    verbose_name = "デモデータ"
