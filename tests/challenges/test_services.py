import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.factories import (
    CategoryFactory,
    ModeratorFactory,
    OrganiserFactory,
    ParticipantFactory,
    ProviderNetworkFactory,
)
from transcoding.models import MediaAsset
from videoawards.challenges import services
from videoawards.challenges.models import Entry, EntryState
from videoawards.challenges.signals import entry_state_changed

pytestmark = pytest.mark.django_db


# --- create / update ---------------------------------------------------------------


def test_create_entry_makes_a_draft_with_its_creator(challenge, category, creator):
    # when
    entry = services.create_entry(
        creator=creator,
        challenge=challenge,
        category=category,
        title=" Why ice floats ",
        description="Density, with a freezer.",
        team_name="Frosty",
    )
    # then
    entry.refresh_from_db()
    assert entry.state == EntryState.DRAFT
    assert entry.title == "Why ice floats"
    assert list(entry.creators.all()) == [creator]


def test_create_entry_is_refused_when_the_challenge_is_closed(closed_challenge, creator):
    # when / then
    with pytest.raises(ValidationError) as error:
        services.create_entry(
            creator=creator, challenge=closed_challenge, category=None, title="Late", description=""
        )
    assert error.value.code == "closed"
    assert Entry.objects.count() == 0


def test_create_entry_refuses_a_category_of_another_challenge(challenge, creator):
    # given
    foreign = CategoryFactory()
    # when / then
    with pytest.raises(ValidationError) as error:
        services.create_entry(
            creator=creator, challenge=challenge, category=foreign, title="T", description=""
        )
    assert list(error.value.message_dict) == ["category"]


def test_create_entry_needs_a_category_when_the_challenge_has_some(challenge, creator):
    # when / then
    with pytest.raises(ValidationError) as error:
        services.create_entry(
            creator=creator, challenge=challenge, category=None, title="T", description=""
        )
    assert list(error.value.message_dict) == ["category"]


def test_create_entry_needs_a_confirmed_email(challenge, category):
    # given
    unverified = ParticipantFactory(email_verified_at=None)
    # when / then
    with pytest.raises(PermissionDenied):
        services.create_entry(
            creator=unverified, challenge=challenge, category=category, title="T", description=""
        )


@pytest.mark.parametrize("state", ["draft", "rejected"])
def test_creator_can_edit_draft_and_rejected_entries(make_entry, creator, state):
    # given
    entry = make_entry(state=state)
    # when
    services.update_entry(entry=entry, by=creator, title="New title", team_name="Team Bolt")
    # then
    entry.refresh_from_db()
    assert (entry.title, entry.team_name) == ("New title", "Team Bolt")


@pytest.mark.parametrize("state", ["submitted", "approved", "withdrawn"])
def test_entry_cannot_be_edited_after_submitting(make_entry, creator, state):
    # given
    entry = make_entry(state=state)
    # when / then
    with pytest.raises(ValidationError) as error:
        services.update_entry(entry=entry, by=creator, title="Sneaky")
    assert error.value.code == "not_editable"


def test_only_a_creator_can_edit_an_entry(make_entry):
    # given
    entry = make_entry()
    # when / then
    with pytest.raises(PermissionDenied):
        services.update_entry(entry=entry, by=ParticipantFactory(), title="Mine now")


# --- team ----------------------------------------------------------------------


def test_creator_adds_and_removes_a_team_member(make_entry, creator):
    # given
    entry = make_entry()
    friend = ParticipantFactory()
    # when
    invitation = services.invite_team_mate(entry=entry, by=creator, query=friend.email)
    services.accept_team_invitation(invitation=invitation, by=friend)
    services.remove_creator(entry=entry, user=creator, by=creator)
    # then
    assert list(entry.creators.all()) == [friend]


def test_last_creator_cannot_leave_the_team(make_entry, creator):
    # given
    entry = make_entry()
    # when / then
    with pytest.raises(ValidationError) as error:
        services.remove_creator(entry=entry, user=creator, by=creator)
    assert error.value.code == "last_creator"


def test_stranger_cannot_join_a_team(make_entry):
    # given
    entry = make_entry()
    stranger = ParticipantFactory()
    # when / then
    with pytest.raises(PermissionDenied):
        services.add_creator(entry=entry, user=stranger, by=stranger)


# --- transitions -------------------------------------------------------------------


def _actor(kind, creator):
    return {
        "creator": creator,
        "moderator": ModeratorFactory(),
        "organiser": OrganiserFactory(),
        "stranger": ParticipantFactory(),
    }[kind]


@pytest.mark.parametrize(
    ("from_state", "to_state", "by"),
    [
        ("draft", "submitted", "creator"),
        ("rejected", "submitted", "creator"),
        ("submitted", "draft", "creator"),
        ("rejected", "draft", "creator"),
        ("draft", "withdrawn", "creator"),
        ("approved", "withdrawn", "creator"),
        ("submitted", "approved", "moderator"),
        ("submitted", "approved", "organiser"),
        ("approved", "finalist", "organiser"),
        ("finalist", "winner", "organiser"),
        ("winner", "finalist", "organiser"),
    ],
)
def test_allowed_transition_moves_the_entry(make_entry, creator, from_state, to_state, by):
    # given
    entry = make_entry(state=from_state)
    # when
    services.transition_entry(entry=entry, to_state=to_state, by=_actor(by, creator))
    # then
    entry.refresh_from_db()
    assert entry.state == to_state


