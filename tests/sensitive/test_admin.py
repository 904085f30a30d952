"""The admin masks sensitive customer fields for the administrator unless a grant opens the customer."""

import datetime

from django.utils import timezone

from privacy.models import AccessLogEntry
from privacy.services import sensitive_access as privacy


def test_the_admin_masks_sensitive_fields_for_the_administrator_until_granted(world, client):
    admin = world.people["admin"]
    client.force_login(admin)
    listing = client.get("/admin/segments/customer/").content.decode()
    detail = client.get(f"/admin/segments/customer/{world.acme.pk}/change/").content.decode()
    for html in (listing, detail):
        assert "Acme Logistics" in html
        assert "ceo@acme.example" not in html and "Monday mornings" not in html
        assert "***" in html
    assert not AccessLogEntry.objects.exists()
    assert client.get("/admin/segments/customer/", {"q": "ceo@acme.example"}).status_code == 400

    privacy.grant_access(
        actor=world.people["steward.sam"],
        user=admin,
        subject=world.acme,
        purpose="Data fix requested by the account manager",
        expires_at=timezone.now() + datetime.timedelta(hours=1),
    )
    detail = client.get(f"/admin/segments/customer/{world.acme.pk}/change/").content.decode()
    assert "ceo@acme.example" in detail
    entry = AccessLogEntry.objects.get()
    assert (entry.user, entry.purpose, entry.channel) == (
        admin,
        "grant: Data fix requested by the account manager",
        "page",
    )
