from django import forms
from django.contrib.auth.forms import AuthenticationForm

from intimacy_ops import errors
from intimacy_ops.accounts import services


class SignInForm(AuthenticationForm):
    """Django's sign-in form, routed through the service that applies the lockout rule."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "Unable to sign in with that username and password. Both are case-sensitive.",
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.locked_out = False
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "autofocus": True})
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username and password:
            try:
                self.user_cache = services.sign_in(request=self.request, username=username, password=password)
            except errors.RateLimited as locked:
                self.locked_out = True
                raise forms.ValidationError(locked.message, code="locked") from None
            except errors.ValidationFailed as wrong:
                raise forms.ValidationError(wrong.message, code="invalid_login") from None
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data
