from datetime import date

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from videoawards.accounts.age import MINIMUM_AGE, age_this_year, validate_birth_year
from videoawards.accounts.countries import (
    COUNTRIES,
    DEFAULT_CONSENT_AGE,
    consent_age,
    country_choices,
)

TODAY = date(2026, 6, 1)


def test_eight_year_olds_may_join_and_seven_year_olds_may_not():
    # when
    validate_birth_year(2018, today=TODAY)
    with pytest.raises(ValidationError) as too_young:
        validate_birth_year(2019, today=TODAY)
    # then
    assert too_young.value.code == "too_young"


@given(st.integers(min_value=-10_000, max_value=10_000))
def test_birth_year_is_accepted_exactly_between_1900_and_eight_years_ago(year):
    # given
    accepted = 1900 <= year <= TODAY.year and age_this_year(year, today=TODAY) >= MINIMUM_AGE
    # when
    try:
        validate_birth_year(year, today=TODAY)
        valid = True
    except ValidationError:
        valid = False
    # then
    assert valid == accepted


def test_consent_ages_follow_gdpr_article_8():
    # then
    assert consent_age("DE") == 16
    assert consent_age("at") == 14
    assert consent_age("FR") == 15
    assert consent_age("SE") == 13
    assert consent_age("CH") == DEFAULT_CONSENT_AGE
    assert consent_age("ZZ") == DEFAULT_CONSENT_AGE


def test_every_eea_country_has_a_consent_age_between_13_and_16():
    # given
    eea = [c for c in COUNTRIES if c.eea]
    # then
    assert len(eea) == 30
    assert all(13 <= c.consent_age <= 16 for c in eea)


def test_country_codes_are_unique_two_letter_codes_and_offered_as_choices():
    # given
    codes = [c.code for c in COUNTRIES]
    # then
    assert len(codes) == len(set(codes))
    assert all(len(code) == 2 and code.isupper() for code in codes)
    assert sorted(code for code, _ in country_choices()) == sorted(codes)
