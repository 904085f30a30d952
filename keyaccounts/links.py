"""Customer links (issue 20, item 4): issue, open, revoke.

The token is `django.core.signing` over (link id, secret): tampering with either fails the signature; only
the secret's SHA-256 is stored, so the database alone cannot rebuild a link. Opening checks, in order: the
signature, the link (exists, same secret), revoked, expired — each failure the same `Http404`. A view is
counted on the link and written to the access log (channel `customer_link`, on the issuer's name).
"""

import datetime
import hashlib
import hmac
import secrets

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import F
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from intimacy_ops import access, audit, errors, lifecycle, sensitive
from keyaccounts.models import CustomerLink
from privacy import subjects
from privacy.services.sensitive_access import write_access_log

SALT = "keyaccounts.customer-link"
MAX_CONTACT = 200


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def url_of(token: str) -> str:
    return reverse("customer-link", args=[token])


def problems(contact_name: str, expires_at: datetime.datetime, *, now=None) -> dict[str, list[str]]:
    """What is wrong with a link's input, by field (empty: nothing)."""
    now = now or timezone.now()
    found: dict[str, list[str]] = {}
    if not (contact_name or "").strip():
        found["contact_name"] = ["Say who the link is for (the contact's name)."]
    elif len(contact_name.strip()) > MAX_CONTACT:
        found["contact_name"] = [f"At most {MAX_CONTACT} characters."]
    longest = settings.CUSTOMER_LINK_MAX_DAYS
    if expires_at <= now:
        found["expires_at"] = ["Choose a time in the future."]
    elif expires_at > now + datetime.timedelta(days=longest):
        found["expires_at"] = [f"A link lasts at most {longest} days."]
    return found


def issue(
    *, actor, customer, contact_name: str, expires_at: datetime.datetime, secret: str | None = None
) -> tuple[CustomerLink, str]:
    """A new link for one contact of `customer`: (the link, its token). Validated; nothing saved on error.
    `secret`: only the demo gives one (derived from SECRET_KEY, so `seed_demo` can print its link again)."""
    access.require(actor, "issue_link", customer)
    now = timezone.now()
    contact_name = (contact_name or "").strip()
    found = problems(contact_name, expires_at, now=now)
    if found:
        raise errors.ValidationFailed(found)
    secret = secret or secrets.token_urlsafe(24)
    with transaction.atomic():
        link = CustomerLink.objects.create(
            customer=customer,
            contact_name=contact_name,
            secret_hash=secret_hash(secret),
            issued_by=actor,
            issued_at=now,
            expires_at=expires_at,
        )
        audit.record(
            actor=actor,
            verb="customer_link.issued",
            obj=link,
            after={
                "customer": customer.pk,
                "contact_name": contact_name,
                "expires_at": expires_at.isoformat(),
            },
        )
    return link, token_of(link, secret)


def token_of(link: CustomerLink, secret: str) -> str:
    return signing.dumps([link.pk, secret], salt=SALT)


def revoke(*, actor, link: CustomerLink) -> CustomerLink:
    """Revoke a link (409 when already revoked); its page answers 404 from now on."""
    with transaction.atomic():
        link = CustomerLink.objects.select_for_update().select_related("customer").get(pk=link.pk)
        link.revoked_by = actor
        lifecycle.apply(link, "revoke", actor=actor)
    return link


def open_link(token: str) -> CustomerLink:
    """The link a token names, if it may be read now; else 404 (bad signature, unknown, revoked, expired)."""
    try:
        pk, secret = signing.loads(token, salt=SALT)
    except (signing.BadSignature, ValueError, TypeError):
        raise Http404("No such link.") from None
    link = CustomerLink.objects.select_related("customer__region", "issued_by").filter(pk=pk).first()
    if link is None or not hmac.compare_digest(link.secret_hash, secret_hash(str(secret))):
        raise Http404("No such link.")
    if not link.is_open(timezone.now()):
        raise Http404("This link has expired or was revoked.")
    return link


def record_view(link: CustomerLink) -> None:
    """Count the view and write it to the access log, on the issuer's name, naming the contact."""
    now = timezone.now()
    CustomerLink.objects.filter(pk=link.pk).update(views=F("views") + 1, last_viewed_at=now)
    customer = link.customer
    write_access_log(
        subjects.of(customer),
        [
            sensitive.AccessRow(
                user=link.issued_by,
                object_id=customer.pk,
                fields=[],
                purpose=f"customer link #{link.pk} opened (for {link.contact_name})",
                channel=sensitive.CUSTOMER_LINK,
                at=now,
            )
        ],
    )
