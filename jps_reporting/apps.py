from django.apps import AppConfig


class JpsReportingConfig(AppConfig):
    """Report batches to JPS and the import of its results (進達・処理結果, items 56–60)."""

    name = "jps_reporting"
    verbose_name = "進達"

    def ready(self) -> None:
        from .home import register_summaries
        from .kinds import register_kinds
        from .panels import register_panels

        register_kinds()
        register_panels()
        register_summaries()
