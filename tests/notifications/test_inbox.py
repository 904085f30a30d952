"""Issue 18, defect 3 and build item 8: opening a notification marks it read; the list filters by unread and
kind and groups what is about the same thing; each person mutes the kinds they do not want; the demo starts
each person with a handful."""

from django.core.management import call_command

from intimacy_ops.accounts.models import User
from intimacy_ops.notifications import notify, unread_count
from intimacy_ops.notifications.models import Notification
from tests.factories import user_with


def _alice(client):
    alice = user_with("account manager", username="am.inbox")
    client.force_login(alice)
    return alice


def test_opening_a_notification_marks_it_read_and_goes_to_its_page(client, db):
    alice = _alice(client)
    [pk] = notify([alice], subject="Your request was approved", body="", link="/exceptions/7/")
    page = client.get("/notifications/")
    assert f"/notifications/{pk}/open/".encode() in page.content
    response = client.get(f"/notifications/{pk}/open/")
    assert response.status_code == 302 and response["Location"] == "/exceptions/7/"
    assert unread_count(alice) == 0


def test_someone_elses_notification_does_not_exist_and_stays_unread(client, db):
    _alice(client)
    bob = user_with("account manager", username="am.other")
    [pk] = notify([bob], subject="Private", body="", link="/exceptions/8/")
    assert client.get(f"/notifications/{pk}/open/").status_code == 404
    assert unread_count(bob) == 1


def test_an_outside_link_is_never_followed(client, db):
    alice = _alice(client)
    [pk] = notify([alice], subject="Odd", body="", link="https://evil.example/")
    assert client.get(f"/notifications/{pk}/open/")["Location"] == "/notifications/"


def test_the_list_filters_by_unread_and_kind_and_groups_by_subject(client, db, django_assert_max_num_queries):
    alice = _alice(client)
    for n in range(3):
        notify([alice], subject=f"Vote {n} on your review", body="", link="/governance/reviews/3/")
    notify([alice], subject="Request approved", body="", link="/exceptions/7/")
    notify([alice], subject="Escalation raised", body="", link="/escalations/2/", urgent=True)
    client.get(f"/notifications/{Notification.objects.get(subject='Request approved').pk}/open/")

    page = client.get("/notifications/").content.decode()
    assert page.count('data-testid="notification"') == 3  # the three votes are one group
    assert "2 earlier about the same" in page
    unread = client.get("/notifications/?show=unread").content.decode()
    assert "Request approved" not in unread and "Vote 2 on your review" in unread
    reviews = client.get("/notifications/?kind=reviews").content.decode()
    assert "Vote 2" in reviews and "Escalation raised" not in reviews
    assert client.get("/notifications/?kind=nonsense").status_code == 400
    for n in range(30):
        notify([alice], subject=f"More {n}", body="", link=f"/exceptions/{n}/")
    with django_assert_max_num_queries(8):
        assert client.get("/notifications/?show=unread").status_code == 200


def test_a_muted_kind_is_not_told_but_urgent_ones_always_are(client, db):
    alice = _alice(client)
    response = client.post(
        "/notifications/settings/",
        {"email": "immediate", "kinds": ["requests", "customers", "privacy", "other", "escalations"]},
    )
    assert response.status_code == 302
    notify([alice], subject="Vote on your review", body="", link="/governance/reviews/3/")
    notify([alice], subject="Urgent board matter", body="", link="/governance/reviews/3/", urgent=True)
    notify([alice], subject="Request approved", body="", link="/exceptions/7/")
    assert sorted(Notification.objects.filter(recipient=alice).values_list("subject", flat=True)) == [
        "Request approved",
        "Urgent board matter",
    ]
    settings_page = client.get("/notifications/settings/").content.decode()
    assert 'value="reviews"' in settings_page and 'value="reviews" checked' not in settings_page
    assert (
        client.post("/notifications/settings/", {"email": "immediate", "kinds": ["bogus"]}).status_code == 400
    )


def test_the_demo_starts_each_person_with_a_handful(db):
    call_command("seed_demo", verbosity=0)
    for user in User.objects.all():
        assert unread_count(user) <= 5, user.username
    assert Notification.objects.filter(recipient__username="am.alice").exists()
