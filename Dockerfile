# The production image: web (gunicorn), Celery workers and beat all run from it.
# Two stages, as cookiecutter-django's: the builder makes a wheel of the project and a
# virtualenv of the locked dependencies (hash-checked); the final stage gets only the
# virtualenv, the wheel installed into it (not editable), and the files that are not
# Python packages (manage.py, templates/, locale/) in /app.

# Pinned to a patch release and Debian release (trixie: its ffmpeg); bump on purpose.
ARG PYTHON_IMAGE=python:3.11.15-slim-trixie

# --- builder -------------------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS builder

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH

WORKDIR /src

# Dependencies first, in their own layer: they change less often than the code.
# Every pin carries its hashes; pip refuses anything else (README: the lock file).
COPY requirements/lock.txt requirements/lock.txt
RUN pip install --require-hashes --no-deps -r requirements/lock.txt

COPY pyproject.toml README.md ./
COPY videoawards videoawards
COPY transcoding transcoding
COPY voting voting
RUN pip wheel --no-deps --wheel-dir /wheels .

# --- final ---------------------------------------------------------------------------
FROM ${PYTHON_IMAGE}

# VIDEOAWARDS_BASE_DIR: templates/, locale/, staticfiles/ and var/ are in /app, not
# beside the installed packages in site-packages.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PATH=/opt/venv/bin:$PATH \
    VIDEOAWARDS_BASE_DIR=/app

RUN apt-get update \
    && apt-get install -y --no-install-recommends ffmpeg \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --create-home --uid 10001 --user-group videoawards

COPY --from=builder /opt/venv /opt/venv
# The project itself, from its wheel: dependencies are already in the venv.
COPY --from=builder /wheels /tmp/wheels
RUN pip install --no-deps --no-index /tmp/wheels/videoawards-*.whl \
    && rm -rf /tmp/wheels

WORKDIR /app
COPY manage.py ./
COPY templates templates
COPY locale locale

# Static files are part of the image (whitenoise serves them from STATIC_ROOT), hashed
# names and a manifest, as production settings (a database server, debug off) want them.
# Dummy values: collectstatic connects to nothing.
RUN DJANGO_DEBUG=false \
    DJANGO_SECRET_KEY=collectstatic-only-not-a-secret \
    DATABASE_URL=postgres://collectstatic-only@127.0.0.1/none \
    CELERY_BROKER_URL=redis://collectstatic-only \
    python manage.py collectstatic --noinput \
    && python -m compileall -q /opt/venv/lib/python3*/site-packages/videoawards \
        /opt/venv/lib/python3*/site-packages/transcoding /opt/venv/lib/python3*/site-packages/voting

USER videoawards

EXPOSE 8000
CMD ["gunicorn", "videoawards.wsgi:application", "--bind=0.0.0.0:8000", \
     "--forwarded-allow-ips=*", "--access-logfile=-"]
