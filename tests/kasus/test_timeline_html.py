"""The timeline is written in Python (kasus_tags.timeline) with the HTML its template wrote.

The reference is the timeline template as it was (tests/assets/timeline_reference.html).
"""

from pathlib import Path

import pytest
from django.template import engines
from django.test.html import parse_html
from django.utils import translation

from portal.kasus import selectors, services
from portal.kasus.models import Riwayat
from portal.kasus.templatetags.kasus_tags import timeline
from tests.factories import kasus_at

REFERENCE = (Path(__file__).parent.parent / "assets" / "timeline_reference.html").read_text()


def entries_of(kasus):
    services.kasus_note_add(
        kasus_id=kasus.pk, actor=kasus.riwayat.first().actor, message="Baris satu\n<b>dua</b> & tiga"
    )
    entries = list(selectors.timeline(kasus))
    return selectors.present_entries(entries, kasus, sees_identity=True, staff_view=True)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("show_visibility", [True, False])
def test_the_timeline_is_written_as_its_template_wrote_it(language, show_visibility):
    kasus = kasus_at("dijawab")
    with translation.override(language):
        entries = entries_of(kasus)
        for entry in entries:
            entry.show_message = entry.visibility != Riwayat.Visibility.INTERNAL or show_visibility
        reference = (
            engines["django"].from_string(REFERENCE).render({"entries": entries, "show_visibility": show_visibility})
        )
        ours = timeline(entries, show_visibility=show_visibility)
    assert len(entries) >= 5
    assert parse_html(ours) == parse_html(reference)
    note_shown = "&lt;b&gt;dua&lt;/b&gt; &amp; tiga" in ours and "Baris satu<br>" in ours
    assert note_shown == show_visibility  # an internal note's words are for staff only


def test_an_empty_timeline_says_so():
    assert parse_html(timeline([])) == parse_html(engines["django"].from_string(REFERENCE).render({"entries": []}))
