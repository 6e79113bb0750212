"""The slot picker groups free slots under their day and writes times with WIB."""

import pytest
from django.utils import timezone
from django.utils.formats import date_format

from tests.factories import UserFactory

from .factories import open_availability, slots_of

pytestmark = pytest.mark.django_db


def test_the_slot_picker_shows_each_day_once_with_times_in_wib(client):
    pejabat = open_availability()
    slots = slots_of(pejabat)
    client.force_login(UserFactory())
    body = client.get("/audiensi/ajukan/").content.decode()
    first = timezone.localtime(slots[0].start)
    heading = f'<h3 class="audiensi-day">{date_format(first, "l, j F Y")}</h3>'
    assert body.count(heading) == 1
    assert f"{first:%H.%M}–" in body and " WIB</label>" in body
