"""The settings pytest runs with (pyproject: DJANGO_SETTINGS_MODULE): the project's own, on
a developer's machine whatever the database, so a run against PostgreSQL needs no more
than DATABASE_URL. Without this, a database server and debug off would mean production
(a required DJANGO_SECRET_KEY, HTTPS only, hashed static files). pytest-django still runs
every test with DEBUG off, and the worker processes the tests start inherit the variable.
"""

import os

os.environ.setdefault("DJANGO_DEBUG", "true")

from videoawards.settings import *  # noqa: F403
