"""The challenge set-up form and its parts: every rule the database checks is asked here
first, in words an organiser understands (never a constraint name)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from videoawards.accounts.models import ProviderNetwork
from videoawards.challenges.models import Award, Category, Challenge
from videoawards.core.scope import is_platform_wide
from voting.models import Criterion, JuryPanel, Round, VotePolicy

MB = 1024 * 1024


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class ChallengeForm(forms.ModelForm):
    """Basics, timeline and limits of a challenge."""

    max_file_size_mb = forms.IntegerField(
        label=_("Largest video file (MB)"),
        min_value=1,
        help_text=_("Phones film about 100 MB per minute in full HD."),
    )

    class Meta:
        model = Challenge
        fields = [
            "title",
            "slug",
            "provider_network",
            "brief",
            "rules",
            "entries_open_at",
            "entries_close_at",
            "voting_opens_at",
            "voting_closes_at",
            "results_at",
            "on_schedule",
            "max_duration_seconds",
        ]
        widgets = {
            name: DateTimeInput()
            for name in (
                "entries_open_at",
                "entries_close_at",
                "voting_opens_at",
                "voting_closes_at",
                "results_at",
            )
        }
        labels = {
            "max_duration_seconds": _("Longest video (seconds)"),
            "slug": _("Web address"),
        }
        help_texts = {
            "slug": _("Part of the challenge's link. Made from the title if you leave it empty."),
            "voting_opens_at": _("Leave both voting dates empty for a challenge without a vote."),
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        self.fields["provider_network"].required = True
        if is_platform_wide(user):
            networks = ProviderNetwork.objects.order_by("name")
            self.fields["provider_network"].queryset = networks
            if not self.instance.pk and len(networks[:2]) == 1:
                self.fields["provider_network"].initial = networks[0].pk
        else:  # an organiser runs challenges of their own network only
            del self.fields["provider_network"]
            self.network_id = user.provider_network_id
        self.fields["max_duration_seconds"].widget.attrs["max"] = (
            settings.VIDEOAWARDS_MAX_DURATION_SECONDS
        )
        self.fields["max_file_size_mb"].max_value = settings.VIDEOAWARDS_MAX_UPLOAD_BYTES // MB
        self.fields["max_file_size_mb"].widget.attrs["max"] = (
            settings.VIDEOAWARDS_MAX_UPLOAD_BYTES // MB
        )
        if self.instance.pk:
            self.initial.setdefault("max_file_size_mb", self.instance.max_file_size_bytes // MB)
        else:
            self.initial.setdefault("max_file_size_mb", settings.VIDEOAWARDS_MAX_UPLOAD_BYTES // MB)

    def clean_slug(self) -> str:
        slug = slugify(self.cleaned_data.get("slug") or self.data.get("title", ""))[:150]
        if not slug:
            raise forms.ValidationError(_("Give the challenge a title with letters or digits."))
        taken = Challenge.objects.filter(slug=slug).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(
                _("Another challenge already has the address “%(slug)s”. Pick another one.")
                % {"slug": slug}
            )
        return slug

    def clean_max_duration_seconds(self) -> int:
        value = self.cleaned_data["max_duration_seconds"]
        site_max = settings.VIDEOAWARDS_MAX_DURATION_SECONDS
        if not 1 <= value <= site_max:
            raise forms.ValidationError(
                _("Between 1 and %(max)d seconds: this site takes videos of up to that length.")
                % {"max": site_max}
            )
        return value

    def clean_max_file_size_mb(self) -> int:
        value = self.cleaned_data["max_file_size_mb"]
        site_max = settings.VIDEOAWARDS_MAX_UPLOAD_BYTES // MB
        if value > site_max:
            raise forms.ValidationError(
                _("This site takes files of up to %(max)d MB.") % {"max": site_max}
            )
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        opens, closes = data.get("entries_open_at"), data.get("entries_close_at")
        vote_opens, vote_closes = data.get("voting_opens_at"), data.get("voting_closes_at")
        results = data.get("results_at")
        if opens and closes and closes <= opens:
            self.add_error("entries_close_at", _("Entries must close after they open."))
        if (vote_opens is None) != (vote_closes is None):
            self.add_error(
                "voting_closes_at" if vote_opens else "voting_opens_at",
                _("Give public voting both an opening and a closing time, or neither."),
            )
        if vote_opens and closes and vote_opens < closes:
            self.add_error(
                "voting_opens_at", _("Public voting can open only once entries have closed.")
            )
        if vote_opens and vote_closes and vote_closes <= vote_opens:
            self.add_error("voting_closes_at", _("Voting must close after it opens."))
        last = vote_closes or closes
        if results and last and results < last:
            self.add_error(
                "results_at",
                _("Results come after public voting closes.")
                if vote_closes
                else _("Results come after entries close."),
            )
        return data

    def save(self, commit: bool = True) -> Challenge:
        challenge = super().save(commit=False)
        challenge.max_file_size_bytes = self.cleaned_data["max_file_size_mb"] * MB
        if "provider_network" not in self.fields:
            challenge.provider_network_id = self.network_id
        if commit:
            challenge.save()
        return challenge


class _SlugFromName(forms.ModelForm):
    def save(self, commit: bool = True) -> Any:
        obj = super().save(commit=False)
        if hasattr(obj, "slug") and not obj.slug:
            obj.slug = slugify(obj.name)[:80] or "category"
        if commit:
            obj.save()
        return obj


class _NamesOnce(BaseInlineFormSet):
    """Two rows with the same name are one mistake, said in words."""

    duplicate_message = _("Two rows have the name “%(name)s”. Give each its own name.")

    def clean(self) -> None:
        # Before Django's own check, which names the field instead of the problem.
        seen: set[str] = set()
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or form.cleaned_data.get("DELETE"):
                continue
            name = (form.cleaned_data.get("name") or "").strip()
            if name and name.casefold() in seen:
                raise forms.ValidationError(self.duplicate_message % {"name": name})
            seen.add(name.casefold())
        super().clean()


class CategoryFormSetBase(_NamesOnce):
    def clean(self) -> None:
        super().clean()
        for form in self.deleted_forms:
            category = form.instance
            if category.pk and category.entries.exists():
                raise forms.ValidationError(
                    _("“%(name)s” has entries, so it stays. Rename it instead.")
                    % {"name": category.name}
                )


class AwardForm(forms.ModelForm):
    class Meta:
        model = Award
        fields = ["name", "description", "decided_by", "jury_weight", "tie_break", "category"]
        labels = {"jury_weight": _("Jury share (%)")}
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}
        help_texts = {
            "jury_weight": _(
                "Only for an award decided by jury and public vote: how much the jury counts."
            )
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["jury_weight"].required = False
        self.fields["category"].required = False
        self.fields["category"].empty_label = _("All categories")
        if self.instance.challenge_id:
            self.fields["category"].queryset = Category.objects.filter(
                challenge_id=self.instance.challenge_id
            )
        else:
            self.fields["category"].queryset = Category.objects.none()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        decided_by = data.get("decided_by")
        weight = data.get("jury_weight")
        if decided_by == Award.DecidedBy.JURY:
            data["jury_weight"] = 100
        elif decided_by == Award.DecidedBy.PUBLIC:
            data["jury_weight"] = 0
        elif weight is None or not 1 <= weight <= 99:
            self.add_error(
                "jury_weight",
                _("Say how much the jury counts, between 1 and 99 %. The public counts the rest."),
            )
        return data


class CriterionForm(forms.ModelForm):
    class Meta:
        model = Criterion
        fields = ["name", "description", "weight", "scale_min", "scale_max"]
        labels = {"description": _("What jurors look for (rubric)")}
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        low, high = data.get("scale_min"), data.get("scale_max")
        if low is not None and high is not None and high <= low:
            self.add_error("scale_max", _("The highest score must be above the lowest."))
        if data.get("weight") is not None and data["weight"] < 1:
            self.add_error("weight", _("A weight of at least 1."))
        return data


class CriterionFormSetBase(_NamesOnce):
    def __init__(self, *args: Any, locked: bool = False, **kwargs: Any) -> None:
        self.locked = locked
        super().__init__(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        if self.locked and any(form.has_changed() for form in self.forms):
            raise forms.ValidationError(
                _("Jurors have already scored with these criteria, so they can't change now.")
            )


CategoryFormSet = inlineformset_factory(
    Challenge,
    Category,
    form=_SlugFromName,
    formset=CategoryFormSetBase,
    fields=["name", "description"],
    widgets={"description": forms.Textarea(attrs={"rows": 2})},
    extra=2,
    can_delete=True,
)
AwardFormSet = inlineformset_factory(
    Challenge, Award, form=AwardForm, formset=_NamesOnce, extra=2, can_delete=True
)
CriterionFormSet = inlineformset_factory(
    Challenge,
    Criterion,
    form=CriterionForm,
    formset=CriterionFormSetBase,
    extra=3,
    can_delete=True,
)


class VotePolicyForm(forms.ModelForm):
    class Meta:
        model = VotePolicy
        fields = ["kind", "votes_per_account", "per_category", "show_tally_while_open"]

    def clean_votes_per_account(self) -> int:
        value = self.cleaned_data.get("votes_per_account") or 1
        if value < 1:
            raise forms.ValidationError(_("At least one vote per person."))
        return value


# --- The jury -----------------------------------------------------------------------------


class PanelForm(forms.Form):
    name = forms.CharField(label=_("Panel name"), max_length=80)


class InviteForm(forms.Form):
    emails = forms.CharField(
        label=_("Email addresses"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One or more, separated by commas or new lines. Each gets its own link."),
    )


class RoundForm(forms.Form):
    name = forms.CharField(label=_("Round name"), max_length=80, initial=_("First round"))
    panel = forms.ModelChoiceField(label=_("Panel"), queryset=JuryPanel.objects.none())
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.none(),
        required=False,
        empty_label=_("All categories"),
    )
    opens_at = forms.DateTimeField(label=_("Opens at"), widget=DateTimeInput())
    closes_at = forms.DateTimeField(label=_("Closes at"), widget=DateTimeInput())
    reviews_per_entry = forms.IntegerField(
        label=_("Reviews per entry"),
        min_value=1,
        max_value=20,
        initial=3,
        help_text=_("How many jurors score each entry."),
    )
    shortlist_to = forms.ChoiceField(
        label=_("Shortlist"), choices=Round.ShortlistTo.choices, initial=Round.ShortlistTo.NONE
    )
    shortlist_size = forms.IntegerField(
        label=_("Entries that go through"), min_value=0, max_value=500, initial=0
    )
    normalisation = forms.ChoiceField(
        label=_("Even out strict and generous jurors"),
        choices=Round.Normalisation.choices,
        initial=Round.Normalisation.NONE,
    )

    def __init__(self, *args: Any, challenge: Challenge, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        panels = JuryPanel.objects.filter(challenge=challenge)
        self.fields["panel"].queryset = panels
        if not self.is_bound and len(panels[:2]) == 1:
            self.initial.setdefault("panel", panels[0].pk)
        self.fields["category"].queryset = Category.objects.filter(challenge=challenge)
        if not self.is_bound:
            close = challenge.entries_close_at
            if close:
                self.initial.setdefault("opens_at", close)
                self.initial.setdefault("closes_at", close + timedelta(days=14))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", _("The round must close after it opens."))
        if data.get("shortlist_to", Round.ShortlistTo.NONE) != Round.ShortlistTo.NONE and not (
            data.get("shortlist_size") or 0
        ):
            self.add_error(
                "shortlist_size", _("Say how many entries go through, or pick no shortlist.")
            )
        return data
