"""Demo key accounts (issue 20): one customer link, issued by am.alice for her first customer's buyer, printed by
`seed_demo` so the customer's own view can be opened at once. Health reviews: keyaccounts/health/demo.py. Its secret derives from SECRET_KEY: a second run
finds the link and prints the same address, adding nothing."""

import datetime
import hashlib
import hmac

from django.conf import settings
from django.utils import timezone

from intimacy_ops import seeding
from intimacy_ops.accounts.models import User
from keyaccounts import links
from keyaccounts.health import demo as health_demo  # noqa: F401  (health reviews register their own seed)
from keyaccounts.models import CustomerLink
from segments.models import Customer

CONTACT = "Pat Buyer (demo)"


@seeding.register(name="a customer link", order=75)
def seed_customer_link() -> str:
    alice = User.objects.filter(username="am.alice").first()
    customer = Customer.objects.filter(account_manager=alice).order_by("pk").first() if alice else None
    if customer is None:
        return "no customer of am.alice: no link"
    secret = hmac.new(settings.SECRET_KEY.encode(), b"demo customer link", hashlib.sha256).hexdigest()[:32]
    link = CustomerLink.objects.filter(customer=customer, contact_name=CONTACT, status="active").first()
    if link is None or not link.is_open(timezone.now()) or link.secret_hash != links.secret_hash(secret):
        link, _ = links.issue(
            actor=alice,
            customer=customer,
            contact_name=CONTACT,
            expires_at=timezone.now() + datetime.timedelta(days=settings.CUSTOMER_LINK_MAX_DAYS - 1),
            secret=secret,
        )
    return f"{customer.name}'s own view, for {CONTACT}: {links.url_of(links.token_of(link, secret))} (on the server's address)"
