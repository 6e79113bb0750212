import pytest
from django.utils import translation

from portal.kasus import services
from portal.kasus.kinds import kind_label
from tests.factories import open_kasus


def test_it_names_the_kinds_feature_apps_register_in_the_reader_language():
    assert kind_label("aspirasi.submitted") == "Aspirasi dikirim"
    assert kind_label("sarasehan.raised") == "Disampaikan di sarasehan"
    with translation.override("en"):
        assert kind_label("kasus.disposed") == "Routed to agency"


def test_it_falls_back_to_the_words_of_an_unknown_kind():
    assert kind_label("lapor.synced_back") == "Synced back"


@pytest.mark.django_db
def test_kasus_log_refuses_a_kind_no_app_registered():
    kasus = open_kasus()
    before = kasus.riwayat.count()
    with pytest.raises(ValueError, match="unregistered"):
        services.kasus_log(
            kasus=kasus, kind="kasus.typo_kind", visibility=services.Visibility.PUBLIK, actor=None, params={}
        )
    assert kasus.riwayat.count() == before
