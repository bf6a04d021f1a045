"""Template filters for challenge pages."""

from django import template
from django.utils.translation import ngettext

register = template.Library()


@register.filter
def minutes(seconds: int) -> str:
    """180 → "3 minutes", 90 → "1 minute 30 seconds"."""
    whole, rest = divmod(int(seconds), 60)
    text = ngettext("%(n)d minute", "%(n)d minutes", whole) % {"n": whole} if whole else ""
    if rest:
        text = " ".join(
            filter(None, [text, ngettext("%(n)d second", "%(n)d seconds", rest) % {"n": rest}])
        )
    return text
