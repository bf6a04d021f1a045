"""The world the rows run in: its people and objects, built once for the module."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.conf import settings as django_settings
from django.test import Client
from django.utils import timezone

from tests.factories import (
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
from videoawards.challenges.models import Feature, TeamInvitation
from voting import services as voting_services
from voting.models import (
    Assignment,
    Criterion,
    JuryInvitation,
    JuryMember,
    JuryPanel,
    Round,
    Vote,
    VoteFlag,
)
from voting.services.votes import forget_cached_facts

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
    "e_sub_phone",  # the owner's, waiting, with a phone number for the personal-data guard
    "e_minor", "e_other_pub", "e_alumna_pub", "e_x",  # other people's entries
    "e_done",  # the other's entry in c_done, published results, featured nowhere
    "ti_other",  # the owner invited "other" to the team of their draft
    "a_draft", "a_pub", "a_loose", "a_other_loose",  # media assets
    "u_owner", "u_other",  # upload sessions
    "r_vote", "r_x", "a_juror", "a_peer", "a_x", "criterion",  # judging
    "p_vote", "m_peer", "invitation",  # c_vote's panel, the peer's seat, juror_x invited
    "flag", "flag_x", "s_vote", "s_closed", "s_done", "award",  # votes and results
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
    e_sub_phone = EntryFactory(
        challenge=c_open,
        creators=[owner],
        state="submitted",
        submitted_at=now,
        description="Questions? Call 0170 1234567.",
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
    segment_url = storage.gateway_path(
        asset_id=a_draft.pk,
        relative=segment_key.removeprefix(f"media/{a_draft.pk}/"),
        expires=600,
        version=a_draft.access_version,
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
    flag = VoteFlag.objects.create(
        challenge=c_vote,
        kind=VoteFlag.Kind.COORDINATED,
        key=f"set:{e_alumna_pub.pk}",
        entry=e_alumna_pub,
        vote_count=1,
    )
    flag.votes.set(Vote.objects.filter(entry=e_alumna_pub))
    flag_x = VoteFlag.objects.create(
        challenge=c_x, kind=VoteFlag.Kind.COORDINATED, key=f"set:{e_x.pk}", entry=e_x
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
