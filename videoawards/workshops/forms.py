"""The workshop form organisers fill in: every rule the database checks is asked here
first, in words an organiser understands (never a constraint name)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from videoawards.accounts.models import ProviderNetwork
from videoawards.core.scope import is_platform_wide

from .models import Registration, Workshop


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class WorkshopForm(forms.ModelForm):
    """Create or change a workshop. Organisers of one network run that network's
    workshops; platform-wide staff choose the network."""

    class Meta:
        model = Workshop
        fields = [
            "title",
            "provider_network",
            "description",
            "mode",
            "city",
            "starts_at",
            "ends_at",
            "registration_deadline",
            "capacity",
            "challenge",
            "is_published",
        ]
        widgets = {
            "starts_at": DateTimeInput(),
            "ends_at": DateTimeInput(),
            "registration_deadline": DateTimeInput(),
            "mode": forms.RadioSelect,
            "description": forms.Textarea(attrs={"rows": 5}),
        }
        labels = {"challenge": _("Linked challenge")}
        help_texts = {
            "is_published": _("Only published workshops are listed and take registrations."),
            "challenge": _("Optional: the challenge this workshop prepares for."),
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        challenges = self.fields["challenge"].queryset  # type: ignore[attr-defined]
        if is_platform_wide(user):
            self.fields["provider_network"].queryset = (  # type: ignore[attr-defined]
                ProviderNetwork.objects.order_by("name")
            )
            self.network_id = None
        else:  # an organiser runs workshops of their own network only
            del self.fields["provider_network"]
            self.network_id = self.instance.provider_network_id or user.provider_network_id
            challenges = challenges.filter(provider_network_id=self.network_id)
        self.fields["challenge"].queryset = challenges.order_by(  # type: ignore[attr-defined]
            "-entries_open_at", "title"
        )
        self.fields["challenge"].empty_label = _("No challenge")  # type: ignore[attr-defined]
        self.fields["mode"].choices = Workshop.Mode.choices  # no empty choice for a radio

    def clean_capacity(self) -> int | None:
        capacity = self.cleaned_data.get("capacity")
        if capacity is None:
            return None
        if capacity < 1:
            raise forms.ValidationError(_("A workshop needs at least one place."))
        if self.instance.pk:
            confirmed = self.instance.registrations.filter(
                status=Registration.Status.CONFIRMED
            ).count()
            if capacity < confirmed:
                raise forms.ValidationError(
                    ngettext(
                        "%(count)d person already has a confirmed place, so the workshop "
                        "needs at least %(count)d place.",
                        "%(count)d people already have a confirmed place, so the workshop "
                        "needs at least %(count)d places.",
                        confirmed,
                    )
                    % {"count": confirmed}
                )
        return capacity

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        network = data.get("provider_network")
        network_id = network.pk if network else self.network_id
        challenge = data.get("challenge")
        if challenge and network_id and challenge.provider_network_id != network_id:
            self.add_error(
                "challenge", _("Choose a challenge of the network that runs this workshop.")
            )
        return data

    def _post_clean(self) -> None:
        # The model's clean() checks city, times and deadline; it needs the network.
        if self.network_id is not None:
            self.instance.provider_network_id = self.network_id
        super()._post_clean()
