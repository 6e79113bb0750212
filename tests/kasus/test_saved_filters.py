"""Saved queue filters: each staff member names the current filter, finds it on the queue, deletes it."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from portal.kasus import services, staff_tools
from portal.kasus.models import FilterTersimpan
from tests.factories import staff

pytestmark = pytest.mark.django_db


def test_it_saves_the_current_filter_without_the_page_number(client):
    user = staff("petugas")
    client.force_login(user)
    response = client.post(reverse("kasus:filter_save"), {"name": "Baru terlambat", "query": "status=baru&page=3"})
    saved = FilterTersimpan.objects.get(user=user)
    assert saved.name == "Baru terlambat" and saved.query == "status=baru"
    assert response["Location"] == reverse("kasus:queue") + "?status=baru&page=3"


def test_the_queue_lists_only_the_users_own_saved_filters(client):
    user = staff("petugas")
    staff_tools.filter_save(user=user, name="Milik saya", query="status=baru")
    staff_tools.filter_save(user=staff("petugas"), name="Milik orang lain", query="status=baru")
    client.force_login(user)
    body = client.get(reverse("kasus:queue")).content.decode()
    assert "Milik saya" in body and "?status=baru" in body
    assert "Milik orang lain" not in body


def test_saving_under_an_existing_name_replaces_the_filter():
    user = staff("petugas")
    staff_tools.filter_save(user=user, name="Saya", query="status=baru")
    staff_tools.filter_save(user=user, name="Saya", query="status=diverifikasi")
    assert list(FilterTersimpan.objects.filter(user=user).values_list("query", flat=True)) == ["status=diverifikasi"]


def test_it_refuses_a_filter_beyond_the_limit():
    user = staff("petugas")
    for n in range(staff_tools.SAVED_FILTER_LIMIT):
        staff_tools.filter_save(user=user, name=f"f{n}", query="status=baru")
    with pytest.raises(services.KasusError):
        staff_tools.filter_save(user=user, name="satu lagi", query="status=baru")


def test_it_asks_for_a_name(client):
    client.force_login(staff("petugas"))
    response = client.post(reverse("kasus:filter_save"), {"name": "", "query": "status=baru"})
    assert response.status_code == 302 and not FilterTersimpan.objects.exists()
    assert "Beri nama filter ini" in " ".join(str(m) for m in get_messages(response.wsgi_request))


def test_it_deletes_only_the_users_own_filter(client):
    mine = staff_tools.filter_save(user=staff("petugas"), name="A", query="status=baru")
    client.force_login(staff("petugas"))
    response = client.post(reverse("kasus:filter_delete", args=[mine.pk]))
    assert response.status_code == 302 and FilterTersimpan.objects.filter(pk=mine.pk).exists()
    client.force_login(mine.user)
    client.post(reverse("kasus:filter_delete", args=[mine.pk]))
    assert not FilterTersimpan.objects.filter(pk=mine.pk).exists()
