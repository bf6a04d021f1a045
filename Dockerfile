# The production image: web (gunicorn), Celery workers and beat all run from it.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN apt-get update \
    && apt-get install -y --no-install-recommends ffmpeg \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --create-home --uid 10001 --user-group videoawards

WORKDIR /app

# Dependencies first, in their own layer: they change less often than the code.
# The packages are installed editable, so BASE_DIR (templates/, locale/) is /app.
COPY pyproject.toml README.md ./
RUN mkdir videoawards transcoding voting \
    && touch videoawards/__init__.py transcoding/__init__.py voting/__init__.py \
    && pip install -e .

COPY . .

# Static files are part of the image (whitenoise serves them from STATIC_ROOT).
# Dummy values: collectstatic connects to nothing.
RUN DJANGO_DEBUG=false \
    DJANGO_SECRET_KEY=collectstatic-only-not-a-secret \
    CELERY_BROKER_URL=redis://collectstatic-only \
    python manage.py collectstatic --noinput \
    && python -m compileall -q videoawards transcoding voting

USER videoawards

EXPOSE 8000
CMD ["gunicorn", "videoawards.wsgi:application", "--bind=0.0.0.0:8000", \
     "--forwarded-allow-ips=*", "--access-logfile=-"]
