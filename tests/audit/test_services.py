import pytest

from portal.audit.models import AuditEntry
from portal.audit.services import audit_record
from portal.wilayah.models import Opd
from tests.factories import staff

pytestmark = pytest.mark.django_db


def test_it_records_the_actor_the_action_and_the_object():
    admin = staff("admin")
    opd = Opd.objects.first()
    entry = audit_record(actor=admin, action="wilayah.opd_changed", obj=opd, changes={"email": ["a@x.id", "b@x.id"]})
    assert AuditEntry.objects.get() == entry
    assert (entry.actor, entry.object_type, entry.object_id) == (admin, "wilayah.opd", str(opd.pk))
    assert entry.changes == {"email": ["a@x.id", "b@x.id"]}


def test_it_refuses_an_action_without_a_namespace():
    with pytest.raises(ValueError, match="namespaced"):
        audit_record(actor=None, action="changed")
    assert not AuditEntry.objects.exists()
