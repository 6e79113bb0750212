"""Reads of the case record reused by several views."""

from __future__ import annotations

import datetime as dt
import functools
import json
import operator
import re
import time
from collections.abc import Callable
from functools import cached_property
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.db import connection, models
from django.db.models import BooleanField, F, Q, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Concat
from django.db.models.lookups import In, LessThan
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from portal.akun import roles as r
from portal.akun.models import User
from portal.wilayah.models import Kategori, Opd
from portal.wilayah.options import wilayah_groups

from .kinds import riwayat_texts
from .models import (
    LAPOR_TRACKING_ID_RE,
    LATE_STATUSES,
    Kasus,
    OutboxEmail,
    Pengikut,
    Riwayat,
    Status,
    TindakLanjut,
    normalize_lapor_tracking_id,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

OWNER_SESSION_KEY = "kasus_owner"
ACT_SESSION_KEY = "kasus_act"
ACT_GRANT_SECONDS = 60 * 60
Visibility = Riwayat.Visibility

# Roles that read every case in the back-office; OPD staff read only their own OPD's cases.
ALL_CASES_ROLES = (r.PETUGAS, r.PROTOKOL, r.PIMPINAN, r.ADMIN)


def viewer_is_reporter(kasus: Kasus, request: HttpRequest) -> bool:
    """The signed-in reporter, or a visitor who proved ownership at /lacak/ or holds the tracking link."""
    if viewer_proved_reporter(kasus, request):
        return True
    match = getattr(request, "resolver_match", None)
    token = (match.kwargs.get("token") if match is not None else None) or ""
    return bool(token) and token == kasus.tracking_token


def viewer_proved_reporter(kasus: Kasus, request: HttpRequest) -> bool:
    """The signed-in reporter, or a visitor who gave the reference and the reporter's email at /lacak/.

    Stricter than viewer_is_reporter: a forwarded tracking link alone does not count, so
    confidential content stays hidden from whoever merely holds the link.
    """
    user = request.user
    if user.is_authenticated and kasus.reporter_id == user.pk:
        return True
    return kasus.pk in request.session.get(OWNER_SESSION_KEY, [])


def viewer_sees_content(kasus: Kasus, request: HttpRequest) -> bool:
    """Whether residents' and public pages may show this case's content to this visitor.

    A confidential case's content needs proof of ownership; a forwarded tracking link is not enough.
    """
    return not kasus.is_confidential or viewer_proved_reporter(kasus, request)


def viewer_may_act(kasus: Kasus, request: HttpRequest) -> bool:
    """Whether this visitor may act as the reporter: add information, accept or dispute the answer.

    The tracking link is enough on an ordinary case. A confidential case needs the reporter's account or,
    within ACT_GRANT_SECONDS, a one-time code from the reporter's email: links get forwarded, and the
    reference and email (the /lacak/ proof) are known to whoever knows the reporter.
    """
    if not kasus.is_confidential:
        return viewer_is_reporter(kasus, request)
    user = request.user
    if user.is_authenticated and kasus.reporter_id == user.pk:
        return True
    until = request.session.get(ACT_SESSION_KEY, {}).get(str(kasus.pk))
    return until is not None and until > time.time()


def grant_action(request: HttpRequest, kasus: Kasus) -> None:
    """The visitor gave a valid one-time code: they may act on the case for a while and see its content."""
    granted = dict(request.session.get(ACT_SESSION_KEY, {}))
    granted[str(kasus.pk)] = time.time() + ACT_GRANT_SECONDS
    request.session[ACT_SESSION_KEY] = granted
    remember_owner(request, kasus)


def remember_owner(request: HttpRequest, kasus: Kasus) -> None:
    owned = list(request.session.get(OWNER_SESSION_KEY, []))
    if kasus.pk not in owned:
        owned.append(kasus.pk)
        request.session[OWNER_SESSION_KEY] = owned


# A resident's own cases ------------------------------------------------------------------------

REPORTER_REASONS = (Pengikut.Reason.REPORTER, Pengikut.Reason.MERGED_REPORTER)


def _reported_or_merged_reporter(user: User) -> Q:
    followed = Pengikut.objects.filter(user=user, reason__in=REPORTER_REASONS).values("kasus_id")
    return Q(reporter=user) | Q(pk__in=followed)


def resident_cases(user: User) -> QuerySet[Kasus]:
    """/kasus-saya/: the cases a resident reported; one merged into another shows as the case it lives on in."""
    return Kasus.objects.filter(merged_into__isnull=True).filter(_reported_or_merged_reporter(user))


def resident_kasus(user: User, reference: str) -> Kasus:
    """One of the resident's cases (a merged one too: its page points to where it went on), or 404."""
    qs = Kasus.objects.select_related("kategori", "kecamatan", "opd", "merged_into")
    try:
        return qs.filter(_reported_or_merged_reporter(user)).get(reference=reference)
    except Kasus.DoesNotExist:
        raise Http404(_("Kasus tidak ditemukan."))


# Back-office -----------------------------------------------------------------------------------


def is_opd_only(user: User | AnonymousUser) -> bool:
    roles = r.user_roles(user)
    return r.OPD in roles and not roles & set(ALL_CASES_ROLES)


# The staff-scope rule, one place: petugas, protokol, pimpinan and admin see every case; an OPD officer
# sees the cases disposed to their OPD. staff_cases() is it as a query, staff_can_view() for a loaded case.


def is_own_opd_case(user: User | AnonymousUser, kasus: Kasus) -> bool:
    """The user is an officer of the OPD the case is disposed to: the one who answers it."""
    opd_id = getattr(user, "opd_id", None)
    return r.OPD in r.user_roles(user) and opd_id is not None and kasus.opd_id == opd_id


def staff_can_view(user: User | AnonymousUser, kasus: Kasus) -> bool:
    """The rule of staff_cases(), for a case already loaded (its confirmation aside)."""
    return bool(r.user_roles(user) & set(ALL_CASES_ROLES)) or is_own_opd_case(user, kasus)


def staff_cases(user: User | AnonymousUser) -> QuerySet[Kasus]:
    """Confirmed cases this staff member may open: everything, or only their OPD's for OPD staff."""
    qs = Kasus.objects.confirmed()
    if r.user_roles(user) & set(ALL_CASES_ROLES):
        return qs
    opd_id: int | None = getattr(user, "opd_id", None)
    if r.OPD in r.user_roles(user) and opd_id:
        return qs.filter(opd_id=opd_id)
    return qs.none()


def staff_queue(user: User | AnonymousUser) -> QuerySet[Kasus]:
    """The queue's cases with what its rows show; order them with OverdueFirst."""
    return staff_cases(user).select_related("kategori", "kecamatan", "opd", "reporter")


# The queue pages through at most this many rows (40 pages): a deeper page would make the database skip every row
# before it, a cost that grows with the table. Past it, officers narrow the queue with its filters or search.
QUEUE_ROWS_LIMIT = 1_000
# Up to this many rows a queue's total is counted (reading at most one row more); past it, the planner's estimate
# is shown ("about N"): counting every confirmed case on each page view grew with the table.
EXACT_COUNT_UP_TO = 1_000


# A text search whose estimate is past this many rows is not counted at all (see estimated_count).
ESTIMATE_ONLY_PAST = 10 * EXACT_COUNT_UP_TO


def estimated_count(queryset: QuerySet[Kasus], *, estimate_first: bool = False) -> tuple[int, bool]:
    """(rows, is_estimate): the exact count up to EXACT_COUNT_UP_TO, else PostgreSQL's plan estimate (above it).

    `estimate_first` asks the planner before counting, and takes its estimate alone when it is far past the limit:
    for a text search, whose full-text index cannot stop after the first thousand matches (it gathers every match
    before the count starts, a cost that grows with the table).
    """
    if estimate_first and connection.vendor == "postgresql":
        estimate = _plan_rows(queryset)
        if estimate > ESTIMATE_ONLY_PAST:
            return estimate, True
    counted = queryset.order_by().values("pk")[: EXACT_COUNT_UP_TO + 1].count()
    if counted <= EXACT_COUNT_UP_TO or connection.vendor != "postgresql":
        return (queryset.count() if counted > EXACT_COUNT_UP_TO else counted), False
    return max(_plan_rows(queryset), EXACT_COUNT_UP_TO + 1), True


def _plan_rows(queryset: QuerySet[Kasus]) -> int:
    """The rows PostgreSQL's plan expects the queryset to return."""
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    return int((json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]["Plan Rows"])


class QueueRows:
    """The queue's rows as a pageable list: its sections one after the other, at most QUEUE_ROWS_LIMIT rows.

    Every read is bounded: the total is counted up to EXACT_COUNT_UP_TO rows, and a page reads the page's ids from
    each section it spans, with an offset below the limit along an index in the section's order, then their rows.
    """

    def __init__(
        self, total: QuerySet[Kasus], sections: list[QuerySet[Kasus]], *, estimate_first: bool = False
    ) -> None:
        self._all = total
        self._sections = sections
        self._estimate_first = estimate_first

    @cached_property
    def _count(self) -> tuple[int, bool]:
        return estimated_count(self._all, estimate_first=self._estimate_first)

    @property
    def total(self) -> int:
        """How many cases the queue holds (an estimate when count_is_estimate)."""
        return self._count[0]

    @property
    def count_is_estimate(self) -> bool:
        return self._count[1]

    @property
    def is_truncated(self) -> bool:
        return self.total > QUEUE_ROWS_LIMIT

    def count(self) -> int:
        """The rows the pages reach."""
        return min(self.total, QUEUE_ROWS_LIMIT)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: int | slice) -> Any:
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        start, stop = index.start or 0, min(index.stop if index.stop is not None else self.count(), self.count())
        ids: list[int] = []
        before = 0  # rows in the sections before this one
        for section in self._sections:
            first, last = max(start - before, 0), stop - before
            # The page's ids alone first: read along the section's index, joined and sorted by nothing else.
            got = list(section.values_list("pk", flat=True)[first:last])
            ids += got
            if len(got) == last - first:
                break
            # The section ends on this page or before it: its size, counted no further than the page's start.
            before += first + len(got) if got else section.values("pk")[:first].count()
        if not ids:
            return []
        found = self._all.order_by().in_bulk(ids)
        return [found[pk] for pk in ids if pk in found]


