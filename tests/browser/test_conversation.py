"""Issue 18, item 4, in a real browser: am.alice comments on her request with an @mention of ops.oscar picked
from the suggestions and a file attached; ops.oscar is notified, opens the notification and lands on the
comment; a mention of someone who cannot see the request is refused on the same page."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.fixture
def waiting_request(demo_people, settings, tmp_path):
    """A request of am.alice's (EMEA) waiting for the EMEA operations lead."""
    from exceptions.services.catalog import create_process
    from intimacy_ops.accounts.models import Region, User
    from segments.models import Customer
    from tests.exceptions.factories import ExceptionRequestFactory

    settings.MEDIA_ROOT = tmp_path
    process = create_process(
        actor=User.objects.get(username="admin"),
        name="Warehouse picking and shipping",
        category="fulfilment",
        procedure="Pick, pack, ship.",
    )
    customer = Customer.objects.create(
        source="crm",
        external_id="CRM-1",
        name="Acme Logistics",
        region=Region.objects.get(code="EMEA"),
        account_manager=User.objects.get(username="am.alice"),
    )
    return ExceptionRequestFactory(
        customer=customer,
        process=process,
        title="Pallets wrapped in recycled film",
        status="submitted",
        route="lead",
    )


def test_alice_comments_with_a_mention_of_oscar_who_is_notified_and_opens_it(
    page, sign_in, waiting_request, tmp_path
):
    sign_in("am.alice")
    page.goto(f"/exceptions/{waiting_request.pk}/")
    body = page.get_by_label("Comment", exact=True)
    body.click()
    body.press_sequentially("Can you confirm the film supplier before Friday, @os")
    page.get_by_test_id("mention-option").filter(has_text="ops.oscar").click()
    expect(body).to_have_value("Can you confirm the film supplier before Friday, @ops.oscar ")
    quote = tmp_path / "supplier-quote.pdf"
    quote.write_bytes(b"%PDF-1.4 the supplier's quote")
    page.get_by_label("Attach files").set_input_files(str(quote))
    page.get_by_test_id("post-comment").click()

    expect(page).to_have_url(re.compile(rf"/exceptions/{waiting_request.pk}/#comment-\d+$"))
    comment = page.get_by_test_id("timeline-comment")
    expect(comment).to_contain_text("Can you confirm the film supplier before Friday")
    expect(comment.get_by_test_id("mention")).to_have_attribute("title", "@ops.oscar")
    expect(comment.get_by_test_id("attachment")).to_have_text(re.compile("supplier-quote.pdf"))

    page.context.clear_cookies()
    sign_in("ops.oscar")
    page.goto("/notifications/")
    mention = page.get_by_role("link", name=re.compile("mentioned you"))
    expect(mention).to_be_visible()
    mention.first.click()
    expect(page).to_have_url(re.compile(rf"/exceptions/{waiting_request.pk}/#comment-\d+$"))
    expect(page.get_by_test_id("timeline-comment")).to_contain_text("film supplier")
    with page.expect_download() as download:
        page.get_by_test_id("attachment").click()
    assert download.value.suggested_filename == "supplier-quote.pdf"


def test_a_mention_of_someone_who_cannot_see_the_request_is_refused_on_the_same_page(
    page, sign_in, waiting_request
):
    from intimacy_ops.conversation.models import Comment

    sign_in("am.alice")
    page.goto(f"/exceptions/{waiting_request.pk}/")
    page.get_by_label("Comment", exact=True).fill("FYI @am.bob")
    page.get_by_test_id("post-comment").click()
    expect(page.get_by_test_id("error-body")).to_contain_text("(@am.bob) cannot see this exception request")
    expect(page.get_by_test_id("request-title")).to_have_text("Pallets wrapped in recycled film")
    assert not Comment.objects.exists()
