"""What accounts does when Django's auth says something happened."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.contrib.sessions.models import Session
from django.dispatch import receiver
from django.utils import timezone

from videoawards.core import pagecache

from .models import GuardianConsent, LoginSession, ProviderNetwork, User

# Names on entry pages, network names, and the consent the public rule reads; a log-in
# (last_login) changes nothing a visitor sees.
pagecache.watch(User, ignore_fields=("last_login", "password"))
pagecache.watch(ProviderNetwork, GuardianConsent)

DATABASE_SESSIONS = (
    "django.contrib.sessions.backends.db",
    "django.contrib.sessions.backends.cached_db",
)


@receiver(user_logged_in, dispatch_uid="accounts.remember_login_session")
def remember_login_session(sender, request, user, **kwargs) -> None:
    """Note the session a person logged in with (accounts.personal_data.end_sessions)."""
    session = getattr(request, "session", None)
    if session is None or not session.session_key or not getattr(user, "pk", None):
        return
    LoginSession.objects.update_or_create(
        session_key=session.session_key, defaults={"user_id": user.pk}
    )
    if settings.SESSION_ENGINE in DATABASE_SESSIONS:
        # Forget the person's sessions that ended meanwhile (logged out or expired).
        LoginSession.objects.filter(user_id=user.pk).exclude(
            session_key__in=Session.objects.filter(expire_date__gt=timezone.now()).values(
                "session_key"
            )
        ).delete()
