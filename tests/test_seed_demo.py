import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from transcoding import storage
from transcoding.models import MediaAsset
from videoawards.accounts.models import ProviderNetwork, Role, User
from videoawards.challenges import services as entry_services
from videoawards.challenges.models import (
    Award,
    Category,
    Challenge,
    Entry,
    EntryCreator,
    EntryState,
    Phase,
    TeamInvitation,
)
from videoawards.core import pagecache
from videoawards.demo.management.commands import seed_demo
from videoawards.demo.management.commands.seed_demo import (
    DEMO_CHALLENGE_SLUG,
    DEMO_EMAIL_DOMAIN,
    DEMO_PASSWORD,
)
from videoawards.workshops.models import Registration, Workshop
from voting import services as voting_services
from voting.models import Assignment, JuryInvitation

pytestmark = pytest.mark.django_db

# The open challenge's 4 sample entries and the season's 2 + 2 + 3, each with its video.
SEASON_VIDEOS = 11


def _counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            User,
            ProviderNetwork,
            Challenge,
            Category,
            Award,
            Workshop,
            Registration,
            Entry,
            EntryCreator,
            TeamInvitation,
            JuryInvitation,
        )
    }


def _participant(number: int) -> User:
    return User.objects.get(email=f"participant{number}@{DEMO_EMAIL_DOMAIN}")


def _seed(videos: str = "none") -> str:
    out = StringIO()
    call_command("seed_demo", f"--videos={videos}", stdout=out)
    return out.getvalue()


def test_seed_demo_twice_creates_the_same_rows_once():
    # given
    _seed()
    first = _counts()
    # when
    _seed()
    # then
    assert _counts() == first
    assert first == {
        "User": 5,
        "ProviderNetwork": 1,
        "Challenge": 4,  # the open one and the season's three
        "Category": 8,
        "Award": 8,
        "Workshop": 2,
        "Registration": 2,
        "Entry": 1,  # the draft with the team invitation (no sample entries without videos)
        "EntryCreator": 1,
        "TeamInvitation": 1,
        "JuryInvitation": 1,
    }


def test_seed_demo_twice_with_sample_entries_forms_each_team_once():
    # given
    _seed(videos="queue")  # the videos wait for a worker: none runs in tests
    first = _counts()
    # when
    _seed(videos="queue")
    # then
    assert _counts() == first
    assert (first["Entry"], first["EntryCreator"], first["TeamInvitation"]) == (12, 14, 3)


def test_the_sample_team_formed_through_an_accepted_invitation():
    # when
    _seed(videos="queue")
    # then
    entry = Entry.objects.get(challenge__slug=DEMO_CHALLENGE_SLUG, title="Sound you can see")
    assert entry.state == EntryState.APPROVED
    assert set(entry.creators.all()) == {_participant(1), _participant(2)}
    invitation = entry.team_invitations.get()
    assert (invitation.invitee, invitation.invited_by, invitation.status) == (
        _participant(1),
        _participant(2),
        TeamInvitation.Status.ACCEPTED,
    )


def test_participant1_has_a_team_invitation_to_accept(client):
    # given
    _seed()
    pia = _participant(1)
    client.force_login(pia)
    # when
    page = client.get("/challenges/team-invitations/").content.decode()
    # then
    assert "Why does ice float?" in page
    invitation = TeamInvitation.objects.get(invitee=pia, status=TeamInvitation.Status.PENDING)
    entry_services.accept_team_invitation(invitation=invitation, by=pia)
    assert set(invitation.entry.creators.all()) == {pia, _participant(2)}


def test_an_answered_team_invitation_is_not_sent_again():
    # given
    _seed()
    pia = _participant(1)
    invitation = TeamInvitation.objects.get(invitee=pia, status=TeamInvitation.Status.PENDING)
    entry_services.decline_team_invitation(invitation=invitation, by=pia)
    # when
    _seed()
    # then
    statuses = list(TeamInvitation.objects.values_list("status", flat=True))
    assert statuses == [TeamInvitation.Status.DECLINED]