def queue_late_q(now: dt.datetime | None = None, *, status: str = "", searched: bool = False) -> Q:
    """late_q for the queue: the same cases, with due_at behind COALESCE so no due_at index can serve it.

    Lateness depends on status and due_at together, which the planner takes as independent: it expects a few
    rows where there are thousands and reads them all by due_at, then sorts. Left without that path, it reads
    kasus_queue_late newest first and stops after one page.

    `status` is the queue's status filter, when it has one: its cases are then all of that status, so a late
    status needs only the due test (beside `status = X`, `status IN (...)` made PostgreSQL read every case of the
    status and sort them, a cost that grew with the table) and any other status is never late.

    `searched`: the queue is a text search. Its status test is then kept off every index too: PostgreSQL otherwise
    joined the few matches with every open case's status entry, or walked kasus_queue_late testing each case
    against the words (70 ms for a common word at 1,000,000 cases); left alone, it reads the matches, or walks
    newest first for a common word.
    """
    now = now or timezone.now()
    overdue = Q(LessThan(Coalesce(F("due_at"), Value(now)), now))
    if not status:
        if searched:
            return Q(In(Concat(F("status"), Value("")), sorted(LATE_STATUSES))) & overdue
        return Q(status__in=LATE_STATUSES) & overdue
    return overdue if status in LATE_STATUSES else Q(pk__in=[])


