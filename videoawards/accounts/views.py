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
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_http_methods

from . import services
from .forms import EmailAuthenticationForm, ProfileForm, ResendVerificationForm, SignupForm
from .ratelimits import limit_email_sending, limit_login


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
        return render(request, self.template_name, {"form": SignupForm()})

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
                )
            except ValidationError as error:
                _attach_errors(form, error)
            else:
                # The same answer whether or not the address already had an account.
                return redirect("accounts:signup_done")
        return render(request, self.template_name, {"form": form}, status=400)


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
                )
            except ValidationError as error:
                _attach_errors(form, error)
            else:
                messages.success(request, _("Your profile is saved."))
                return redirect("accounts:profile")
        status = 400
    else:
        form = ProfileForm(initial={"display_name": user.display_name, "country": user.country})
        status = 200
    return render(
        request,
        "accounts/profile.html",
        {"form": form, "role_label": user.get_role_display()},
        status=status,
    )


logout_view = auth_views.LogoutView.as_view()
signup = SignupView.as_view()
resend_verification = ResendVerificationView.as_view()
