from django import forms
from django.contrib.auth import authenticate

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
        cleaned = super().clean()
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
