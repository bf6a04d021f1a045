# The audit log moves from moderation to core without moving data: the table stays
# "moderation_auditevent", so the database is left as it is and only the state moves.

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("accounts", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("moderation", "0001_reports_and_audit_events"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="AuditEvent",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("action", models.CharField(db_index=True, help_text="What happened, as app-area.verb, e.g. entry.approve.", max_length=64, validators=[django.core.validators.RegexValidator("^[a-z_]+(\\.[a-z_]+)+$")], verbose_name="action")),
                        ("target_id", models.CharField(blank=True, max_length=64, verbose_name="target id")),
                        ("target_label", models.CharField(blank=True, max_length=200, verbose_name="target")),
                        ("reason", models.TextField(blank=True, verbose_name="reason")),
                        ("data", models.JSONField(blank=True, default=dict, verbose_name="data")),
                        ("ip_address", models.GenericIPAddressField(blank=True, null=True, verbose_name="IP address")),
                        ("created_at", models.DateTimeField(auto_now_add=True, db_index=True, verbose_name="when")),
                        ("actor", models.ForeignKey(blank=True, help_text="Empty when the system acted (e.g. hiding after reports).", null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="actor")),
                        ("provider_network", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to="accounts.providernetwork", verbose_name="provider network")),
                        ("target_type", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="contenttypes.contenttype", verbose_name="target type")),
                    ],
                    options={
                        "verbose_name": "audit event",
                        "verbose_name_plural": "audit events",
                        "db_table": "moderation_auditevent",
                        "ordering": ["-created_at", "-pk"],
                        "indexes": [models.Index(fields=["target_type", "target_id"], name="moderation__target__9b7b4c_idx")],
                    },
                ),
            ],
        ),
    ]
