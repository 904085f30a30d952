"""Issue 18, defect 10: SLA targets were edited in minutes but shown in hours and days. The edit form shows
and takes them in the matrix's words ("4 h", "1 d 8 h"); a bare number is still minutes."""

import re

import pytest

from segments.models import SlaPolicy
from tests.segments.test_pages import SLA, scene  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db


def test_the_policy_form_speaks_hours_and_days_like_the_matrix(scene, browse):  # noqa: F811
    client = browse(scene.oscar)
    url = f"{SLA}{scene.premier.pk}/P2/"
    page = client.get(url).content.decode()
    assert re.search(r'name="first_response_minutes" value="4 h"', page)
    assert re.search(r'name="resolution_minutes" value="1 d 8 h"', page)
    assert "(minutes)" not in page

    saved = client.post(
        url, {"first_response_minutes": "5 h", "resolution_minutes": "1 d 10 h", "clock": "24x7"}
    )
    assert saved.status_code == 302
    policy = SlaPolicy.objects.get(segment=scene.premier, priority="P2")
    assert (policy.first_response_minutes, policy.resolution_minutes) == (300, 2040)
    refused = client.post(
        url, {"first_response_minutes": "soon", "resolution_minutes": "2 d", "clock": "24x7"}
    )
    assert refused.status_code == 400 and "Write it as minutes, hours and days" in refused.content.decode()