class OverdueFirst(QueueRows):
    """Overdue open cases first (newest first), then every other case (newest first).

    Sorting on a computed "is overdue" flag reads and sorts every row of the queue; two queries that
    each follow an index (kasus_queue_late for the overdue cases, created_at for the rest) read one page.
    `status` (the queue's status filter) and `searched` (a text search) as queue_late_q takes them; a search's
    total is estimated before it is counted (estimated_count).
    """

    def __init__(
        self,
        queryset: QuerySet[Kasus],
        now: dt.datetime | None = None,
        *,
        status: str = "",
        searched: bool = False,
    ) -> None:
        late = queue_late_q(now, status=status, searched=searched)
        self._overdue = queryset.filter(late).order_by("-created_at", "-pk")
        sections = [self._overdue, queryset.exclude(late).order_by("-created_at", "-pk")]
        super().__init__(queryset, sections, estimate_first=searched)

    @cached_property
    def overdue_count(self) -> int:
        """Overdue cases, counted up to QUEUE_ROWS_LIMIT."""
        return self._overdue.values("pk")[:QUEUE_ROWS_LIMIT].count()


SEARCH_WORDS = 8
# A case number as _next_reference writes it, or its beginning from the year on ("KSS-2026-0001").
REFERENCE_RE = re.compile(r"^[A-Za-z]{3}-\d{4}-\d{0,6}$")


