from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    """Staff accounts, offices and roles (職員・事務所・役割)."""

    name = "kokumin_nenkin.accounts"
    label = "accounts"
    verbose_name = "職員管理"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from .kinds import register_kinds
        from .roles import sync_reference_data
        from .session import start_on_login

        post_migrate.connect(sync_reference_data, sender=self)
        user_logged_in.connect(start_on_login, dispatch_uid="kn_session_clock")
        register_kinds()
