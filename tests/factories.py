"""Factories for the foundation models. Feature apps keep theirs in tests/<app>/factories.py."""

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.models import Group

from portal.akun.models import User
from portal.kasus import services
from portal.kasus.models import Channel, Kasus
from portal.wilayah.models import Kategori, Opd, Pejabat, Wilayah

TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
PASSWORD = "rahasia-Uji-123"


def desa(name: str | None = None) -> Wilayah:
    qs = Wilayah.objects.filter(tingkat__in=["desa", "kelurahan"]).select_related("parent")
    return qs.get(nama=name) if name else qs.first()


def kecamatan(name: str | None = None) -> Wilayah:
    qs = Wilayah.objects.filter(tingkat="kecamatan")
    return qs.get(nama=name) if name else qs.first()


class OpdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Opd

    nama = factory.Sequence(lambda n: f"Dinas Uji {n}")
    singkatan = factory.Sequence(lambda n: f"DU{n}")
    email = factory.Sequence(lambda n: f"opd{n}@wonogirikab.go.id")


class KategoriFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Kategori

    nama = factory.Sequence(lambda n: f"Kategori Uji {n}")
    slug = factory.Sequence(lambda n: f"kategori-uji-{n}")


class PejabatFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pejabat

    jabatan = factory.Sequence(lambda n: f"Pejabat Uji {n}")
    nama = factory.Faker("name", locale="id_ID")
    slug = factory.Sequence(lambda n: f"pejabat-uji-{n}")
    lokasi = "Pendapa Rumah Dinas Bupati"


class UserFactory(factory.django.DjangoModelFactory):
    """A resident (warga) with a verified email."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"warga{n}@example.org")
    full_name = factory.Faker("name", locale="id_ID")
    phone = factory.Sequence(lambda n: f"0812{n:08d}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        self.save()
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


class StaffFactory(UserFactory):
    """A staff member with a role and TOTP enrolled. Use role="opd" with opd=<Opd>."""

    email = factory.Sequence(lambda n: f"staf{n}@wonogirikab.go.id")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create:
            self.groups.add(Group.objects.get(name=extracted or "petugas"))

    @factory.post_generation
    def mfa(self, create, extracted, **kwargs):
        if create and extracted is not False:
            TOTP.activate(self, TOTP_SECRET)


def staff(role: str = "petugas", **kwargs) -> User:
    if role == "opd" and "opd" not in kwargs:
        kwargs["opd"] = OpdFactory()
    return StaffFactory(role=role, **kwargs)


def open_kasus(reporter: User | None = None, **kwargs) -> Kasus:
    """A confirmed case opened through the service, as a resident would."""
    defaults = {
        "title": "Jalan berlubang di depan balai desa",
        "summary": "Lubang besar membahayakan pengendara motor, terutama malam hari.",
        "channel": Channel.WEB,
        "wilayah": desa(),
        "notify": False,
        "actor": None,
    }
    if reporter is not None:
        defaults["reporter"] = reporter
    defaults.update(kwargs)
    return services.kasus_open(**defaults)


def kasus_at(status: str, *, opd: Opd | None = None, actor: User | None = None, **kwargs) -> Kasus:
    """A case walked through the real services until it reaches `status`."""
    kasus = open_kasus(**kwargs)
    opd = opd or OpdFactory()
    steps = {
        "verify": lambda: services.kasus_verify(kasus_id=kasus.pk, actor=actor),
        "reject": lambda: services.kasus_reject(kasus_id=kasus.pk, actor=actor, reason="Di luar kewenangan"),
        "request_info": lambda: services.kasus_request_info(kasus_id=kasus.pk, actor=actor, question="Lokasi?"),
        "dispose": lambda: services.kasus_dispose(kasus_id=kasus.pk, actor=actor, opd=opd),
        "start": lambda: services.kasus_start(kasus_id=kasus.pk, actor=actor),
        "answer": lambda: services.kasus_answer(kasus_id=kasus.pk, actor=actor, answer="Sudah diperbaiki."),
        "accept": lambda: services.kasus_accept(kasus_id=kasus.pk, actor=actor, rating=5),
        "dispute": lambda: services.kasus_dispute(kasus_id=kasus.pk, actor=actor, reason="Belum diperbaiki."),
    }
    for step in services.WALKS[status]:
        steps[step]()
    kasus.refresh_from_db()
    assert kasus.status == status, f"no walk to {status}"  # a merged case needs a target: see kasus_merge
    return kasus


__all__ = [
    "PASSWORD",
    "TOTP_SECRET",
    "KategoriFactory",
    "OpdFactory",
    "PejabatFactory",
    "StaffFactory",
    "UserFactory",
    "desa",
    "kasus_at",
    "kecamatan",
    "open_kasus",
    "staff",
]
