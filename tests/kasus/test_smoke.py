import pytest
from django.core import mail

from portal.kasus.models import Riwayat
from tests.factories import UserFactory, kasus_at, open_kasus


@pytest.mark.django_db(transaction=True)
def test_it_walks_a_case_to_closed_and_emails_the_reporter():
    warga = UserFactory()
    kasus = kasus_at("ditutup", reporter=warga)
    assert kasus.status == "ditutup"
    kinds = list(Riwayat.objects.filter(kasus=kasus).values_list("kind", flat=True))
    assert kinds[0] == "kasus.opened" and kinds[-1] == "kasus.accepted"
    assert any(kasus.reference in m.subject for m in mail.outbox)


@pytest.mark.django_db
def test_it_numbers_cases_per_year():
    a, b = open_kasus(), open_kasus()
    assert a.reference[:9] == b.reference[:9] and int(b.reference[-6:]) == int(a.reference[-6:]) + 1
