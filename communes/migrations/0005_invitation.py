"""Invitations move from accounts to communes (the tenancy, beside the memberships they offer), in
the state only: the table keeps its name (`db_table`), so no row moves and nothing is locked. The
content type follows, so permissions and admin history stay attached."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def content_type_follows(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    if not content_type.objects.using(db).filter(app_label="communes", model="invitation").exists():
        content_type.objects.using(db).filter(app_label="accounts", model="invitation").update(
            app_label="communes"
        )


def content_type_back(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    content_type.objects.using(db).filter(app_label="communes", model="invitation").update(
        app_label="accounts"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("communes", "0004_membership_notification"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("accounts", "0006_membership_notification_to_communes"),  # the table exists
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Invitation",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("email", models.EmailField(max_length=254, verbose_name="e-mail")),
                        (
                            "full_name",
                            models.CharField(blank=True, max_length=150, verbose_name="full name"),
                        ),
                        (
                            "role",
                            models.CharField(
                                choices=[
                                    ("unit_staff", "unit staff"),
                                    ("standing_office", "standing office reviewer (Phòng VH-XH)"),
                                    ("commune_leader", "commune leader"),
                                    ("province_officer", "province officer"),
                                    ("inspector", "inspector (read only)"),
                                    ("administrator", "administrator"),
                                ],
                                max_length=30,
                                verbose_name="role",
                            ),
                        ),
                        (
                            "token_digest",
                            models.CharField(editable=False, max_length=64, unique=True),
                        ),
                        (
                            "created_at",
                            models.DateTimeField(auto_now_add=True, verbose_name="created"),
                        ),
                        ("expires_at", models.DateTimeField(verbose_name="expires")),
                        (
                            "accepted_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="accepted"),
                        ),
                        (
                            "revoked_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="withdrawn"),
                        ),
                        (
                            "accepted_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="invitations_accepted",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="accepted by",
                            ),
                        ),
                        (
                            "commune",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="invitations",
                                to="communes.commune",
                                verbose_name="commune",
                            ),
                        ),
                        (
                            "invited_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="invitations_sent",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="invited by",
                            ),
                        ),
                        (
                            "unit",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="invitations",
                                to="communes.unit",
                                verbose_name="unit",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "invitation",
                        "verbose_name_plural": "invitations",
                        "db_table": "accounts_invitation",
                        "ordering": ["-created_at", "-id"],
                        "indexes": [
                            models.Index(
                                fields=["commune", "accepted_at"],
                                name="accounts_in_commune_d74497_idx",
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_type_follows, content_type_back),
    ]
