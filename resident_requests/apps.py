from django.apps import AppConfig


class ResidentRequestsConfig(AppConfig):
    """Residents' rights and the end of a record: 開示・訂正・利用停止の請求, 問合せ, the
    retention table and the audited purge (docs/resident_requests.md, docs/retention.md).

    The top layer: the disclosure package and the purge reach every kind of record."""

    name = "resident_requests"
    verbose_name = "本人からの請求と保存期間"

    def ready(self) -> None:
        from .demo import register_demo_parts
        from .kinds import register_kinds

        register_kinds()
        register_demo_parts()
