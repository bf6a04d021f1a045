"""Account pages: sign-up, email verification, log-in, password and profile."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_http_methods, require_POST

from videoawards.core.views import rate_limited

from . import consent, selectors, services
from .countries import consent_age, country_choices
from .forms import (
    EmailAuthenticationForm,
    GuardianEmailForm,
    ProfileForm,
    QueuedPasswordResetForm,
    ResendVerificationForm,
    SignupForm,
)
from .ratelimits import guardian_email_is_limited, limit_email_sending, limit_login


def _attach_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@method_decorator(require_http_methods(["GET", "POST"]), name="dispatch")
@limit_email_sending()
class SignupView(View):
    template_name = "accounts/signup.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            return redirect("accounts:profile")
        return render(request, self.template_name, self._context(SignupForm()))

    @staticmethod
    def _context(form: SignupForm) -> dict:
        """The form, and the consent ages its script uses to show the guardian field."""
        return {
            "form": form,
            "consent_rules": {
                "ages": {code: consent_age(code) for code, _name in country_choices()},
                "default_age": settings.ACCOUNTS_DEFAULT_CONSENT_AGE,
                "this_year": timezone.localdate().year,
            },
        }

    def post(self, request: HttpRequest) -> HttpResponse:
        form = SignupForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.register_user(
                    email=data["email"],
                    display_name=data["display_name"],
                    birth_year=data["birth_year"],
                    country=data["country"],
                    password=data["password1"],
                    guardian_email=data.get("guardian_email") or "",
                )
            except ValidationError as error:
                _attach_errors(form, error)
            else:
                # The same answer whether or not the address already had an account.
                return redirect("accounts:signup_done")
        return render(request, self.template_name, self._context(form), status=400)


def signup_done(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/signup_done.html")


@require_http_methods(["GET"])
def verify_email(request: HttpRequest, token: str) -> HttpResponse:
    try:
        user, newly_verified = services.verify_email(token=token)
    except services.EmailVerificationError as error:
        return render(
            request,
            "accounts/verify_failed.html",
            {"message": error.messages[0], "expired": error.code == "expired"},
            status=400,
        )
    if not newly_verified:
        # A link logs in once; later clicks (or a mail scanner's) only confirm.
        if request.user.is_authenticated and request.user.pk == user.pk:
            return redirect("accounts:profile")
        messages.info(request, _("Your email is already confirmed. Please log in."))
        return redirect("accounts:login")
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    messages.success(request, _("Your email is confirmed. Welcome to videoawards!"))
    if not selectors.may_take_part(user):
        messages.info(
            request,
            _(
                "We emailed your parent or guardian. Once they agree, you can send in videos "
                "and vote. Until then you can look around and sign up for workshops."
            ),
        )
    return redirect(settings.LOGIN_REDIRECT_URL)


@method_decorator(require_http_methods(["GET", "POST"]), name="dispatch")
@limit_email_sending()
class ResendVerificationView(View):
    template_name = "accounts/resend_verification.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, self.template_name, {"form": ResendVerificationForm()})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = ResendVerificationForm(request.POST)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form}, status=400)
        services.resend_verification_email(email=form.cleaned_data["email"])
        messages.success(
            request,
            _("If this address has an account that still needs confirming, we sent a new link."),
        )
        return redirect("accounts:signup_done")


@limit_login(email_field="username")
class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True


@limit_email_sending()
class PasswordResetView(auth_views.PasswordResetView):
    template_name = "registration/password_reset_form.html"
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"
    form_class = QueuedPasswordResetForm
    success_url = reverse_lazy("accounts:password_reset_done")

    def setup(self, request: HttpRequest, *args, **kwargs) -> None:
        super().setup(request, *args, **kwargs)
        # Links in the email use the public address, not whatever Host the request had.
        self.extra_email_context = {"site_url": settings.SITE_URL}


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "registration/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "registration/password_reset_complete.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Your password is changed."))
        return response


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            try:
                services.update_profile(
                    user=user,
                    display_name=form.cleaned_data["display_name"],
                    country=form.cleaned_data["country"],
                    preferred_language=form.cleaned_data["preferred_language"],
                )
            except ValidationError as error:
                _attach_errors(form, error)
            else:
                messages.success(request, _("Your profile is saved."))
                return redirect("accounts:profile")
        status = 400
    else:
        form = None
        status = 200
    return _render_profile(request, form=form, status=status)


def _render_profile(
    request: HttpRequest,
    *,
    form: ProfileForm | None = None,
    guardian_form: GuardianEmailForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    if form is None:
        form = ProfileForm(
            initial={
                "display_name": user.display_name,
                "country": user.country,
                "preferred_language": user.preferred_language,
            }
        )
    consent = selectors.latest_consent(user=user)
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "role_label": user.get_role_display(),
            "needs_consent": selectors.user_needs_guardian_consent(user),
            "may_take_part": selectors.may_take_part(user),
            "consent": consent,
            "guardian_form": guardian_form
            or GuardianEmailForm(
                initial={"guardian_email": consent.guardian_email if consent else ""}
            ),
        },
        status=status,
    )


@login_required
@require_POST
def ask_guardian(request: HttpRequest) -> HttpResponse:
    """Send the consent request to a (new) guardian address."""
    form = GuardianEmailForm(request.POST)
    if form.is_valid():
        if guardian_email_is_limited(request):
            return rate_limited(request, None)
        try:
            consent.request_consent(
                user=request.user, guardian_email=form.cleaned_data["guardian_email"]
            )
        except ValidationError as error:
            _attach_errors(form, error)
        else:
            messages.success(request, _("We emailed your parent or guardian."))
            return redirect("accounts:profile")
    return _render_profile(request, guardian_form=form, status=400)


@login_required
@require_POST
def resend_guardian_request(request: HttpRequest) -> HttpResponse:
    if guardian_email_is_limited(request):
        return rate_limited(request, None)
    try:
        consent.resend_request(user=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("We emailed your parent or guardian again."))
    return redirect("accounts:profile")


logout_view = auth_views.LogoutView.as_view()
signup = SignupView.as_view()
resend_verification = ResendVerificationView.as_view()