def search_q(value: str) -> Q:
    """The queue's search: a case number (or its beginning), an SP4N-LAPOR! number, or words of the title or summary.

    On PostgreSQL the words are a full-text query on kasus_kasus.pencarian (migration 0019, GIN index): whole words,
    since a prefix ("jalan:*") makes the index merge every word it starts and costs several times more on a common
    word; SQLite compares substrings.
    """
    value = value.strip()
    lapor = normalize_lapor_tracking_id(value)
    if REFERENCE_RE.match(value):
        # A case number: its index alone (words like "kss" and "2026" would match every case).
        return Q(reference__startswith=value.upper()) | Q(lapor_tracking_id=lapor)
    if connection.vendor != "postgresql":
        return (
            Q(reference__iexact=value)
            | Q(lapor_tracking_id__iexact=lapor)
            | Q(reference__icontains=value)
            | Q(title__icontains=value)
            | Q(summary__icontains=value)
        )
    # Only letters and digits reach to_tsquery, so no input is tsquery syntax.
    words = re.findall(r"[^\W_]+", value.lower())[:SEARCH_WORDS]
    found = [Q(reference__startswith=value.upper())]
    if words:
        query = " & ".join(words)
        found.append(
            Q(RawSQL("kasus_kasus.pencarian @@ to_tsquery('simple', %s)", [query], output_field=BooleanField()))
        )
    if LAPOR_TRACKING_ID_RE.match(lapor):
        found.append(Q(lapor_tracking_id=lapor))
    return functools.reduce(operator.or_, found)


def staff_kasus(user: User | AnonymousUser, reference: str) -> Kasus:
    """One case for the staff page, or 404 when it is outside the viewer's scope."""
    # Few joins on purpose: with eight, PostgreSQL spends longer planning than running the query.
    qs = staff_cases(user).select_related("kategori", "wilayah", "kecamatan", "opd", "reporter")
    try:
        return qs.get(reference=reference)
    except Kasus.DoesNotExist:
        raise Http404(_("Kasus tidak ditemukan."))


def sees_reporter_identity(user: User | AnonymousUser, kasus: Kasus) -> bool:
    """Petugas see every identity; pimpinan/protokol/admin see it unless anonymous; OPD staff never when anonymous."""
    roles = r.user_roles(user)
    if r.PETUGAS in roles:
        return True
    return not kasus.is_anonymous


def sees_reporter_contact(user: User | AnonymousUser, kasus: Kasus) -> bool:
    """Email and phone: never for OPD staff, whose work goes through the portal."""
    return sees_reporter_identity(user, kasus) and not is_opd_only(user)


def failed_emails(kasus: Kasus) -> list[OutboxEmail]:
    """Emails about the case the mail server refused for good or that ran out of attempts, newest first."""
    return list(
        OutboxEmail.objects.filter(kasus=kasus, state=OutboxEmail.State.FAILED)
        .only("to", "subject", "created_at", "failed_reason")
        .order_by("-created_at")[:20]
    )


