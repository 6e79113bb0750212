from celery import shared_task
from django.utils import timezone

from portal.wilayah.models import Opd

from . import selectors, services


@shared_task(ignore_result=True)
def dasbor_refresh() -> int:
    """Recompute the figures the pages open on, for the regency and every OPD, so no view waits for them.

    One pass per period for every scope at once (see `compute_scopes`)."""
    today = timezone.localdate()
    scopes = [None, *Opd.objects.filter(is_active=True).values_list("pk", flat=True)]
    return sum(len(selectors.refresh_scopes(period, scopes)) for period in selectors.standard_periods(today))


@shared_task(ignore_result=True)
def dasbor_monthly_report() -> int:
    return services.laporan_send_if_due()
