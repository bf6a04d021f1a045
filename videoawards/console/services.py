"""Setting a challenge up, and copying last season's: one transaction each, audited."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from videoawards.accounts.models import User
from videoawards.accounts.permissions import is_organiser_for
from videoawards.challenges.models import Challenge
from videoawards.core import audit
from voting.models import Criterion, VotePolicy

COPY_SHIFT = timedelta(days=364)  # a year later, on the same weekday


@transaction.atomic
def save_setup(*, form, categories, awards, criteria, policy_form, by: User) -> Challenge:
    """Saves a challenge with its categories, awards, criteria and vote policy, all or
    nothing. The forms were validated by the caller (console.views)."""
    created = form.instance.pk is None
    challenge = form.save()
    if not is_organiser_for(by, challenge.provider_network_id):
        raise PermissionDenied(_("Only organisers of this network can set up its challenges."))
    for formset in (categories, awards, criteria):
        formset.instance = challenge
        formset.save()
    policy = policy_form.save(commit=False)
    policy.challenge = challenge
    policy.save()
    audit.record(
        actor=by,
        action="challenge.create" if created else "challenge.edit",
        target=challenge,
        data={"changed": sorted(form.changed_data)},
    )
    return challenge


@transaction.atomic
def copy_challenge(*, source: Challenge, by: User) -> Challenge:
    """A new, unpublished challenge like `source` a year later: brief, rules, limits,
    categories, awards, criteria and vote policy; no entries, jurors or results."""
    if not is_organiser_for(by, source.provider_network_id):
        raise PermissionDenied(_("Only organisers of this challenge can copy it."))
    year = (source.entries_open_at + COPY_SHIFT).year
    base = f"{source.slug}-{year}"
    slug, number = base, 1
    while Challenge.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"

    def later(moment):
        return moment + COPY_SHIFT if moment else None

    copy = Challenge.objects.create(
        title=source.title,
        slug=slug,
        brief=source.brief,
        rules=source.rules,
        provider_network=source.provider_network,
        entries_open_at=later(source.entries_open_at),
        entries_close_at=later(source.entries_close_at),
        voting_opens_at=later(source.voting_opens_at),
        voting_closes_at=later(source.voting_closes_at),
        results_at=later(source.results_at),
        max_duration_seconds=source.max_duration_seconds,
        max_file_size_bytes=source.max_file_size_bytes,
        on_schedule=source.on_schedule,
        is_published=False,
    )
    categories = {}
    for category in source.categories.all():
        old_pk = category.pk
        category.pk, category.challenge = None, copy
        category.save()
        categories[old_pk] = category
    for award in source.awards.all():
        award.pk, award.challenge = None, copy
        award.category = categories.get(award.category_id) if award.category_id else None
        award.save()
    Criterion.objects.bulk_create(
        [
            Criterion(
                challenge=copy,
                name=c.name,
                description=c.description,
                weight=c.weight,
                scale_min=c.scale_min,
                scale_max=c.scale_max,
                position=c.position,
            )
            for c in source.criteria.all()
        ]
    )
    policy = VotePolicy.objects.filter(challenge=source).first()
    if policy is not None:
        policy.pk, policy.challenge = None, copy
        policy.save()
    audit.record(actor=by, action="challenge.copy", target=copy, data={"from": source.pk})
    return copy
