"""The OPD's answer with attachments sits in the case page's actions area, where staff look for what to do."""

import pytest
from django.urls import reverse

from portal.kasus import services
from tests.factories import OpdFactory, UserFactory, staff

from .factories import submit

pytestmark = pytest.mark.django_db


def routed(opd, *, started: bool):
    kasus = submit(reporter=UserFactory(), photos=0).kasus
    services.kasus_verify(kasus_id=kasus.pk, actor=None)
    services.kasus_dispose(kasus_id=kasus.pk, actor=None, opd=opd)
    if started:
        services.kasus_start(kasus_id=kasus.pk, actor=None)
    return kasus


def test_the_answer_form_is_in_the_actions_area_not_the_aspirasi_panel(client):
    opd = OpdFactory()
    kasus = routed(opd, started=True)
    client.force_login(staff("opd", opd=opd))
    page = client.get(reverse("kasus:detail", args=[kasus.reference])).content.decode()
    actions = page[page.index('id="aksi-h"') :]
    panel = page[page.index('id="aspirasi-panel-title"') : page.index('id="aksi-h"')]
    answer_url = reverse("aspirasi:answer", args=[kasus.reference])
    assert answer_url in actions and answer_url not in panel
    assert reverse("aspirasi:reroute", args=[kasus.reference]) in actions


def test_the_start_step_explains_what_it_tells_the_resident(client):
    opd = OpdFactory()
    kasus = routed(opd, started=False)
    client.force_login(staff("opd", opd=opd))
    page = client.get(reverse("kasus:detail", args=[kasus.reference])).content.decode()
    assert "memberi tahu pelapor bahwa OPD Anda sudah mulai menangani kasusnya" in page


def test_petugas_see_no_opd_answer_form(client):
    opd = OpdFactory()
    kasus = routed(opd, started=True)
    client.force_login(staff("petugas"))
    page = client.get(reverse("kasus:detail", args=[kasus.reference])).content.decode()
    assert reverse("aspirasi:answer", args=[kasus.reference]) not in page
