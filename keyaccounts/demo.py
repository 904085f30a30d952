"""Demo key accounts (issue 20): the health score's weights and scores (below), health reviews (keyaccounts/health/demo.py), and one customer link, issued by am.alice for her first customer's buyer, printed by
`seed_demo` so the customer's own view can be opened at once. Its secret derives from SECRET_KEY: a second run
finds the link and prints the same address, adding nothing."""

import datetime
import hashlib
import hmac

from django.conf import settings
from django.utils import timezone

from intimacy_ops import seeding
from intimacy_ops.accounts.models import Region, User
from keyaccounts import links
from keyaccounts.health import demo as health_demo  # noqa: F401  (health reviews register their own seed)
from keyaccounts.models import CustomerLink, HealthScore, HealthWeights
from keyaccounts.playbooks import demo as playbooks_demo
from keyaccounts.score import compute
from keyaccounts.score import weights as score_weights
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


@seeding.register(name="health scores", order=95)
def seed_health_scores() -> str:
    """Each region's weights at their defaults (version 1, once), then the scores, once a day: as of 91, 61, 31
    and 7 days ago (so the demo has a trend: today's cases, feedback and incidents judged as of those days) and
    today — the same computation the check runs, upserted per day."""
    from_defaults = 0
    for region in Region.objects.order_by("code"):
        if not HealthWeights.objects.filter(region=region).exists():
            HealthWeights.objects.create(
                region=region,
                version=1,
                set_at=timezone.now(),
                note="The defaults.",
                **score_weights.defaults(),
            )
            from_defaults += 1
    today = timezone.localdate()
    if HealthScore.objects.filter(computed_on=today).exists():  # a second seed today adds nothing
        return f"weights set for {from_defaults} region(s); the scores of today are there already"
    for days in (91, 61, 31, 7):
        day = today - datetime.timedelta(days=days)
        compute.run(day=day, now=timezone.make_aware(datetime.datetime.combine(day, datetime.time(12))))
    result = compute.run()
    return f"weights set for {from_defaults} region(s); {result.summary}"


@seeding.register(name="playbooks per tier, a customer mid-playbook", order=85)
def seed_playbooks() -> str:
    return playbooks_demo.seed_playbooks()
