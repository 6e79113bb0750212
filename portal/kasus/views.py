from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from portal.akun.access import staff_required

from .models import Kasus


@login_required
def my_cases(request):
    cases = Kasus.objects.filter(reporter=request.user)
    return render(request, "kasus/mine.html", {"cases": cases})


def track(request):
    return render(request, "kasus/track.html", {})


def track_detail(request, token):
    kasus = get_object_or_404(Kasus, tracking_token=token)
    return render(request, "kasus/track_detail.html", {"kasus": kasus})


@staff_required()
def staff_queue(request):
    return render(request, "kasus/staff_queue.html", {"cases": Kasus.objects.all()[:50]})


@staff_required()
def staff_detail(request, reference):
    kasus = get_object_or_404(Kasus, reference=reference)
    return render(request, "kasus/staff_detail.html", {"kasus": kasus})
