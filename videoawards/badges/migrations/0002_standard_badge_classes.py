from django.db import migrations

# A copy, not an import: a migration must not change when services.py does.
STANDARD_BADGES = {
    "workshop-attended": (
        "Video-maker in training",
        "Took part in a videoawards workshop on making science videos.",
        "Attend a workshop from start to end (the organisers mark attendance).",
        "#0a7d5a",
    ),
    "entry-submitted": (
        "Science storyteller",
        "Made a short science video and entered it into a challenge.",
        "Submit a video to a videoawards challenge.",
        "#1f6feb",
    ),
    "finalist": (
        "Finalist",
        "A video that a jury picked for the final round of a challenge.",
        "Be shortlisted as a finalist of a challenge.",
        "#8250df",
    ),
    "winner": (
        "Award winner",
        "Won an award of a videoawards challenge.",
        "Win an award decided by the jury, the public vote or both.",
        "#bf8700",
    ),
    "juror": (
        "Juror",
        "Reviewed young people's science videos on a challenge jury.",
        "Submit every review assigned to you in a jury round.",
        "#cf222e",
    ),
}


def create_badge_classes(apps, schema_editor):
    BadgeClass = apps.get_model("badges", "BadgeClass")
    for kind, (name, description, criteria, colour) in STANDARD_BADGES.items():
        BadgeClass.objects.get_or_create(
            kind=kind,
            defaults={
                "name": name,
                "description": description,
                "criteria": criteria,
                "colour": colour,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("badges", "0001_badges_assertions_portfolios")]

    operations = [migrations.RunPython(create_badge_classes, migrations.RunPython.noop)]
