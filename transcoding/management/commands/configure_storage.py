"""manage.py configure_storage: prepare the S3 bucket for browsers (CORS)."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from transcoding import storage


class Command(BaseCommand):
    help = (
        "Allow the site's origins to upload parts to and play videos from the S3 bucket "
        "(a CORS rule). Safe to run again; does nothing with local storage."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--origin",
            action="append",
            default=[],
            help="an extra origin, e.g. https://videoawards.example (repeatable); "
            "VIDEOAWARDS_SITE_URL and DJANGO_CSRF_TRUSTED_ORIGINS are always included",
        )

    def handle(self, *args, **options):
        store = storage.store()
        if store.origin() is None:
            self.stdout.write("Local storage: the site serves media itself, nothing to do.")
            return
        origins = [settings.SITE_URL, *settings.CSRF_TRUSTED_ORIGINS, *options["origin"]]
        for origin in origins:
            parts = urlsplit(origin)
            if parts.scheme not in {"http", "https"} or not parts.netloc or parts.path:
                raise CommandError(f"not an origin (scheme://host[:port]): {origin!r}")
        try:
            configured = store.configure_cors(origins=origins)
        except storage.StorageError as exc:
            raise CommandError(str(exc)) from exc
        if configured:
            self.stdout.write(f"CORS on the bucket allows: {', '.join(sorted(set(origins)))}")
        else:
            self.stdout.write("This store sets CORS itself (e.g. MinIO allows every origin).")
