"""Forms for the scoring page and the organisers' decisions."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from videoawards.challenges.models import Challenge
from voting.models import Criterion, VoteFlag


class ReviewForm(forms.Form):
    """One score field per criterion (empty allowed in a draft) and a comment."""

    comment = forms.CharField(
        label=_("Comment for the organisers"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What is strong, what could be better? Be kind: young people made this."),
    )

    def __init__(self, *args, criteria: list[Criterion], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        fields = {}
        for criterion in criteria:
            fields[f"criterion_{criterion.pk}"] = forms.IntegerField(
                label=criterion.name,
                help_text=criterion.description,
                required=False,
                min_value=criterion.scale_min,
                max_value=criterion.scale_max,
                error_messages={
                    "invalid": _("Type a whole number."),
                    "min_value": _("Pick a score from %(low)d to %(high)d.")
                    % {"low": criterion.scale_min, "high": criterion.scale_max},
                    "max_value": _("Pick a score from %(low)d to %(high)d.")
                    % {"low": criterion.scale_min, "high": criterion.scale_max},
                },
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )
        self.fields = {**fields, "comment": self.fields["comment"]}

    def scores(self) -> dict[int, int | None]:
        return {c.pk: self.cleaned_data.get(f"criterion_{c.pk}") for c in self.criteria}


class FlagsInvalidationForm(forms.Form):
    """Several flags of one challenge, and one reason for not counting their votes."""

    flags = forms.ModelMultipleChoiceField(
        queryset=VoteFlag.objects.none(),
        error_messages={"required": _("Choose the patterns whose votes should not count.")},
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        error_messages={"required": _("Write down why, so others can follow your decision.")},
    )

    def __init__(self, *args, challenge: Challenge, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["flags"].queryset = challenge.vote_flags.filter(  # type: ignore[attr-defined]
            resolved_at__isnull=True
        )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        error_messages={"required": _("Write down why, so others can follow your decision.")},
    )
