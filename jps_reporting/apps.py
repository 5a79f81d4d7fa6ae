from django.apps import AppConfig


class JpsReportingConfig(AppConfig):
    """Report batches to JPS and the import of its results (進達・処理結果, items 56–60)."""

    name = "jps_reporting"
    verbose_name = "進達"

    def ready(self) -> None:
        from .home import register_summaries
        from .panels import register_panels
        from .results import register_kinds

        register_kinds()
        register_panels()
        register_summaries()
