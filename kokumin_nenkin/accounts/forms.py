from django import forms
from django.contrib.auth import authenticate

from kokumin_nenkin.identifiers.forms import FreeTextGuard

from .models import Office, Role, Staff

LOGIN_FAILED = "ユーザーIDまたはパスワードが正しくありません。"
OTP_FAILED = "確認コードが正しくありません。時刻の合った認証アプリの6桁の数字を入力してください。"


class LoginForm(forms.Form):
    username = forms.CharField(
        label="ユーザーID",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label="パスワード",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, request=None, *args, **kwargs):
        self.request = request
        self.user = None
        super().__init__(*args, **kwargs)

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        username, password = cleaned.get("username"), cleaned.get("password")
        if username and password:
            # One message whichever part was wrong: no hint for a guesser.
            self.user = authenticate(self.request, username=username, password=password)
            if self.user is None:
                raise forms.ValidationError(LOGIN_FAILED, code="invalid_login")
        return cleaned


class OtpForm(forms.Form):
    token = forms.RegexField(
        label="確認コード（6桁）",
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": "確認コードは6桁の数字で入力してください。"},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autofocus": True,
                "maxlength": 6,
            }
        ),
    )


class OwnPasswordChangeForm(forms.Form):
    """The staff member's own password change: the current one, then the new one twice."""

    old_password = forms.CharField(
        label="現在のパスワード",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )
    new_password1 = forms.CharField(
        label="新しいパスワード",
        strip=False,
        help_text="12文字以上。数字だけ・よく使われるもの・ユーザーIDや氏名に似たもの・"
        "現在のパスワードに似たもの・直近5回に使ったものは使えません。",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password2 = forms.CharField(
        label="新しいパスワード（確認）",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_old_password(self):
        old = self.cleaned_data["old_password"]
        if not self.user.check_password(old):
            raise forms.ValidationError("現在のパスワードが正しくありません。", code="wrong_old")
        return old

    def clean(self):
        from django.contrib.auth import password_validation

        super().clean()
        cleaned = self.cleaned_data
        new1, new2 = cleaned.get("new_password1"), cleaned.get("new_password2")
        if new1 and new2 and new1 != new2:
            self.add_error("new_password2", "確認用のパスワードが一致しません。")
        elif new1:
            from .passwords import SIMILAR_TO_CURRENT, similar_to_current

            try:
                password_validation.validate_password(new1, self.user)
            except forms.ValidationError as error:
                self.add_error("new_password1", error)
            else:
                old = cleaned.get("old_password")
                if old and similar_to_current(new1, old):
                    self.add_error("new_password1", SIMILAR_TO_CURRENT)
        return cleaned


class StaffCreateForm(FreeTextGuard, forms.Form):
    """Only these fields are read: anything else posted (is_superuser, groups…) is ignored."""

    username = forms.RegexField(
        label="ユーザーID",
        regex=r"^[a-z0-9_.-]{3,30}$",
        error_messages={"invalid": "ユーザーIDは半角英小文字・数字・「_ . -」の3〜30文字です。"},
    )
    full_name = forms.CharField(label="氏名", max_length=60)
    office = forms.ModelChoiceField(
        label="所属", queryset=Office.objects.all(), empty_label="選択してください"
    )
    role = forms.ChoiceField(label="役割", choices=[("", "選択してください"), *Role.choices])

    def clean_username(self):
        username = self.cleaned_data["username"]
        if Staff.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError("このユーザーIDはすでに使われています。")
        return username


class StaffAssignmentForm(forms.Form):
    """Office and role only (異動・担当替え)."""

    office = forms.ModelChoiceField(label="所属", queryset=Office.objects.all(), empty_label=None)
    role = forms.ChoiceField(label="役割", choices=Role.choices)
