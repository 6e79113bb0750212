"""The tracking page opens with "what happens next": the step in plain words, who acts, by which date."""

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import OpdFactory, kasus_at

pytestmark = pytest.mark.django_db


def test_the_tracking_page_says_which_opd_answers_by_which_date_before_the_timeline(client):
    opd = OpdFactory()
    kasus = kasus_at("didisposisikan", opd=opd)
    html = client.get(reverse("kasus:track_detail", args=[kasus.tracking_token])).content.decode()
    box = html.index("Apa yang terjadi selanjutnya")
    assert box < html.index('id="riwayat-h"')
    assert f"{opd.display_name} menyiapkan jawaban." in html[box:]
    assert "Paling lambat" in html[box:] and f"{timezone.localtime(kasus.due_at).day} " in html[box:]


def test_the_tracking_page_tells_the_reporter_it_is_their_turn_after_an_answer(client):
    kasus = kasus_at("dijawab", opd=OpdFactory())
    html = client.get(reverse("kasus:track_detail", args=[kasus.tracking_token])).content.decode()
    box = html[html.index("Apa yang terjadi selanjutnya") :]
    assert "menerimanya atau menyanggahnya" in box and "<dd>Pelapor</dd>" in box and "Paling lambat" not in box