def timeline(kasus: Kasus, visibilities: tuple[str, ...] | None = None) -> QuerySet[Riwayat]:
    """A case's entries with what actor_label() reads: actors and their OPD (present_entries adds their roles)."""
    qs = kasus.riwayat.select_related("actor__opd")
    qs = qs.order_by("created_at", "id")
    if visibilities is not None:
        qs = qs.filter(visibility__in=visibilities)
    return qs


def tindak_lanjut_of(kasus: Kasus) -> QuerySet[TindakLanjut]:
    return kasus.tindak_lanjut.select_related("opd").order_by("due_date", "id")


class CommitmentFilter(models.TextChoices):
    """What the staff and public commitment lists filter by: TindakLanjut's two statuses, late (open past its
    due date) and, on the staff list, all."""

    TERBUKA = TindakLanjut.Status.TERBUKA.value, gettext_lazy("Terbuka")
    TERLAMBAT = "terlambat", gettext_lazy("Terlambat")
    SELESAI = TindakLanjut.Status.SELESAI.value, gettext_lazy("Selesai")
    SEMUA = "semua", gettext_lazy("Semua")


def commitments(
    user: User | AnonymousUser, *, opd_id: int | None = None, status: str = CommitmentFilter.TERBUKA
) -> QuerySet[TindakLanjut]:
    """Tindak lanjut of the cases this staff member may open, earliest deadline (so the late ones) first."""
    qs = TindakLanjut.objects.filter(kasus__in=staff_cases(user)).select_related("kasus", "opd")
    if opd_id:
        qs = qs.filter(opd_id=opd_id)
    if status == CommitmentFilter.TERLAMBAT:
        qs = qs.filter(status=TindakLanjut.Status.TERBUKA, due_date__lt=timezone.localdate())
    elif status in TindakLanjut.Status.values:
        qs = qs.filter(status=status)
    return qs.order_by("due_date", "id")


def find_merge_target(reference: str) -> Kasus | None:
    return Kasus.objects.confirmed().filter(reference=reference.strip().upper()).first()


def kasus_for_tracking(reference: str) -> Kasus | None:
    return Kasus.objects.select_related("reporter").filter(reference=reference.strip().upper()).first()


# Choices for the action forms. Reference data changes rarely, so the lists are cached for a few
# minutes; the forms still validate against the live querysets, so a stale option is refused.
CHOICES_TTL = 5 * 60


def _cached_choices(name: str, build: Callable[[], list[Any]]) -> list[Any]:
    key = f"kasus:choices:{name}:{get_language()}"
    choices: list[Any] | None = cache.get(key)
    if choices is None:
        choices = build()
        cache.set(key, choices, CHOICES_TTL)
    return choices


def opd_choices() -> list[tuple[object, str]]:
    def build() -> list[tuple[object, str]]:
        rows = Opd.objects.filter(is_active=True).order_by("nama")
        return [("", "---------")] + [(o.pk, o.display_name) for o in rows]

    return _cached_choices("opd", build)


# Who a case can be assigned to.
OFFICERS = User.objects.filter(groups__name__in=[r.PETUGAS, r.OPD], is_active=True).distinct().order_by("full_name")


def officer_choices() -> list[tuple[object, str]]:
    def build() -> list[tuple[object, str]]:
        return [("", _("Tidak ada (lepas penugasan)"))] + [(u.pk, str(u)) for u in OFFICERS]

    return _cached_choices("officer", build)


def kategori_choices() -> list[tuple[object, str]]:
    def build() -> list[tuple[object, str]]:
        rows = Kategori.objects.filter(is_active=True).order_by("nama")
        return [("", "---------")] + [(k.pk, k.display_name) for k in rows]

    return _cached_choices("kategori", build)


def wilayah_choices() -> list[tuple[Any, Any]]:
    """Kecamatan and their desa/kelurahan as option groups, in Kemendagri code order (portal.wilayah.options)."""

    def build() -> list[tuple[Any, Any]]:
        groups = [
            (
                _("Kec. %(nama)s") % {"nama": kec.nama},
                [(kec.pk, _("Kecamatan %(nama)s (seluruhnya)") % {"nama": kec.nama})] + [(d.pk, d.nama) for d in desa],
            )
            for kec, desa in wilayah_groups(order="kode")
        ]
        return [("", "---------"), *groups]

    return _cached_choices("wilayah", build)


