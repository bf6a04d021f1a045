"""Forms of the account pages: they parse input; services decide and write."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.exceptions import ValidationError
from django.template import loader
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from videoawards.core.mail import queue_rendered

from .age import birth_year_choices, validate_birth_year
from .countries import country_choices
from .emails import mail_language
from .models import User
from .permissions import can_log_in


def _country_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Country"),
        choices=lambda: [("", _("Choose your country")), *country_choices()],
        widget=forms.Select(attrs={"autocomplete": "country"}),
    )


def _display_name_field() -> forms.CharField:
    return forms.CharField(
        label=_("Display name"),
        max_length=40,
        help_text=_("Others see this name. Don't use your full real name."),
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )


class SignupForm(forms.Form):
    email = forms.EmailField(
        label=_("Email"),
        help_text=_("We send a link to this address to check it's yours."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    display_name = _display_name_field()
    birth_year = forms.IntegerField(
        label=_("Year you were born"),
        help_text=_("Only the year. We use it to know if a parent needs to agree."),
        widget=forms.Select(choices=birth_year_choices),
    )
    country = _country_field()
    guardian_email = forms.EmailField(
        label=_("Email of a parent or guardian"),
        required=False,
        help_text=_(
            "Only if you are younger than the age of digital consent in your country "
            "(13 to 16, e.g. 16 in Germany). We ask them to agree before you can send in "
            "videos or vote."
        ),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_birth_year(self) -> int:
        birth_year = self.cleaned_data["birth_year"]
        validate_birth_year(birth_year)
        return birth_year

    def clean(self) -> dict:
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords are not the same."))
        elif password1:
            candidate = User(
                email=cleaned.get("email", ""), display_name=cleaned.get("display_name", "")
            )
            try:
                password_validation.validate_password(password1, user=candidate)
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class EmailAuthenticationForm(AuthenticationForm):
    """Log in by email; unconfirmed accounts are told to confirm first."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Wrong email or password."),
        "unverified": _(
            "Please confirm your email first: open the link we sent you. "
            "No email? You can ask for a new link."
        ),
    }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Email")
        self.fields["username"].widget = forms.EmailInput(
            attrs={"autocomplete": "email", "autofocus": True}
        )

    def confirm_login_allowed(self, user: User) -> None:
        super().confirm_login_allowed(user)
        if not can_log_in(user):
            raise ValidationError(self.error_messages["unverified"], code="unverified")


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's reset form, but the mail leaves through the worker, in the person's language."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ) -> None:
        with translation.override(mail_language(context["user"])):
            subject = loader.render_to_string(subject_template_name, context)
            body = loader.render_to_string(email_template_name, context)
        queue_rendered(to=to_email, subject=subject, body=body)


class ResendVerificationForm(forms.Form):
    email = forms.EmailField(
        label=_("Email"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )


class ProfileForm(forms.Form):
    display_name = _display_name_field()
    country = _country_field()
    preferred_language = forms.ChoiceField(
        label=_("Language for emails"),
        choices=[("", _("The site's language")), *settings.LANGUAGES],
        required=False,
        help_text=_("Emails from videoawards come in this language."),
    )


class GuardianEmailForm(forms.Form):
    guardian_email = forms.EmailField(
        label=_("Email of a parent or guardian"),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise ValidationError(_("That is not your password."), code="wrong_password")
        return password


class GuardianDeleteForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Yes, delete this account and everything in it for good."),
        error_messages={"required": _("Tick the box to confirm.")},
    )
