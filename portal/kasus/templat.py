"""Reply templates: staff keep them per kategori and insert one into an answer or a request for information."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Q, QuerySet

from portal.audit.services import audit_record

from .models import Kasus, TemplatJawaban

if TYPE_CHECKING:
    from portal.akun.models import User
    from portal.wilayah.models import Kategori

# The case actions whose text field a template can fill: action slug -> form field.
TARGETS = {"jawab": "answer", "minta-informasi": "question"}


def templat_for(kasus: Kasus) -> QuerySet[TemplatJawaban]:
    """The templates offered on this case: its kategori's, then those for any kategori."""
    scope = Q(kategori__isnull=True) | Q(kategori_id=kasus.kategori_id) if kasus.kategori_id else Q(kategori=None)
    return TemplatJawaban.objects.filter(scope).order_by("-kategori_id", "title", "pk")


def chosen(kasus: Kasus, value: str) -> TemplatJawaban | None:
    """The template picked in a form, if it is one offered on this case."""
    return templat_for(kasus).filter(pk=int(value)).first() if value.isdigit() and len(value) < 12 else None


@transaction.atomic
def templat_save(
    *, actor: User, title: str, body: str, kategori: Kategori | None, templat: TemplatJawaban | None = None
) -> TemplatJawaban:
    """Create a template, or change the one given; either way the audit log records it."""
    created = templat is None
    templat = templat or TemplatJawaban()
    templat.title, templat.body, templat.kategori = title.strip(), body.strip(), kategori
    templat.save()
    audit_record(
        actor=actor,
        action="kasus.templat_created" if created else "kasus.templat_changed",
        obj=templat,
        changes={"title": templat.title, "kategori": kategori.pk if kategori else None},
    )
    return templat


@transaction.atomic
def templat_delete(*, actor: User, templat: TemplatJawaban) -> None:
    audit_record(actor=actor, action="kasus.templat_deleted", obj=templat, changes={"title": templat.title})
    templat.delete()