def test_a_participant_can_enter_the_open_challenge_and_start_an_upload():
    # given
    _seed()
    challenge = Challenge.objects.get(slug=DEMO_CHALLENGE_SLUG)
    pia = _participant(1)
    # when
    entry = entry_services.create_entry(
        creator=pia,
        challenge=challenge,
        category=challenge.categories.get(slug="12-15"),
        title="Bubbles",
        description="Soap film in slow motion.",
    )
    session = entry_services.start_entry_upload(
        entry=entry, by=pia, filename="bubbles.mp4", size=1_000_000, content_type="video/mp4"
    )
    # then
    assert challenge.accepts_entries()
    assert session.owner == pia


def test_a_juror_invitation_waits_for_someone_without_an_account():
    # when
    _seed()
    # then
    invitation = JuryInvitation.objects.get()
    assert invitation.is_open
    assert invitation.panel.challenge.slug == "demo-water-wonders"
    assert not User.objects.filter(email__iexact=invitation.email).exists()


def test_the_moderator_has_a_sample_entry_waiting(client):
    # given
    _seed(videos="queue")
    client.force_login(User.objects.get(role=Role.MODERATOR))
    # when
    page = client.get("/moderation/").content.decode()
    # then
    waiting = Entry.objects.get(state=EntryState.SUBMITTED)
    assert waiting.title == "Magnets that hover"
    assert "Magnets that hover" in page


def test_seed_demo_opens_the_challenge_for_entries_with_two_categories():
    # when
    _seed()
    # then
    challenge = Challenge.objects.get(slug=DEMO_CHALLENGE_SLUG)
    assert challenge.phase() == Phase.ENTRIES_OPEN
    names = list(challenge.categories.values_list("name", flat=True))
    assert names == ["12–15", "16–19"]  # noqa: RUF001


def test_seed_demo_gives_every_role_a_verified_login_with_the_demo_password():
    # when
    output = _seed()
    # then
    users = User.objects.order_by("email")
    assert sorted(users.values_list("role", flat=True)) == sorted(
        [Role.JUROR, Role.MODERATOR, Role.ORGANISER, Role.PARTICIPANT, Role.PARTICIPANT]
    )
    assert [u.is_email_verified for u in users] == [True] * 5
    assert [u.check_password(DEMO_PASSWORD) for u in users] == [True] * 5
    assert [u.email in output for u in users] == [True] * 5


def test_seed_demo_has_an_on_site_and_an_online_workshop_one_nearly_full():
    # when
    _seed()
    # then
    on_site = Workshop.objects.get(mode=Workshop.Mode.ON_SITE)
    online = Workshop.objects.get(mode=Workshop.Mode.ONLINE)
    confirmed = on_site.registrations.filter(status=Registration.Status.CONFIRMED).count()
    assert on_site.capacity - confirmed == 1
    assert on_site.city == "Hamburg"
    assert online.city == ""


def test_homepage_shows_the_demo_challenge_and_workshops(client):
    # given
    _seed()
    # when
    response = client.get("/")
    # then
    assert response.status_code == 200
    body = response.content.decode()
    assert "Science in 90 Seconds" in body
    assert "Film your first experiment" in body
    assert "Editing on your phone" in body


# --- Sample entries with generated videos ---


@pytest.fixture
def tiny_samples(monkeypatch):
    """Sample videos of 2 s at 320x180 (the demo makes 6 s at 640x360): quicker to encode."""
    pytest.importorskip("transcoding.media.samples", reason="transcoding.media not there yet")
    monkeypatch.setattr(seed_demo, "SAMPLE_SECONDS", 2)
    monkeypatch.setattr(seed_demo, "SAMPLE_WIDTH", 320)
    monkeypatch.setattr(seed_demo, "SAMPLE_HEIGHT", 180)


def _sample_entries() -> list[Entry]:
    """The open challenge's entries with a video (not the draft)."""
    return list(
        Entry.objects.filter(challenge__slug=DEMO_CHALLENGE_SLUG, media_asset__isnull=False)
        .select_related("media_asset")
        .order_by("title")
    )


