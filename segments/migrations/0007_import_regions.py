"""Import runs and their rejected rows get the regions of the customers they describe (issue 13): who sees
them follows from it. Existing rejected rows are tied to the customer they name (a customers row by its key,
a cases row by its customer's key) and its region, else to the region their `region` cell names; an
existing run touches the regions of its rejected rows (what it wrote before is not recorded by region: its
other readers are its starter and those who see every region)."""

import django.db.models.deletion
from django.db import migrations, models


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def place_existing_rows(apps, schema_editor):
    ImportRejectedRow = apps.get_model("segments", "ImportRejectedRow")
    ImportRun = apps.get_model("segments", "ImportRun")
    Customer = apps.get_model("segments", "Customer")
    Region = apps.get_model("accounts", "Region")
    regions = {code.upper(): pk for pk, code in Region.objects.values_list("id", "code")}
    customers: dict = {}
    touched: set[tuple[int, int]] = set()
    changed = []
    for row in ImportRejectedRow.objects.select_related("run").iterator(chunk_size=2000):
        data = row.data if isinstance(row.data, dict) else {}
        prefix = "customer_" if row.run.kind == "cases" else ""
        key = (_text(data.get(f"{prefix}source")), _text(data.get(f"{prefix}external_id")))
        if key not in customers:
            customers[key] = (
                Customer.objects.filter(source=key[0], external_id=key[1])
                .values_list("id", "region_id")
                .first()
            )
        if customers[key]:
            row.customer_id, row.region_id = customers[key]
        elif not prefix:
            row.region_id = regions.get(_text(data.get("region")).upper())
        if row.region_id:
            touched.add((row.run_id, row.region_id))
            changed.append(row)
        if len(changed) >= 2000:
            ImportRejectedRow.objects.bulk_update(changed, ["customer", "region"])
            changed = []
    ImportRejectedRow.objects.bulk_update(changed, ["customer", "region"])
    ImportRun.regions.through.objects.bulk_create(
        [ImportRun.regions.through(importrun_id=run, region_id=region) for run, region in sorted(touched)]
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_roles"),
        ("segments", "0006_privacy_moves_to_its_own_part"),
    ]

    operations = [
        migrations.AddField(
            model_name="importrejectedrow",
            name="customer",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="segments.customer",
            ),
        ),
        migrations.AddField(
            model_name="importrejectedrow",
            name="region",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="accounts.region",
            ),
        ),
        migrations.AddField(
            model_name="importrun",
            name="regions",
            field=models.ManyToManyField(
                blank=True,
                help_text="Regions of the customers its rows describe.",
                related_name="+",
                to="accounts.region",
            ),
        ),
        migrations.RunPython(place_existing_rows, migrations.RunPython.noop),
    ]
