"""Public cases and subscriptions for the following tests."""

from portal.ikuti.models import LanggananWilayah
from portal.kasus import services
from tests.aspirasi.factories import submit
from tests.factories import UserFactory, desa


def public_case(**kwargs):
    """A verified case in a desa, reported by a signed-in resident (so it is confirmed at once)."""
    kwargs.setdefault("reporter", UserFactory())
    kasus = submit(**kwargs).kasus
    services.kasus_verify(kasus_id=kasus.pk, actor=None)
    kasus.refresh_from_db()
    return kasus


def subscription(*, wilayah=None, **kwargs) -> LanggananWilayah:
    kwargs.setdefault("email", "tetangga@example.org")
    return LanggananWilayah.objects.create(wilayah=wilayah or desa().parent, **kwargs)