@pytest.mark.parametrize(
    ("from_state", "to_state", "by"),
    [
        ("draft", "submitted", "moderator"),
        ("draft", "submitted", "stranger"),
        ("submitted", "approved", "creator"),
        ("submitted", "approved", "stranger"),
        ("approved", "finalist", "moderator"),
        ("approved", "finalist", "creator"),
        ("finalist", "winner", "moderator"),
        ("draft", "withdrawn", "organiser"),
    ],
)
def test_transition_by_the_wrong_person_is_refused(make_entry, creator, from_state, to_state, by):
    # given
    entry = make_entry(state=from_state)
    # when / then
    with pytest.raises(PermissionDenied):
        services.transition_entry(entry=entry, to_state=to_state, by=_actor(by, creator))
    entry.refresh_from_db()
    assert entry.state == from_state


@pytest.mark.parametrize(
    ("from_state", "to_state"),
    [
        ("draft", "approved"),
        ("draft", "winner"),
        ("submitted", "finalist"),
        ("withdrawn", "draft"),
        ("withdrawn", "submitted"),
        ("winner", "withdrawn"),
    ],
)
def test_transition_outside_the_table_is_refused(make_entry, from_state, to_state):
    # given
    entry = make_entry(state=from_state)
    # when / then
    with pytest.raises(ValidationError) as error:
        services.transition_entry(entry=entry, to_state=to_state, by=OrganiserFactory())
    assert error.value.code == "invalid_transition"


def test_rejecting_needs_a_reason(make_entry):
    # given
    entry = make_entry(state="submitted")
    # when / then
    with pytest.raises(ValidationError) as error:
        services.transition_entry(
            entry=entry, to_state="rejected", by=ModeratorFactory(), reason=" "
        )
    assert list(error.value.message_dict) == ["reason"]


def test_rejecting_keeps_the_reason_for_the_creators(make_entry):
    # given
    entry = make_entry(state="submitted")
    # when
    services.transition_entry(
        entry=entry, to_state="rejected", by=ModeratorFactory(), reason="Music is copyrighted."
    )
    # then
    entry.refresh_from_db()
    assert (entry.state, entry.moderation_reason) == ("rejected", "Music is copyrighted.")


def test_moderator_cannot_approve_their_own_entry(make_entry):
    # given
    moderator = ModeratorFactory()
    entry = make_entry(state="submitted", creators=[moderator])
    # when / then
    with pytest.raises(PermissionDenied):
        services.transition_entry(entry=entry, to_state="approved", by=moderator)


def test_network_moderator_cannot_approve_entries_of_another_network(make_entry):
    # given
    entry = make_entry(state="submitted")
    outsider = ModeratorFactory(provider_network=ProviderNetworkFactory())
    # when / then
    with pytest.raises(PermissionDenied):
        services.transition_entry(entry=entry, to_state="approved", by=outsider)


# --- submit --------------------------------------------------------------------


def test_submit_records_when_it_was_submitted(make_entry, creator):
    # given
    entry = make_entry()
    # when
    services.submit_entry(entry=entry, by=creator)
    # then
    entry.refresh_from_db()
    assert entry.state == EntryState.SUBMITTED
    assert entry.submitted_at is not None


@pytest.mark.parametrize(
    "video",
    [None, MediaAsset.Status.UPLOADED, MediaAsset.Status.PROCESSING, MediaAsset.Status.FAILED],
)
def test_submit_needs_a_ready_video(make_entry, creator, video):
    # given
    entry = make_entry(video=video)
    # when / then
    with pytest.raises(ValidationError) as error:
        services.submit_entry(entry=entry, by=creator)
    assert error.value.code == "video_not_ready"
    entry.refresh_from_db()
    assert entry.state == EntryState.DRAFT


def test_submit_needs_the_challenge_open_for_entries(make_entry, closed_challenge, creator):
    # given
    entry = make_entry(challenge=closed_challenge)
    # when / then
    with pytest.raises(ValidationError) as error:
        services.submit_entry(entry=entry, by=creator)
    assert error.value.code == "challenge_closed"


def test_state_change_sends_a_signal_with_old_and_new_state(make_entry, creator):
    # given
    entry = make_entry()
    received = []

    def receiver(sender, **kwargs):
        received.append(
            (kwargs["entry"].pk, kwargs["from_state"], kwargs["to_state"], kwargs["by"])
        )

    entry_state_changed.connect(receiver)
    # when
    try:
        services.submit_entry(entry=entry, by=creator)
    finally:
        entry_state_changed.disconnect(receiver)
    # then
    assert received == [(entry.pk, "draft", "submitted", creator)]


def test_refused_transition_sends_no_signal(make_entry):
    # given
    entry = make_entry()
    received = []

    def receiver(sender, **kwargs):
        received.append(kwargs)

    entry_state_changed.connect(receiver)
    # when
    try:
        with pytest.raises(PermissionDenied):
            services.submit_entry(entry=entry, by=ParticipantFactory())
    finally:
        entry_state_changed.disconnect(receiver)
    # then
    assert received == []
