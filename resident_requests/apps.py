from django.apps import AppConfig


class ResidentRequestsConfig(AppConfig):
    """Residents' rights and the end of a record: 開示・訂正・利用停止の請求, 問合せ, the
    retention table and the audited purge (docs/resident_requests.md, docs/retention.md).

    The top layer: the disclosure package and the purge reach every kind of record."""

    name = "resident_requests"
    verbose_name = "本人からの請求と保存期間"

    def ready(self) -> None:
        from audit.display import register_value_labels

        from .demo import register_demo_parts
        from .kinds import register_kinds
        from .models import Decision, RequestKind
        from .panels import register_panels

        register_kinds()
        register_panels()
        register_demo_parts()
        register_value_labels(
            "画面",
            {
                "resident_requests": "本人からの請求",
                "retention": "保存期間と消去",
                "inquiries": "問合せ受付票",
            },
        )
        register_value_labels("請求", dict(RequestKind.choices))
        register_value_labels("決定", dict(Decision.choices))
