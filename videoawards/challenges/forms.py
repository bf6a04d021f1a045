from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .models import Category, Challenge, Entry


class EntryForm(forms.Form):
    """Title, description, category and team name of an entry (the video comes separately)."""

    title = forms.CharField(
        label=_("Title"),
        max_length=Entry._meta.get_field("title").max_length,
        help_text=_("A short name for your video."),
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=Entry._meta.get_field("description").max_length,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What is your video about? What did you find out?"),
    )
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.none(), empty_label=None
    )
    team_name = forms.CharField(
        label=_("Team name"),
        required=False,
        max_length=Entry._meta.get_field("team_name").max_length,
        help_text=_("Only if you made the video together with others."),
    )

    def __init__(self, *args, challenge: Challenge, **kwargs):
        super().__init__(*args, **kwargs)
        categories = challenge.categories.all()
        self.fields["category"].queryset = categories
        if not categories.exists():
            del self.fields["category"]


CAPTION_LANGUAGES = [
    ("en", _("English")),
    ("de", _("German")),
    ("sv", _("Swedish")),
    ("fr", _("French")),
    ("es", _("Spanish")),
    ("it", _("Italian")),
    ("pl", _("Polish")),
    ("tr", _("Turkish")),
    ("uk", _("Ukrainian")),
    ("ar", _("Arabic")),
]


def caption_label(language: str) -> str:
    """The captions' name in their own language ("Deutsch", "Svenska"), as every viewer's
    player lists it, whatever language the uploader's page is in."""
    with translation.override(language):
        return str(dict(CAPTION_LANGUAGES)[language])


class CaptionForm(forms.Form):
    """Captions for the entry's video, one WebVTT file per language (a new one replaces)."""

    language = forms.ChoiceField(label=_("Language of the captions"), choices=CAPTION_LANGUAGES)
    file = forms.FileField(
        label=_("Caption file (.vtt)"),
        help_text=_("A WebVTT file, up to 512 KB. Most editing apps can export one."),
    )


class TeamInviteForm(forms.Form):
    """Whom a creator invites to the team: an email or a display name."""

    who = forms.CharField(
        label=_("Email or display name of your team mate"),
        max_length=254,
        help_text=_(
            "They get an invitation to accept or decline, and join the team once they say yes."
        ),
    )
