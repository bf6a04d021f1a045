import pytest
from django.urls import reverse

from tests.factories import (
    OrganiserFactory,
    ParticipantFactory,
    ProviderNetworkFactory,
)
from videoawards.accounts.models import User

pytestmark = pytest.mark.django_db


def test_user_changelist_loads_for_a_superuser_and_searches_by_email(client):
    # given
    admin_user = User.objects.create_superuser(email="root@example.org", password="x")
    ParticipantFactory(email="ada@example.org", display_name="Ada")
    ParticipantFactory(email="bob@example.org", display_name="Bob")
    client.force_login(admin_user)
    # when
    response = client.get(reverse("admin:accounts_user_changelist"), {"q": "ada@"})
    # then
    assert response.status_code == 200
    assert [u.email for u in response.context["cl"].result_list] == ["ada@example.org"]


def test_user_changelist_filters_by_role_and_verification(client):
    # given
    admin_user = User.objects.create_superuser(email="root@example.org", password="x")
    ParticipantFactory(email="new@example.org", email_verified_at=None)
    ParticipantFactory(email="old@example.org")
    client.force_login(admin_user)
    # when
    response = client.get(
        reverse("admin:accounts_user_changelist"),
        {"role__exact": "participant", "email_verified": "no"},
    )
    # then
    assert [u.email for u in response.context["cl"].result_list] == ["new@example.org"]


def test_superuser_add_form_creates_an_email_user(client):
    # given
    admin_user = User.objects.create_superuser(email="root@example.org", password="x")
    client.force_login(admin_user)
    # when
    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "juror@example.org",
            "display_name": "Dr Juror",
            "usable_password": "true",
            "password1": "purple-otter-salad-9",
            "password2": "purple-otter-salad-9",
        },
    )
    # then
    assert response.status_code == 302
    assert User.objects.get(email="juror@example.org").display_name == "Dr Juror"


def test_staff_organiser_can_view_users_but_not_grant_superuser(client):
    # given
    organiser = OrganiserFactory(provider_network=None)
    participant = ParticipantFactory()
    client.force_login(organiser)
    url = reverse("admin:accounts_user_change", args=[participant.pk])
    # when
    changelist = client.get(reverse("admin:accounts_user_changelist"))
    client.post(
        url,
        {
            "email": participant.email,
            "display_name": participant.display_name,
            "birth_year": participant.birth_year,
            "country": participant.country,
            "role": "juror",
            "is_active": "on",
            "is_superuser": "on",
            "is_staff": "on",
        },
    )
    # then
    assert changelist.status_code == 200
    participant.refresh_from_db()
    assert participant.role == "juror"
    assert (participant.is_superuser, participant.is_staff) == (False, False)


def test_network_organiser_may_view_but_not_change_users_or_set_passwords(client):
    # given
    organiser = OrganiserFactory(provider_network=ProviderNetworkFactory())
    participant = ParticipantFactory()
    client.force_login(organiser)
    # when
    change_page = client.get(reverse("admin:accounts_user_change", args=[participant.pk]))
    password_page = client.get(reverse("admin:auth_user_password_change", args=[participant.pk]))
    # then
    assert change_page.status_code == 200
    assert change_page.context["has_change_permission"] is False
    assert password_page.status_code == 403


def test_network_organiser_edits_only_their_own_network(client):
    # given
    network = ProviderNetworkFactory(name="Mine")
    other = ProviderNetworkFactory(name="Theirs")
    client.force_login(OrganiserFactory(provider_network=network))
    # when
    own = client.get(reverse("admin:accounts_providernetwork_change", args=[network.pk]))
    theirs = client.get(reverse("admin:accounts_providernetwork_change", args=[other.pk]))
    # then
    assert own.context["has_change_permission"] is True
    assert theirs.context["has_change_permission"] is False


def test_participant_with_no_staff_flag_cannot_open_admin(client):
    # given
    client.force_login(ParticipantFactory())
    # when
    response = client.get(reverse("admin:accounts_user_changelist"))
    # then
    assert response.status_code == 302
