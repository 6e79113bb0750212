"""Cases opened at the same moment on real connections get distinct, consecutive references."""

import datetime as dt

import pytest
from django.utils import timezone

from portal.kasus import services
from portal.kasus.models import Kasus, ReferenceSequence, Status, TindakLanjut
from tests.concurrency import Outcome, at_once, errors
from tests.factories import OpdFactory, open_kasus

THREADS = 8


def open_at_once(n: int) -> list[Outcome]:
    return at_once(*[lambda i=i: open_kasus(title=f"Laporan serentak {i}").reference for i in range(n)])


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_numbers_cases_opened_at_once_consecutively():
    year = timezone.localdate().year
    ReferenceSequence.objects.filter(year=year).delete()  # the first cases of a year race to create its row

    for _round in range(2):
        outcomes = open_at_once(THREADS)
        assert errors(outcomes) == []
        references = [o.value for o in outcomes]
        assert len(set(references)) == THREADS
        assert all(ref.startswith(f"KSS-{year}-") for ref in references)
    numbers = sorted(int(ref.rsplit("-", 1)[1]) for ref in Kasus.objects.values_list("reference", flat=True))
    assert numbers == list(range(1, 2 * THREADS + 1))
    assert ReferenceSequence.objects.get(year=year).last == 2 * THREADS


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_completes_a_commitment_while_its_case_is_merged_without_deadlock():
    opd = OpdFactory()
    for _round in range(5):
        source, target = open_kasus(), open_kasus()
        items = [
            services.tindak_lanjut_add(
                kasus_id=source.pk, actor=None, description=f"Janji {n}", opd=opd, due_date=dt.date(2026, 12, 1)
            )
            for n in range(3)
        ]
        outcomes = at_once(
            lambda s=source.pk, t=target.pk: services.kasus_merge(kasus_id=s, into_id=t, actor=None),
            *[
                lambda pk=item.pk: services.tindak_lanjut_complete(tindak_lanjut_id=pk, actor=None, evidence="Foto.")
                for item in items
            ],
        )
        assert errors(outcomes) == []
        assert set(TindakLanjut.objects.filter(pk__in=[i.pk for i in items]).values_list("kasus", "status")) == {
            (target.pk, TindakLanjut.Status.SELESAI)
        }
        assert Kasus.objects.get(pk=source.pk).status == Status.DIGABUNG
