# The account manager index carries the customer id (PostgreSQL; an index-only scan for "my customers").

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_out_of_office"),
        ("segments", "0013_region_figures"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="customer",
            name="customer_manager_region",
        ),
        migrations.AddIndex(
            model_name="customer",
            index=models.Index(
                fields=["account_manager", "region"], include=("id",), name="customer_manager_region"
            ),
        ),
    ]
