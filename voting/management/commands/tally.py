"""Print a challenge's results snapshot: the same data an organiser reviews and publishes.

    python manage.py tally CHALLENGE_SLUG --json

Recomputing from the same reviews and votes gives the same input_hash. --save also
stores the snapshot for organisers to review (like "Compute results" on the page).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from videoawards.challenges.models import Challenge
from voting import services
from voting.services.results import challenge_results
from voting.tally import TallyInputError
from voting.tally.data import canonical_json


class Command(BaseCommand):
    help = "Print the results snapshot of a challenge (awards, method, ranking, input hash)."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--json", action="store_true", help="one JSON object, one line")
        parser.add_argument("--save", action="store_true", help="store it for organisers")

    def handle(self, *args, slug: str, json: bool, save: bool, **options):
        try:
            challenge = Challenge.objects.get(slug=slug)
        except Challenge.DoesNotExist:
            raise CommandError(f"No challenge with the slug {slug!r}.") from None
        try:
            if save:
                data = services.compute_results(challenge=challenge, by=None).data
            else:
                data = challenge_results(challenge=challenge)
        except (TallyInputError, ValidationError) as error:
            raise CommandError(str(error)) from error
        if json:
            self.stdout.write(canonical_json(data))
            return
        self.stdout.write(f"{challenge.title}  input hash {data['input_hash']}")
        for award in data["awards"]:
            self.stdout.write(f"\n{award['name']} ({award['decided_by']})")
            for row in award["snapshot"]["ranking"][:10]:
                self.stdout.write(
                    f"  {row['rank']:>3}. entry {row['entry_id']}  jury {row['jury_score']}  "
                    f"votes {row['public_votes']}"
                )
