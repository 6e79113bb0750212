"""Email templates of the case record: all present, translatable, rendered as plain text in both languages."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.conf import settings

from portal.kasus import services
from portal.kasus.models import OutboxEmail, TindakLanjut
from portal.kasus.outbox import outbox_enqueue
from tests.factories import OpdFactory, kasus_at

EMAIL_DIR = Path(settings.BASE_DIR) / "templates" / "email"
SERVICES = "".join(path.read_text() for path in Path(services.__file__).parent.glob("*.py"))
USED = sorted(set(re.findall(r'template\b[^=\n]*=\s*"(\w+)"', SERVICES)))
OWN = sorted(p.name.removesuffix(".txt") for p in EMAIL_DIR.glob("*.txt") if not p.name.endswith("_subject.txt"))
OWN = [name for name in OWN if name.startswith(("kasus_", "tindak_lanjut_"))]
STAFF_TEMPLATES = {"kasus_disposed", "kasus_disputed", "kasus_overdue", "tindak_lanjut_added"}
TRICKY = "Jalan \"Mawar\" & gang 'Melati' <rusak>"


def test_it_has_every_template_the_services_use():
    assert {"kasus_opened", "kasus_status", "kasus_answered", "kasus_overdue"} <= set(USED)
    for name in USED:
        assert (EMAIL_DIR / f"{name}.txt").exists(), name
        assert (EMAIL_DIR / f"{name}_subject.txt").exists(), name


@pytest.mark.parametrize("name", [f"{n}{suffix}" for n in OWN for suffix in (".txt", "_subject.txt")])
def test_it_marks_every_sentence_for_translation_and_never_escapes(name):
    source = (EMAIL_DIR / name).read_text()
    assert source.startswith("{% load i18n %}{% autoescape off %}")
    assert source.rstrip("\n").endswith("{% endautoescape %}")
    bare = re.sub(r"{% blocktranslate.*?{% endblocktranslate %}", "", source, flags=re.S)
    bare = re.sub(r"{%.*?%}|{{.*?}}", "", bare, flags=re.S)
    assert re.fullmatch(r"[\s:,.()\"'-]*", bare), f"untranslated text in {name}: {bare!r}"


@pytest.fixture
def context():
    opd = OpdFactory(nama="Dinas Pekerjaan Umum & Penataan Ruang")
    kasus = kasus_at("dijawab", opd=opd, title=TRICKY)
    item = TindakLanjut.objects.create(
        kasus=kasus, description=TRICKY, opd=opd, due_date=dt.date(2026, 12, 1), evidence=TRICKY
    )
    return {
        "kasus": kasus,
        "opd": opd,
        "item": item,
        "message": TRICKY,
        "note": TRICKY,
        "reason": TRICKY,
        "target": kasus,
    }


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("name", OWN)
def test_it_renders_plain_text_in_each_language(name, language, context):
    kasus = context["kasus"]
    if name in STAFF_TEMPLATES:
        context = {**context, "kasus": services.OpdSafeKasus(kasus)}
    row = outbox_enqueue(to="x@example.org", template=name, context=context, language=language, kasus=kasus)
    assert row.subject and "\n" not in row.subject and kasus.reference in row.subject
    assert kasus.reference in row.body_text
    for escaped in ("&amp;", "&quot;", "&#x27;", "&lt;", "&gt;"):
        assert escaped not in row.subject + row.body_text
    if "{{ message }}" in (EMAIL_DIR / f"{name}.txt").read_text():
        assert TRICKY in row.body_text
    if name in STAFF_TEMPLATES:
        assert f"/petugas/kasus/{kasus.reference}/" in row.body_text
        assert kasus.tracking_token not in row.body_text
    else:
        assert f"/lacak/{kasus.tracking_token}/" in row.body_text


@pytest.mark.django_db
def test_it_quotes_the_configured_service_levels(settings):
    settings.PORTAL_SLA = {**settings.PORTAL_SLA, "verify_days": 4, "autoclose_days": 7}
    kasus = kasus_at("dijawab", opd=OpdFactory())
    opened = outbox_enqueue(to="x@example.org", template="kasus_opened", context={"kasus": kasus})
    answered = outbox_enqueue(to="x@example.org", template="kasus_answered", context={"kasus": kasus})
    assert "4 hari kerja" in opened.body_text and "7 hari kerja" in answered.body_text
    assert OutboxEmail.objects.count() >= 2
