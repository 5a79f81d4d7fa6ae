"""The audit log: one row per access to, or change of, personal data, and per login event.

Seed Ⅲ 2–3: 個人単位の操作ログ…証跡については完全性を担保し、容易に改ざんできない.
Rows are only ever inserted: database triggers refuse UPDATE, DELETE and TRUNCATE
(`audit/triggers.py`), and every row is chained to the one before it by a SHA-256 hash at a
gap-free position (`audit/chain.py`), so an edit, deletion, insertion or reordering made with the
triggers off is found by `python manage.py verify_audit_chain`.
"""

from django.conf import settings
from django.db import models


class Action(models.TextChoices):
    VIEW = "view", "閲覧"
    SEARCH = "search", "検索"
    CREATE = "create", "登録"
    UPDATE = "update", "更新"
    SUBMIT = "submit", "受付（確認依頼）"
    VERIFY = "verify", "確認（承認）"
    RETURN = "return", "差戻し"
    WITHDRAW = "withdraw", "取下げ"
    PRINT = "print", "印刷"
    EXPORT = "export", "出力"
    IMPORT = "import", "取込"
    REVEAL_MY_NUMBER = "reveal_my_number", "個人番号の表示"
    LOGIN = "login", "ログイン"
    LOGOUT = "logout", "ログアウト"
    LOGIN_FAILURE = "login_failure", "ログイン失敗"
    SECOND_FACTOR_FAILURE = "second_factor_failure", "二要素認証失敗"
    LOCKOUT = "lockout", "アカウントロック"
    ACCOUNT_CHANGE = "account_change", "職員アカウント変更"
    # Written with every django-auditlog LogEntry: binds the diff row into the hash chain.
    FIELD_CHANGES = "field_changes", "項目変更の記録"
    # A retention purge deleted a person's file (one event per person, naming the id only).
    PURGE = "purge", "保存期間満了による消去"


class AuditEvent(models.Model):
    """Who did what to whose data, when and from where. Never holds a 個人番号."""

    created_at = models.DateTimeField("日時", db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作者",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    office = models.ForeignKey(
        "accounts.Office",
        verbose_name="所属",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    client_ip = models.GenericIPAddressField("接続元", null=True, blank=True)
    request_id = models.CharField("リクエストID", max_length=32, blank=True)
    action = models.CharField("操作", max_length=32, choices=Action.choices)
    # No database constraint: the log outlives the person. A retention purge deletes the
    # person and their file; their audit rows stay, unchanged, still naming the person's id.
    person = models.ForeignKey(
        "qualifications.Person",
        verbose_name="対象者",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    object_type = models.CharField("対象の種類", max_length=60, blank=True)
    object_id = models.CharField("対象のID", max_length=60, blank=True)
    details = models.JSONField("詳細", default=dict, blank=True)
    chain_position = models.PositiveBigIntegerField("連番", unique=True)
    prev_hash = models.CharField("直前のハッシュ", max_length=64)
    row_hash = models.CharField("ハッシュ", max_length=64)

    class Meta:
        verbose_name = "監査ログ"
        verbose_name_plural = "監査ログ"
        ordering = ["chain_position"]
        indexes = [
            models.Index(fields=["person", "created_at"], name="audit_person_time"),
            models.Index(fields=["actor", "created_at"], name="audit_actor_time"),
            models.Index(fields=["request_id"], name="audit_request"),
            models.Index(fields=["action", "created_at"], name="audit_action_time"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.get_action_display()}"


class SearchWords(models.Model):
    """What staff typed into a search box, kept beside the chain (docs/audit.md, "Search words").

    Typed words are often a name. The chained `search` event names this row (its target) and
    keeps its SHA-256 (`検索語SHA-256`), not the words, so a retention purge can delete the words
    (leaving a `Tombstone`) without breaking the chain. The random `salt` is hashed with the
    words: a digest left behind cannot be matched against a guessed name. Append-only (triggers),
    deleted only with its tombstone."""

    words = models.TextField("検索語")
    salt = models.CharField("ソルト", max_length=32)
    created_at = models.DateTimeField("日時", db_index=True)

    class Meta:
        verbose_name = "検索語"
        verbose_name_plural = "検索語"

    def __str__(self) -> str:
        return f"検索語 {self.pk}"


class TombstoneCause(models.TextChoices):
    PURGE = "purge", "保存期間満了による被保険者の消去"
    EXPIRY = "expiry", "検索語の保存期間満了"


class Tombstone(models.Model):
    """The tombstone of a row bound into the chain by its digest (a django-auditlog diff, a
    search's words) and deleted: by a retention purge of a person or at the end of the search
    words' own retention (docs/retention.md). One mechanism for both (`audit/bound.py`).

    The chain keeps the row's SHA-256 in the event that binds it; the tombstone keeps the same
    digest. The append-only trigger of the bound table lets a DELETE through only for a row that
    already has its tombstone, and `verify_audit_chain` accepts a missing row only when its
    tombstone holds the digest the chain recorded. Append-only too."""

    object_type = models.CharField("消去した記録の種類", max_length=60)
    object_id = models.BigIntegerField("消去した記録のID")
    digest = models.CharField("SHA-256", max_length=80)
    person_id = models.BigIntegerField("消去した被保険者のID", null=True, blank=True)
    cause = models.CharField(
        "消去の理由", max_length=16, choices=TombstoneCause.choices, default=TombstoneCause.PURGE
    )
    purged_at = models.DateTimeField("消去日時")

    class Meta:
        verbose_name = "消去した記録の控え"
        verbose_name_plural = "消去した記録の控え"
        constraints = [
            models.UniqueConstraint(
                fields=["object_type", "object_id"], name="audit_tombstone_one_per_row"
            )
        ]

    def __str__(self) -> str:
        return f"{self.object_type} {self.object_id}"
