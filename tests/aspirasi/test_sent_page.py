"""The page after sending says what happens next, and a guest that the email link must still be clicked."""

import pytest
from django.urls import reverse

from aspirasi.models import Lampiran
from tests.aspirasi.factories import form_data, jpeg_bytes, upload

pytestmark = pytest.mark.django_db


def test_it_tells_a_guest_to_click_the_email_link_before_saying_sent(client):
    client.post(reverse("aspirasi:submit"), form_data())
    html = client.get(reverse("aspirasi:sent")).content.decode()
    assert "Satu langkah lagi: konfirmasi email Anda" in html and "laporan Anda terkirim" not in html
    assert "Apa yang terjadi selanjutnya" in html and "klik tautan konfirmasinya" in html
    # The reference never breaks across lines; the copy button is a script's enhancement, hidden without it.
    assert 'class="reference" id="nomor-kasus"' in html and 'data-copy="nomor-kasus"' in html


def test_it_shows_the_check_page_before_sending(client):
    data = form_data()
    del data["kirim"]
    response = client.post(reverse("aspirasi:submit"), data)
    html = response.content.decode()
    assert response.status_code == 200 and "Periksa laporan Anda sebelum mengirim" in html
    assert data["title"] in html and 'name="kirim"' in html and 'name="ubah"' in html


def test_change_on_the_check_page_reopens_the_form_filled_in(client):
    data = form_data(ubah="id_title")
    del data["kirim"]
    html = client.post(reverse("aspirasi:submit"), data).content.decode()
    assert 'name="title"' in html and f'value="{data["title"]}"' in html and "Kesalahan" not in html


def test_a_chosen_file_is_kept_when_another_field_has_an_error(client):
    data = form_data(title="")
    data["lampiran"] = [upload("jalan.jpg", jpeg_bytes())]
    html = client.post(reverse("aspirasi:submit"), data).content.decode()
    assert "<title>Kesalahan: " in html and "Berkas jalan.jpg tetap tersimpan." in html
    retry = form_data(keep_files="1")
    client.post(reverse("aspirasi:submit"), retry)
    assert list(Lampiran.objects.values_list("original_name", flat=True)) == ["jalan.jpg"]
