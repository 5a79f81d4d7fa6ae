from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    """Staff accounts, offices and roles (職員・事務所・役割)."""

    name = "kokumin_nenkin.accounts"
    label = "accounts"
    verbose_name = "職員管理"

    def ready(self) -> None:
        from .roles import sync_reference_data

        post_migrate.connect(sync_reference_data, sender=self)
