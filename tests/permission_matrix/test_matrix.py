"""The permission matrix: every route of the URL conf, every role, what each one gets.

Each row of MATRIX is one route with its URL arguments and one real method, and the
outcome for every role in ROLES (the columns, in order). One test per row sends the
request once per role, each inside a savepoint that is rolled back, so what one role
changes never reaches the next. The world (`world` fixture) is built once for the module
inside a transaction that is rolled back at its end: building it per row would triple
the run time (~0.2 s a row), and no row can change it.

Cells:
    200, 201, 204, 400, 403, 404, 405 ... the status code.
    LOGIN  a redirect to a log-in page (the view needs an account).
    GO     a redirect elsewhere, on a row that changes nothing we watch.
    DONE   a redirect, and the row's probe saw the change happen.
    NOPE   a redirect, and nothing changed (refused with a message, or already so).
    "200 no-op"  a 2xx answer that changed nothing (probe unchanged).
A row with a probe also fails when an error answer still changed something
("403 changed!"), and a row with a check fails when a success shows someone else's
data ("200 wrong data!").

test_every_route_is_in_the_matrix walks django.urls.get_resolver(): a new route fails
it until it gets a row here, or a place (with a reason) in OUTSIDE_MATRIX.

Objects are named by the people they belong to: "owner" is the participant whose draft,
submitted and published entries, upload, videos, caption, registration and vote the
rows try to reach; "other" is another participant (who has entries of their own);
"minor" is 14 and their guardian has not agreed yet. Moderator and organiser work for
the network of the challenges; "mod_x" and "org_x" (two columns beyond the eight roles of
issue 5) for another network, because permissions.py scopes both roles to a network.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.http import urlencode
from rest_framework.test import APIClient

from tests.factories import (
    PASSWORD,
    AwardFactory,
    ChallengeFactory,
    EntryFactory,
    JurorFactory,
    ModeratorFactory,
    OrganiserFactory,
    ParticipantFactory,
    ProviderNetworkFactory,
    RegistrationFactory,
    WorkshopFactory,
)
from tests.transcoding.factories import MediaAssetFactory, add_stored_caption, published_asset
from transcoding import selectors as media_selectors
from transcoding import services as media_services
from transcoding import storage
from transcoding.models import MediaAsset, UploadSession
from videoawards.accounts import consent as consent_services
from videoawards.accounts.models import GuardianConsent, User
from videoawards.badges import services as badge_services
from videoawards.badges.models import Portfolio
from videoawards.challenges.models import Challenge, Entry, Feature, TeamInvitation
from videoawards.core import mail as core_mail
from videoawards.moderation.models import Report
from videoawards.workshops.models import Registration, Workshop
from voting import services as voting_services
from voting.models import (
    Assignment,
    ConflictOfInterest,
    Criterion,
    JuryInvitation,
    JuryMember,
    JuryPanel,
    ResultPublication,
    ResultSnapshot,
    Review,
    Round,
    Vote,
    VoteFlag,
)
from voting.services.votes import BUCKET, forget_cached_facts

pytestmark = pytest.mark.django_db

ROLES = (
    "anon",  # not logged in
    "minor",  # participant, 14, guardian's consent requested but not given
    "owner",  # participant who made the objects the rows are about
    "other",  # another participant
    "juror_x",  # juror on the panel of a challenge of another network
    "juror",  # juror on the panels of the challenges, assigned to the owner's entry
    "mod",  # moderator of the challenges' network
    "org",  # organiser of the challenges' network (staff, may use the admin)
    "mod_x",  # moderator of another network
    "org_x",  # organiser of another network (staff)
)

LOGIN, GO, DONE, NOPE = "login", "go", "done", "nope"
NOOP_200 = "200 no-op"
GET, POST, PUT, PATCH, DELETE = "get", "post", "put", "patch", "delete"

# Routes deliberately outside the matrix, each with the reason.
OUTSIDE_MATRIX = {
    "admin:": (
        "Django admin internals (every model's changelist, add, change, delete, history "
        "and the admin's own log-in): guarded by the admin site itself (is_staff, model "
        "permissions, can_use_admin in the ModelAdmins) and tested in tests/*/test_admin.py; "
        "the matrix keeps one row for admin:index to show who gets in at all."
    ),
    "admin/": (
        "Unnamed admin patterns (the catch-all and the <object_id>/ redirects): same reason."
    ),
}
IN_MATRIX_DESPITE_PREFIX = {"admin:index"}

VTT = b"WEBVTT\n\n00:00.000 --> 00:02.000\nHallo\n"


# --- The world ------------------------------------------------------------------------


@dataclass
class World:
    users: dict[str, User | None]
    obj: dict[str, Any]  # model instances by name
    refs: dict[str, Any] = field(default_factory=dict)  # what "@name" in a row means
    sessions: dict[str, str] = field(default_factory=dict)  # session key by role

    def user(self, name: str) -> Any:
        """A user by role, or any object of the world by name."""
        return self.users.get(name) or self.obj[name]


# What rows may name as "@name" (besides the extra values in _build_world's refs).
WORLD_OBJECTS = (
    "c_open", "c_vote", "c_closed", "c_done", "c_hidden", "c_x",  # challenges (by slug)
    "e_draft", "e_sub", "e_hidden", "e_pub", "e_win",  # the owner's entries
    "e_minor", "e_other_pub", "e_alumna_pub", "e_x",  # other people's entries
    "e_done",  # the other's entry in c_done, published results, featured nowhere
    "ti_other",  # the owner invited "other" to the team of their draft
    "a_draft", "a_pub", "a_loose", "a_other_loose",  # media assets
    "u_owner", "u_other",  # upload sessions
    "r_vote", "r_x", "a_juror", "a_peer", "a_x", "criterion",  # judging
    "p_vote", "m_peer", "invitation",  # c_vote's panel, the peer's seat, juror_x invited
    "flag", "s_vote", "s_closed", "s_done", "award",  # votes and results
    "f_win",  # the homepage feature of c_done's winner
    "w", "w_started", "r_owner", "r_started",  # workshops (by slug), registrations
    "badge", "pf_public", "pf_child", "pf_owner",  # badges, portfolios (by public id)
    "consented_minor", "alumna", "asking", "agreed",  # more people, guardian consents
)  # fmt: skip


def _young() -> User:
    return ParticipantFactory(birth_year=date.today().year - 14, country="DE")


def _build_world() -> World:
    now = timezone.now()
    net, net_x = ProviderNetworkFactory(), ProviderNetworkFactory()
    minor, owner, other = _young(), ParticipantFactory(), ParticipantFactory()
    alumna = ParticipantFactory()  # a third participant with a public portfolio
    consented_minor = _young()
    users: dict[str, User | None] = {
        "anon": None,
        "minor": minor,
        "owner": owner,
        "other": other,
        "juror_x": JurorFactory(),
        "juror": JurorFactory(),
        "mod": ModeratorFactory(provider_network=net),
        "org": OrganiserFactory(provider_network=net),
        "mod_x": ModeratorFactory(provider_network=net_x),
        "org_x": OrganiserFactory(provider_network=net_x),
    }
    juror, juror_x, org = users["juror"], users["juror_x"], users["org"]
    asking = GuardianConsent.objects.create(user=minor, guardian_email="mum@example.org")
    agreed = GuardianConsent.objects.create(
        user=consented_minor, guardian_email="dad@example.org", status="given", given_at=now
    )

    # Challenges: open for entries, in public voting, results published, unpublished,
    # and one of another network.
    c_open = ChallengeFactory(provider_network=net)
    closed = now - timedelta(days=10)
    c_vote = ChallengeFactory(
        provider_network=net,
        entries_open_at=closed - timedelta(days=30),
        entries_close_at=closed,
        voting_opens_at=now - timedelta(hours=1),
        voting_closes_at=now + timedelta(days=7),
        results_at=now + timedelta(days=8),
    )
    past = now - timedelta(days=60)
    c_done = ChallengeFactory(
        provider_network=net,
        entries_open_at=past,
        entries_close_at=past + timedelta(days=30),
        voting_opens_at=past + timedelta(days=31),
        voting_closes_at=past + timedelta(days=40),
        results_at=past + timedelta(days=41),
    )
    # Voting closed an hour ago: results wait to be published.
    c_closed = ChallengeFactory(
        provider_network=net,
        entries_open_at=past,
        entries_close_at=past + timedelta(days=30),
        voting_opens_at=past + timedelta(days=31),
        voting_closes_at=now - timedelta(hours=1),
        results_at=now + timedelta(days=1),
    )
    c_hidden = ChallengeFactory(provider_network=net, is_published=False)
    c_x = ChallengeFactory(provider_network=net_x)

    # The owner's entries and videos.
    a_draft = published_asset(owner=owner)
    a_pub = published_asset(owner=owner)
    add_stored_caption(a_pub, language="en")
    thumb = f"{a_pub.output_prefix()}thumbnail.jpg"
    storage.save_bytes(thumb, b"\xff\xd8thumb", content_type="image/jpeg")
    MediaAsset.objects.filter(pk=a_pub.pk).update(thumbnail_key=thumb)
    ready = MediaAsset.Status.READY
    a_loose = MediaAssetFactory(owner=owner, status=ready)  # on no entry yet
    a_other_loose = MediaAssetFactory(owner=other, status=ready)
    e_draft = EntryFactory(challenge=c_open, creators=[owner], media_asset=a_draft)
    e_sub = EntryFactory(
        challenge=c_open,
        creators=[owner],
        state="submitted",
        submitted_at=now,
        media_asset=MediaAssetFactory(owner=owner, status=ready),
    )
    e_hidden = EntryFactory(
        challenge=c_open, creators=[owner], state="approved", hidden_at=now, hidden_reason="x"
    )
    e_pub = EntryFactory(challenge=c_vote, creators=[owner], state="approved", media_asset=a_pub)
    e_minor = EntryFactory(
        challenge=c_open,
        creators=[minor],
        media_asset=MediaAssetFactory(owner=minor, status=ready),
    )
    e_other_pub = EntryFactory(challenge=c_vote, creators=[other], state="approved")
    e_alumna_pub = EntryFactory(challenge=c_vote, creators=[alumna], state="approved")
    e_x = EntryFactory(challenge=c_x, state="approved")
    e_win = EntryFactory(challenge=c_done, creators=[owner], state="approved")
    e_done = EntryFactory(challenge=c_done, creators=[other], state="approved")

    # An open upload of the owner's (and one of the other's), with a signed part URL.
    def upload(user: User) -> UploadSession:
        return media_services.create_upload(
            owner=user,
            filename="film.mp4",
            size=1000,
            content_type="video/mp4",
            max_bytes=10**6,
            max_duration_s=180,
        )

    u_owner, u_other = upload(owner), upload(other)
    part_url = media_selectors.upload_state(session=u_owner).part_urls[1]
    part_sig = part_url.split("sig=", 1)[1]
    segment_key = f"{a_draft.output_prefix()}360p/seg_00000.m4s"
    segment_url = storage.playback_url(
        key=segment_key,
        asset_id=a_draft.pk,
        relative=segment_key.removeprefix(f"media/{a_draft.pk}/"),
        expires=600,
        content_type="video/iso.segment",
    )
    variant = a_pub.renditions.get(name="360p").playlist_key.removeprefix(f"media/{a_pub.pk}/")

    # Juries: the juror sits on the panels of c_open and c_vote, juror_x on c_x's.
    p_open = JuryPanel.objects.create(challenge=c_open, name="Open jury")
    p_vote = JuryPanel.objects.create(challenge=c_vote, name="Main jury")
    p_x = JuryPanel.objects.create(challenge=c_x, name="Elsewhere jury")
    peer = JurorFactory()
    for panel, member in ((p_open, juror), (p_vote, juror), (p_vote, peer), (p_x, juror_x)):
        JuryMember.objects.create(panel=panel, juror=member)
    m_peer = JuryMember.objects.get(panel=p_vote, juror=peer)
    # juror_x (an adult without entries) is invited to c_vote's panel too.
    invitation = JuryInvitation.objects.create(
        panel=p_vote,
        email=juror_x.email,
        token_hash=hashlib.sha256(b"matrix-invitation-token").hexdigest(),
        language="en",
        invited_by=org,
    )
    criterion = Criterion.objects.create(challenge=c_vote, name="Science")
    Criterion.objects.create(challenge=c_x, name="Science")
    window = {
        "opens_at": now - timedelta(days=1),
        "closes_at": now + timedelta(days=5),
        "reviews_per_entry": 1,
    }
    r_vote = Round.objects.create(
        challenge=c_vote, panel=p_vote, name="First", state="open", **window
    )
    r_x = Round.objects.create(challenge=c_x, panel=p_x, name="First", state="open", **window)
    a_juror = Assignment.objects.create(round=r_vote, entry=e_pub, juror=juror)
    a_peer = Assignment.objects.create(round=r_vote, entry=e_other_pub, juror=peer)
    a_x = Assignment.objects.create(round=r_x, entry=e_x, juror=juror_x)

    # Votes, a flag, a snapshot under review, and c_done's published results.
    voting_services.cast_vote(voter=owner, entry_id=e_alumna_pub.pk)
    bucket = int(now.timestamp() // BUCKET.total_seconds())
    flag = VoteFlag.objects.create(
        challenge=c_vote,
        kind=VoteFlag.Kind.ENTRY_SPIKE,
        key=f"spike:{e_alumna_pub.pk}:{bucket}",
        entry=e_alumna_pub,
        vote_count=9,
    )
    s_vote = voting_services.compute_results(challenge=c_vote, by=org)
    s_closed = voting_services.compute_results(challenge=c_closed, by=org)
    award = AwardFactory(challenge=c_done, name="Audience award", decided_by="public")
    Vote.objects.create(voter=other, entry=e_win, challenge=c_done, created_at=past)
    # Published by another organiser: erasing the one who published results fails
    # (ResultPublication.by is PROTECT), which is not what this matrix is about.
    publisher = OrganiserFactory(provider_network=net)
    s_done = voting_services.compute_results(challenge=c_done, by=publisher)
    voting_services.publish_results(snapshot=s_done, by=publisher)
    f_win = Feature.objects.get(entry=e_win)
    forget_cached_facts()

    # Workshops: one ahead (the owner has a place), one running now (for attendance).
    w = WorkshopFactory(provider_network=net)
    w_started = WorkshopFactory(
        provider_network=net,
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=2),
        registration_deadline=now - timedelta(days=1),
    )
    r_owner = RegistrationFactory(workshop=w, participant=owner)
    r_started = RegistrationFactory(workshop=w_started, participant=owner)

    # Badges and portfolios: alumna's is public; a child's is flagged public but must
    # stay hidden while their guardian has not agreed; the owner's is private.
    badge = badge_services.issue_badge(kind="winner", recipient=owner, source="test:win")
    pf_public = Portfolio.objects.create(user=alumna, is_public=True)
    pf_child = Portfolio.objects.create(user=_young(), is_public=True)
    pf_owner = Portfolio.objects.create(user=owner, is_public=False)

    ti_other = TeamInvitation.objects.create(entry=e_draft, invitee=other, invited_by=owner)

    here = locals()
    obj = {name: here[name] for name in WORLD_OBJECTS}
    refs: dict[str, Any] = {}
    for name, value in obj.items():
        if name.startswith(("c_", "w")):
            refs[name] = value.slug
        elif name.startswith("pf_"):
            refs[name] = str(value.public_id)
        else:
            refs[name] = value.pk if isinstance(value.pk, int) else str(value.pk)
    refs.update(
        {
            "request_token": consent_services.request_link(asking).rstrip("/").rsplit("/", 1)[1],
            "manage_token": consent_services.manage_link(agreed).rstrip("/").rsplit("/", 1)[1],
            "part_sig": part_sig,
            "segment_path": segment_url.split("/files/", 1)[1].split("?", 1)[0],
            "segment_sig": segment_url.split("sig=", 1)[1],
            "variant": variant,
            "escape": f"../{a_draft.pk}/{variant}",  # out of a_pub's folder into a_draft's
            "criterion_field": f"criterion_{criterion.pk}",
            "owner_email": owner.email,
            "alumna_email": alumna.email,
            "u_owner_id": owner.pk,
            "invitation_token": "matrix-invitation-token",
        }
    )
    return World(users=users, obj=obj, refs=refs)


def _log_in(user: User) -> str:
    """A session for `user`; every request of the module sends its key."""
    client = Client()
    client.force_login(user)
    return client.cookies[django_settings.SESSION_COOKIE_NAME].value


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[World]:
    """Built once for the module, in a transaction rolled back at its end (each test
    runs in a savepoint inside it, each role's request in one more)."""
    media = tmp_path_factory.mktemp("matrix-media")
    overrides = override_settings(
        # Local storage on every stage: with S3 the playback gateway answers with redirects
        # to presigned URLs, which would need rows of their own; access is the same.
        STORAGE_BACKEND="local",
        RATELIMIT_ENABLE=False,  # limits are tested beside their views, not here
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        MEDIA_ROOT=str(media),
        STORAGES={
            **django_settings.STORAGES,
            "default": {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": str(media), "base_url": None},
            },
        },
    )
    atomic = transaction.atomic()
    with django_db_blocker.unblock():
        overrides.enable()
        atomic.__enter__()
        cache.clear()
        forget_cached_facts()
        built = _build_world()
        built.sessions = {role: _log_in(user) for role, user in built.users.items() if user}
    try:
        yield built
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            overrides.disable()
            forget_cached_facts()
            cache.clear()


@pytest.fixture
def _private_media():
    """Replaces the suite's per-test media folder: the world's files live for the module."""


# --- Probes and checks ------------------------------------------------------------------

Probe = Callable[[World, User | None], Any]
Check = Callable[[World, User | None, HttpResponse], bool]


def entry_field(name: str, attr: str) -> Probe:
    return lambda w, user: Entry.objects.filter(pk=w.obj[name].pk).values_list(attr).first()


def exists(model, **lookups) -> Probe:
    """`lookups` values: "@name" is a world object, "@user" the acting user."""

    def probe(w: World, user: User | None) -> bool:
        resolved = {}
        for key, value in lookups.items():
            if value == "@user":
                if user is None:
                    return False
                value = user
            elif isinstance(value, str) and value.startswith("@"):
                value = w.user(value[1:])
            resolved[key] = value.pk if key == "pk" else value
        return model.objects.filter(**resolved).exists()

    return probe


def count(model, **lookups) -> Probe:
    return lambda w, user: model.objects.filter(**lookups).count()


def own_field(attr: str) -> Probe:
    """A field of the acting user's own account (None when it is gone)."""
    return lambda w, user: (
        User.objects.filter(pk=user.pk).values_list(attr).first() if user else None
    )


def mails(w: World, user: User | None) -> int:
    """Mail sent, or queued to leave once the row's change commits (the row's change is
    rolled back, so queued mail never reaches the outbox here)."""
    queued = [
        callback
        for _savepoints, callback, _robust in connection.run_on_commit
        if getattr(callback, "func", None) is core_mail._send_later
    ]
    return len(mail.outbox) + len(queued)


def own_export(w: World, user: User | None, response: HttpResponse) -> bool:
    return json.loads(response.content)["account"]["email"] == user.email


def export_of(name: str) -> Check:
    def check(w: World, user: User | None, response: HttpResponse) -> bool:
        return json.loads(response.content)["account"]["email"] == w.user(name).email

    return check


def entries_listed_as_detail_rows(w: World, user: User | None, response: HttpResponse) -> bool:
    """The API list holds the world's entries exactly for those the detail rows let in."""
    role = next(role for role, someone in w.users.items() if someone == user)
    listed = {item["id"] for item in response.json()["results"]}
    for row in MATRIX:
        if row.route == "entry-detail" and row.method == GET:
            name = row.kwargs["pk"][1:]
            allowed = row.expect[ROLES.index(role)] == 200
            if (w.refs[name] in listed) != allowed:
                return False
    return True


def shows_no_entry_of(*names: str) -> Check:
    def check(w: World, user: User | None, response: HttpResponse) -> bool:
        page = response.content.decode()
        return not any(w.obj[name].title in page for name in names)

    return check


def own_network_entries_only(w: World, user: User | None, response: HttpResponse) -> bool:
    """An organiser's page lists their network's public entries and not the other's."""
    page = response.content.decode()
    ours, theirs = ("e_done", "e_x") if user == w.users["org"] else ("e_x", "e_done")
    return w.obj[ours].title in page and w.obj[theirs].title not in page


def only_own(model) -> Check:
    """Every object listed belongs to the acting user."""

    def check(w: World, user: User | None, response: HttpResponse) -> bool:
        data = response.json()
        items = data["results"] if isinstance(data, dict) else data
        ids = [item["id"] for item in items]
        owner_field = "participant" if model is Registration else "juror"
        mine = model.objects.filter(pk__in=ids, **{owner_field: user}).count()
        return mine == len(ids)

    return check


# --- Rows -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    route: str
    kwargs: dict[str, Any]
    method: str
    expect: tuple
    data: Any = None
    probe: Probe | None = None
    check: Check | None = None
    content_type: str | None = None
    query: dict[str, str] = field(default_factory=dict)
    label: str = ""  # tells two rows of one route and method apart

    @property
    def id(self) -> str:
        args = ",".join(f"{k}={v}" for k, v in self.kwargs.items())
        label = f" [{self.label}]" if self.label else ""
        return f"{self.method.upper()} {self.route}({args}){label}"


def R(route, kwargs, method, *expect, **options) -> Row:  # a row of the table
    assert len(expect) == len(ROLES), f"{route}: {len(expect)} cells for {len(ROLES)} roles"
    return Row(route, kwargs, method, tuple(expect), **options)


def caption_upload(w: World) -> dict:
    return {"language": "de", "label": "Deutsch", "file": SimpleUploadedFile("de.vtt", VTT)}


SIGNUP = {
    "email": "new@example.org",
    "display_name": "Newcomer",
    "birth_year": "2000",
    "country": "DE",
    "password1": "glowing-jellyfish-42",
    "password2": "glowing-jellyfish-42",
}
NEW_PASSWORD = {
    "old_password": PASSWORD,
    "new_password1": "glowing-jellyfish-42",
    "new_password2": "glowing-jellyfish-42",
}
UPLOAD = {"filename": "film.mp4", "size": 1000, "content_type": "video/mp4"}

# fmt: off
MATRIX: list[Row] = [
    # --- Site ---------------------------------------------------------------------------
    #                     anon   minor  owner  other  jur_x  juror  mod    org    mod_x  org_x
    R("home", {}, GET,    200,   200,   200,   200,   200,   200,   200,   200,   200,   200),
    R("healthz", {}, GET, 200,   200,   200,   200,   200,   200,   200,   200,   200,   200),
    R("set_language", {}, POST,
                          GO,    GO,    GO,    GO,    GO,    GO,    GO,    GO,    GO,    GO,
      data={"language": "de", "next": "/"}),
    R("api-schema", {}, GET,
                          200,   200,   200,   200,   200,   200,   200,   200,   200,   200),
    R("api-docs", {}, GET,
                          200,   200,   200,   200,   200,   200,   200,   200,   200,   200),
    # The admin lets in staff accounts (the organisers); everyone else is sent to its
    # log-in page.
    R("admin:index", {}, GET,
                          LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 200,   LOGIN, 200),

    # --- Accounts: pages about yourself -------------------------------------------------
    #                     anon   minor  owner  other  jur_x  juror  mod    org    mod_x  org_x
    R("accounts:signup", {}, GET,
                          200,   GO,    GO,    GO,    GO,    GO,    GO,    GO,    GO,    GO),
    R("accounts:signup", {}, POST,
                          DONE,  DONE,  DONE,  DONE,  DONE,  DONE,  DONE,  DONE,  DONE,  DONE,
      data=SIGNUP, probe=exists(User, email="new@example.org")),
    R("accounts:signup_done", {}, GET,
                          200,   200,   200,   200,   200,   200,   200,   200,   200,   200),
    R("accounts:resend_verification", {}, GET,
                          200,   200,   200,   200,   200,   200,   200,   200,   200,   200),
    R("accounts:resend_verification", {}, POST,
                          GO,    GO,    GO,    GO,    GO,    GO,    GO,    GO,    GO,    GO,
      data={"email": "@owner_email"}),
    R("accounts:verify_email", {"token": "forged"}, GET,
                          400,   400,   400,   400,   400,   400,   400,   400,   400,   400),
    R("accounts:login", {}, GET,
                          200,   GO,    GO,    GO,    GO,    GO,    GO,    GO,    GO,    GO),
    R("accounts:login", {}, POST,
                          200,   GO,    GO,    GO,    GO,    GO,    GO,    GO,    GO,    GO,
      data={"username": "@owner_email", "password": "wrong"}),
    R("accounts:logout", {}, GET,
                          405,   405,   405,   405,   405,   405,   405,   405,   405,   405),
    R("accounts:logout", {}, POST,
                          GO,    GO,    GO,    GO,    GO,    GO,    GO,    GO,    GO,    GO),
    R("accounts:profile", {}, GET,
                          LOGIN, 200,   200,   200,   200,   200,   200,   200,   200,   200),
    R("accounts:profile", {}, POST,
                          LOGIN, DONE,  DONE,  DONE,  DONE,  DONE,  DONE,  DONE,  DONE,  DONE,
      data={"display_name": "Renamed", "country": "AT"}, probe=own_field("display_name")),
    # Only someone who needs consent can name a guardian; for the rest it is refused.
    R("accounts:ask_guardian", {}, POST,
                          LOGIN, DONE,  400,   400,   400,   400,   400,   400,   400,   400,
      data={"guardian_email": "aunt@example.org"},
      probe=lambda w, u: list(GuardianConsent.objects.values_list("guardian_email"))),
    R("accounts:resend_guardian", {}, POST,
                          LOGIN, DONE,  NOPE,  NOPE,  NOPE,  NOPE,  NOPE,  NOPE,  NOPE,  NOPE,
      probe=mails),
    R("accounts:export_data", {}, GET,
                          LOGIN, 200,   200,   200,   200,   200,   200,   200,   200,   200,
      check=own_export),
    R("accounts:delete_account", {}, GET,
                          LOGIN, 200,   200,   200,   200,   200,   200,   200,   200,   200),
    R("accounts:delete_account", {}, POST,
                          LOGIN, DONE,  DONE,  DONE,  DONE,  DONE,  DONE,  DONE,  DONE,  DONE,
      data={"password": PASSWORD}, probe=own_field("pk")),
    R("accounts:password_change", {}, GET,
                          LOGIN, 200,   200,   200,   200,   200,   200,   200,   200,   200),
    R("accounts:password_change", {}, POST,
                          LOGIN, DONE,  DONE,  DONE,  DONE,  DONE,  DONE,  DONE,  DONE,  DONE,
      data=NEW_PASSWORD, probe=own_field("password")),
    R("accounts:password_reset", {}, GET,
                          200,   200,   200,   200,   200,   200,   200,   200,   200,   200),
    R("accounts:password_reset", {}, POST,
                          DONE,  DONE,  DONE,  DONE,  DONE,  DONE,  DONE,  DONE,  DONE,  DONE,
      data={"email": "@owner_email"}, probe=mails),
    R("accounts:password_reset_done", {}, GET,
                          200,   200,   200,   200,   200,   200,   200,   200,   200,   200),
    R("accounts:password_reset_confirm", {"uidb64": "MQ", "token": "forged"}, GET,
                          200,   200,   200,   200,   200,   200,   200,   200,   200,   200),
    R("accounts:password_reset_complete", {}, GET,
                          200,   200,   200,   200,   200,   200,   200,   200,   200,   200),

    # --- Guardians: the signed link is the key, whoever holds it ------------------------
    #                     anon   minor  owner  other  jur_x  juror  mod    org    mod_x  org_x
    R("accounts:guardian_consent", {"token": "@request_token"}, GET,
                          200,   200,   200,   200,   200,   200,   200,   200,   200,   200),
    R("accounts:guardian_consent", {"token": "@request_token"}, POST,
                          DONE,  DONE,  DONE,  DONE,  DONE,  DONE,  DONE,  DONE,  DONE,  DONE,
      data={"decision": "give"},
      probe=lambda w, u: GuardianConsent.objects.get(pk=w.obj["asking"].pk).status),
    R("accounts:guardian_consent", {"token": "forged"}, POST,
                          400,   400,   400,   400,   400,   400,   400,   400,   400,   400,
      data={"decision": "give"},
      probe=lambda w, u: list(GuardianConsent.objects.values_list("status"))),
    R("accounts:guardian_manage", {"token": "@manage_token"}, GET,
                          200,   200,   200,   200,   200,   200,   200,   200,   200,   200),
    # A request link is not a manage link (different signing salt).
    R("accounts:guardian_manage", {"token": "@request_token"}, GET,
                          400,   400,   400,   400,   400,   400,   400,   400,   400,   400),
    R("accounts:guardian_withdraw", {"token": "@manage_token"}, POST,
                          DONE,  DONE,  DONE,  DONE,  DONE,  DONE,  DONE,  DONE,  DONE,  DONE,
      probe=lambda w, u: GuardianConsent.objects.get(pk=w.obj["agreed"].pk).status),
    R("accounts:guardian_withdraw", {"token": "@request_token"}, POST,
                          400,   400,   400,   400,   400,   400,   400,   400,   400,   400,
      probe=lambda w, u: list(GuardianConsent.objects.values_list("status"))),
    R("accounts:guardian_export", {"token": "@manage_token"}, GET,
                          200,   200,   200,   200,   200,   200,   200,   200,   200,   200,
      check=export_of("consented_minor")),
    R("accounts:guardian_export", {"token": "forged"}, GET,
                          400,   400,   400,   400,   400,   400,   400,   400,   400,   400),
    R("accounts:guardian_delete", {"token": "@manage_token"}, POST,
                          200,   200,   200,   200,   200,   200,   200,   200,   200,   200,
      data={"confirm": "on"}, probe=exists(User, pk="@consented_minor")),
    R("accounts:guardian_delete", {"token": "@request_token"}, POST,
                          400,   400,   400,   400,   400,   400,   400,   400,   400,   400,
      data={"confirm": "on"}, probe=lambda w, u: User.objects.count()),

    # --- Accounts API -------------------------------------------------------------------
    #                     anon   minor  owner  other  jur_x  juror  mod    org    mod_x  org_x
    R("api-me", {}, GET,  403,   200,   200,   200,   200,   200,   200,   200,   200,   200),
    R("api-me", {}, PATCH,
                          403,   200,   200,   200,   200,   200,   200,   200,   200,   200,
      data={"display_name": "Renamed"}, probe=own_field("display_name")),
    R("api-me", {}, DELETE,
                          403,   405,   405,   405,   405,   405,   405,   405,   405,   405),
    R("api-me-export", {}, GET,
                          403,   200,   200,   200,   200,   200,   200,   200,   200,   200,
      check=own_export),
    R("api-me-delete", {}, POST,
                          403,   204,   204,   204,   204,   204,   204,   204,   204,   204,
      data={"password": PASSWORD}, probe=own_field("pk")),
    R("api-me-delete", {}, POST,
                          403,   400,   400,   400,   400,   400,   400,   400,   400,   400,
      data={"password": "wrong"}, probe=own_field("pk"), label="wrong password"),
    # Sends the open request again: only the minor has one.
    R("api-me-guardian", {}, POST,
                          403,   200,   400,   400,   400,   400,   400,   400,   400,   400,
      data={}, probe=mails),
    R("api-auth-token", {}, POST,
                          400,   400,   400,   400,   400,   400,   400,   400,   400,   400,
      data={"email": "@owner_email", "password": "wrong"}),
    R("api-auth-token", {}, DELETE,
                          403,   204,   204,   204,   204,   204,   204,   204,   204,   204),

    # --- Workshops ----------------------------------------------------------------------
    #                     anon   minor  owner  other  jur_x  juror  mod    org    mod_x  org_x
    R("workshops:list", {}, GET,
                          200,   200,   200,   200,   200,   200,   200,   200,   200,   200),
    R("workshops:mine", {}, GET,
                          LOGIN, 200,   200,   200,   200,   200,   200,   200,   200,   200),
    R("workshops:detail", {"slug": "@w"}, GET,
                          200,   200,   200,   200,   200,   200,   200,   200,   200,   200),
    R("workshops:calendar", {"slug": "@w"}, GET,
                          200,   200,   200,   200,   200,   200,   200,   200,   200,   200),
    # Workshops need no consent; the owner already has a place.
    R("workshops:register", {"slug": "@w"}, POST,
                          LOGIN, DONE,  NOPE,  DONE,  DONE,  DONE,  DONE,  DONE,  DONE,  DONE,
      probe=exists(Registration, workshop="@w", participant="@user")),
    R("workshops:register", {"slug": "@w"}, GET,
                          405,   405,   405,   405,   405,   405,   405,   405,   405,   405),
    # Cancelling someone else's registration by its id: not found.
    R("workshops:cancel", {"pk": "@r_owner"}, POST,
                          LOGIN, 404,   DONE,  404,   404,   404,   404,   404,   404,   404,
      probe=lambda w, u: Registration.objects.get(pk=w.obj["r_owner"].pk).status),
    # Only organisers of the workshop's network tick attendance.
    R("workshops:attendance", {"slug": "@w_started"}, GET,
                          LOGIN, 404,   404,   404,   404,   404,   404,   200,   404,   404),
    R("workshops:attendance", {"slug": "@w_started"}, POST,
                          LOGIN, 404,   404,   404,   404,   404,   404,   DONE,  404,   404,
      data={"attended": "@r_started"},
      probe=lambda w, u: Registration.objects.get(pk=w.obj["r_started"].pk).attended),
    R("workshop-list", {}, GET,
                          200,   200,   200,   200,   200,   200,   200,   200,   200,   200),
    R("workshop-list", {}, POST,
                          403,   405,   405,   405,   405,   405,   405,   405,   405,   405,
      data={"title": "Mine now"}),
    R("workshop-detail", {"slug": "@w"}, GET,
                          200,   200,   200,   200,   200,   200,   200,   200,   200,   200),
    R("workshop-detail", {"slug": "@w"}, PATCH,
                          403,   405,   405,   405,   405,   405,   405,   405,   405,   405,
      data={"capacity": 1000}),
    R("workshop-registration-list", {}, GET,
                          403,   200,   200,   200,   200,   200,   200,   200,   200,   200,
      check=only_own(Registration)),
    R("workshop-registration-list", {}, POST,
                          403,   201,   400,   201,   201,   201,   201,   201,   201,   201,
      data={"workshop": "@w"}, probe=exists(Registration, workshop="@w", participant="@user")),
    R("workshop-registration-detail", {"pk": "@r_owner"}, GET,
                          403,   404,   200,   404,   404,   404,   404,   404,   404,   404),
    R("workshop-registration-detail", {"pk": "@r_owner"}, DELETE,
                          403,   404,   204,   404,   404,   404,   404,   404,   404,   404,
      probe=lambda w, u: Registration.objects.get(pk=w.obj["r_owner"].pk).status),
    R("workshop-registration-detail", {"pk": "@r_owner"}, PATCH,
                          403,   405,   405,   405,   405,   405,   405,   405,   405,   405,
      data={"status": "confirmed"}),

    # --- Workshops (organisers) ---------------------------------------------------------
    # Any organiser may create one for their own network; running one (the manage page,
    # edit, cancel, the CSV) is for organisers of its network only: 403 for the rest.
    #                     anon   minor  owner  other  jur_x  juror  mod    org    mod_x  org_x
    R("workshops:new", {}, GET,
                          LOGIN, 403,   403,   403,   403,   403,   403,   200,   403,   200),
    R("workshops:new", {}, POST,
                          LOGIN, 403,   403,   403,   403,   403,   403,   NOOP_200, 403, NOOP_200,
      data={"title": ""}, probe=count(Workshop), label="invalid: the form again"),
    R("workshops:new", {}, POST,
                          LOGIN, 403,   403,   403,   403,   403,   403,   DONE,  403,   DONE,
      data=lambda w: {
          "title": "Matrix workshop", "mode": "online", "capacity": "5", "is_published": "on",
          **{name: timezone.localtime(getattr(w.obj["w"], name)).strftime("%Y-%m-%dT%H:%M")
             for name in ("starts_at", "ends_at", "registration_deadline")},
      },
      probe=exists(Workshop, title="Matrix workshop")),
    R("workshops:manage", {"slug": "@w"}, GET,
                          LOGIN, 403,   403,   403,   403,   403,   403,   200,   403,   403),
    R("workshops:edit", {"slug": "@w"}, GET,
                          LOGIN, 403,   403,   403,   403,   403,   403,   200,   403,   403),
    R("workshops:edit", {"slug": "@w"}, POST,
                          LOGIN, 403,   403,   403,   403,   403,   403,   DONE,  403,   403,
      data=lambda w: {
          "title": "Renamed", "mode": "on_site", "city": "Kiel", "capacity": "20",
          **{name: timezone.localtime(getattr(w.obj["w"], name)).strftime("%Y-%m-%dT%H:%M")
             for name in ("starts_at", "ends_at", "registration_deadline")},
      },
      probe=lambda w, u: Workshop.objects.get(pk=w.obj["w"].pk).capacity),
    # Asking first changes nothing.
    R("workshops:cancel_workshop", {"slug": "@w"}, GET,
                          LOGIN, 403,   403,   403,   403,   403,   403,   NOOP_200, 403,  403,
      probe=lambda w, u: Workshop.objects.get(pk=w.obj["w"].pk).cancelled_at),
    R("workshops:cancel_workshop", {"slug": "@w"}, POST,
                          LOGIN, 403,   403,   403,   403,   403,   403,   DONE,  403,   403,
      probe=lambda w, u: Workshop.objects.get(pk=w.obj["w"].pk).cancelled_at),
    # Display names and attendance only: the owner's email never leaves in the file.
    R("workshops:registrations_csv", {"slug": "@w"}, GET,
                          LOGIN, 403,   403,   403,   403,   403,   403,   200,   403,   403,
      check=lambda w, u, r: w.obj["r_owner"].participant.email not in r.content.decode()),

    # --- Challenges and entries: pages --------------------------------------------------
    #                     anon   minor  owner  other  jur_x  juror  mod    org    mod_x  org_x
    R("challenges:list", {}, GET,
                          200,   200,   200,   200,   200,   200,   200,   200,   200,   200),
    R("challenges:my_entries", {}, GET,
                          LOGIN, 200,   200,   200,   200,   200,   200,   200,   200,   200),
    # The challenge page lists public entries only, whoever looks.
    R("challenges:detail", {"slug": "@c_open"}, GET,
                          200,   200,   200,   200,   200,   200,   200,   200,   200,   200,
      check=shows_no_entry_of("e_draft", "e_sub", "e_hidden", "e_minor")),
    R("challenges:detail", {"slug": "@c_hidden"}, GET,
                          404,   404,   404,   404,   404,   404,   404,   404,   404,   404),
    R("challenges:entry_create", {"slug": "@c_open"}, GET,
                          LOGIN, 200,   200,   200,   200,   200,   200,   200,   200,   200),
    # Anyone with a confirmed email may start a draft; consent is needed to submit it.
    R("challenges:entry_create", {"slug": "@c_open"}, POST,
                          LOGIN, NOOP_200, DONE,  DONE,  DONE,  DONE,  DONE,  DONE,  DONE,  DONE,
      data={"title": "Matrix entry", "description": ""},
      probe=exists(Entry, title="Matrix entry", creators="@user")),
    R("challenges:entry_create", {"slug": "@c_hidden"}, GET,
                          LOGIN, 404,   404,   404,   404,   404,   404,   404,   404,   404),
    # Not yet approved: creators, the challenge's jurors, moderators and organisers of
    # its network only; the rest get 404 as if it did not exist.
    R("challenges:entry", {"slug": "@c_open", "pk": "@e_draft"}, GET,
                          404,   404,   200,   404,   404,   200,   200,   200,   404,   404),
    R("challenges:entry", {"slug": "@c_open", "pk": "@e_sub"}, GET,
                          404,   404,   200,   404,   404,   200,   200,   200,   404,   404),
    R("challenges:entry", {"slug": "@c_open", "pk": "@e_hidden"}, GET,
                          404,   404,   200,   404,   404,   200,   200,   200,   404,   404),
    R("challenges:entry", {"slug": "@c_open", "pk": "@e_minor"}, GET,
                          404,   200,   404,   404,   404,   200,   200,   200,   404,   404),
    R("challenges:entry", {"slug": "@c_vote", "pk": "@e_pub"}, GET,
                          200,   200,   200,   200,   200,   200,   200,   200,   200,   200),
    # The entry exists, but not in this challenge.
    R("challenges:entry", {"slug": "@c_open", "pk": "@e_pub"}, GET,
                          404,   404,   404,   404,   404,   404,   404,   404,   404,   404),
    R("challenges:entry_edit", {"slug": "@c_open", "pk": "@e_draft"}, GET,
                          LOGIN, 404,   200,   404,   404,   404,   404,   404,   404,   404),
    R("challenges:entry_edit", {"slug": "@c_open", "pk": "@e_draft"}, POST,
                          LOGIN, 404,   DONE,  404,   404,   404,   404,   404,   404,   404,
      data={"title": "Changed", "description": ""}, probe=entry_field("e_draft", "title")),
    R("challenges:entry_captions", {"slug": "@c_vote", "pk": "@e_pub"}, POST,
                          LOGIN, 404,   DONE,  404,   404,   404,   404,   DONE,  404,   404,
      data=caption_upload, probe=lambda w, u: list(w.obj["a_pub"].captions.values_list(
          "language"))),
    R("challenges:entry_captions", {"slug": "@c_vote", "pk": "@e_pub"}, GET,
                          405,   405,   405,   405,   405,   405,   405,   405,   405,   405),
    # Teams: only the creators invite, withdraw and remove; only the invitee answers.
    R("challenges:team_invite", {"slug": "@c_open", "pk": "@e_draft"}, POST,
                          LOGIN, 404,   DONE,  404,   404,   404,   404,   404,   404,   404,
      data=lambda w: {"who": w.refs["alumna_email"]},
      probe=lambda w, u: TeamInvitation.objects.filter(entry=w.obj["e_draft"]).count()),
    R("challenges:team_withdraw",
      {"slug": "@c_open", "pk": "@e_draft", "invitation_id": "@ti_other"}, POST,
                          LOGIN, 404,   DONE,  404,   404,   404,   404,   404,   404,   404,
      probe=lambda w, u: TeamInvitation.objects.get(pk=w.obj["ti_other"].pk).status),
    R("challenges:team_remove",
      {"slug": "@c_open", "pk": "@e_draft", "user_id": "@u_owner_id"}, POST,
                          LOGIN, 404,   NOPE,  404,   404,   404,   404,   404,   404,   404,
      probe=lambda w, u: w.obj["e_draft"].creators.count()),
    R("challenges:team_invitations", {}, GET,
                          LOGIN, 200,   200,   200,   200,   200,   200,   200,   200,   200),
    R("challenges:team_answer", {"invitation_id": "@ti_other", "answer": "decline"}, POST,
                          LOGIN, 404,   404,   DONE,  404,   404,   404,   404,   404,   404,
      probe=lambda w, u: TeamInvitation.objects.get(pk=w.obj["ti_other"].pk).status),
    R("challenges:entry_action", {"slug": "@c_open", "pk": "@e_draft", "action": "submit"},
      POST,               LOGIN, 404,   DONE,  404,   404,   404,   404,   404,   404,   404,
      probe=entry_field("e_draft", "state")),
    # The minor's own draft waits for their guardian.
    R("challenges:entry_action", {"slug": "@c_open", "pk": "@e_minor", "action": "submit"},
      POST,               LOGIN, NOPE,  404,   404,   404,   404,   404,   404,   404,   404,
      probe=entry_field("e_minor", "state")),
    R("challenges:entry_action", {"slug": "@c_open", "pk": "@e_sub", "action": "withdraw"},
      POST,               LOGIN, 404,   DONE,  404,   404,   404,   404,   404,   404,   404,
      probe=entry_field("e_sub", "state")),
    R("challenges:entry_action", {"slug": "@c_open", "pk": "@e_sub", "action": "to-draft"},
      GET,                405,   405,   405,   405,   405,   405,   405,   405,   405,   405),
    R("challenges:entry_action", {"slug": "@c_open", "pk": "@e_sub", "action": "approve"},
      POST,               LOGIN, 404,   404,   404,   404,   404,   404,   404,   404,   404,
      probe=entry_field("e_sub", "state")),

    # --- Challenges and entries: API ----------------------------------------------------
    #                     anon   minor  owner  other  jur_x  juror  mod    org    mod_x  org_x
    R("challenge-list", {}, GET,
                          200,   200,   200,   200,   200,   200,   200,   200,   200,   200),
    R("challenge-detail", {"slug": "@c_open"}, GET,
                          200,   200,   200,   200,   200,   200,   200,   200,   200,   200),
    R("challenge-detail", {"slug": "@c_hidden"}, GET,
                          404,   404,   404,   404,   404,   404,   404,   404,   404,   404),
    R("challenge-detail", {"slug": "@c_open"}, PATCH,
                          403,   405,   405,   405,   405,   405,   405,   405,   405,   405,
      data={"title": "Taken over"}),
    R("entry-list", {}, GET,
                          200,   200,   200,   200,   200,   200,   200,   200,   200,   200,
      check=entries_listed_as_detail_rows),
    # The minor's guardian has not agreed yet: no entries (nor uploads) until they do.
    R("entry-list", {}, POST,
                          403,   403,   201,   201,   201,   201,   201,   201,   201,   201,
      data={"challenge": "@c_open", "title": "Matrix entry"},
      probe=exists(Entry, title="Matrix entry", creators="@user")),
    R("entry-detail", {"pk": "@e_draft"}, GET,
                          404,   404,   200,   404,   404,   200,   200,   200,   404,   404),
    R("entry-detail", {"pk": "@e_sub"}, GET,
                          404,   404,   200,   404,   404,   200,   200,   200,   404,   404),
    R("entry-detail", {"pk": "@e_hidden"}, GET,
                          404,   404,   200,   404,   404,   200,   200,   200,   404,   404),
    R("entry-detail", {"pk": "@e_minor"}, GET,
                          404,   200,   404,   404,   404,   200,   200,   200,   404,   404),
    R("entry-detail", {"pk": "@e_pub"}, GET,
                          200,   200,   200,   200,   200,   200,   200,   200,   200,   200),
    R("entry-detail", {"pk": "@e_draft"}, PATCH,
                          403,   404,   200,   404,   404,   404,   404,   404,   404,   404,
      data={"title": "Changed"}, probe=entry_field("e_draft", "title")),
    R("entry-detail", {"pk": "@e_pub"}, PATCH,
                          403,   404,   400,   404,   404,   404,   404,   404,   404,   404,
      data={"title": "Changed"}, probe=entry_field("e_pub", "title")),
    R("entry-detail", {"pk": "@e_draft"}, PUT,
                          403,   405,   405,   405,   405,   405,   405,   405,   405,   405,
      data={"title": "Changed"}, probe=entry_field("e_draft", "title")),
    R("entry-detail", {"pk": "@e_draft"}, DELETE,
                          403,   405,   405,   405,   405,   405,   405,   405,   405,   405,
      probe=exists(Entry, pk="@e_draft")),
    R("entry-submit", {"pk": "@e_draft"}, POST,
                          403,   404,   200,   404,   404,   404,   404,   404,   404,   404,
      probe=entry_field("e_draft", "state")),
    R("entry-submit", {"pk": "@e_minor"}, POST,
                          403,   400,   404,   404,   404,   404,   404,   404,   404,   404,
      probe=entry_field("e_minor", "state")),
    R("entry-withdraw", {"pk": "@e_sub"}, POST,
                          403,   404,   200,   404,   404,   404,   404,   404,   404,   404,
      probe=entry_field("e_sub", "state")),
    R("entry-upload", {"pk": "@e_draft"}, POST,
                          403,   404,   201,   404,   404,   404,   404,   404,   404,   404,
      data=UPLOAD, probe=count(UploadSession)),
    R("entry-video", {"pk": "@e_draft"}, POST,
                          403,   404,   200,   404,   404,   404,   404,   404,   404,   404,
      data={"media_asset": "@a_loose"}, probe=entry_field("e_draft", "media_asset")),
    # Naming someone else's video: the owner is refused, everyone else does not get in.
    R("entry-video", {"pk": "@e_draft"}, POST,
                          403,   404,   400,   404,   404,   404,   404,   404,   404,   404,
      data={"media_asset": "@a_other_loose"}, probe=entry_field("e_draft", "media_asset"),
      label="someone else's video"),

    # --- Media: uploads, assets, captions, playback ------------------------------------
    #                     anon   minor  owner  other  jur_x  juror  mod    org    mod_x  org_x
    R("transcoding:upload-page", {}, GET,
                          LOGIN, 200,   200,   200,   200,   200,   200,   200,   200,   200),
    R("transcoding-upload-create", {}, POST,
                          403,   403,   201,   201,   201,   201,   201,   201,   201,   201,
      data=UPLOAD, probe=count(UploadSession)),
    R("transcoding-upload-detail", {"upload_id": "@u_owner"}, GET,
                          403,   404,   200,   404,   404,   404,   404,   404,   404,   404),
    R("transcoding-upload-detail", {"upload_id": "@u_owner"}, DELETE,
                          403,   404,   204,   404,   404,   404,   404,   404,   404,   404,
      probe=lambda w, u: UploadSession.objects.get(pk=w.obj["u_owner"].pk).status),
    # The owner gets past the check (and is told the parts are missing).
    R("transcoding-upload-complete", {"upload_id": "@u_owner"}, POST,
                          403,   404,   400,   404,   404,   404,   404,   404,   404,   404,
      data={"parts": [{"number": 1, "etag": "0" * 32}]},
      probe=lambda w, u: UploadSession.objects.get(pk=w.obj["u_owner"].pk).status),
    # Part URLs are signed like S3 presigned URLs: the signature is the key, for one
    # upload and part only.
    R("transcoding:upload-part", {"upload_id": "@u_owner", "number": 1}, PUT,
                          200,   200,   200,   200,   200,   200,   200,   200,   200,   200,
      data=b"x" * 1000, content_type="application/octet-stream", query={"sig": "@part_sig"}),
    R("transcoding:upload-part", {"upload_id": "@u_other", "number": 1}, PUT,
                          403,   403,   403,   403,   403,   403,   403,   403,   403,   403,
      data=b"x" * 1000, content_type="application/octet-stream", query={"sig": "@part_sig"}),
    R("transcoding:upload-part", {"upload_id": "@u_owner", "number": 1}, GET,
                          405,   405,   405,   405,   405,   405,   405,   405,   405,   405,
      query={"sig": "@part_sig"}),
    R("transcoding-media-asset-detail", {"asset_id": "@a_pub"}, GET,
                          403,   200,   200,   200,   200,   200,   200,   200,   200,   200),
    R("transcoding-media-asset-detail", {"asset_id": "@a_draft"}, GET,
                          403,   404,   200,   404,   404,   200,   200,   200,   404,   404),
    R("transcoding-media-asset-detail", {"asset_id": "@a_loose"}, GET,
                          403,   404,   200,   404,   404,   404,   404,   404,   404,   404),
    # Captions: the video's owner (and the entry's other creators), or organisers of the
    # entry's network; an organiser of another network may watch but not change them.
    R("transcoding-media-asset-captions", {"asset_id": "@a_pub"}, POST,
                          403,   404,   201,   404,   404,   404,   404,   201,   404,   404,
      data=caption_upload, probe=lambda w, u: list(w.obj["a_pub"].captions.values_list(
          "language"))),
    R("transcoding-media-asset-captions", {"asset_id": "@a_draft"}, POST,
                          403,   404,   201,   404,   404,   404,   404,   201,   404,   404,
      data=caption_upload, probe=lambda w, u: list(w.obj["a_draft"].captions.values_list(
          "language"))),
    R("transcoding:master-playlist", {"asset_id": "@a_pub"}, GET,
                          200,   200,   200,   200,   200,   200,   200,   200,   200,   200),
    R("transcoding:master-playlist", {"asset_id": "@a_draft"}, GET,
                          404,   404,   200,   404,   404,   200,   200,   200,   404,   404),
    R("transcoding:media-playlist", {"asset_id": "@a_pub", "path": "@variant"}, GET,
                          200,   200,   200,   200,   200,   200,   200,   200,   200,   200),
    R("transcoding:media-playlist", {"asset_id": "@a_draft", "path": "@variant"}, GET,
                          404,   404,   200,   404,   404,   200,   200,   200,   404,   404),
    R("transcoding:media-playlist", {"asset_id": "@a_pub", "path": "@escape"}, GET,
                          404,   404,   404,   404,   404,   404,   404,   404,   404,   404),
    R("transcoding:caption-playlist", {"asset_id": "@a_pub", "language": "en"}, GET,
                          200,   200,   200,   200,   200,   200,   200,   200,   200,   200),
    R("transcoding:poster", {"asset_id": "@a_pub"}, GET,
                          200,   200,   200,   200,   200,   200,   200,   200,   200,   200),
    R("transcoding:poster", {"asset_id": "@a_draft"}, GET,
                          404,   404,   200,   404,   404,   200,   200,   200,   404,   404),
    R("transcoding:thumbnail", {"asset_id": "@a_pub"}, GET,
                          200,   200,   200,   200,   200,   200,   200,   200,   200,   200),
    # Segment URLs come signed in the playlists of those who may watch; the signature
    # is the key (like a presigned S3 URL).
    R("transcoding:asset-file", {"asset_id": "@a_draft", "path": "@segment_path"}, GET,
                          200,   200,   200,   200,   200,   200,   200,   200,   200,   200,
      query={"sig": "@segment_sig"}),
    R("transcoding:asset-file", {"asset_id": "@a_pub", "path": "@segment_path"}, GET,
                          404,   404,   404,   404,   404,   404,   404,   404,   404,   404,
      query={"sig": "@segment_sig"}),

    # --- Badges and portfolios ----------------------------------------------------------
    #                     anon   minor  owner  other  jur_x  juror  mod    org    mod_x  org_x
    R("badges:issuer", {}, GET,
                          200,   200,   200,   200,   200,   200,   200,   200,   200,   200),
    R("badges:class", {"kind": "winner"}, GET,
                          200,   200,   200,   200,   200,   200,   200,   200,   200,   200),
    R("badges:class-image", {"kind": "winner"}, GET,
                          200,   200,   200,   200,   200,   200,   200,   200,   200,   200),
    # Hosted verification: public by design, names no one.
    R("badges:assertion", {"pk": "@badge"}, GET,
                          200,   200,   200,   200,   200,   200,   200,   200,   200,   200),
    R("badges:my-portfolio", {}, GET,
                          LOGIN, 200,   200,   200,   200,   200,   200,   200,   200,   200),
    R("badges:portfolio-visibility", {}, POST,
                          LOGIN, NOPE,  DONE,  DONE,  DONE,  DONE,  DONE,  DONE,  DONE,  DONE,
      data={"is_public": "1"},
      probe=exists(Portfolio, user="@user", is_public=True)),
    R("badges:portfolio", {"public_id": "@pf_public"}, GET,
                          200,   200,   200,   200,   200,   200,   200,   200,   200,   200),
    R("badges:portfolio", {"public_id": "@pf_owner"}, GET,
                          404,   404,   404,   404,   404,   404,   404,   404,   404,   404),
    R("badges:portfolio", {"public_id": "@pf_child"}, GET,
                          404,   404,   404,   404,   404,   404,   404,   404,   404,   404),

    # --- Jurors -------------------------------------------------------------------------
    #                     anon   minor  owner  other  jur_x  juror  mod    org    mod_x  org_x
    R("voting:jury_home", {}, GET,
                          LOGIN, 200,   200,   200,   200,   200,   200,   200,   200,   200),
    # A jury invitation: only the account it was sent to (juror_x) may accept it.
    R("voting:invitation", {"token": "@invitation_token"}, GET,
                          200,   403,   403,   403,   200,   403,   403,   403,   403,   403),
    R("voting:invitation", {"token": "@invitation_token"}, POST,
                          NOOP_200, 403, 403,   403,   DONE,  403,   403,   403,   403,   403,
      probe=lambda w, u: JuryInvitation.objects.get(pk=w.obj["invitation"].pk).accepted_at),
    R("voting:invitation", {"token": "not-a-token"}, GET,
                          404,   404,   404,   404,   404,   404,   404,   404,   404,   404),
    R("voting:jury_round", {"round_id": "@r_vote"}, GET,
                          LOGIN, 404,   404,   404,   404,   200,   404,   404,   404,   404),
    R("voting:jury_round", {"round_id": "@r_x"}, GET,
                          LOGIN, 404,   404,   404,   200,   404,   404,   404,   404,   404),
    R("voting:review", {"round_id": "@r_vote", "entry_id": "@e_pub"}, GET,
                          LOGIN, 404,   404,   404,   404,   200,   404,   404,   404,   404),
    R("voting:review", {"round_id": "@r_vote", "entry_id": "@e_pub"}, POST,
                          LOGIN, 404,   404,   404,   404,   DONE,  404,   404,   404,   404,
      data={"@criterion_field": "7", "comment": "Clear", "action": "draft"},
      probe=exists(Review, assignment="@a_juror")),
    # Another juror's assignment in the same round: nobody else opens it.
    R("voting:review", {"round_id": "@r_vote", "entry_id": "@e_other_pub"}, GET,
                          LOGIN, 404,   404,   404,   404,   404,   404,   404,   404,   404),
    R("voting:review", {"round_id": "@r_vote", "entry_id": "@e_other_pub"}, POST,
                          LOGIN, 404,   404,   404,   404,   404,   404,   404,   404,   404,
      data={"@criterion_field": "1", "comment": "", "action": "submit"},
      probe=exists(Review, assignment="@a_peer")),
    R("voting:declare_conflict", {"round_id": "@r_vote", "entry_id": "@e_pub"}, POST,
                          LOGIN, 404,   404,   404,   404,   DONE,  404,   404,   404,   404,
      data={"reason": "My cousin made it."},
      probe=exists(ConflictOfInterest, entry="@e_pub")),
    R("voting:declare_conflict", {"round_id": "@r_vote", "entry_id": "@e_pub"}, GET,
                          LOGIN, 405,   405,   405,   405,   405,   405,   405,   405,   405),
    R("jury-assignments", {}, GET,
                          403,   200,   200,   200,   200,   200,   200,   200,   200,   200,
      check=only_own(Assignment)),
    R("jury-review", {"pk": "@a_juror"}, PUT,
                          403,   404,   404,   404,   404,   200,   404,   404,   404,   404,
      data={"scores": {"@criterion": 7}, "comment": "Clear"},
      probe=exists(Review, assignment="@a_juror")),
    R("jury-review", {"pk": "@a_peer"}, PUT,
                          403,   404,   404,   404,   404,   404,   404,   404,   404,   404,
      data={"scores": {"@criterion": 1}, "submit": False},
      probe=exists(Review, assignment="@a_peer")),
    R("jury-review", {"pk": "@a_x"}, PUT,
                          403,   404,   404,   404,   200,   404,   404,   404,   404,   404,
      data={"scores": {}, "comment": "Later"},
      probe=exists(Review, assignment="@a_x")),
    R("jury-review", {"pk": "@a_juror"}, GET,
                          403,   405,   405,   405,   405,   405,   405,   405,   405,   405),

    # --- Public vote --------------------------------------------------------------------
    #                     anon   minor  owner  other  jur_x  juror  mod    org    mod_x  org_x
    R("voting:vote_page", {"slug": "@c_vote"}, GET,
                          200,   200,   200,   200,   200,   200,   200,   200,   200,   200),
    R("voting:vote_page", {"slug": "@c_hidden"}, GET,
                          404,   404,   404,   404,   404,   404,   404,   404,   404,   404),
    # The minor waits for their guardian; "other" made this entry.
    R("voting:vote", {"slug": "@c_vote", "entry_id": "@e_other_pub"}, POST,
                          LOGIN, NOPE,  DONE,  NOPE,  DONE,  DONE,  DONE,  DONE,  DONE,  DONE,
      probe=exists(Vote, entry="@e_other_pub", voter="@user")),
    # Taking back a vote takes back only your own: the owner's vote stays for the rest.
    R("voting:vote", {"slug": "@c_vote", "entry_id": "@e_alumna_pub"}, POST,
                          LOGIN, NOPE,  DONE,  NOPE,  NOPE,  NOPE,  NOPE,  NOPE,  NOPE,  NOPE,
      data={"action": "withdraw"},
      probe=exists(Vote, entry="@e_alumna_pub", voter="@owner")),
    R("voting:vote", {"slug": "@c_open", "entry_id": "@e_sub"}, POST,
                          LOGIN, NOPE,   404,   404,   404,   404,   404,   404,   404,   404,
      probe=count(Vote)),
    R("entry-vote", {"pk": "@e_other_pub"}, POST,
                          403,   403,   201,   400,   201,   201,   201,   201,   201,   201,
      probe=exists(Vote, entry="@e_other_pub", voter="@user")),
    R("entry-vote", {"pk": "@e_alumna_pub"}, DELETE,
                          403,   403, 200, NOOP_200, NOOP_200, NOOP_200, NOOP_200, NOOP_200,
                          NOOP_200, NOOP_200,
      probe=exists(Vote, entry="@e_alumna_pub", voter="@owner")),
    R("entry-vote", {"pk": "@e_sub"}, POST,
                          403,   403,   404,   404,   404,   404,   404,   404,   404,   404,
      probe=count(Vote)),
    R("entry-vote", {"pk": "@e_other_pub"}, GET,
                          403,   405,   405,   405,   405,   405,   405,   405,   405,   405),

    # --- Organisers: juries, flags, results ---------------------------------------------
    #                     anon   minor  owner  other  jur_x  juror  mod    org    mod_x  org_x
    R("voting:organise", {"slug": "@c_vote"}, GET,
                          LOGIN, 403,   403,   403,   403,   403,   403,   200,   403,   403),
    R("voting:organise", {"slug": "@c_x"}, GET,
                          LOGIN, 403,   403,   403,   403,   403,   403,   403,   403,   200),
    # Organiser pages answer 403 (not 404) for a challenge not yet published.
    R("voting:organise", {"slug": "@c_hidden"}, GET,
                          LOGIN, 403,   403,   403,   403,   403,   403,   200,   403,   403),
    R("voting:round_action", {"slug": "@c_vote", "round_id": "@r_vote", "action": "close"},
      POST,               LOGIN, 403,   403,   403,   403,   403,   403,   DONE,  403,   403,
      probe=lambda w, u: Round.objects.get(pk=w.obj["r_vote"].pk).state),
    # A round of another challenge, reached through this challenge's address.
    R("voting:round_action", {"slug": "@c_vote", "round_id": "@r_x", "action": "close"},
      POST,               LOGIN, 403,   403,   403,   403,   403,   403,   404,   403,   403,
      probe=lambda w, u: Round.objects.get(pk=w.obj["r_x"].pk).state),
    R("voting:check_flags", {"slug": "@c_vote"}, POST,
                          LOGIN, 403,   403,   403,   403,   403,   403,   GO,    403,   403),
    R("voting:flag", {"slug": "@c_vote", "flag_id": "@flag"}, GET,
                          LOGIN, 403,   403,   403,   403,   403,   403,   200,   403,   403),
    R("voting:flag_action", {"slug": "@c_vote", "flag_id": "@flag", "action": "dismiss"},
      POST,               LOGIN, 403,   403,   403,   403,   403,   403,   DONE,  403,   403,
      probe=lambda w, u: VoteFlag.objects.get(pk=w.obj["flag"].pk).resolved_at),
    R("voting:compute_results", {"slug": "@c_vote"}, POST,
                          LOGIN, 403,   403,   403,   403,   403,   403,   DONE,  403,   403,
      probe=count(ResultSnapshot)),
    R("voting:snapshot", {"slug": "@c_vote", "snapshot_id": "@s_vote"}, GET,
                          LOGIN, 403,   403,   403,   403,   403,   403,   200,   403,   403),
    R("voting:publish", {"slug": "@c_closed", "snapshot_id": "@s_closed"}, POST,
                          LOGIN, 403,   403,   403,   403,   403,   403,   DONE,  403,   403,
      probe=count(ResultPublication)),
    # Another challenge's snapshot, by its id under this challenge's address.
    R("voting:snapshot", {"slug": "@c_vote", "snapshot_id": "@s_done"}, GET,
                          LOGIN, 403,   403,   403,   403,   403,   403,   404,   403,   403),
    R("voting:publish", {"slug": "@c_vote", "snapshot_id": "@s_done"}, POST,
                          LOGIN, 403,   403,   403,   403,   403,   403,   404,   403,   403,
      probe=count(ResultPublication)),
    R("voting:schedule_release", {"slug": "@c_closed", "snapshot_id": "@s_closed"}, POST,
                          LOGIN, 403,   403,   403,   403,   403,   403,   DONE,  403,   403,
      probe=lambda w, u: ResultSnapshot.objects.get(pk=w.obj["s_closed"].pk).release_at),
    R("voting:schedule_release", {"slug": "@c_vote", "snapshot_id": "@s_done"}, POST,
                          LOGIN, 403,   403,   403,   403,   403,   403,   404,   403,   403,
      probe=lambda w, u: ResultSnapshot.objects.get(pk=w.obj["s_done"].pk).release_at),
    # Nothing is scheduled in the world: cancelling answers the same and changes nothing.
    R("voting:cancel_release", {"slug": "@c_closed", "snapshot_id": "@s_closed"}, POST,
                          LOGIN, 403,   403,   403,   403,   403,   403,   NOPE,  403,   403,
      probe=lambda w, u: ResultSnapshot.objects.get(pk=w.obj["s_closed"].pk).release_at),
    R("voting:results", {"slug": "@c_done"}, GET,
                          200,   200,   200,   200,   200,   200,   200,   200,   200,   200),
    # Not yet published: the page says when results come.
    R("voting:results", {"slug": "@c_vote"}, GET,
                          200,   200,   200,   200,   200,   200,   200,   200,   200,   200),
    R("voting:winner", {"slug": "@c_done", "award_id": "@award"}, GET,
                          200,   200,   200,   200,   200,   200,   200,   200,   200,   200),
    R("voting:certificate", {"slug": "@c_done", "award_id": "@award"}, GET,
                          200,   200,   200,   200,   200,   200,   200,   200,   200,   200),
    R("voting:finalist_certificate",
      {"slug": "@c_done", "award_id": "@award", "entry_id": "@e_win"}, GET,
                          200,   200,   200,   200,   200,   200,   200,   200,   200,   200),
    R("challenge-results", {"slug": "@c_done"}, GET,
                          200,   200,   200,   200,   200,   200,   200,   200,   200,   200),
    R("challenge-results", {"slug": "@c_vote"}, GET,
                          404,   404,   404,   404,   404,   404,   404,   404,   404,   404),

    # --- Organiser console --------------------------------------------------------------
    #                     anon   minor  owner  other  jur_x  juror  mod    org    mod_x  org_x
    R("console:dashboard", {}, GET,
                          LOGIN, 403,   403,   403,   403,   403,   403,   200,   403,   200),
    R("console:challenge_new", {}, GET,
                          LOGIN, 403,   403,   403,   403,   403,   403,   200,   403,   200),
    R("console:challenge_new", {}, POST,
                          LOGIN, 403,   403,   403,   403,   403,   403,   NOOP_200, 403, NOOP_200,
      data={"title": ""}, probe=count(Challenge), label="invalid: the form again"),
    R("console:challenge_edit", {"slug": "@c_vote"}, GET,
                          LOGIN, 403,   403,   403,   403,   403,   403,   200,   403,   403),
    R("console:challenge_edit", {"slug": "@c_x"}, GET,
                          LOGIN, 403,   403,   403,   403,   403,   403,   403,   403,   200),
    R("console:challenge_copy", {"slug": "@c_done"}, POST,
                          LOGIN, 403,   403,   403,   403,   403,   403,   DONE,  403,   403,
      probe=count(Challenge)),
    R("console:challenge_copy", {"slug": "@c_done"}, GET,
                          LOGIN,   405,   405,   405,   405,   405,   405,   405,   405,   405),
    R("console:preview", {"slug": "@c_hidden"}, GET,
                          LOGIN, 403,   403,   403,   403,   403,   403,   200,   403,   403),
    R("console:phase", {"slug": "@c_vote"}, GET,
                          LOGIN, 403,   403,   403,   403,   403,   403,   200,   403,   403),
    R("console:phase", {"slug": "@c_vote"}, POST,
                          LOGIN, 403,   403,   403,   403,   403,   403,   DONE,  403,   403,
      data={"to": "voting_closed"},
      probe=lambda w, u: Challenge.objects.get(pk=w.obj["c_vote"].pk).stage),
    R("console:phase", {"slug": "@c_x"}, GET,
                          LOGIN, 403,   403,   403,   403,   403,   403,   403,   403,   200),
    R("console:schedule", {"slug": "@c_vote"}, POST,
                          LOGIN, 403,   403,   403,   403,   403,   403,   DONE,  403,   403,
      data={"on_schedule": "0"},
      probe=lambda w, u: Challenge.objects.get(pk=w.obj["c_vote"].pk).on_schedule),

    # Display names only: no creator's or juror's email leaves in a file.
    R("console:export", {"slug": "@c_vote", "table": "entries"}, GET,
                          LOGIN, 403,   403,   403,   403,   403,   403,   200,   403,   403,
      check=lambda w, u, r: w.user("owner").email not in r.content.decode()),
    R("console:export", {"slug": "@c_vote", "table": "scores"}, GET,
                          LOGIN, 403,   403,   403,   403,   403,   403,   200,   403,   403,
      check=lambda w, u, r: w.user("juror").email not in r.content.decode()),
    R("console:export", {"slug": "@c_vote", "table": "votes"}, GET,
                          LOGIN, 403,   403,   403,   403,   403,   403,   200,   403,   403,
      check=lambda w, u, r: w.user("owner").display_name not in r.content.decode()),
    R("console:export", {"slug": "@c_x", "table": "entries"}, GET,
                          LOGIN, 403,   403,   403,   403,   403,   403,   403,   403,   200),
    R("console:export", {"slug": "@c_vote", "table": "passwords"}, GET,
                          LOGIN, 403,   403,   403,   403,   403,   403,   404,   403,   403),
    R("console:export", {"slug": "@c_vote", "table": "votes"}, POST,
                          LOGIN, 405,   405,   405,   405,   405,   405,   405,   405,   405),
    R("console:jury", {"slug": "@c_vote"}, GET,
                          LOGIN, 403,   403,   403,   403,   403,   403,   200,   403,   403),
    R("console:jury", {"slug": "@c_vote"}, POST,
                          LOGIN, 403,   403,   403,   403,   403,   403,   DONE,  403,   403,
      data={"form": "panel", "name": "Second jury"}, probe=count(JuryPanel)),
    R("console:jury", {"slug": "@c_x"}, POST,
                          LOGIN, 403,   403,   403,   403,   403,   403,   403,   403,   DONE,
      data={"form": "panel", "name": "Second jury"}, probe=count(JuryPanel)),
    R("console:jury", {"slug": "@c_vote"}, POST,
                          LOGIN, 403,   403,   403,   403,   403,   403,   DONE,  403,   403,
      data={"form": "invite", "panel": "@p_vote", "emails": "new-juror@example.org"},
      probe=count(JuryInvitation), label="invite"),
    R("console:jury_action", {"slug": "@c_vote", "action": "drop", "pk": "@m_peer"}, POST,
                          LOGIN, 403,   403,   403,   403,   403,   403,   DONE,  403,   403,
      probe=lambda w, u: JuryMember.objects.get(pk=w.obj["m_peer"].pk).dropped_at),
    # c_vote's panel seat through c_x's address: org_x organises c_x, not this seat.
    R("console:jury_action", {"slug": "@c_x", "action": "drop", "pk": "@m_peer"}, POST,
                          LOGIN, 403,   403,   403,   403,   403,   403,   403,   403,   404,
      probe=lambda w, u: JuryMember.objects.get(pk=w.obj["m_peer"].pk).dropped_at),
    R("console:jury_action", {"slug": "@c_vote", "action": "remind", "pk": "@r_vote"}, POST,
                          LOGIN, 403,   403,   403,   403,   403,   403,   DONE,  403,   403,
      probe=lambda w, u: Round.objects.get(pk=w.obj["r_vote"].pk).reminded_at),
    R("console:jury_action", {"slug": "@c_vote", "action": "withdraw", "pk": "@invitation"},
      POST,               LOGIN, 403,   403,   403,   403,   403,   403,   DONE,  403,   403,
      probe=lambda w, u: JuryInvitation.objects.get(pk=w.obj["invitation"].pk).withdrawn_at),
    R("console:jury_action", {"slug": "@c_vote", "action": "drop", "pk": "@m_peer"}, GET,
                          LOGIN, 405,   405,   405,   405,   405,   405,   405,   405,   405),

    # The homepage: org_x curates only their own network's features and entries.
    R("console:homepage", {}, GET,
                          LOGIN, 403,   403,   403,   403,   403,   403,   200,   403,   200,
      check=own_network_entries_only),
    R("console:homepage_action", {"action": "feature", "pk": "@e_done"}, POST,
                          LOGIN, 403,   403,   403,   403,   403,   403,   DONE,  403,   404,
      probe=exists(Feature, entry="@e_done")),
    # In a running public vote: refused with a message (it would sway the vote).
    R("console:homepage_action", {"action": "feature", "pk": "@e_other_pub"}, POST,
                          LOGIN, 403,   403,   403,   403,   403,   403,   NOPE,  403,   404,
      probe=exists(Feature, entry="@e_other_pub")),
    # Not public (hidden after reports): refused with a message.
    R("console:homepage_action", {"action": "feature", "pk": "@e_hidden"}, POST,
                          LOGIN, 403,   403,   403,   403,   403,   403,   NOPE,  403,   404,
      probe=count(Feature)),
    R("console:homepage_action", {"action": "hide", "pk": "@f_win"}, POST,
                          LOGIN, 403,   403,   403,   403,   403,   403,   DONE,  403,   404,
      probe=lambda w, u: Feature.objects.get(pk=w.obj["f_win"].pk).is_hidden),
    R("console:homepage_action", {"action": "pin", "pk": "@f_win"}, POST,
                          LOGIN, 403,   403,   403,   403,   403,   403,   DONE,  403,   404,
      probe=lambda w, u: Feature.objects.get(pk=w.obj["f_win"].pk).is_pinned),
    # Not pinned: nothing to move, refused with a message.
    R("console:homepage_action", {"action": "up", "pk": "@f_win"}, POST,
                          LOGIN, 403,   403,   403,   403,   403,   403,   NOPE,  403,   404,
      probe=lambda w, u: Feature.objects.get(pk=w.obj["f_win"].pk).position),
    R("console:homepage_action", {"action": "hide", "pk": "@f_win"}, GET,
                          LOGIN, 405,   405,   405,   405,   405,   405,   405,   405,   405),

    # --- Moderation ---------------------------------------------------------------------
    #                     anon   minor  owner  other  jur_x  juror  mod    org    mod_x  org_x
    R("moderation:queue", {}, GET,
                          LOGIN, 403,   403,   403,   403,   403,   200,   200,   200,   200),
    R("moderation:approve", {"pk": "@e_sub"}, POST,
                          LOGIN, 403,   403,   403,   403,   403,   DONE,  DONE,  404,   404,
      probe=entry_field("e_sub", "state")),
    R("moderation:approve", {"pk": "@e_sub"}, GET,
                          405,   405,   405,   405,   405,   405,   405,   405,   405,   405),
    R("moderation:reject", {"pk": "@e_sub"}, POST,
                          LOGIN, 403,   403,   403,   403,   403,   DONE,  DONE,  404,   404,
      data={"reason": "Please cut the music."}, probe=entry_field("e_sub", "state")),
    R("moderation:decide", {"pk": "@e_pub"}, POST,
                          LOGIN, 403,   403,   403,   403,   403,   DONE,  DONE,  404,   404,
      data={"decision": "hide", "reason": "Shows a phone number."},
      probe=entry_field("e_pub", "hidden_at")),
    # Anyone may report a published entry; an entry nobody may see cannot be reported.
    R("moderation:report", {"pk": "@e_pub"}, GET,
                          200,   200,   200,   200,   200,   200,   200,   200,   200,   200),
    R("moderation:report", {"pk": "@e_pub"}, POST,
                          DONE,  DONE,  DONE,  DONE,  DONE,  DONE,  DONE,  DONE,  DONE,  DONE,
      data={"reason": "spam", "details": ""}, probe=count(Report)),
    R("moderation:report", {"pk": "@e_sub"}, GET,
                          404,   404,   404,   404,   404,   404,   404,   404,   404,   404),
    R("moderation:report", {"pk": "@e_sub"}, POST,
                          404,   404,   404,   404,   404,   404,   404,   404,   404,   404,
      data={"reason": "spam", "details": ""}, probe=count(Report)),
    R("moderation:audit_log", {}, GET,
                          LOGIN, 403,   403,   403,   403,   403,   403,   200,   403,   200),
]
# fmt: on


# --- Sending ------------------------------------------------------------------------------


def _resolve(value: Any, refs: dict[str, Any]) -> Any:
    """A string "@name" (also as a key, or inside lists and dicts) is the world's value."""
    if isinstance(value, str) and value.startswith("@"):
        return refs[value[1:]]
    if isinstance(value, dict):
        return {_resolve(k, refs): _resolve(v, refs) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve(v, refs) for v in value]
    return value


def _path(row: Row, refs: dict[str, Any]) -> str:
    path = reverse(row.route, kwargs=_resolve(row.kwargs, refs))
    return f"{path}?{urlencode(_resolve(row.query, refs))}" if row.query else path


def _send(row: Row, world: World, page: Client, api: APIClient) -> HttpResponse:
    path = _path(row, world.refs)
    data = row.data(world) if callable(row.data) else _resolve(row.data, world.refs)
    if path.startswith("/api/v1/"):
        if callable(row.data):
            return getattr(api, row.method)(path, data, format="multipart")
        return getattr(api, row.method)(path, data, format="json")
    if row.content_type:
        return getattr(page, row.method)(path, data, content_type=row.content_type)
    return getattr(page, row.method)(path, data or {})


_LOGIN_PAGES = (reverse("accounts:login"), "/admin/login/")


def _outcome(row: Row, world: World, user: User | None, response, before, after) -> Any:
    status = response.status_code
    changed = before != after
    if status == 302:
        if response["Location"].startswith(_LOGIN_PAGES):
            return f"{LOGIN} changed!" if changed else LOGIN
        if row.probe is None:
            return GO
        return DONE if changed else NOPE
    if row.probe is not None and status < 400 and not changed:
        return f"{status} no-op"
    if row.probe is not None and status >= 400 and changed:
        return f"{status} changed!"
    if row.check is not None and status < 300 and not row.check(world, user, response):
        return f"{status} wrong data!"
    return status


def _clients(world: World, role: str) -> tuple[Client, APIClient]:
    """Fresh clients (no cookie left by an earlier request) with the role's session.
    Neither checks CSRF tokens, like Django's and DRF's test clients by default."""
    page = Client(raise_request_exception=False)
    api = APIClient(raise_request_exception=False)
    if role in world.sessions:
        page.cookies[django_settings.SESSION_COOKIE_NAME] = world.sessions[role]
        api.cookies = page.cookies
    return page, api


def _run_row(row: Row, world: World) -> dict[str, Any]:
    probe = row.probe or (lambda w, user: None)
    outcomes = {}
    for role in ROLES:
        user = world.users[role]
        page, api = _clients(world, role)
        with transaction.atomic():
            before = probe(world, user)
            response = _send(row, world, page, api)
            after = probe(world, user)
            outcomes[role] = _outcome(row, world, user, response, before, after)
            transaction.set_rollback(True)
        mail.outbox.clear()
        cache.clear()  # rate-limit and throttle counters
        forget_cached_facts()  # what the vote path cached about entries
    return outcomes


@pytest.mark.parametrize("row", MATRIX, ids=[row.id for row in MATRIX])
def test_each_role_gets_what_the_matrix_says(row: Row, world: World):
    # given: the world, a client per role
    # when
    got = _run_row(row, world)
    # then
    assert got == dict(zip(ROLES, row.expect, strict=True))


# --- Every route has a row ----------------------------------------------------------------


def _walk(resolver: URLResolver, prefix: str = "", namespace: str = "") -> Iterator[str]:
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = namespace
            if pattern.namespace:
                ns = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            if pattern.name:
                yield f"{namespace}:{pattern.name}" if namespace else pattern.name
            else:
                yield prefix + str(pattern.pattern)


def _outside(route: str) -> bool:
    return route not in IN_MATRIX_DESPITE_PREFIX and route.startswith(tuple(OUTSIDE_MATRIX))


def test_every_route_is_in_the_matrix():
    routes = set(_walk(get_resolver()))
    covered = {row.route for row in MATRIX}
    assert {
        "missing rows": sorted(r for r in routes - covered if not _outside(r)),
        "rows for no route": sorted(covered - routes),
        "allow-listed but in the matrix": sorted(r for r in covered if _outside(r)),
    } == {"missing rows": [], "rows for no route": [], "allow-listed but in the matrix": []}


def test_every_allow_listed_prefix_still_matches_a_route():
    routes = set(_walk(get_resolver()))
    assert {prefix for prefix in OUTSIDE_MATRIX if any(r.startswith(prefix) for r in routes)} == (
        set(OUTSIDE_MATRIX)
    )
