"""Cases that arrived through SP4N-LAPOR!: recorded by petugas with their tracking number, shown and exported."""

import pytest
from django.urls import reverse

from aspirasi.models import Aspirasi
from portal.kasus import services
from portal.kasus.models import Kasus, Riwayat
from tests.factories import OpdFactory, UserFactory, staff

from .factories import form_data, submit

pytestmark = pytest.mark.django_db


def record(client, **overrides):
    data = form_data(channel="lapor", reporter_email="", reporter_name="Bu Ngatmi", **overrides)
    return client.post(reverse("aspirasi:record"), data)


def test_it_records_a_lapor_case_with_its_tracking_number(client):
    petugas = staff("petugas")
    client.force_login(petugas)
    assert 'value="lapor"' in client.get(reverse("aspirasi:record")).content.decode()
    response = record(client, lapor_tracking_id=" #4512789 ")
    kasus = Kasus.objects.get()
    assert response.status_code == 302 and response.url == reverse("kasus:detail", args=[kasus.reference])
    assert (kasus.channel, kasus.lapor_tracking_id) == ("lapor", "4512789")
    recorded = Riwayat.objects.get(kasus=kasus, kind="aspirasi.recorded")
    assert recorded.data["lapor_tracking_id"] == "4512789" and recorded.actor == petugas
    page = client.get(response.url).content.decode()
    assert "4512789" in page and "SP4N-LAPOR!" in page


def test_it_needs_the_tracking_number_for_the_lapor_channel(client):
    client.force_login(staff("petugas"))
    response = record(client, lapor_tracking_id="")
    assert response.status_code == 200 and "Sertakan nomor pelacakan SP4N-LAPOR!" in response.content.decode()
    assert not Kasus.objects.exists()


@pytest.mark.parametrize("bad", ["12345", "ABC 123456", "#=HYPERLINK(1)", "1234567890123456789012", "--123456"])
def test_it_refuses_a_malformed_tracking_number(client, bad):
    client.force_login(staff("petugas"))
    response = record(client, lapor_tracking_id=bad)
    assert response.status_code == 200 and "6–20 huruf atau angka" in response.content.decode()
    assert not Kasus.objects.exists()


def test_it_refuses_a_tracking_number_another_case_holds(client):
    first = submit(channel="lapor", recorded_by=staff("petugas"), lapor_tracking_id="4512789").kasus
    client.force_login(staff("petugas"))
    response = record(client, lapor_tracking_id="4512789")
    html = response.content.decode()
    assert response.status_code == 200 and f"sudah tercatat pada kasus {first.reference}" in html
    assert Kasus.objects.count() == 1 and Aspirasi.objects.count() == 1


def test_the_service_refuses_a_lapor_case_without_a_number():
    with pytest.raises(services.KasusError):
        submit(channel="lapor", recorded_by=staff("petugas"))
    assert not Kasus.objects.exists()


def test_it_exports_the_tracking_number_in_the_open_data_csv(client):
    kasus = submit(channel="lapor", recorded_by=staff("petugas"), lapor_tracking_id="WNG-2600131").kasus
    services.kasus_verify(kasus_id=kasus.pk, actor=None)
    services.kasus_dispose(kasus_id=kasus.pk, actor=None, opd=OpdFactory())
    other = submit(reporter=UserFactory()).kasus
    services.kasus_verify(kasus_id=other.pk, actor=None)
    lines = client.get(reverse("aspirasi:transparency_csv")).content.decode().splitlines()
    assert lines[0].endswith(",nomor_sp4n_lapor")
    rows = {line.split(",")[0]: line for line in lines[1:]}
    assert rows[kasus.reference].endswith(",WNG-2600131") and rows[other.reference].endswith(",")
