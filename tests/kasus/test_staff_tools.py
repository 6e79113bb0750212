"""Staff in fewer clicks: verify and dispose in one step, then open the next case of the queue."""

import datetime as dt

import pytest
from django.urls import reverse

from portal.kasus import services, staff_tools
from portal.kasus.models import Kasus, Riwayat
from tests.factories import KategoriFactory, OpdFactory, UserFactory, open_kasus, staff

pytestmark = pytest.mark.django_db


def action_url(kasus: Kasus, slug: str = "verifikasi-disposisi") -> str:
    return reverse("kasus:action", args=[kasus.reference, slug])


def verify_and_dispose(client, kasus: Kasus, kategori, *, antrean: str | None = None):
    """Post the verify-and-dispose form as a petugas; with `antrean`, ask for the next case of that queue."""
    data = {"verifikasi-disposisi-kategori": kategori.pk, "verifikasi-disposisi-priority": "sedang"}
    if antrean is not None:
        data |= {"antrean": antrean, "lanjut": "1"}
    client.force_login(staff("petugas"))
    return client.post(action_url(kasus), data)


def kinds(kasus: Kasus) -> list[str]:
    return list(Riwayat.objects.filter(kasus=kasus).order_by("pk").values_list("kind", flat=True))


def test_it_verifies_and_disposes_in_one_service_call():
    kasus = open_kasus()
    opd = OpdFactory()
    staff_tools.kasus_verify_and_dispose(kasus_id=kasus.pk, actor=staff("petugas"), opd=opd)
    kasus.refresh_from_db()
    assert kasus.status == "didisposisikan" and kasus.opd == opd
    assert {"kasus.verified", "kasus.disposed"} <= set(kinds(kasus))


def test_it_disposes_to_the_kategoris_default_opd_when_no_opd_is_chosen(client):
    opd = OpdFactory()
    kat = KategoriFactory(default_opd=opd)
    kasus = open_kasus()
    response = verify_and_dispose(client, kasus, kat)
    kasus.refresh_from_db()
    assert response.status_code == 302
    assert kasus.status == "didisposisikan" and kasus.opd == opd and kasus.kategori == kat


def test_it_asks_for_an_opd_when_the_kategori_has_no_default(client):
    kat = KategoriFactory(default_opd=None)
    kasus = open_kasus()
    response = verify_and_dispose(client, kasus, kat)
    kasus.refresh_from_db()
    assert response.status_code == 400
    assert "Kategori ini belum punya OPD utama" in response.content.decode()
    assert kasus.status == "baru"


def test_it_leaves_the_case_new_when_the_dispose_half_fails():
    kasus = open_kasus()
    inactive = OpdFactory(is_active=False)
    with pytest.raises(services.KasusError):
        staff_tools.kasus_verify_and_dispose(kasus_id=kasus.pk, actor=staff("petugas"), opd=inactive)
    kasus.refresh_from_db()
    assert kasus.status == "baru" and "kasus.verified" not in kinds(kasus)


def test_it_hides_verify_and_dispose_from_opd_staff(client):
    kasus = open_kasus()
    client.force_login(staff("opd"))
    response = client.post(action_url(kasus), {"verifikasi-disposisi-priority": "sedang"})
    assert response.status_code in (403, 404)


def three_new_cases() -> list[Kasus]:
    """Newest first, as the queue lists them."""
    cases = [open_kasus(title=f"Kasus {n}") for n in range(3)]
    base = cases[0].created_at
    for age, kasus in enumerate(cases):
        Kasus.objects.filter(pk=kasus.pk).update(created_at=base - dt.timedelta(hours=age))
    return cases


def test_it_opens_the_next_case_of_the_filtered_queue_after_saving(client):
    first, second, _third = three_new_cases()
    kat = KategoriFactory(default_opd=OpdFactory())
    response = verify_and_dispose(client, first, kat, antrean="status=baru")
    assert response.status_code == 302
    assert response["Location"] == reverse("kasus:detail", args=[second.reference]) + "?antrean=status%3Dbaru"


