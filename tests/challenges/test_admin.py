import pytest
from django.urls import reverse

from tests.factories import ChallengeFactory, OrganiserFactory, ProviderNetworkFactory, UserFactory
from transcoding.models import MediaAsset
from videoawards.challenges.models import EntryState

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:challenges_challenge_changelist",
        "admin:challenges_challenge_add",
        "admin:challenges_entry_changelist",
    ],
)
def test_admin_pages_load_for_an_organiser(client, url_name, make_entry):
    # given
    make_entry()
    client.force_login(OrganiserFactory())
    # when
    response = client.get(reverse(url_name))
    # then
    assert response.status_code == 200


def test_organiser_opens_a_challenge_with_its_inlines(client, challenge):
    # given
    client.force_login(OrganiserFactory())
    # when
    response = client.get(reverse("admin:challenges_challenge_change", args=[challenge.pk]))
    # then
    assert response.status_code == 200
    assert list(response.context["inline_admin_formsets"][0].formset.queryset) == list(
        challenge.categories.all()
    )


def test_organiser_opens_an_entry(client, make_entry):
    # given
    entry = make_entry()
    client.force_login(OrganiserFactory())
    # when
    response = client.get(reverse("admin:challenges_entry_change", args=[entry.pk]))
    # then
    assert response.status_code == 200


def test_network_organiser_sees_only_their_networks_challenges(client, challenge):
    # given
    ChallengeFactory(title="Someone else's")
    client.force_login(OrganiserFactory(provider_network=challenge.provider_network))
    # when
    response = client.get(reverse("admin:challenges_challenge_changelist"))
    # then
    assert list(response.context["cl"].result_list) == [challenge]


def test_staff_participant_cannot_use_the_challenge_admin(client, challenge):
    # given
    client.force_login(UserFactory(is_staff=True))
    # when
    response = client.get(reverse("admin:challenges_challenge_changelist"))
    # then
    assert response.status_code == 403


def test_organiser_cannot_open_a_challenge_of_another_network(client):
    # given
    challenge = ChallengeFactory()
    client.force_login(OrganiserFactory(provider_network=ProviderNetworkFactory()))
    # when
    response = client.get(reverse("admin:challenges_challenge_change", args=[challenge.pk]))
    # then
    assert response.status_code == 302  # the admin sends you away: "doesn't exist"


def test_admin_action_makes_finalists_through_the_service(client, make_entry):
    # given
    approved = make_entry(state="approved")
    draft = make_entry(state="draft")
    client.force_login(OrganiserFactory())
    # when
    client.post(
        reverse("admin:challenges_entry_changelist"),
        {"action": "make_finalist", "_selected_action": [approved.pk, draft.pk]},
    )
    # then
    approved.refresh_from_db()
    draft.refresh_from_db()
    assert (approved.state, draft.state) == (EntryState.FINALIST, EntryState.DRAFT)


def test_admin_action_retranscodes_every_video_of_a_challenge(client, make_entry, challenge):
    # given
    entries = [make_entry(state="approved"), make_entry(state="draft")]
    other = make_entry(state="approved", challenge=ChallengeFactory())
    MediaAsset.objects.update(source_key="uploads/kept/source")
    client.force_login(OrganiserFactory())
    # when
    client.post(
        reverse("admin:challenges_challenge_changelist"),
        {"action": "retranscode_videos", "_selected_action": [challenge.pk]},
    )
    # then
    versions = [MediaAsset.objects.get(pk=e.media_asset_id).version for e in entries]
    other.media_asset.refresh_from_db()
    assert (versions, other.media_asset.version) == ([2, 2], 1)


def test_organiser_pins_a_homepage_feature_in_the_changelist_and_it_is_audited(client):
    from tests.factories import AwardFactory, EntryFactory
    from videoawards.challenges import services
    from videoawards.core.models import AuditEvent

    # given
    organiser = OrganiserFactory()
    award = AwardFactory()
    entry = EntryFactory(challenge=award.challenge, state=EntryState.WINNER)
    (feature,) = services.feature_winners(award=award, entries=[entry], by=organiser)
    client.force_login(organiser)
    # when: the list-editable form of the changelist, as the admin posts it
    response = client.post(
        reverse("admin:challenges_feature_changelist"),
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-id": str(feature.pk),
            "form-0-is_pinned": "on",
            "form-0-position": "2",
            "_save": "Save",
        },
    )
    # then
    assert response.status_code == 302
    feature.refresh_from_db()
    assert (feature.is_pinned, feature.is_hidden, feature.position) == (True, False, 2)
    (event,) = AuditEvent.objects.filter(action="homepage.curate")
    assert event.data["is_pinned"] is True
