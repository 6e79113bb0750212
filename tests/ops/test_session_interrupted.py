"""A session lost while the database restarted is a "try again" page, not "your request could not be read"."""

import pytest
from django.contrib.sessions.exceptions import SessionInterrupted
from django.test import RequestFactory

from portal.observability import bad_request

pytestmark = pytest.mark.django_db


def test_a_session_lost_mid_request_answers_503_try_again():
    response = bad_request(RequestFactory().post("/aspirasi/kirim/"), SessionInterrupted("lost"))
    assert response.status_code == 503 and response["Retry-After"] == "30"


def test_other_bad_requests_stay_400():
    from django.core.exceptions import SuspiciousOperation

    response = bad_request(RequestFactory().get("/"), SuspiciousOperation("odd"))
    assert response.status_code == 400
