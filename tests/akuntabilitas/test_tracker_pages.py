"""The commitments tracker pages like every list of the portal: `?page=`, and the older `?halaman=` links."""

import pytest
from django.urls import reverse

from akuntabilitas import views
from tests.akuntabilitas.test_tracker import promise, public_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_pages(monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    kasus = public_case()
    promise(kasus, days=1, description="Janji pertama")
    promise(kasus, days=2, description="Janji kedua")


def test_page_opens_the_second_page(client, two_pages):
    text = client.get(reverse("akuntabilitas:janji"), {"page": 2}).content.decode()
    assert "Janji kedua" in text
    assert "Janji pertama" not in text


def test_an_old_halaman_link_still_opens_its_page(client, two_pages):
    text = client.get(reverse("akuntabilitas:janji"), {"halaman": 2}).content.decode()
    assert "Janji kedua" in text
    assert "Janji pertama" not in text


def test_the_next_link_keeps_the_filters_and_uses_page(client, two_pages):
    text = client.get(reverse("akuntabilitas:janji"), {"status": ""}).content.decode()
    assert "?status=&amp;page=2" in text
