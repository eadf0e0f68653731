"""督办 levels and escalation: a level on every notice (existing ones are 一般督办), when it was
last raised, and when its deadline lapsed unanswered (so the sweep escalates once per deadline).

The supervision table holds a few per cent of the cases; adding nullable columns and a column with
a constant default does not rewrite it on PostgreSQL 11+, and its two partial indexes cover only
unanswered notices. The level keeps its database default, so SQL that inserts notices without one
(bulk loads, bench/workbench.py) stays valid."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0004_text_bigrams"),
    ]

    operations = [
        migrations.AddField(
            model_name="supervision",
            name="level",
            field=models.PositiveSmallIntegerField(
                choices=[(1, "一般督办"), (2, "重点督办"), (3, "挂牌督办")], db_default=1, default=1,
                verbose_name="督办级别",
            ),
        ),
        migrations.AddField(
            model_name="supervision",
            name="escalated_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="supervision",
            name="lapsed_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddIndex(
            model_name="supervision",
            index=models.Index(
                condition=models.Q(("answered_at__isnull", True)), fields=["-level", "-created_at"],
                name="supervision_open_level",
            ),
        ),
        migrations.AddIndex(
            model_name="supervision",
            index=models.Index(
                condition=models.Q(("answered_at__isnull", True), ("lapsed_at__isnull", True)), fields=["due_at"],
                name="supervision_lapse",
            ),
        ),
    ]
