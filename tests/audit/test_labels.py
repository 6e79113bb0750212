import pytest
from django.utils.translation import gettext_lazy as _

import audiensi.availability  # noqa: F401 - labels are registered as the services import
import datapribadi.services  # noqa: F401
import portal.kasus.services  # noqa: F401
import sarasehan.services  # noqa: F401
from portal.audit.labels import action_label, register_action


def test_an_unregistered_action_shows_its_code():
    assert action_label("lama.tindakan") == "lama.tindakan"


def test_it_refuses_a_second_label_for_the_same_action():
    with pytest.raises(ValueError, match="already registered"):
        register_action("reference.changed", _("Data referensi dihapus"))


def test_every_recorded_staff_action_has_a_readable_label():
    for action in (
        "sarasehan.published",
        "sarasehan.capacity_changed",
        "audiensi.rule_added",
        "audiensi.settings_saved",
        "pdp.erased",
        "kasus.identity_viewed",
        "reference.changed",
    ):
        assert action_label(action) != action
