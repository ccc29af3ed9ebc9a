"""Memberships and notifications move from accounts to communes (tenancy), in the state only:
their tables keep their names (`db_table`), so no row moves and nothing is locked. Their content
types follow them, so permissions and admin history stay attached."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


MOVED = ["membership", "notification"]


def content_types_follow(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    if not content_type.objects.using(db).filter(app_label="communes", model__in=MOVED).exists():
        content_type.objects.using(db).filter(app_label="accounts", model__in=MOVED).update(
            app_label="communes"
        )


def content_types_back(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    content_type.objects.using(db).filter(app_label="communes", model__in=MOVED).update(
        app_label="accounts"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("communes", "0003_audit_close_withdraw"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("accounts", "0005_inspector_role"),  # the tables exist
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Membership",
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
                        ("is_active", models.BooleanField(default=True, verbose_name="active")),
                        (
                            "created_at",
                            models.DateTimeField(auto_now_add=True, verbose_name="created"),
                        ),
                        (
                            "commune",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="memberships",
                                to="communes.commune",
                                verbose_name="commune",
                            ),
                        ),
                        (
                            "province",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="memberships",
                                to="communes.province",
                                verbose_name="province",
                            ),
                        ),
                        (
                            "unit",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="memberships",
                                to="communes.unit",
                                verbose_name="unit",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="memberships",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="user",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "membership",
                        "verbose_name_plural": "memberships",
                        "db_table": "accounts_membership",
                        "indexes": [
                            models.Index(
                                fields=["commune", "role"], name="accounts_me_commune_b10bf6_idx"
                            )
                        ],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(
                                    models.Q(
                                        ("commune__isnull", False),
                                        ("province__isnull", True),
                                        ("role", "unit_staff"),
                                        ("unit__isnull", False),
                                    ),
                                    models.Q(
                                        ("commune__isnull", False),
                                        ("province__isnull", True),
                                        ("role__in", ["standing_office", "commune_leader"]),
                                        ("unit__isnull", True),
                                    ),
                                    models.Q(
                                        ("commune__isnull", True),
                                        ("province__isnull", False),
                                        ("role", "province_officer"),
                                        ("unit__isnull", True),
                                    ),
                                    models.Q(
                                        ("commune__isnull", False),
                                        ("province__isnull", True),
                                        ("role", "inspector"),
                                        ("unit__isnull", True),
                                    ),
                                    models.Q(
                                        ("commune__isnull", True),
                                        ("province__isnull", False),
                                        ("role", "inspector"),
                                        ("unit__isnull", True),
                                    ),
                                    models.Q(
                                        ("commune__isnull", True),
                                        ("province__isnull", True),
                                        ("role", "administrator"),
                                        ("unit__isnull", True),
                                    ),
                                    _connector="OR",
                                ),
                                name="membership_scope_matches_role",
                            ),
                            models.UniqueConstraint(
                                fields=("user", "role", "province", "commune", "unit"),
                                name="membership_unique",
                                nulls_distinct=False,
                            ),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="Notification",
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
                        ("kind", models.CharField(max_length=40, verbose_name="kind")),
                        ("title", models.CharField(max_length=300, verbose_name="title")),
                        ("body", models.TextField(blank=True, verbose_name="message")),
                        ("url", models.CharField(blank=True, max_length=500, verbose_name="link")),
                        (
                            "created_at",
                            models.DateTimeField(auto_now_add=True, verbose_name="created"),
                        ),
                        (
                            "read_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="read"),
                        ),
                        (
                            "commune",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="communes.commune",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="notifications",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "notification",
                        "verbose_name_plural": "notifications",
                        "db_table": "accounts_notification",
                        "ordering": ["-created_at", "-id"],
                        "indexes": [
                            models.Index(
                                fields=["user", "read_at"], name="accounts_no_user_id_780bd6_idx"
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_follow, content_types_back),
    ]
