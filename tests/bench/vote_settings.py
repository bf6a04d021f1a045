"""The vote benchmark's server: the project's settings with the benchmark's URLs on top."""

from videoawards.settings import *  # noqa: F403

ROOT_URLCONF = "tests.bench.vote_urls"
