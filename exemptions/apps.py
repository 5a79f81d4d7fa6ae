from django.apps import AppConfig


class ExemptionsConfig(AppConfig):
    """Premium exemptions and the additional premium (免除・付加, items 16–46)."""

    name = "exemptions"
    verbose_name = "免除・付加"

    def ready(self) -> None:
        from .audit_diffs import register_diffs
        from .demo import register_demo_parts
        from .home import register_summaries
        from .initial_load import register_parts
        from .kinds import register_all
        from .panels import register_panels

        register_all()
        register_panels()
        register_diffs()
        register_summaries()
        register_demo_parts()
        register_parts()
