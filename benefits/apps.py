from django.apps import AppConfig


class BenefitsConfig(AppConfig):
    """Benefit claims taken in and forwarded to JPS (裁定請求, items 47–55)."""

    name = "benefits"
    verbose_name = "給付"

    def ready(self) -> None:
        from .audit_diffs import register_diffs
        from .demo import register_demo_parts
        from .kinds import register_all
        from .panels import register_panels

        register_all()
        register_panels()
        register_demo_parts()
        register_diffs()