def test_it_goes_back_to_the_queue_when_no_case_is_left(client):
    (only,) = [open_kasus()]
    kat = KategoriFactory(default_opd=OpdFactory())
    response = verify_and_dispose(client, only, kat, antrean="status=baru")
    assert response["Location"] == reverse("kasus:queue") + "?status=baru"


def test_it_ignores_a_garbled_queue_filter_when_choosing_the_next_case(client):
    first, second, _third = three_new_cases()
    kat = KategoriFactory(default_opd=OpdFactory())
    response = verify_and_dispose(client, first, kat, antrean="status=%%%zz&kategori=abc")
    assert response.status_code == 302
    assert reverse("kasus:detail", args=[second.reference]) in response["Location"]


def test_the_queue_links_carry_its_filter_to_the_case_page(client):
    kasus = open_kasus()
    client.force_login(staff("petugas"))
    body = client.get(reverse("kasus:queue"), {"status": "baru", "page": "1"}).content.decode()
    assert reverse("kasus:detail", args=[kasus.reference]) + "?antrean=status%3Dbaru" in body


def test_it_assigns_a_case_to_an_officer_with_an_internal_entry():
    kasus = open_kasus()
    officer = staff("petugas", full_name="Sri Wahyuni")
    staff_tools.kasus_assign(kasus_id=kasus.pk, actor=staff("petugas"), officer=officer)
    kasus.refresh_from_db()
    entry = Riwayat.objects.get(kasus=kasus, kind="kasus.assigned")
    assert kasus.assigned_to == officer
    assert entry.visibility == Riwayat.Visibility.INTERNAL and entry.params["officer"] == "Sri Wahyuni"


def test_it_refuses_to_assign_a_case_to_a_resident():
    kasus = open_kasus()
    with pytest.raises(services.KasusError):
        staff_tools.kasus_assign(kasus_id=kasus.pk, actor=staff("petugas"), officer=UserFactory())
    kasus.refresh_from_db()
    assert kasus.assigned_to is None


def test_it_refuses_to_assign_a_case_to_another_opds_staff():
    kasus = open_kasus()
    with pytest.raises(services.KasusError):
        staff_tools.kasus_assign(kasus_id=kasus.pk, actor=staff("petugas"), officer=staff("opd"))


def test_the_assigned_to_me_view_lists_only_my_cases(client):
    mine, theirs = open_kasus(title="Punya saya"), open_kasus(title="Punya orang lain")
    me = staff("petugas")
    client.force_login(me)
    client.post(action_url(mine, "tugaskan"), {"tugaskan-officer": me.pk})
    body = client.get(reverse("kasus:queue"), {"mine": "on"}).content.decode()
    assert mine.reference in body and theirs.reference not in body


def test_the_queue_sorts_by_a_column_both_ways(client):
    b, a = open_kasus(title="B jalan"), open_kasus(title="A jembatan")
    client.force_login(staff("petugas"))
    up = client.get(reverse("kasus:queue"), {"urut": "judul"}).content.decode()
    down = client.get(reverse("kasus:queue"), {"urut": "-judul"}).content.decode()
    assert up.index(a.reference) < up.index(b.reference)
    assert down.index(b.reference) < down.index(a.reference)
    assert 'aria-sort="ascending"' in up and 'aria-sort="descending"' in down


def test_an_unknown_sort_falls_back_to_the_default_order(client):
    open_kasus()
    client.force_login(staff("petugas"))
    assert client.get(reverse("kasus:queue"), {"urut": "password"}).status_code == 200


def test_next_follows_the_sorted_order_of_the_queue(client):
    b, a = open_kasus(title="B"), open_kasus(title="A")
    open_kasus(title="C")
    kat = KategoriFactory(default_opd=OpdFactory())
    response = verify_and_dispose(client, a, kat, antrean="urut=judul")
    assert response["Location"].startswith(reverse("kasus:detail", args=[b.reference]))
