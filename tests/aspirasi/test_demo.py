import io

import pytest

from aspirasi.demo import seed_demo
from aspirasi.models import Aspirasi, Lampiran
from tests.factories import open_kasus


@pytest.mark.django_db
def test_it_adds_aspirasi_to_demo_cases_once():
    demo = [open_kasus(data={"demo": f"d{i}"}) for i in range(4)]
    other = open_kasus()
    seed_demo(stdout=io.StringIO())
    seed_demo(stdout=io.StringIO())
    assert set(Aspirasi.objects.values_list("kasus_id", flat=True)) == {k.pk for k in demo}
    assert not Aspirasi.objects.filter(kasus=other).exists()
    assert Lampiran.objects.filter(role="submission").count() == 2
