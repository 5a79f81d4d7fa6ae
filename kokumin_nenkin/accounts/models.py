"""Staff, the offices they work at, and their role.

A staff user is never deleted, only deactivated: audit rows point at staff users and must
never be rewritten by a cascading foreign key (SECURITY.md, audit layer 3).
"""

from typing import ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone


class Office(models.Model):
    """An office where staff take in forms: 本庁 保険年金課 or one of the 行政センター."""

    code = models.SlugField("事務所コード", max_length=20, unique=True)
    name = models.CharField("事務所名", max_length=50)
    is_main = models.BooleanField("本庁", default=False)
    sort_order = models.PositiveSmallIntegerField("表示順", default=0)

    class Meta:
        verbose_name = "事務所"
        verbose_name_plural = "事務所"
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    """The five duties of PRODUCT.md §1. Each is a Group carrying its permissions."""

    COUNTER = "counter", "窓口担当"
    SUPERVISOR = "supervisor", "確認担当"
    REPORT_CLERK = "report_clerk", "進達担当"
    AUDITOR = "auditor", "監査担当"
    ADMIN = "admin", "システム管理者"


# Permissions an account holds only once its owner replaced what an administrator set: the
# temporary password changed and their own second factor enrolled (issue 11, item 1).
OWNER_CREDENTIAL_PERMISSIONS = frozenset({"accounts.verify_entry", "accounts.reveal_my_number"})


class StaffManager(UserManager["Staff"]):
    pass


class Staff(AbstractUser):
    """A member of staff of 保険年金課 or a branch office (操作者, item 5 points here)."""

    full_name = models.CharField("氏名", max_length=60, blank=True)
    office = models.ForeignKey(
        Office, verbose_name="所属", on_delete=models.PROTECT, null=True, blank=True
    )
    role = models.CharField("役割", max_length=20, choices=Role.choices, blank=True)
    password_changed_at = models.DateTimeField("パスワード変更日時", null=True, blank=True)
    must_change_password = models.BooleanField("次回ログイン時にパスワード変更", default=True)
    # Set when an administrator issued the second factor's absence (new account, reset): until
    # the owner enrols their own authenticator the account may not verify or reveal.
    must_enrol_second_factor = models.BooleanField("二要素認証の登録待ち", default=False)
    second_factor_reset_at = models.DateTimeField("二要素認証のリセット日時", null=True, blank=True)

    objects: ClassVar[StaffManager] = StaffManager()

    # Set by set_password() until the next save (Django's own attribute, not in the stubs).
    _password: str | None

    class Meta:
        verbose_name = "職員"
        verbose_name_plural = "職員"
        ordering = ["username"]
        permissions = [
            ("search_person", "被保険者の検索・閲覧"),
            ("enter_entry", "届書・申請の受付入力"),
            ("write_memo", "メモ・相談の記録"),
            ("print_application", "申請書の印刷"),
            ("verify_entry", "受付内容の確認（二重確認）"),
            ("reveal_my_number", "個人番号の表示"),
            ("report_to_jps", "日本年金機構への進達"),
            ("import_jps_results", "処理結果の取込"),
            ("import_city_data", "庁内連携データ（所得）の取込"),
            ("import_residents", "住民異動（F3）の取込"),
            ("view_audit", "監査ログの閲覧"),
            ("manage_staff", "職員の管理"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    def save(self, *args, **kwargs) -> None:
        update_fields = kwargs.get("update_fields")
        if self._password is not None:  # set_password() was called: the expiry clock restarts
            self.password_changed_at = timezone.now()
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "password_changed_at"}
        elif self._state.adding and self.password_changed_at is None and self.password:
            self.password_changed_at = timezone.now()
        # create_user() sets the hash directly: Django's password_changed hook is not called then.
        record_initial = self._state.adding and self._password is None and bool(self.password)
        super().save(*args, **kwargs)
        if record_initial:
            PasswordHistory.objects.create(staff=self, password=self.password)
        if update_fields is None or "role" in update_fields:
            from .roles import assign_role_group

            assign_role_group(self)

    def check_password(self, raw_password) -> bool:
        """Django's check, but a hash made with an older hasher or other parameters is re-made
        with the current one without counting as a password change: the expiry clock and the
        password history are left as they are (the password is the same)."""
        from django.contrib.auth.hashers import check_password, make_password

        def upgrade(raw: str) -> None:
            self.password = make_password(raw)
            self._password = None
            type(self)._default_manager.filter(pk=self.pk).update(password=self.password)

        return check_password(raw_password, self.password, upgrade)

    def delete(self, *args, **kwargs):
        raise PermissionError("職員は削除できません。無効化してください。")

    def has_perm(self, perm, obj=None) -> bool:
        if perm in OWNER_CREDENTIAL_PERMISSIONS and self.awaits_own_credentials:
            return False
        return super().has_perm(perm, obj)

    @property
    def awaits_own_credentials(self) -> bool:
        """Credentials an administrator set (a temporary password, no second factor) that the
        owner has not yet replaced: such an account may not verify or reveal a 個人番号."""
        return bool(self.must_change_password or self.must_enrol_second_factor)

    @property
    def role_label(self) -> str:
        return Role(self.role).label if self.role else ""


class PasswordHistory(models.Model):
    """A password a staff member has used (its hash only), so the last few cannot be reused.

    Seed Ⅲ 3: 同一又は類似のパスワードの再利用を禁止. Written whenever a password is set.
    """

    staff = models.ForeignKey(
        Staff, verbose_name="職員", on_delete=models.PROTECT, related_name="password_history"
    )
    password = models.CharField("パスワード（ハッシュ）", max_length=128)
    created_at = models.DateTimeField("設定日時", default=timezone.now)

    class Meta:
        verbose_name = "パスワード履歴"
        verbose_name_plural = "パスワード履歴"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.staff} {self.created_at:%Y-%m-%d}"
