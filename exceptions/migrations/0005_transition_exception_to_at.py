from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("exceptions", "0004_due_date_indexes"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="exceptiontransition",
            index=models.Index(fields=["exception", "to_status", "at"], name="transition_exception_to_at"),
        ),
    ]
