"""The daily reminder scan, 07:00 Asia/Ho_Chi_Minh, as a django-celery-beat schedule: editable in
the admin, kept in the database so beat needs no configuration file."""

from django.db import migrations

TASK_NAME = "Quét hạn và gửi nhắc việc hằng ngày"


def add_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="0",
        hour="7",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone="Asia/Ho_Chi_Minh",
    )
    PeriodicTask.objects.get_or_create(
        name=TASK_NAME, defaults={"task": "reports.tasks.scan_reminders", "crontab": crontab}
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0002_reminders"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(add_schedule, remove_schedule)]
