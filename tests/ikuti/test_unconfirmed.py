import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.ikuti.services import digest_send_due
from portal.kasus import services
from portal.kasus.models import OutboxEmail
from tests.factories import OpdFactory, desa

from .factories import public_case

pytestmark = pytest.mark.django_db

GUEST = "belum.konfirmasi@example.org"


def test_an_unconfirmed_guest_gets_no_case_updates(client):
    kasus = public_case()
    client.post(reverse("ikuti:kasus", args=[kasus.reference]), {"email": GUEST})
    services.kasus_dispose(kasus_id=kasus.pk, actor=None, opd=OpdFactory())
    assert list(OutboxEmail.objects.filter(to=GUEST).values_list("template", flat=True)) == ["ikuti_confirm"]


def test_an_unconfirmed_guest_gets_no_digest(client):
    place = desa()
    form = {"kecamatan": place.parent_id, "desa": place.pk, "kategori": "", "frekuensi": "harian", "email": GUEST}
    client.post(reverse("ikuti:wilayah"), form)
    public_case()
    digest_send_due(now=timezone.now() + dt.timedelta(days=1))
    assert list(OutboxEmail.objects.filter(to=GUEST).values_list("template", flat=True)) == ["ikuti_confirm"]
