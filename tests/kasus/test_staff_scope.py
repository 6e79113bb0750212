"""One staff-scope rule: the queue's query and the check on a loaded case agree for every role."""

import pytest

from portal.akun import roles
from portal.kasus import selectors
from tests.factories import OpdFactory, kasus_at, staff

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", roles.STAFF_ROLES)
def test_the_query_and_the_loaded_case_check_agree(role):
    opd, other = OpdFactory(), OpdFactory()
    user = staff(role, opd=opd) if role == roles.OPD else staff(role)
    for kasus in (kasus_at("didisposisikan", opd=opd), kasus_at("didisposisikan", opd=other), kasus_at("baru")):
        in_query = selectors.staff_cases(user).filter(pk=kasus.pk).exists()
        assert selectors.staff_can_view(user, kasus) == in_query


def test_an_opd_officer_sees_only_the_cases_disposed_to_their_opd():
    opd = OpdFactory()
    officer = staff(roles.OPD, opd=opd)
    own, elsewhere = kasus_at("didisposisikan", opd=opd), kasus_at("didisposisikan", opd=OpdFactory())
    assert selectors.is_own_opd_case(officer, own) and not selectors.is_own_opd_case(officer, elsewhere)
    assert list(selectors.staff_cases(officer)) == [own]
