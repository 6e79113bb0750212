from django.utils import translation

from portal.kasus.kinds import kind_label


def test_it_names_the_kinds_feature_apps_register_in_the_reader_language():
    assert kind_label("aspirasi.submitted") == "Aspirasi dikirim"
    assert kind_label("sarasehan.raised") == "Disampaikan di sarasehan"
    with translation.override("en"):
        assert kind_label("kasus.disposed") == "Routed to agency"


def test_it_falls_back_to_the_words_of_an_unknown_kind():
    assert kind_label("lapor.synced_back") == "Synced back"
