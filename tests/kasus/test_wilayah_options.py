"""One builder groups desa/kelurahan under their kecamatan for every form's <select>."""

import pytest

from aspirasi import selectors as aspirasi_selectors
from portal.kasus import selectors
from portal.wilayah.options import wilayah_groups

pytestmark = pytest.mark.django_db


def test_the_aspirasi_form_and_the_case_form_offer_the_same_desa_under_the_same_kecamatan():
    by_name = {kec.pk: {d.pk for d in desa} for kec, desa in aspirasi_selectors.wilayah_options()}
    case_form = {
        options[0][0]: {pk for pk, _label in options[1:]} for _group, options in selectors.wilayah_choices()[1:]
    }
    assert by_name == case_form and len(by_name) >= 15


def test_it_orders_by_name_for_residents_and_by_code_for_staff():
    names = [kec.nama for kec, _desa in wilayah_groups(order="nama")]
    codes = [kec.kode for kec, _desa in wilayah_groups(order="kode")]
    assert names == sorted(names) and codes == sorted(codes)
