# The audit log's table now belongs to core (core 0001); moderation keeps a proxy so the
# admin's addresses and permissions stay. No database change.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_audit_event_from_moderation"),
        ("moderation", "0001_reports_and_audit_events"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name="AuditEvent"),
                migrations.CreateModel(
                    name="AuditEvent",
                    fields=[],
                    options={
                        "verbose_name": "audit event",
                        "verbose_name_plural": "audit events",
                        "proxy": True,
                        "indexes": [],
                        "constraints": [],
                    },
                    bases=("core.auditevent",),
                ),
            ],
        ),
    ]
