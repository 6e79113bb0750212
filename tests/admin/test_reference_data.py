import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group

from portal.akun.models import User
from portal.audit.models import AuditEntry
from portal.kasus.models import HariLibur
from portal.wilayah.models import Opd
from tests.factories import OpdFactory, UserFactory, staff

pytestmark = pytest.mark.django_db


def _post_opd(client, opd: Opd, **changes):
    data = {"nama": opd.nama, "nama_en": opd.nama_en, "singkatan": opd.singkatan, "email": opd.email}
    if opd.is_active:
        data["is_active"] = "on"
    data.update(changes)
    return client.post(f"/admin/wilayah/opd/{opd.pk}/change/", data)


def test_an_admin_edit_of_an_opd_is_saved_and_audited_with_its_actor_and_old_and_new_values(client):
    admin = staff("admin", is_staff=True, is_superuser=True)
    client.force_login(admin)
    opd = OpdFactory(email="lama@wonogirikab.go.id")
    response = _post_opd(client, opd, email="baru@wonogirikab.go.id")
    assert response.status_code == 302
    opd.refresh_from_db()
    assert opd.email == "baru@wonogirikab.go.id"
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.action, entry.object_type, entry.object_id) == (
        admin,
        "reference.changed",
        "wilayah.opd",
        str(opd.pk),
    )
    assert entry.changes == {"email": ["lama@wonogirikab.go.id", "baru@wonogirikab.go.id"]}


def test_adding_a_holiday_in_the_admin_is_audited(client):
    admin = staff("admin", is_staff=True, is_superuser=True)
    client.force_login(admin)
    response = client.post("/admin/kasus/harilibur/add/", {"date": "2026-12-24", "name": "Cuti bersama"})
    assert response.status_code == 302
    holiday = HariLibur.objects.get()
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.action, entry.object_id) == (admin, "reference.created", str(holiday.pk))
    assert entry.changes == {"date": [None, "2026-12-24"], "name": [None, "Cuti bersama"]}


def test_deleting_an_opd_in_the_admin_is_audited_before_the_row_goes(client):
    admin = staff("admin", is_staff=True, is_superuser=True)
    client.force_login(admin)
    opd = OpdFactory(nama="Dinas Uji Hapus")
    response = client.post(f"/admin/wilayah/opd/{opd.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Opd.objects.filter(pk=opd.pk).exists()
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.action, entry.object_id, entry.object_repr) == (
        admin,
        "reference.deleted",
        str(opd.pk),
        str(opd),
    )


def test_bulk_deleting_opds_in_the_admin_audits_each_one(client):
    client.force_login(staff("admin", is_staff=True, is_superuser=True))
    opds = [OpdFactory(), OpdFactory()]
    response = client.post(
        "/admin/wilayah/opd/",
        {"action": "delete_selected", "_selected_action": [o.pk for o in opds], "post": "yes"},
    )
    assert response.status_code == 302
    deleted = set(AuditEntry.objects.filter(action="reference.deleted").values_list("object_id", flat=True))
    assert deleted == {str(o.pk) for o in opds}


def test_changing_a_users_role_and_opd_in_the_admin_records_both(client):
    admin = staff("admin", is_staff=True, is_superuser=True)
    client.force_login(admin)
    user = staff("petugas")
    opd = OpdFactory()
    data = {
        "email": user.email,
        "full_name": user.full_name,
        "phone": user.phone,
        "language": user.language,
        "groups": [Group.objects.get(name="opd").pk],
        "opd": opd.pk,
        "is_active": "on",
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
    }
    response = client.post(f"/admin/akun/user/{user.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    user = User.objects.get(pk=user.pk)
    assert list(user.groups.values_list("name", flat=True)) == ["opd"]
    entry = AuditEntry.objects.get()
    assert entry.actor == admin
    assert entry.changes["groups"] == [["petugas"], ["opd"]]
    assert entry.changes["opd"] == [None, str(opd)]


def test_adding_a_user_in_the_admin_is_audited_without_the_password(client):
    admin = staff("admin", is_staff=True, is_superuser=True)
    client.force_login(admin)
    data = {"email": "baru@wonogirikab.go.id", "full_name": "Petugas Baru", "password1": "Rahasia-Panjang-42!"}
    data["password2"] = data["password1"]
    response = client.post("/admin/akun/user/add/", data)
    assert response.status_code == 302
    user = User.objects.get(email="baru@wonogirikab.go.id")
    assert user.check_password("Rahasia-Panjang-42!")
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.action, entry.object_id) == (admin, "reference.created", str(user.pk))
    assert "Rahasia-Panjang-42!" not in str(entry.changes)
    assert entry.changes["email"] == [None, "baru@wonogirikab.go.id"]


def test_an_admin_edit_of_a_role_group_is_audited(client):
    admin = staff("admin", is_staff=True, is_superuser=True)
    client.force_login(admin)
    group = Group.objects.get(name="opd")
    response = client.post(f"/admin/auth/group/{group.pk}/change/", {"name": "opd", "permissions": []})
    assert response.status_code == 302
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.action, entry.object_type, entry.object_id) == (
        admin,
        "reference.changed",
        "auth.group",
        str(group.pk),
    )


def test_verifying_an_email_address_in_the_admin_is_audited(client):
    admin = staff("admin", is_staff=True, is_superuser=True)
    client.force_login(admin)
    resident = UserFactory()
    address = EmailAddress.objects.create(user=resident, email="kedua@example.org", verified=False, primary=False)
    response = client.post(
        "/admin/account/emailaddress/", {"action": "make_verified", "_selected_action": [address.pk]}
    )
    assert response.status_code == 302
    address.refresh_from_db()
    assert address.verified
    entry = AuditEntry.objects.get(object_type="account.emailaddress")
    assert (entry.actor, entry.action, entry.changes) == (admin, "reference.changed", {"verified": [False, True]})


def test_removing_a_lost_authenticator_in_the_admin_is_audited_and_its_secret_never_shown(client):
    admin = staff("admin", is_staff=True, is_superuser=True)
    client.force_login(admin)
    petugas = staff()
    authenticator = Authenticator.objects.get(user=petugas)
    page = client.get(f"/admin/mfa/authenticator/{authenticator.pk}/change/")
    assert page.status_code == 200
    assert authenticator.data["secret"] not in page.content.decode()
    response = client.post(f"/admin/mfa/authenticator/{authenticator.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Authenticator.objects.filter(pk=authenticator.pk).exists()
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.action, entry.object_type) == (admin, "reference.deleted", "mfa.authenticator")
