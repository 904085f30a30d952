"""The exceptions pages through HTTP, as an account manager and an operations lead use them: the request form
with its inline checks, autosave and similar-requests panel, the review before submit, the request page,
withdrawing with confirmation, the lead's decision, "my requests" and "waiting for me"."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from exceptions.models import ExceptionRequest, ExceptionTransition
from exceptions.services import lifecycle
from intimacy_ops.accounts.navigation import items_for
from tests.exceptions.factories import ExceptionRequestFactory, request_payload, scenario
from tests.segments.factories import CustomerFactory

pytestmark = pytest.mark.django_db

NEW = "/exceptions/new/"
AUTOSAVE = "/exceptions/autosave/"
SIMILAR = "/exceptions/similar/"
LIST = "/exceptions/"
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def s():
    return scenario()


def text(response) -> str:
    body = re.sub(r"<script.*?</script>|<style.*?</style>", " ", response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)).replace("\u00a0", " ")


def form_data(s, **overrides) -> dict:
    """The form as a browser sends it, for a small recurring request by alice for Acme."""
    body = request_payload(s)
    body["scope_regions"] = [s.emea.pk]
    body["scope_sites"] = ", ".join(body["scope_sites"])
    body["scope_shifts"] = ", ".join(body["scope_shifts"])
    body.update(overrides)
    return {key: value for key, value in body.items() if value is not None}


def field_error(response, name: str) -> str:
    match = re.search(rf'id="error-{name}"[^>]*>([^<]*)<', response.content.decode())
    assert match, f"no error slot for {name}"
    return match.group(1).strip()


# --- the form: every rule is a field error, nothing saved ----------------------------------------------


def _start(s):
    return (timezone.localdate() + datetime.timedelta(days=7)).isoformat()


RULES = [
    # (what the person did, the form fields, the field that must carry the error, words of the message)
    (
        "no expiry on a recurring request",
        {"expires_on": ""},
        "expires_on",
        "required unless the exception is permanent",
    ),
    (
        "expiry before the start",
        {"expires_on": (timezone.localdate() + datetime.timedelta(days=3)).isoformat()},
        "expires_on",
        "must be after the start date",
    ),
    (
        "longer than the region allows",
        {"expires_on": (timezone.localdate() + datetime.timedelta(days=7 + 400)).isoformat()},
        "expires_on",
        "At most 365 days",
    ),
    ("a negative cost", {"estimated_monthly_cost": "-1"}, "estimated_monthly_cost", "cannot be negative"),
    (
        "permanent without a reason",
        {"kind": "permanent", "expires_on": "", "permanent_reason": ""},
        "permanent_reason",
        "Say why the standard itself cannot change",
    ),
    ("no title", {"title": ""}, "title", "This field is required"),
]


@pytest.mark.parametrize("case, changes, field, words", RULES, ids=[rule[0] for rule in RULES])
def test_each_rule_is_shown_on_its_field_and_nothing_is_saved(s, browse, case, changes, field, words):
    response = browse(s.alice).post(NEW, form_data(s, **changes))
    assert response.status_code == 400
    assert words in field_error(response, field)
    assert "Nothing was saved" in text(response)
    assert ExceptionRequest.objects.count() == 0


def test_a_customer_she_does_not_manage_is_refused_on_the_customer_field(s, browse):
    response = browse(s.alice).post(NEW, form_data(s, customer=s.borealis.pk))  # amy's customer
    assert response.status_code == 400
    assert "valid choice" in field_error(response, "customer")
    assert ExceptionRequest.objects.count() == 0


def test_all_problems_are_named_at_once(s, browse):
    response = browse(s.alice).post(NEW, form_data(s, title="", estimated_one_off_cost="-5", expires_on=""))
    assert response.status_code == 400
    assert field_error(response, "title") and field_error(response, "estimated_one_off_cost")
    assert field_error(response, "expires_on")
    assert "3 fields need attention" in text(response)


def test_a_valid_form_saves_a_draft_and_leads_to_the_review_page(s, browse):
    client = browse(s.alice)
    response = client.post(NEW, form_data(s))
    exception = ExceptionRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/exceptions/{exception.pk}/review/"
    assert (exception.status, exception.requested_by, exception.customer) == ("draft", s.alice, s.acme)
    assert exception.scope_sites == ["Lyon DC"] and list(exception.scope_regions.all()) == [s.emea]
    review = client.get(response["Location"])
    words = text(review)
    assert "Saturday deliveries" in words and "an operations lead of the region decides" in words
    assert 'data-testid="submit"' in review.content.decode()


def test_new_exception_from_the_customer_page_preselects_the_customer(s, browse):
    client = browse(s.alice)
    page = client.get(f"/segments/customers/{s.acme.pk}/")
    assert f'href="/exceptions/new/?customer={s.acme.pk}"' in page.content.decode()
    form = client.get(f"{NEW}?customer={s.acme.pk}")
    assert form.status_code == 200
    assert re.search(rf'<option value="{s.acme.pk}" selected>', form.content.decode())


def test_the_customer_page_lists_its_exceptions_to_those_who_may_see_them(s, browse):
    ExceptionRequestFactory(customer=s.acme, process=s.fulfilment, status="active", title="Saturday picking")
    ExceptionRequestFactory(
        customer=s.acme, process=s.fulfilment, status="draft", title="Alice's secret draft"
    )
    words = text(browse(s.oscar).get(f"/segments/customers/{s.acme.pk}/"))
    assert "Saturday picking" in words and "Active" in words
    assert "secret draft" not in words  # a draft is its requester's alone
    assert "New exception" not in words  # only the customer's account manager asks


def test_only_account_managers_open_the_form(s, browse):
    assert browse(s.oscar).get(NEW).status_code == 403


# --- autosave --------------------------------------------------------------------------------------------


def test_autosave_keeps_quiet_until_the_request_holds_together_then_saves_a_draft(s, browse):
    client = browse(s.alice)
    partial = client.post(
        AUTOSAVE,
        {"customer": s.acme.pk, "process": s.fulfilment.pk, "title": "Saturday", "touched": "title"},
        **HTMX,
    )
    assert partial.status_code == 200
    assert "Not saved yet" in text(partial)
    assert field_error(partial, "deviation") == ""  # not reached yet: nothing said about it
    assert ExceptionRequest.objects.count() == 0

    complete = client.post(AUTOSAVE, form_data(s), **HTMX)
    exception = ExceptionRequest.objects.get()
    assert exception.status == "draft"
    assert re.search(r"Saved at \d\d:\d\d", text(complete))
    assert complete["HX-Replace-Url"] == f"/exceptions/{exception.pk}/edit/"
    assert (
        f'name="draft" id="draft-id" value="{exception.pk}" hx-swap-oob="true"' in complete.content.decode()
    )

    # The next change updates the same draft.
    client.post(AUTOSAVE, form_data(s, draft=exception.pk, title="Saturday deliveries, all sites"), **HTMX)
    assert ExceptionRequest.objects.count() == 1
    exception.refresh_from_db()
    assert exception.title == "Saturday deliveries, all sites"


def test_autosave_names_the_problem_of_a_filled_in_field_and_keeps_the_last_good_draft(s, browse):
    client = browse(s.alice)
    client.post(AUTOSAVE, form_data(s), **HTMX)
    exception = ExceptionRequest.objects.get()
    bad = client.post(AUTOSAVE, form_data(s, draft=exception.pk, estimated_monthly_cost="-10"), **HTMX)
    assert "cannot be negative" in field_error(bad, "estimated_monthly_cost")
    assert "Not saved: 1 field to fix" in text(bad)
    exception.refresh_from_db()
    assert exception.estimated_monthly_cost == Decimal("800.00")


def test_autosave_cannot_touch_someone_elses_draft(s, browse):
    theirs = ExceptionRequestFactory(customer=s.borealis, process=s.fulfilment)  # amy's draft
    response = browse(s.alice).post(AUTOSAVE, form_data(s, draft=theirs.pk), **HTMX)
    assert response.status_code == 404


# --- the similar requests panel ------------------------------------------------------------------------------


def test_similar_panel_shows_active_exceptions_on_the_process_how_many_customers_and_their_cost(s, browse):
    other = CustomerFactory(name="Orchid", region=s.emea, account_manager=s.alice)
    ExceptionRequestFactory(
        customer=other,
        process=s.fulfilment,
        status="active",
        title="Orchid Saturdays",
        estimated_monthly_cost=Decimal("1200"),
    )
    # amy's customer: counted in the headline, never named to alice (the access policy's scope).
    ExceptionRequestFactory(
        customer=s.borealis,
        process=s.fulfilment,
        status="active",
        title="Borealis Sundays",
        estimated_monthly_cost=Decimal("300"),
    )
    ExceptionRequestFactory(customer=other, process=s.fulfilment, status="rejected", title="Not active")
    ExceptionRequestFactory(customer=other, process=s.billing, status="active", title="Other process")

    panel = browse(s.alice).get(SIMILAR, {"process": s.fulfilment.pk, "customer": s.acme.pk}, **HTMX)
    words = text(panel)
    assert panel.status_code == 200
    assert re.search(r"2 active exceptions", words) and re.search(r"2 customers hold them", words)
    assert "1,500 estimated per month" in words
    assert "Orchid Saturdays" in words and "1,200/mo" in words
    assert "Borealis Sundays" not in words
    assert "Not active" not in words and "Other process" not in words

    empty = browse(s.alice).get(SIMILAR, {"process": s.billing.pk}, **HTMX)
    assert "1 active exception" in text(empty)
    nothing = browse(s.alice).get(SIMILAR, {}, **HTMX)
    assert "Choose a process" in text(nothing)


# --- submit, the request page, withdraw ------------------------------------------------------------------


def _draft(s, browse):
    browse(s.alice).post(NEW, form_data(s))
    return ExceptionRequest.objects.get()


def test_submit_routes_the_request_and_its_page_shows_status_waiting_for_and_timeline(s, browse):
    exception = _draft(s, browse)
    client = browse(s.alice)
    response = client.post(f"/exceptions/{exception.pk}/submit/", {"comment": "Urgent for the renewal."})
    assert response.status_code == 302
    exception.refresh_from_db()
    # Routed to a single approver: it waits `submitted` until the lead takes it up by deciding.
    assert exception.status == "submitted" and exception.route == "lead"

    page = client.get(f"/exceptions/{exception.pk}/")
    words = text(page)
    assert 'data-status="submitted"' in page.content.decode()
    assert "Waiting for the operations lead of EMEA" in words and s.oscar.display_name in words
    steps = page.context["timeline"]
    assert [(step.from_status, step.to_status) for step in steps] == [("draft", "submitted")]
    assert "Draft → Submitted" in words and "Submitted → Under review" not in words
    assert "Urgent for the renewal." in words and s.alice.display_name in words
    assert "Estimated monthly" in words and "Actual so far" in words
    assert 'data-testid="withdraw-link"' in page.content.decode()
    assert 'data-testid="approve"' not in page.content.decode()  # she does not decide her own


def test_withdraw_asks_for_confirmation_first(s, browse):
    exception = _draft(s, browse)
    client = browse(s.alice)
    confirm = client.get(f"/exceptions/{exception.pk}/withdraw/")
    assert confirm.status_code == 200 and "Withdraw this request?" in text(confirm)

    unconfirmed = client.post(f"/exceptions/{exception.pk}/withdraw/", {"comment": "Not needed"})
    assert unconfirmed.status_code == 400 and "Tick the box" in text(unconfirmed)
    exception.refresh_from_db()
    assert exception.status == "draft"

    done = client.post(f"/exceptions/{exception.pk}/withdraw/", {"confirm": "on", "comment": "Not needed"})
    assert done.status_code == 302
    exception.refresh_from_db()
    assert exception.status == "withdrawn"
    assert ExceptionTransition.objects.get(exception=exception).comment == "Not needed"
    # Withdrawn is final: asking again is a conflict page.
    assert client.get(f"/exceptions/{exception.pk}/withdraw/").status_code == 409


# --- the operations lead ---------------------------------------------------------------------------------------


def _submitted(s, browse):
    exception = _draft(s, browse)
    return lifecycle.submit_request(exception=exception, actor=s.alice)


def test_ops_lead_sees_it_waiting_and_approves_a_small_request_in_his_region(s, browse):
    exception = _submitted(s, browse)
    client = browse(s.oscar)
    waiting = client.get("/exceptions/waiting/")
    assert [row.pk for row in waiting.context["page"].object_list] == [exception.pk]

    page = client.get(f"/exceptions/{exception.pk}/")
    assert page.context["decide"] == ["approve", "reject", "return_for_changes"]
    response = client.post(f"/exceptions/{exception.pk}/decide/", {"action": "approve", "comment": "Fine."})
    assert response.status_code == 302
    exception.refresh_from_db()
    assert exception.status == "approved"
    steps = list(exception.transitions.order_by("at", "id"))
    assert [(step.action, step.actor, step.from_status, step.to_status) for step in steps] == [
        ("submit", s.alice, "draft", "submitted"),
        ("route", s.oscar, "submitted", "under_review"),
        ("approve", s.oscar, "under_review", "approved"),
    ]
    words = text(client.get(f"/exceptions/{exception.pk}/"))
    assert "Submitted → Under review" in words and "Under review → Approved" in words
    assert client.get("/exceptions/waiting/").context["page"].paginator.count == 0


def test_rejecting_needs_a_comment_shown_on_the_form(s, browse):
    exception = _submitted(s, browse)
    response = browse(s.oscar).post(
        f"/exceptions/{exception.pk}/decide/", {"action": "reject", "comment": ""}
    )
    assert response.status_code == 400
    assert "Say why you are rejecting" in text(response)
    exception.refresh_from_db()
    assert exception.status == "submitted"
    assert exception.transitions.count() == 1  # not even taken up


def test_the_requester_cannot_decide_her_own_request(s, browse):
    exception = _submitted(s, browse)
    response = browse(s.alice).post(f"/exceptions/{exception.pk}/decide/", {"action": "approve"})
    assert response.status_code == 403
    exception.refresh_from_db()
    assert exception.status == "submitted"
    assert exception.transitions.count() == 1


def test_am_bob_gets_404_for_alices_request_page(s, browse):
    exception = _submitted(s, browse)
    client = browse(s.bob)
    for url in (
        f"/exceptions/{exception.pk}/",
        f"/exceptions/{exception.pk}/withdraw/",
        f"/exceptions/{exception.pk}/review/",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Saturday deliveries" not in text(response)


# --- lists, navigation, home ------------------------------------------------------------------------------


def test_my_requests_filters_by_status_and_customer_and_says_when_empty(s, browse):
    other = CustomerFactory(name="Orchid", region=s.emea, account_manager=s.alice)
    ExceptionRequestFactory(customer=s.acme, process=s.fulfilment, status="active", title="Acme active")
    ExceptionRequestFactory(customer=s.acme, process=s.fulfilment, status="draft", title="Acme draft")
    ExceptionRequestFactory(customer=other, process=s.billing, status="draft", title="Orchid draft")
    ExceptionRequestFactory(customer=s.borealis, process=s.billing, status="draft", title="Amy's draft")
    client = browse(s.alice)

    def titles(**query):
        return {row.title for row in client.get(LIST, query).context["page"].object_list}

    assert titles() == {"Acme active", "Acme draft", "Orchid draft"}
    assert titles(status="draft") == {"Acme draft", "Orchid draft"}
    assert titles(customer=s.acme.pk) == {"Acme active", "Acme draft"}
    assert titles(status="draft", customer=other.pk) == {"Orchid draft"}
    empty = client.get(LIST, {"status": "revoked"})
    assert "No request matches these filters" in text(empty)
    assert "You have not asked for any exception yet" in text(browse(s.bob).get(LIST))


def test_my_requests_paginates(s, browse):
    for _ in range(30):
        ExceptionRequestFactory(customer=s.acme, process=s.fulfilment)
    client = browse(s.alice)
    first = client.get(LIST)
    assert len(first.context["page"].object_list) == 25 and "Page 1 of 2" in text(first)
    assert len(client.get(LIST, {"page": 2}).context["page"].object_list) == 5


@pytest.mark.parametrize("rows", [3, 50])
def test_my_requests_query_count_does_not_grow_with_rows(s, browse, rows, django_assert_max_num_queries):
    for index in range(rows):
        ExceptionRequestFactory(customer=s.acme, process=s.fulfilment if index % 2 else s.billing)
    client = browse(s.alice)
    client.get(LIST)
    # 9 today: session, user, navigation and notifications, filter choices, count, page, scope prefetch.
    with django_assert_max_num_queries(12):
        response = client.get(LIST)
    assert response.context["page"].paginator.count == rows


def test_my_requests_takes_the_same_number_of_queries_for_3_and_50_rows(s, browse):
    client = browse(s.alice)
    counts = []
    for rows in (3, 47):
        for index in range(rows):
            ExceptionRequestFactory(customer=s.acme, process=s.fulfilment if index % 2 else s.billing)
        client.get(LIST)
        with CaptureQueriesContext(connection) as queries:
            client.get(LIST)
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_navigation_offers_exceptions_to_the_roles_that_use_them(s):
    def keys(user):
        return {item["key"] for item in items_for(user)}

    for user in (s.alice, s.oscar, s.olivia, s.carol, s.dan, s.ada):
        assert "exceptions" in keys(user), user.username
    assert "exceptions" not in keys(s.sam)


def test_home_cards_your_requests_and_waiting_for_your_decision(s, browse):
    _submitted(s, browse)
    ExceptionRequestFactory(customer=s.acme, process=s.billing, title="Another draft")
    alice_home = browse(s.alice).get("/", follow=True)
    card = alice_home.content.decode()
    assert 'data-testid="my-requests-card"' in card
    assert re.search(r'<span class="stat">1</span><span class="muted small">draft</span>', card)
    assert re.search(r'<span class="stat">1</span><span class="muted small">awaiting a decision</span>', card)
    oscar_home = browse(s.oscar).get("/", follow=True)
    assert "Waiting for your decision" in text(oscar_home) and "Saturday deliveries" in text(oscar_home)


# --- the process catalog ------------------------------------------------------------------------------


def test_process_catalog_lists_processes_with_their_active_exceptions_and_cost(s, browse):
    ExceptionRequestFactory(
        customer=s.acme, process=s.fulfilment, status="active", estimated_monthly_cost=Decimal("700")
    )
    page = browse(s.oscar).get("/exceptions/processes/")
    rows = {process.name: process for process in page.context["processes"]}
    assert rows["Fulfilment"].active_exceptions == 1 and rows["Billing"].active_exceptions == 0
    assert rows["Fulfilment"].estimated_monthly_cost == Decimal("700")
    assert "Olivia" in text(page) or s.olivia.display_name in text(page)


def test_process_page_shows_the_standard_and_its_versions_history(s, browse):
    from exceptions.services import catalog

    catalog.publish_version(
        actor=s.olivia,
        process=s.fulfilment,
        procedure="Ship the same day, Saturdays included.",
        standard_options=["Saturday delivery"],
        change_note="Saturdays became standard.",
    )
    page = browse(s.alice).get(f"/exceptions/processes/{s.fulfilment.pk}/")
    words = text(page)
    assert [version.number for version in page.context["versions"]] == [2, 1]
    assert "Ship the same day, Saturdays included." in words and "Saturdays became standard." in words
    assert "Saturday delivery" in words
    assert browse(s.alice).get("/exceptions/processes/999999/").status_code == 404


# --- the process owner's standard options --------------------------------------------------------------


def test_process_owner_home_card_and_process_page_list_standard_option_candidates(s, browse):
    olivia = browse(s.olivia)
    empty = olivia.get("/", follow=True).content.decode()
    assert 'data-testid="standard-options-card"' in empty and 'data-testid="standard-option-empty"' in empty
    assert 'data-testid="standard-options-card"' not in browse(s.alice).get("/", follow=True).content.decode()

    s.fulfilment.standard_option_customers = 2
    s.fulfilment.save()
    for customer, monthly in ((s.acme, 1200), (s.borealis, 800)):
        ExceptionRequestFactory(
            customer=customer,
            process=s.fulfilment,
            status="active",
            deviation_tag="saturday-delivery",
            estimated_monthly_cost=monthly,
        )
    olivia = browse(s.olivia)  # one test client: sign her in again after alice
    home = olivia.get("/", follow=True)
    card = home.content.decode()
    assert card.count('data-testid="standard-option-candidate"') == 1
    words = text(home)
    assert "Fulfilment" in words and "saturday-delivery" in words and "2 customers" in words
    assert "2,000 a month" in words
    assert f'href="/exceptions/processes/{s.fulfilment.pk}/"' in card

    page = olivia.get(f"/exceptions/processes/{s.fulfilment.pk}/")
    assert [c["deviation_tag"] for c in page.context["candidates"]] == ["saturday-delivery"]
    assert 'data-testid="process-standard-options"' in page.content.decode()
    billing = olivia.get(f"/exceptions/processes/{s.billing.pk}/")
    assert (
        billing.context["candidates"] == []
        and 'data-testid="standard-option-empty"' in billing.content.decode()
    )
    # Not its owner: no such card on the process page.
    other = browse(s.alice).get(f"/exceptions/processes/{s.fulfilment.pk}/")
    assert other.context["candidates"] is None
    assert 'data-testid="process-standard-options"' not in other.content.decode()
