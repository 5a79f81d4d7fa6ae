from django.apps import AppConfig


class VerificationConfig(AppConfig):
    """Two-person verification of every entry taken in from a paper form (二重確認体制)."""

    name = "kokumin_nenkin.verification"
    label = "verification"
    verbose_name = "二重確認"
