"""Public reads: the commitments tracker and the public page of a case. No personal data leaves here."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audiensi.models import Audiensi
from portal.kasus.models import Kasus, Riwayat, TindakLanjut
from portal.kasus.selectors import (
    NEVER_PUBLIC_STATUSES,
    CommitmentFilter,
    present_entries,
    public_page_q,
    timeline,
)
from sarasehan.models import Sarasehan

# Open here means not late yet: the public list shows late commitments apart.
STATUS_CHOICES = [
    (CommitmentFilter.TERBUKA, gettext_lazy("Berjalan")),
    (CommitmentFilter.TERLAMBAT, CommitmentFilter.TERLAMBAT.label),
    (CommitmentFilter.SELESAI, CommitmentFilter.SELESAI.label),
]
# The one tracker state beyond the filter's: done, but after the due date.
SELESAI_TERLAMBAT = "selesai_terlambat"


def public_commitments(
    *, opd_id: int | None = None, kecamatan_id: int | None = None, status: str = "", today: dt.date | None = None
) -> QuerySet[TindakLanjut]:
    """Every tindak lanjut of a public case, earliest deadline first, with only the columns the tracker shows."""
    today = today or timezone.localdate()
    # A commitment is listed while its case has a public page (public_page_q), merged or not.
    qs = TindakLanjut.objects.filter(public_page_q("kasus__"))
    if opd_id:
        qs = qs.filter(opd_id=opd_id)
    if kecamatan_id:
        qs = qs.filter(kasus__kecamatan_id=kecamatan_id)
    if status == CommitmentFilter.TERLAMBAT:
        qs = qs.filter(status=TindakLanjut.Status.TERBUKA, due_date__lt=today)
    elif status == CommitmentFilter.TERBUKA:
        qs = qs.filter(status=TindakLanjut.Status.TERBUKA, due_date__gte=today)
    elif status == CommitmentFilter.SELESAI:
        qs = qs.filter(status=TindakLanjut.Status.SELESAI)
    return (
        qs.select_related("opd", "kasus__kecamatan")
        .only(
            "description", "due_date", "status", "done_at", "evidence", "source", "source_kind", "source_id",
            "opd__nama", "opd__nama_en", "opd__singkatan", "kasus__reference", "kasus__title",
            "kasus__kecamatan__nama",
        )
        .order_by("due_date", "id")
    )  # fmt: skip


@dataclass(frozen=True)
class KeptShare:
    kept: int  # done by the due date
    late: int  # done after it, or still open past it
    open: int  # not due yet

    @property
    def percent(self) -> int | None:
        decided = self.kept + self.late
        return round(100 * self.kept / decided) if decided else None


def kept_share(qs: QuerySet[TindakLanjut], *, today: dt.date | None = None) -> KeptShare:
    """Of the commitments whose due date passed or that are done, the share done on time. One query."""
    today = today or timezone.localdate()
    done = Q(status=TindakLanjut.Status.SELESAI)
    on_time = done & Q(done_at__date__lte=F("due_date"))
    row = qs.order_by().aggregate(
        kept=Count("id", filter=on_time),
        done_late=Count("id", filter=done & Q(done_at__date__gt=F("due_date"))),
        open_late=Count("id", filter=Q(status=TindakLanjut.Status.TERBUKA, due_date__lt=today)),
        open=Count("id", filter=Q(status=TindakLanjut.Status.TERBUKA, due_date__gte=today)),
    )
    return KeptShare(kept=row["kept"], late=row["done_late"] + row["open_late"], open=row["open"])


def where_promised(items: list[TindakLanjut]) -> dict[int, str]:
    """Per tindak lanjut id, the audiensi or sarasehan it was promised at, with its pejabat. Three queries at most."""
    ids: dict[str, set[int]] = {"audiensi": set(), "sarasehan": set()}
    for item in items:
        if item.source_kind in ids and item.source_id:
            ids[item.source_kind].add(item.source_id)
    audiensi = {}
    if ids["audiensi"]:
        for a in (
            Audiensi.objects.filter(pk__in=ids["audiensi"])
            .select_related("pejabat")
            .only("starts_at", "pejabat__jabatan", "pejabat__jabatan_en")
        ):
            audiensi[a.pk] = _("Audiensi dengan %(pejabat)s, %(date)s") % {
                "pejabat": a.pejabat.display_jabatan,
                "date": timezone.localtime(a.starts_at).strftime("%d-%m-%Y"),
            }
    sarasehan = {}
    if ids["sarasehan"]:
        rows = Sarasehan.objects.filter(pk__in=ids["sarasehan"]).only("title", "starts_at").prefetch_related("pejabat")
        for s in rows:
            label = _("Sarasehan %(title)s, %(date)s") % {
                "title": s.title,
                "date": timezone.localtime(s.starts_at).strftime("%d-%m-%Y"),
            }
            pejabat = ", ".join(p.display_jabatan for p in s.pejabat.all())
            sarasehan[s.pk] = f"{label} ({pejabat})" if pejabat else label
    found = {"audiensi": audiensi, "sarasehan": sarasehan}
    return {
        item.pk: found.get(item.source_kind, {}).get(item.source_id, "") if item.source_id is not None else ""
        for item in items
    }


def tracker_status(item: TindakLanjut, today: dt.date) -> str:
    """terbuka, terlambat, selesai or selesai_terlambat: lateness stays visible after a late commitment is done."""
    if item.status == TindakLanjut.Status.SELESAI:
        late = item.done_at is not None and timezone.localdate(item.done_at) > item.due_date
        return SELESAI_TERLAMBAT if late else CommitmentFilter.SELESAI
    return CommitmentFilter.TERLAMBAT if item.due_date < today else CommitmentFilter.TERBUKA


TRACKER_STATUS_LABELS = {
    CommitmentFilter.TERBUKA: gettext_lazy("Berjalan"),
    CommitmentFilter.TERLAMBAT: gettext_lazy("Terlambat"),
    CommitmentFilter.SELESAI: gettext_lazy("Selesai tepat waktu"),
    SELESAI_TERLAMBAT: gettext_lazy("Selesai terlambat"),
}


def public_kasus(reference: str) -> Kasus:
    kasus = (
        Kasus.objects.filter(public_page_q())
        .select_related("kategori", "kecamatan", "opd", "merged_into")
        .only(
            "reference", "title", "status", "created_at", "confirmed_at", "answered_at", "closed_at", "due_at",
            "merged_into_id", "kategori__nama", "kategori__nama_en", "kecamatan__nama", "opd__nama", "opd__nama_en",
            "opd__singkatan", "reporter_id", "is_confidential", "merged_into__reference",
            "merged_into__is_confidential", "merged_into__status", "merged_into__confirmed_at",
        )
        .filter(reference=reference.strip().upper()[:20])
        .first()
    )  # fmt: skip
    if kasus is None:
        raise Http404
    return kasus


def public_survivor(kasus: Kasus) -> str:
    """The reference of the case this one was merged into, when that case has a public page too."""
    survivor = kasus.merged_into
    if survivor is None or survivor.is_confidential or survivor.confirmed_at is None:
        return ""
    return "" if survivor.status in NEVER_PUBLIC_STATUSES else survivor.reference


def public_timeline(kasus: Kasus) -> list[Riwayat]:
    """Only public entries, rendered in the reader's language, with actors as the public may see them."""
    entries = list(timeline(kasus, visibilities=(Riwayat.Visibility.PUBLIK,)))
    return present_entries(entries, kasus, sees_identity=False, staff_view=False)
