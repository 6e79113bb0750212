import pytest
from django.utils.translation import gettext_lazy as _

from portal.audit.labels import action_label, register_action


def test_an_unregistered_action_shows_its_code():
    assert action_label("lama.tindakan") == "lama.tindakan"


def test_it_refuses_a_second_label_for_the_same_action():
    with pytest.raises(ValueError, match="already registered"):
        register_action("reference.changed", _("Data referensi dihapus"))
