"""Each task progress row carries its period's end, with an index on (task, period end): the
latest progress of each task is then read without scanning its history."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def period_end_fill(apps, schema_editor):
    TaskProgress = apps.get_model("reporting", "TaskProgress")
    Submission = apps.get_model("reporting", "Submission")
    TaskProgress.objects.update(
        period_end=Subquery(
            Submission.objects.filter(pk=OuterRef("submission_id")).values("period__window_end")[
                :1
            ]
        )
    )


class Migration(migrations.Migration):
    dependencies = [("reporting", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="taskprogress",
            name="period_end",
            field=models.DateField(editable=False, null=True),
        ),
        migrations.RunPython(period_end_fill, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="taskprogress",
            name="period_end",
            field=models.DateField(editable=False),
        ),
        migrations.AddIndex(
            model_name="taskprogress",
            index=models.Index(fields=["task", "-period_end"], name="task_progress_latest"),
        ),
    ]
