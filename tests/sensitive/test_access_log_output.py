"""The access log API writes its rows by hand (privacy/api_rows.py, `AccessLogEntrySerializer.to_representation`): a
steward or an auditor reads the JSON DRF's ModelSerializer wrote before, to the character and in the same key
order. And the grants and break-glass sessions a page of customers asks about (`privacy.selectors.active_access`,
one hand-written statement) open exactly the customers they did."""

import datetime
import json
import zoneinfo

import pytest
from django.test import RequestFactory
from django.utils import timezone
from guardian.shortcuts import remove_perm
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request

from intimacy_ops import sensitive
from privacy import selectors, subjects
from privacy.api_rows import AccessLogEntrySerializer
from privacy.models import AccessLogEntry, BreakGlassSession
from privacy.services import sensitive_access
from segments.models import Customer
from tests.segments.factories import CustomerFactory


class DrfAccessLogEntrySerializer(AccessLogEntrySerializer):
    """The serializer as it was: DRF's own field-by-field output."""

    def to_representation(self, row):
        return serializers.ModelSerializer.to_representation(self, row)


@pytest.fixture
def looks(world, as_user):
    """Looks of every kind: own account (API and page), a grant, break-glass, a deleted-name-less subject."""
    as_user("am.alice").get(f"/api/v1/customers/{world.acme.pk}/")
    as_user("am.bob").get("/api/v1/customers/")
    sensitive_access.grant_access(
        actor=world.people["steward.sam"],
        user=world.people["ops.oscar"],
        subject=world.acme,
        purpose="Escalated complaint \u201cA-12\u201d",
        expires_at=timezone.now() + datetime.timedelta(days=1),
    )
    as_user("ops.oscar").get("/api/v1/customers/")
    with sensitive.recording(channel=sensitive.EXPORT):
        sensitive.show(world.people["am.bob"], world.delta, "personal_notes")
    assert AccessLogEntry.objects.count() >= 4
    return world


def drf_request(user, path="/api/v1/access-log/"):
    raw = RequestFactory().get(path)
    raw.user = user
    request = Request(raw)
    request.user = user
    return request


@pytest.mark.parametrize("username", ["steward.sam", "audit.ada"])
def test_the_access_log_reads_as_drf_wrote_it(looks, client, username):
    user = looks.people[username]
    client.force_login(user)
    for path in ("/api/v1/access-log/?page_size=200", "/api/v1/access-log/?user=am.alice"):
        response = client.get(path)
        assert response.status_code == 200, response.content
        rows = list(selectors.access_log(user, username="am.alice" if "user=" in path else ""))
        with timezone.override(zoneinfo.ZoneInfo(user.effective_time_zone())):  # their session's zone
            expected = DrfAccessLogEntrySerializer(
                rows, many=True, context={"request": drf_request(user)}
            ).data
        expected = json.loads(JSONRenderer().render(expected))
        assert [list(row.items()) for row in response.json()["results"]] == [
            list(row.items()) for row in expected
        ]
    entry = AccessLogEntry.objects.filter(channel=sensitive.EXPORT).get()
    one = client.get(f"/api/v1/access-log/{entry.pk}/").json()
    assert (one["customer"], one["customer_name"], one["fields"], one["channel"]) == (
        looks.delta.pk,
        "Delta Retail",
        ["personal_notes"],
        "export",
    )


def test_the_hand_written_fields_are_the_declared_ones(looks):
    row = AccessLogEntry.objects.select_related("user").first()
    written = AccessLogEntrySerializer(row, context={"request": drf_request(looks.people["audit.ada"])}).data
    keys = ["id", "user"]
    for subject in subjects.all():
        keys += [subject.key, f"{subject.key}_name"]
    assert list(written) == keys + ["fields", "at", "purpose", "channel"]


@pytest.mark.django_db
def test_active_access_opens_what_a_live_grant_or_session_opens_and_nothing_else(world):
    """Live grant → its purpose; live break-glass → break-glass; both → the grant's; a grant expired, revoked,
    not yet begun or without its guardian permission, a session closed or expired, another user's → nothing."""
    oscar, sam, dan = (world.people[name] for name in ("ops.oscar", "steward.sam", "am.alice"))
    customer = {name: CustomerFactory(name=name.title(), region=world.acme.region) for name in (
        "granted", "glass", "both", "expired", "revoked", "future", "unpermitted", "closed", "stale", "dans",
    )}  # fmt: skip
    now = timezone.now()

    def grant(name, user=oscar, **times):
        made = sensitive_access.grant_access(
            actor=sam,
            user=user,
            subject=customer[name],
            purpose=f"Complaint file about {name}",
            expires_at=now + datetime.timedelta(days=1),
        )
        if times:
            type(made).objects.filter(pk=made.pk).update(**times)
        return made

    grant("granted")
    grant("both")
    grant(
        "expired",
        granted_at=now - datetime.timedelta(hours=2),
        expires_at=now - datetime.timedelta(minutes=1),
    )
    sensitive_access.revoke_grant(actor=sam, grant=grant("revoked"), reason="No longer needed here.")
    grant("future", granted_at=now + datetime.timedelta(hours=1))
    grant("unpermitted")
    remove_perm("segments.view_sensitive_customer", oscar, customer["unpermitted"])
    grant("dans", user=dan)
    for name in ("glass", "both", "closed", "stale"):
        sensitive_access.open_break_glass(
            actor=oscar, subject=customer[name], justification="The outage needs the contact now.", hours=1
        )
    BreakGlassSession.objects.filter(subject_id=customer["closed"].pk).update(closed_at=now)
    BreakGlassSession.objects.filter(subject_id=customer["stale"].pk).update(
        opened_at=now - datetime.timedelta(hours=3), expires_at=now - datetime.timedelta(hours=2)
    )

    declared = subjects.of(Customer())
    found = selectors.active_access(declared, oscar, [c.pk for c in customer.values()] + [world.acme.pk])
    assert found == {
        customer["granted"].pk: "grant: Complaint file about granted",
        customer["glass"].pk: sensitive.BREAK_GLASS,
        customer["both"].pk: "grant: Complaint file about both",
    }
    assert selectors.active_access(declared, oscar, []) == {}
    assert selectors.active_access(declared, dan, [customer["dans"].pk]) == {
        customer["dans"].pk: "grant: Complaint file about dans"
    }
