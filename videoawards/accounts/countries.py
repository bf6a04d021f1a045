"""Countries people can pick at sign-up, with the age below which a guardian must consent.

The consent age is the "age of digital consent" each EU/EEA country set under
GDPR Art. 8 (13 to 16; 16 where the country set nothing). GB uses the UK GDPR
(13) and US the COPPA age (13). Countries without such a rule have
``consent_age=None`` and fall back to the configurable default,
``settings.ACCOUNTS_DEFAULT_CONSENT_AGE`` (GDPR's 16 unless changed).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# GDPR Art. 8(1): 16 unless a member state sets a lower age (not below 13). The default
# in use is settings.ACCOUNTS_DEFAULT_CONSENT_AGE.
DEFAULT_CONSENT_AGE = 16


@dataclass(frozen=True)
class Country:
    code: str  # ISO 3166-1 alpha-2
    name: Promise
    consent_age: int | None = None
    eea: bool = False


COUNTRIES: tuple[Country, ...] = (
    # EU member states
    Country("AT", _("Austria"), 14, eea=True),
    Country("BE", _("Belgium"), 13, eea=True),
    Country("BG", _("Bulgaria"), 14, eea=True),
    Country("HR", _("Croatia"), 16, eea=True),
    Country("CY", _("Cyprus"), 14, eea=True),
    Country("CZ", _("Czechia"), 15, eea=True),
    Country("DK", _("Denmark"), 13, eea=True),
    Country("EE", _("Estonia"), 13, eea=True),
    Country("FI", _("Finland"), 13, eea=True),
    Country("FR", _("France"), 15, eea=True),
    Country("DE", _("Germany"), 16, eea=True),
    Country("GR", _("Greece"), 15, eea=True),
    Country("HU", _("Hungary"), 16, eea=True),
    Country("IE", _("Ireland"), 16, eea=True),
    Country("IT", _("Italy"), 14, eea=True),
    Country("LV", _("Latvia"), 13, eea=True),
    Country("LT", _("Lithuania"), 14, eea=True),
    Country("LU", _("Luxembourg"), 16, eea=True),
    Country("MT", _("Malta"), 13, eea=True),
    Country("NL", _("Netherlands"), 16, eea=True),
    Country("PL", _("Poland"), 16, eea=True),
    Country("PT", _("Portugal"), 13, eea=True),
    Country("RO", _("Romania"), 16, eea=True),
    Country("SK", _("Slovakia"), 16, eea=True),
    Country("SI", _("Slovenia"), 15, eea=True),
    Country("ES", _("Spain"), 14, eea=True),
    Country("SE", _("Sweden"), 13, eea=True),
    # EEA, outside the EU
    Country("IS", _("Iceland"), 13, eea=True),
    Country("LI", _("Liechtenstein"), 16, eea=True),
    Country("NO", _("Norway"), 13, eea=True),
    # Elsewhere
    Country("CH", _("Switzerland")),
    Country("GB", _("United Kingdom"), 13),
    Country("US", _("United States"), 13),
    Country("AL", _("Albania")),
    Country("AR", _("Argentina")),
    Country("AU", _("Australia")),
    Country("BA", _("Bosnia and Herzegovina")),
    Country("BR", _("Brazil")),
    Country("CA", _("Canada")),
    Country("CL", _("Chile")),
    Country("CN", _("China")),
    Country("CO", _("Colombia")),
    Country("EG", _("Egypt")),
    Country("GE", _("Georgia")),
    Country("GH", _("Ghana")),
    Country("IL", _("Israel")),
    Country("IN", _("India")),
    Country("ID", _("Indonesia")),
    Country("JP", _("Japan")),
    Country("KE", _("Kenya")),
    Country("KR", _("South Korea")),
    Country("MA", _("Morocco")),
    Country("MD", _("Moldova")),
    Country("ME", _("Montenegro")),
    Country("MK", _("North Macedonia")),
    Country("MX", _("Mexico")),
    Country("NG", _("Nigeria")),
    Country("NZ", _("New Zealand")),
    Country("PH", _("Philippines")),
    Country("RS", _("Serbia")),
    Country("SG", _("Singapore")),
    Country("TN", _("Tunisia")),
    Country("TR", _("Türkiye")),
    Country("UA", _("Ukraine")),
    Country("ZA", _("South Africa")),
)

_BY_CODE: dict[str, Country] = {country.code: country for country in COUNTRIES}


def get_country(code: str) -> Country | None:
    return _BY_CODE.get(code.upper())


def is_known_country(code: str) -> bool:
    return code.upper() in _BY_CODE


def consent_age(code: str) -> int:
    """The age from which a person may consent alone; below it a guardian must."""
    country = get_country(code)
    if country is None or country.consent_age is None:
        return settings.ACCOUNTS_DEFAULT_CONSENT_AGE
    return country.consent_age


def countries_by_consent_age() -> dict[int, list[str]]:
    """Codes of the countries with their own consent age, grouped by that age."""
    groups: dict[int, list[str]] = {}
    for country in COUNTRIES:
        if country.consent_age is not None:
            groups.setdefault(country.consent_age, []).append(country.code)
    return groups


def country_choices() -> list[tuple[str, str]]:
    """(code, name) pairs sorted by the name in the active language, for a select."""
    return sorted(((c.code, str(c.name)) for c in COUNTRIES), key=lambda pair: pair[1].casefold())
