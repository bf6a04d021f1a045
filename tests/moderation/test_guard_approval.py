"""The personal-data guard in moderation: approval refused until a moderator confirms the
findings in the text as it is, sending an entry back with a prepared note, and the queue
page that shows the findings highlighted."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tests.factories import ModeratorFactory
from transcoding.services.captions import add_caption
from videoawards.challenges import services as entry_services
from videoawards.challenges.models import EntryState
from videoawards.core.models import AuditEvent
from videoawards.moderation import selectors, services
from videoawards.moderation.models import GuardConfirmation

pytestmark = pytest.mark.django_db

QUEUE = reverse("moderation:queue")
PHONE = "0170 1234567"


@pytest.fixture
def risky_entry(make_entry):
    """A waiting entry whose description shows a phone number."""
    return make_entry(
        title="Water rockets", description=f"Questions? Call us on {PHONE}.", team_name="Splash"
    )


def _approve_refusal(entry, moderator, **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as refused:
        services.approve_entry(entry=entry, by=moderator, **kwargs)
    return refused.value


# --- The service ---


def test_entry_without_findings_is_approved_as_before(make_entry, moderator):
    # given
    entry = make_entry(title="The 3 laws of motion", description="Marie Curie explains gravity")
    # when
    entry = services.approve_entry(entry=entry, by=moderator)
    # then
    assert entry.state == EntryState.APPROVED
    assert GuardConfirmation.objects.count() == 0
    assert list(AuditEvent.objects.values_list("action", flat=True)) == ["entry.approve"]


def test_approving_with_unconfirmed_findings_is_refused_in_plain_words(risky_entry, moderator):
    # when
    refusal = _approve_refusal(risky_entry, moderator)
    # then
    assert refusal.code == "guard_unconfirmed"
    assert "may show personal details of a child" in refusal.messages[0]
    risky_entry.refresh_from_db()
    assert risky_entry.state == EntryState.SUBMITTED
    assert AuditEvent.objects.count() == 0


def test_confirming_then_approving_publishes_and_audits_the_check(risky_entry, moderator):
    # given
    review = selectors.guard_review(risky_entry)
    # when
    confirmation = services.confirm_guard(
        entry=risky_entry, by=moderator, text_hash=review.text_hash, ip_address="192.0.2.1"
    )
    entry = services.approve_entry(entry=risky_entry, by=moderator)
    # then
    assert entry.state == EntryState.APPROVED
    assert (confirmation.text_hash, confirmation.hit_count, confirmation.confirmed_by) == (
        review.text_hash,
        1,
        moderator,
    )
    check, approval = AuditEvent.objects.order_by("pk")
    assert (check.action, check.actor, check.reason) == (
        "entry.guard_confirm",
        moderator,
        "I checked: nothing here identifies a child.",
    )
    assert check.data == {
        "text_hash": review.text_hash,
        "hits": 1,
        "kinds": {"description": ["phone"]},
        "unreadable": [],
    }
    assert PHONE not in str(check.data)  # the log keeps no personal data
    assert approval.action == "entry.approve"


def test_approving_with_the_checked_hash_confirms_on_the_way(risky_entry, moderator):
    # given
    text_hash = selectors.guard_review(risky_entry).text_hash
    # when
    entry = services.approve_entry(entry=risky_entry, by=moderator, checked_text_hash=text_hash)
    # then
    assert entry.state == EntryState.APPROVED
    assert GuardConfirmation.objects.get().entry == entry


def test_a_confirmation_of_other_text_is_refused(risky_entry, moderator):
    # when
    refusal = _approve_refusal(risky_entry, moderator, checked_text_hash="0" * 64)
    # then
    assert refusal.code == "guard_text_changed"
    assert GuardConfirmation.objects.count() == 0


def test_an_edit_after_the_confirmation_needs_a_new_look(risky_entry, moderator, creator):
    # given: confirmed, then the creators take it back, edit and resubmit
    services.confirm_guard(
        entry=risky_entry, by=moderator, text_hash=selectors.guard_review(risky_entry).text_hash
    )
    entry_services.transition_entry(entry=risky_entry, to_state=EntryState.DRAFT, by=creator)
    entry_services.update_entry(
        entry=risky_entry, by=creator, description="Questions? Write to lena@example.com"
    )
    entry_services.submit_entry(entry=risky_entry, by=creator)
    # when
    refusal = _approve_refusal(risky_entry, moderator)
    # then
    assert refusal.code == "guard_unconfirmed"
    risky_entry.refresh_from_db()
    assert selectors.guard_review(risky_entry).kinds_by_field() == {"description": ["email"]}


def test_captions_are_scanned_and_new_captions_need_a_new_look(make_entry, moderator):
    # given
    entry = make_entry(description="Bubbles")
    add_caption(
        asset=entry.media_asset,
        language="en",
        label="English",
        content=b"WEBVTT\n\n00:00.000 --> 00:02.000\nFollow us: tiktok.com/@splashlab\n",
    )
    review = selectors.guard_review(entry)
    assert [(field.label, field.kind_labels) for field in review.fields] == [
        ("captions (English)", ["a social media account"])
    ]
    services.confirm_guard(entry=entry, by=moderator, text_hash=review.text_hash)
    # when: the captions change after the check
    add_caption(
        asset=entry.media_asset,
        language="en",
        label="English",
        content=b"WEBVTT\n\n00:00.000 --> 00:02.000\nFollow us: tiktok.com/@splash_lab\n",
    )
    # then
    assert _approve_refusal(entry, moderator).code == "guard_unconfirmed"


def test_unreadable_captions_need_a_moderators_look(make_entry, moderator):
    # given: a caption row whose file is gone
    entry = make_entry(description="Bubbles")
    entry.media_asset.captions.create(language="sv", label="Svenska", key="media/gone/sv.vtt")
    # when
    review = selectors.guard_review(entry)
    # then
    assert (review.hits, review.unreadable) == ([], ["captions (Svenska)"])
    assert _approve_refusal(entry, moderator).code == "guard_unconfirmed"
    services.approve_entry(entry=entry, by=moderator, checked_text_hash=review.text_hash)


def test_sending_back_explains_kindly_which_field_to_change(risky_entry, moderator, creator):
    # when
    entry = services.send_back_for_personal_data(
        entry=risky_entry, by=moderator, note="The rest is great!"
    )
    # then
    assert entry.state == EntryState.REJECTED
    reason = entry.moderation_reason
    assert reason.startswith("Thank you for your video!")
    assert "• In the description: a phone number." in reason
    assert "“Edit title and description”" in reason and "“Submit again”" in reason
    assert reason.endswith("The rest is great!")
    assert PHONE not in reason  # the note is kept in the audit log: no personal data
    event = AuditEvent.objects.get()
    assert (event.action, event.data) == (
        "entry.reject",
        {"personal_data": {"description": ["phone"]}},
    )
    # and the creators can fix it and send it again
    entry = entry_services.update_entry(
        entry=entry, by=creator, description="Questions? Ask below."
    )
    assert entry_services.submit_entry(entry=entry, by=creator).state == EntryState.SUBMITTED
    assert selectors.guard_review(entry).hits == []


def test_sending_back_needs_findings(make_entry, moderator):
    # given
    entry = make_entry(description="Bubbles")
    # when / then
    with pytest.raises(ValidationError) as refused:
        services.send_back_for_personal_data(entry=entry, by=moderator)
    assert refused.value.code == "guard_nothing_found"


def test_nobody_confirms_the_check_of_their_own_entry(risky_entry, network):
    # given: a moderator who is also a creator of the entry
    moderator = ModeratorFactory(provider_network=network)
    risky_entry.creator_links.create(user=moderator)
    text_hash = selectors.guard_review(risky_entry).text_hash
    # when / then
    with pytest.raises(PermissionDenied):
        services.confirm_guard(entry=risky_entry, by=moderator, text_hash=text_hash)
    assert GuardConfirmation.objects.count() == 0


# --- The queue page ---


def test_queue_highlights_findings_escaped_in_their_context(make_entry, moderator, client_for):
    # given
    make_entry(
        title="Water rockets",
        description=f"<script>alert('x')</script> Call {PHONE} & ask for <b>Lena Berg</b>",
    )
    make_entry(title="Quiet entry", description="Bubbles")
    # when
    page = client_for(moderator).get(QUEUE).content.decode()
    # then
    assert f'<mark data-kind="phone">{PHONE}</mark>' in page
    assert '<mark data-kind="name">Lena Berg</mark>' in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "<script>alert" not in page and "<b>Lena" not in page
    assert "It matters most for creators younger than the age of digital consent." in page
    assert page.count('name="guard_checked"') == 1  # only the entry with findings asks
    assert "The personal-data check found nothing" in page


def test_approve_without_the_tick_is_refused_with_a_message(risky_entry, moderator, client_for):
    # when
    response = client_for(moderator).post(
        reverse("moderation:approve", args=[risky_entry.pk]), follow=True
    )
    # then
    risky_entry.refresh_from_db()
    assert risky_entry.state == EntryState.SUBMITTED
    assert "may show personal details of a child" in response.content.decode()


def test_approve_with_the_tick_confirms_and_publishes(risky_entry, moderator, client_for):
    # given
    client = client_for(moderator)
    text_hash = client.get(QUEUE).context["waiting"][0].guard.text_hash
    # when
    client.post(
        reverse("moderation:approve", args=[risky_entry.pk]),
        {"guard_checked": "on", "guard_hash": text_hash},
    )
    # then
    risky_entry.refresh_from_db()
    assert risky_entry.state == EntryState.APPROVED
    assert GuardConfirmation.objects.get().confirmed_by == moderator


def test_send_back_button_returns_the_entry_and_the_creator_reads_why(
    risky_entry, moderator, creator, client_for
):
    # when
    client_for(moderator).post(reverse("moderation:send_back", args=[risky_entry.pk]))
    # then
    page = client_for(creator).get(risky_entry.get_absolute_url()).content.decode()
    assert "In the description: a phone number." in page
    assert "Edit title and description" in page
