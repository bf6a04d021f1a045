"""Fixtures for account tests."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Rate-limit counters live in the cache; each test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def signup_data():
    return {
        "email": "Robin@Example.org",
        "display_name": "Robin the Rocket",
        "birth_year": "2011",
        "country": "DE",
        "guardian_email": "parent@example.org",  # 15 or 16 in Germany: below 16 is possible
        "password1": "glowing-jellyfish-42",
        "password2": "glowing-jellyfish-42",
    }
