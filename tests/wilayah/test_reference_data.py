import pytest
from django.utils import translation

from portal.wilayah.models import Kategori, Opd, Pejabat, Wilayah


@pytest.mark.django_db
def test_it_loads_every_region_of_wonogiri_with_its_parent():
    counts = {t: Wilayah.objects.filter(tingkat=t).count() for t in ("kabupaten", "kecamatan", "desa", "kelurahan")}
    assert counts == {"kabupaten": 1, "kecamatan": 25, "desa": 251, "kelurahan": 43}
    desa = Wilayah.objects.select_related("parent").get(kode="33.12.01.2001")
    assert desa.nama == "Sumberagung"
    assert desa.kecamatan == desa.parent and desa.parent.nama == "Pracimantoro"


@pytest.mark.django_db
def test_it_seeds_agencies_categories_and_the_two_officials():
    assert Opd.objects.filter(singkatan="BPBD").exists()
    assert Kategori.objects.get(slug="bencana").default_opd.singkatan == "BPBD"
    assert list(Pejabat.objects.values_list("slug", flat=True)) == ["bupati", "wakil-bupati"]


@pytest.mark.django_db
def test_it_hangs_every_village_under_a_kecamatan():
    villages = Wilayah.objects.filter(tingkat__in=["desa", "kelurahan"])
    assert villages.exclude(parent__tingkat="kecamatan").count() == 0
    assert villages.filter(kode__startswith="33.12.", kode__regex=r"\.1\d{3}$").count() == 43


@pytest.mark.django_db
def test_it_names_reference_data_in_english_under_english_where_the_names_differ():
    health = Opd.objects.get(singkatan="Dinkes")
    kategori = Kategori.objects.get(slug="kesehatan")
    bupati = Pejabat.objects.get(slug="bupati")
    with translation.override("id"):
        assert (health.display_name, str(kategori), bupati.display_jabatan) == (
            "Dinas Kesehatan",
            "Kesehatan",
            "Bupati Wonogiri",
        )
    with translation.override("en"):
        assert (health.display_name, str(kategori), bupati.display_jabatan) == (
            "Health Office",
            "Health",
            "Regent of Wonogiri",
        )
        assert str(translation.gettext("Kecamatan")) == "District"


@pytest.mark.django_db
def test_it_falls_back_to_the_indonesian_name_when_no_english_one_is_given():
    opd = Opd.objects.create(nama="Dinas Baru Uji", singkatan="")
    with translation.override("en"):
        assert opd.display_name == str(opd) == "Dinas Baru Uji"


@pytest.mark.django_db
def test_it_offers_the_categories_of_the_aspirasi_form_in_the_readers_language(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/aspirasi/kirim/").content.decode()
    assert ">Clean Water and Sanitation<" in html and "Air Bersih dan Sanitasi" not in html


@pytest.mark.django_db
def test_it_names_a_kecamatan_the_way_each_language_does():
    kecamatan = Wilayah.objects.get(tingkat="kecamatan", nama="Baturetno")
    with translation.override("id"):
        assert str(kecamatan) == "Kecamatan Baturetno"
    with translation.override("en"):
        assert str(kecamatan) == "Baturetno District"
