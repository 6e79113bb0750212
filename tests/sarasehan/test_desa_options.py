"""Sarasehan forms offer desa/kelurahan from the one grouped wilayah option builder."""

import pytest

from portal.wilayah.options import wilayah_groups
from sarasehan.forms import WalkInForm
from tests.factories import desa, kecamatan

pytestmark = pytest.mark.django_db


def test_it_groups_the_desa_options_under_their_kecamatan_like_every_form():
    field = WalkInForm().fields["desa"]
    grouped = [(label, [pk for pk, _name in options]) for label, options in list(field.choices)[1:]]
    assert grouped == [(kec.nama, [d.pk for d in rows]) for kec, rows in wilayah_groups()]


def test_it_accepts_a_desa_and_refuses_a_kecamatan():
    assert WalkInForm(data={"name": "Bu Sri", "desa": desa().pk}).is_valid()
    form = WalkInForm(data={"name": "Bu Sri", "desa": kecamatan().pk})
    assert not form.is_valid() and "desa" in form.errors
