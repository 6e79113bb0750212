"""Availability services: each change protokol makes is audited with its actor."""

import datetime as dt

import pytest

from audiensi import availability
from audiensi.models import AturanMingguan, Pengecualian
from audiensi.services import AudiensiError
from portal.audit.models import AuditEntry
from tests.factories import PejabatFactory, staff

pytestmark = pytest.mark.django_db


# Mondays 09.00-12.00 in half-hour slots.
RULE = {"weekday": 0, "start_time": dt.time(9), "end_time": dt.time(12), "slot_minutes": 30, "buffer_minutes": 0}


def entry(action: str) -> AuditEntry:
    return AuditEntry.objects.get(action=action)


def test_saving_the_booking_settings_is_audited():
    protokol, pejabat = staff("protokol"), PejabatFactory()
    availability.pengaturan_save(
        pejabat=pejabat, actor=protokol, min_hari_kerja=3, max_hari=20, batas_permohonan_terbuka=2,
        masa_tahan_hari_kerja=4,
    )  # fmt: skip
    saved = entry("audiensi.settings_saved")
    assert saved.actor == protokol and saved.changes["max_hari"] == 20


def test_adding_a_weekly_rule_is_audited():
    protokol, pejabat = staff("protokol"), PejabatFactory()
    aturan = availability.aturan_add(pejabat=pejabat, actor=protokol, **RULE)
    added = entry("audiensi.rule_added")
    assert added.actor == protokol and added.object_id == str(aturan.pk) and added.changes["start_time"] == "09:00"


def test_an_overlapping_rule_is_refused_and_not_audited():
    protokol, pejabat = staff("protokol"), PejabatFactory()
    availability.aturan_add(pejabat=pejabat, actor=protokol, **RULE)
    with pytest.raises(AudiensiError):
        availability.aturan_add(pejabat=pejabat, actor=protokol, **{**RULE, "start_time": dt.time(11)})
    assert AuditEntry.objects.filter(action="audiensi.rule_added").count() == 1


def test_deleting_a_weekly_rule_is_audited():
    protokol, pejabat = staff("protokol"), PejabatFactory()
    aturan = availability.aturan_add(pejabat=pejabat, actor=protokol, **RULE)
    availability.aturan_delete(aturan_id=aturan.pk, pejabat=pejabat, actor=protokol)
    deleted = entry("audiensi.rule_deleted")
    assert deleted.actor == protokol and deleted.object_id == str(aturan.pk)
    assert not AturanMingguan.objects.filter(pk=aturan.pk).exists()


def test_adding_and_deleting_an_exception_is_audited():
    protokol, pejabat = staff("protokol"), PejabatFactory()
    day = dt.date.today() + dt.timedelta(days=10)
    item = availability.pengecualian_add(pejabat=pejabat, actor=protokol, date=day, reason="Dinas luar")
    availability.pengecualian_delete(pengecualian_id=item.pk, pejabat=pejabat, actor=protokol)
    added, deleted = entry("audiensi.exception_added"), entry("audiensi.exception_deleted")
    assert added.actor == deleted.actor == protokol
    assert added.changes["date"] == day.isoformat() and deleted.object_id == str(item.pk)
    assert not Pengecualian.objects.exists()
