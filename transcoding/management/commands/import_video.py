"""`manage.py import_video PATH [PATH ...]`: bulk import of videos handed in after a workshop.

Each file becomes a media asset of --owner (by default the site's only organiser) and
goes through the same pipeline as a browser upload. By default the videos are queued for
the worker and the command returns; --wait also waits for the worker (progress on
stderr); --inline processes them in this process, no worker needed. --json prints one
JSON object per file and line. The exit code is 1 when any file failed.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q

from transcoding import storage
from transcoding.models import MediaAsset
from transcoding.selectors import asset_with_outputs, playable_renditions
from transcoding.services import import_file, process_imported_asset
from videoawards.accounts.models import Role, User

POLL_SECONDS = 0.5
NO_WORKER_HINT_SECONDS = 30
FINISHED = {MediaAsset.Status.READY, MediaAsset.Status.FAILED}


@dataclass
class Outcome:
    """What happened to one file; `status` is ready, failed, queued, or the asset's status
    when --wait ran out of time."""

    file: Path
    asset: MediaAsset | None = None
    status: str = "failed"
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status in {"ready", "queued"}

    def as_json(self) -> dict[str, Any]:
        asset = self.asset
        renditions = playable_renditions(asset) if asset and self.status == "ready" else []
        return {
            "file": str(self.file),
            "asset": str(asset.pk) if asset else None,
            "status": self.status,
            "error": self.error,
            "renditions": [
                {"width": r.width, "height": r.height, "bandwidth": r.bandwidth} for r in renditions
            ],
            "master": (asset.master_playlist_key or None) if self.status == "ready" else None,
        }

    def as_text(self) -> str:
        data = self.as_json()
        text = f"{self.status:<10} {self.file}"
        if data["asset"]:
            text += f"  asset {data['asset']}"
        if data["renditions"]:
            text += "  " + " ".join(f"{r['height']}p" for r in data["renditions"])
        if self.error:
            text += f"  {self.error}"
        return text


def finished_outcome(*, file: Path, asset: MediaAsset) -> Outcome:
    asset = asset_with_outputs(asset_id=asset.pk) or asset
    if asset.status == MediaAsset.Status.READY:
        return Outcome(file=file, asset=asset, status="ready")
    return Outcome(file=file, asset=asset, status="failed", error=asset.error_message or None)


class Command(BaseCommand):
    help = (
        "Import video files as media assets and process them: queued for the worker "
        "(default), queued and waited for (--wait), or processed here (--inline)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="video files")
        parser.add_argument(
            "--owner",
            metavar="EMAIL",
            help="email of the account that owns the videos (default: the only organiser)",
        )
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument(
            "--wait", action="store_true", help="queue, then wait until the worker is done"
        )
        mode.add_argument(
            "--inline", action="store_true", help="process in this process (no worker needed)"
        )
        parser.add_argument(
            "--timeout",
            type=float,
            default=3600,
            metavar="SECONDS",
            help="with --wait: give up waiting after this long (default 3600)",
        )
        parser.add_argument(
            "--json", action="store_true", help="print one JSON object per file and line"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        owner = self.owner(options["owner"])
        self.as_json = options["json"]
        outcomes: list[Outcome] = []
        waiting: list[Outcome] = []
        for path in options["paths"]:
            outcome = self.import_one(path, owner=owner, inline=options["inline"])
            if outcome.status == "queued" and options["wait"]:
                waiting.append(outcome)
            else:
                self.report(outcome)
            outcomes.append(outcome)
        if waiting:
            for outcome in self.wait_for(waiting, timeout=options["timeout"]):
                self.report(outcome)
        failed = [o for o in outcomes if not o.ok]
        if failed:
            raise CommandError(f"{len(failed)} of {len(outcomes)} files failed.", returncode=1)

    def owner(self, email: str | None) -> User:
        if email:
            user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
            if user is None:
                raise CommandError(f"There is no active account with the email {email}.")
            return user
        organisers = list(
            User.objects.filter(is_active=True)
            .filter(Q(role=Role.ORGANISER) | Q(is_superuser=True))
            .order_by("pk")[:2]
        )
        if len(organisers) != 1:
            found = "no organiser" if not organisers else "more than one organiser"
            raise CommandError(
                f"Say who owns the videos with --owner EMAIL (this site has {found})."
            )
        return organisers[0]

    def import_one(self, path: Path, *, owner: User, inline: bool) -> Outcome:
        try:
            asset = import_file(path=path, owner=owner, queue=not inline)
        except ValidationError as exc:
            return Outcome(file=path, error=" ".join(exc.messages))
        except (storage.StorageError, OSError) as exc:
            return Outcome(file=path, error=f"Could not store the file: {exc}")
        if not inline:
            return Outcome(file=path, asset=asset, status="queued")
        self.stderr.write(f"{path}: processing")
        return finished_outcome(file=path, asset=process_imported_asset(asset=asset))

    def wait_for(self, waiting: list[Outcome], *, timeout: float) -> list[Outcome]:
        """Poll the database until the worker has finished every asset, or time is up."""
        by_id = {o.asset.pk: o for o in waiting if o.asset}
        shown: dict[Any, tuple[str, int]] = {}
        started = time.monotonic()
        hinted = False
        done: list[Outcome] = []
        while by_id:
            for asset in MediaAsset.objects.filter(pk__in=list(by_id)):
                outcome = by_id[asset.pk]
                state = (asset.status, int(asset.progress * 100))
                if shown.get(asset.pk) != state:
                    shown[asset.pk] = state
                    self.stderr.write(f"{outcome.file}: {asset.status} {state[1]}%")
                if asset.status in FINISHED:
                    done.append(finished_outcome(file=outcome.file, asset=asset))
                    del by_id[asset.pk]
            elapsed = time.monotonic() - started
            if by_id and elapsed > timeout:
                for outcome in by_id.values():
                    outcome.asset.refresh_from_db()
                    outcome.status = outcome.asset.status
                    outcome.error = f"Not finished after {timeout:g} seconds."
                    done.append(outcome)
                break
            if (
                not hinted
                and elapsed > NO_WORKER_HINT_SECONDS
                and all(status == MediaAsset.Status.UPLOADED for status, _ in shown.values())
            ):
                hinted = True
                self.stderr.write(
                    "Nothing has started yet: is a worker running? "
                    "(`python3 scripts/dev.py run` starts one; --inline needs none.)"
                )
            if by_id:
                time.sleep(POLL_SECONDS)
        return done

    def report(self, outcome: Outcome) -> None:
        if self.as_json:
            self.stdout.write(json.dumps(outcome.as_json()))
        else:
            self.stdout.write(outcome.as_text())
