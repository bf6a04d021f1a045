from django.db import migrations, models


def flag_platform_staff(apps, schema_editor):
    """Until now a moderator or organiser without a network was platform-wide: say so."""
    User = apps.get_model("accounts", "User")
    User.objects.filter(
        role__in=["moderator", "organiser"], provider_network__isnull=True
    ).update(is_platform_staff=True)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_guardian_consent")]

    operations = [
        migrations.AddField(
            model_name="user",
            name="is_platform_staff",
            field=models.BooleanField(
                default=False,
                help_text=(
                    "Moderates or organises for every provider network. Without it, a "
                    "moderator or organiser acts only for their own network (and for none "
                    "without one)."
                ),
                verbose_name="platform-wide staff",
            ),
        ),
        migrations.RunPython(flag_platform_staff, migrations.RunPython.noop),
    ]