# Who acted ----------------------------------------------------------------------------------


def _resident_name(entry: Riwayat, kasus: Kasus) -> str:
    if entry.actor is not None:
        return str(entry.actor)
    return kasus.reporter_display() or _("Pelapor")


def actor_label(entry: Riwayat, kasus: Kasus, *, sees_identity: bool, staff_view: bool) -> str:
    """The one place that decides whose name a timeline entry shows, on every page, email and export.

    An action taken through the reporter's capabilities (tracking link, /kasus-saya/) is "Pelapor" to
    whoever may not know who reported, whoever was signed in; the portal's own periodic work is "Sistem";
    staff see colleagues' names, the public sees the OPD or "Petugas Pemkab".
    """
    actor = entry.actor
    by_reporter = entry.by_reporter or (actor is not None and kasus.reporter_id == actor.pk)
    if by_reporter:
        return _resident_name(entry, kasus) if sees_identity else _("Pelapor")
    if actor is None:
        return _("Sistem")
    if not r.is_staff_member(actor):  # roles primed by present_entries
        return str(actor) if sees_identity else _("Warga")
    if staff_view:
        return str(actor)
    if actor.opd_id and actor.opd is not None:
        return actor.opd.display_name
    return _("Petugas Pemkab")


def present_entries(entries: list[Riwayat], kasus: Kasus, *, sees_identity: bool, staff_view: bool) -> list[Riwayat]:
    """Give each entry its text in the active language (`body`) and who acted (`actor_label`), for this viewer."""
    r.prime_roles(entry.actor for entry in entries if entry.actor is not None)
    for entry, body in zip(entries, riwayat_texts(entries), strict=True):
        entry.body = body
        entry.actor_label = actor_label(entry, kasus, sees_identity=sees_identity, staff_view=staff_view)
    return entries


# What the public may see ---------------------------------------------------------------------------------------------

# A case is public once staff verified it, unless it is confidential, merged away, rejected, or waiting on its reporter.
NEVER_PUBLIC_STATUSES = (Status.BARU, Status.DITOLAK)
PUBLIC_HIDDEN_STATUSES = (*NEVER_PUBLIC_STATUSES, Status.MENUNGGU_INFORMASI, Status.DIGABUNG)


def public_q(prefix: str = "") -> Q:
    """The one rule for "a public case", as a filter; `prefix` reaches it through a relation ("kasus__")."""
    return Q(
        **{
            f"{prefix}confirmed_at__isnull": False,
            f"{prefix}is_confidential": False,
            f"{prefix}merged_into__isnull": True,
        }
    ) & ~Q(**{f"{prefix}status__in": PUBLIC_HIDDEN_STATUSES})


def public_cases() -> QuerySet[Kasus]:
    """Every case a public page, map, feed or digest may show."""
    return Kasus.objects.filter(public_q())


# What residents follow, map and subscribe to is narrower than public_cases: aspirasi registers "reported as an
# aspirasi" here in its AppConfig.ready, so portal.ikuti reads it without importing a feature app.
_reported_cases: list[Callable[[], QuerySet[Kasus]]] = []


def register_reported_cases(source: Callable[[], QuerySet[Kasus]]) -> None:
    _reported_cases[:] = [source]


def reported_public_cases() -> QuerySet[Kasus]:
    """The public cases residents follow and subscribe to: the registered source's, else every public case."""
    return _reported_cases[0]() if _reported_cases else public_cases()


def public_page_q(prefix: str = "") -> Q:
    """Deliberately wider than `public_q` for a case's own public page and its commitments: a merged case keeps
    its page to link to its survivor, and a case waiting on its reporter keeps the page it already had."""
    return Q(**{f"{prefix}confirmed_at__isnull": False, f"{prefix}is_confidential": False}) & ~Q(
        **{f"{prefix}status__in": NEVER_PUBLIC_STATUSES}
    )
