"""Forms for reports, moderator decisions and the audit log filters."""

from __future__ import annotations

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _

from .models import REPORT_DETAILS_MAX_LENGTH, ReportDecision, ReportReason

MODERATION_REASON_MAX_LENGTH = 2000


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("What is wrong with this video?"),
        choices=ReportReason.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Pick a reason from the list."),
            "invalid_choice": _("Pick a reason from the list."),
        },
    )
    details = forms.CharField(
        label=_("Tell us more (optional)"),
        required=False,
        max_length=REPORT_DETAILS_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Where in the video, and what is the problem? Up to %(max)d characters.")
        % {"max": REPORT_DETAILS_MAX_LENGTH},
        error_messages={
            "max_length": _(
                "Please keep it under %(limit_value)d characters (you wrote %(show_value)d)."
            )
        },
    )


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("What should the creators change?"),
        max_length=MODERATION_REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The creators read this. Be kind and concrete."),
        error_messages={"required": _("Tell the creators what to change.")},
    )


class ApproveForm(forms.Form):
    """Approve; with findings of the personal-data guard, the moderator ticks that they
    checked the text they saw (`guard_hash`, from the page)."""

    guard_checked = forms.BooleanField(
        label=_("I checked: nothing here identifies a child."), required=False
    )
    guard_hash = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)


class SendBackForm(forms.Form):
    note = forms.CharField(
        label=_("Anything to add? (optional)"),
        required=False,
        max_length=MODERATION_REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Goes below the prepared explanation. The creators read it."),
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=ReportDecision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Pick keep, hide or remove.")},
    )
    reason = forms.CharField(
        label=_("Reason for the creators"),
        required=False,
        max_length=MODERATION_REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed to hide or remove. The creators read this."),
    )


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), required=False)
    actor = forms.CharField(label=_("Who"), required=False, max_length=80)
    target_type = forms.ModelChoiceField(
        label=_("About"), required=False, queryset=ContentType.objects.none()
    )
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, actions: list[str], target_types, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("All actions"))] + [(a, a) for a in actions]
        self.fields["target_type"].queryset = target_types
        self.fields["target_type"].empty_label = _("Anything")
        self.fields["target_type"].label_from_instance = lambda ct: ct.name
