"""Atom feeds of new and answered public cases: titles and classification only, never personal data."""

from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from portal.kasus.models import Kasus
from portal.wilayah.models import Kategori, Wilayah

from .selectors import ANSWERED_STATUSES, feed_cases


class _CaseFeed(Feed):
    feed_type = Atom1Feed

    def item_title(self, item: Kasus) -> str:
        return f"{item.reference}: {item.title}"

    def item_description(self, item: Kasus) -> str:
        parts = [item.get_status_display(), str(item.kategori or ""), str(item.kecamatan or "")]
        return " · ".join(p for p in parts if p)

    def item_link(self, item: Kasus) -> str:
        return f"{reverse('aspirasi:transparency')}#{item.reference}"

    def item_guid(self, item: Kasus) -> str:
        # A new guid when the case is answered, so readers see the answer as a new entry.
        answered = item.status in ANSWERED_STATUSES and item.answered_at is not None
        return f"{item.reference}/{'dijawab' if answered else 'baru'}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: Kasus):
        return item.confirmed_at

    def item_updateddate(self, item: Kasus):
        return item.answered_at or item.confirmed_at


class KecamatanFeed(_CaseFeed):
    def get_object(self, request: HttpRequest, kode: str) -> Wilayah:
        return get_object_or_404(Wilayah, kode=kode, tingkat=Wilayah.Tingkat.KECAMATAN)

    def title(self, obj: Wilayah) -> str:
        return _("Aspirasi baru dan terjawab: %(place)s") % {"place": obj}

    def link(self, obj: Wilayah) -> str:
        return reverse("ikuti:feed_kecamatan", args=[obj.kode])

    def items(self, obj: Wilayah):
        return feed_cases(kecamatan=obj)


class KategoriFeed(_CaseFeed):
    def get_object(self, request: HttpRequest, slug: str) -> Kategori:
        return get_object_or_404(Kategori, slug=slug)

    def title(self, obj: Kategori) -> str:
        return _("Aspirasi baru dan terjawab: %(kategori)s") % {"kategori": obj.display_name}

    def link(self, obj: Kategori) -> str:
        return reverse("ikuti:feed_kategori", args=[obj.slug])

    def items(self, obj: Kategori):
        return feed_cases(kategori=obj)
