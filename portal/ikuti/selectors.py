"""Reads for following: one list of what a person follows (cases and places), and the public feeds."""

from dataclasses import dataclass

from django.db.models import QuerySet

from portal.akun.models import User
from portal.kasus.models import Kasus, Pengikut, Status
from portal.kasus.selectors import reported_public_cases
from portal.wilayah.models import Kategori, Wilayah

from .models import LanggananWilayah

FEED_LIMIT = 50
# A feed lists a case when it became public and again when it is answered.
ANSWERED_STATUSES = (Status.DIJAWAB, Status.DITUTUP)


@dataclass(frozen=True)
class Following:
    cases: list[Pengikut]
    places: list[LanggananWilayah]

    def __bool__(self) -> bool:
        return bool(self.cases or self.places)


def following_of(user: User) -> Following:
    """Everything a user follows, in two queries whatever their number."""
    cases = list(
        Pengikut.objects.filter(user=user)
        .select_related("kasus")
        .only("reason", "kasus__reference", "kasus__title", "kasus__status", "created_at")
        .order_by("-created_at")
    )
    places = list(
        LanggananWilayah.objects.filter(user=user).select_related("wilayah__parent", "kategori").order_by("-created_at")
    )
    return Following(cases=cases, places=places)


def feed_cases(**place: Wilayah | Kategori) -> QuerySet[Kasus]:
    """New and answered public cases, newest change first: no reporter, no description, no address."""
    return (
        reported_public_cases()
        .filter(**place)
        .select_related("kategori", "kecamatan")
        .only(
            "reference",
            "title",
            "status",
            "confirmed_at",
            "answered_at",
            "kategori__nama",
            "kategori__nama_en",
            "kecamatan__nama",
            "kecamatan__tingkat",
        )
        .order_by("-updated_at")[:FEED_LIMIT]
    )
