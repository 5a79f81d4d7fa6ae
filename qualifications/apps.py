from django.apps import AppConfig


class QualificationsConfig(AppConfig):
    """Person register, qualification file, memos and reissues (資格管理, items 1–15, 61–66)."""

    name = "qualifications"
    verbose_name = "資格管理"

    def ready(self) -> None:
        from . import audit_lookups, suspension
        from .demo import register_demo_parts
        from .home import register_summaries
        from .initial_load import register_parts
        from .kinds import register_all
        from .new_person import register_kind

        register_all()
        register_kind()
        register_summaries()
        audit_lookups.register()
        register_demo_parts()
        register_parts()
        suspension.register()