@pytest.mark.slow
def test_inline_sample_videos_play_for_visitors_on_approved_entries(tiny_samples):
    # when
    _seed(videos="inline")
    # then
    entries = _sample_entries()
    assert [(e.title, e.state, e.media_asset.status) for e in entries] == [
        ("A cloud in a bottle", EntryState.APPROVED, MediaAsset.Status.READY),
        ("Magnets that hover", EntryState.SUBMITTED, MediaAsset.Status.READY),
        ("Sound you can see", EntryState.APPROVED, MediaAsset.Status.READY),
        ("Why is the sky blue?", EntryState.APPROVED, MediaAsset.Status.READY),
    ]
    entries = [e for e in entries if e.state == EntryState.APPROVED]
    visitor = Client()
    challenge_page = visitor.get(f"/challenges/{DEMO_CHALLENGE_SLUG}/").content.decode()
    assert [e.title in challenge_page for e in entries] == [True] * 3
    for entry in entries:
        page = visitor.get(entry.get_absolute_url()).content.decode()
        master_url = re.search(r'data-src="([^"]+)"', page).group(1)
        master = visitor.get(master_url)
        assert (master.status_code, master.content.decode().startswith("#EXTM3U")) == (200, True)


@pytest.mark.slow
def test_seeding_again_neither_makes_nor_queues_the_videos_twice(
    tiny_samples, django_capture_on_commit_callbacks
):
    # given
    with django_capture_on_commit_callbacks(execute=True):
        _seed(videos="queue")
    first = {e.title: e.media_asset for e in _sample_entries()}
    # when
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        _seed(videos="queue")
    # then: nothing is queued or mailed (re-saved rows only forget cached public pages)
    assert [c for c in callbacks if c is not pagecache.bump] == []
    assert {e.title: e.media_asset for e in _sample_entries()} == first
    assert MediaAsset.objects.count() == SEASON_VIDEOS
    assert [a.queued_at is not None for a in first.values()] == [True] * 4


@pytest.mark.slow
def test_a_sample_video_whose_files_are_gone_is_made_again(tiny_samples):
    # given
    _seed(videos="inline")
    lost = _sample_entries()[0].media_asset
    storage.delete_prefix(f"media/{lost.pk}/")
    # when
    _seed(videos="inline")
    # then
    entry = _sample_entries()[0]
    assert entry.media_asset_id != lost.pk
    assert entry.media_asset.status == MediaAsset.Status.READY
    assert not MediaAsset.objects.filter(pk=lost.pk).exists()
    assert MediaAsset.objects.count() == SEASON_VIDEOS


@pytest.mark.slow
def test_the_demo_season_gives_every_role_something_to_do(tiny_samples):
    # when
    _seed(videos="inline")
    # then: one challenge in every phase
    phases = {c.slug: c.phase() for c in Challenge.objects.all()}
    assert phases == {
        DEMO_CHALLENGE_SLUG: Phase.ENTRIES_OPEN,
        "demo-water-wonders": Phase.JUDGING,
        "demo-light-and-colour": Phase.PUBLIC_VOTING,
        "demo-tiny-machines": Phase.RESULTS,
    }
    # visitors see last season's winners on the homepage and its results
    visitor = Client()
    home = visitor.get("/").content.decode()
    winners = Entry.objects.filter(challenge__slug="demo-tiny-machines", state=EntryState.WINNER)
    assert winners.exists()
    assert all(entry.title in home for entry in winners)
    results = visitor.get("/voting/demo-tiny-machines/results/").content.decode()
    assert "Jury Prize" in results
    # the juror has reviews to write, of entries with videos
    juror = User.objects.get(role=Role.JUROR)
    open_reviews = Assignment.objects.filter(
        juror=juror, round__challenge__slug="demo-water-wonders", review__isnull=True
    )
    assert open_reviews.count() == 2
    assert all(a.entry.media_asset.status == MediaAsset.Status.READY for a in open_reviews)
    # a participant can vote now, for someone else's video
    voter = User.objects.get(email="participant2@demo.videoawards.invalid")
    votable = Entry.objects.get(title="A rainbow in a glass")
    outcome = voting_services.cast_vote(voter=voter, entry_id=votable.pk)
    assert outcome.changed
    # the organiser's console shows the season
    organiser = Client()
    organiser.force_login(User.objects.get(role=Role.ORGANISER))
    console = organiser.get("/organise/").content.decode()
    assert "Light and Colour" in console and "Water Wonders" in console
