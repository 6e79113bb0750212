import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from dasbor import report, selectors
from dasbor.figures import month_period
from portal.kasus.models import Kasus, late_q
from tests.factories import kasus_at, staff

from .factories import generated_set

pytestmark = pytest.mark.django_db
OCTOBER = month_period(2026, 10)


@pytest.fixture
def cases():
    return generated_set()


def personal_data(cases) -> list[str]:
    values = []
    for user in cases["reporters"]:
        values += [user.full_name, user.email, user.phone]
    return [v for v in values if v]


def test_it_shows_the_dashboard_with_the_periods_figures_to_pimpinan(client, cases):
    client.force_login(staff("pimpinan"))
    response = client.get(
        reverse("dasbor:dashboard"), {"periode": "rentang", "dari": "2026-10-01", "sampai": "2026-10-31"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    data = selectors.figures(OCTOBER).data
    assert response.context["data"]["incoming"] == data["incoming"]
    assert f'<p class="stat">{data["incoming"]}</p>' in html
    assert html.count("<path d=") == 25  # every kecamatan drawn
    assert 'style="' not in html.split("<main", 1)[1]  # nothing the CSP would block


def test_opd_staff_see_only_their_own_opds_figures(client, cases):
    mine, other = cases["opds"]
    client.force_login(staff("opd", opd=mine))
    response = client.get(reverse("dasbor:dashboard"), {"periode": "tahun-ini"})
    assert response.status_code == 200
    rows = response.context["data"]["per_opd"]
    assert set(rows) <= {str(mine.pk)}
    assert other.nama not in response.content.decode()


def test_residents_cannot_open_the_dashboard_or_the_reports(client, cases):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    assert client.get(reverse("dasbor:dashboard")).status_code == 403
    assert client.get(reverse("dasbor:laporan")).status_code == 403


def test_bad_period_input_falls_back_to_this_month_without_an_error(client, cases):
    client.force_login(staff("petugas"))
    for query in ({"periode": "rentang", "dari": "kemarin"}, {"periode": "x"}, {"urut": "'; drop"}, {"peta": "z"}):
        assert client.get(reverse("dasbor:dashboard"), query).status_code == 200
    assert client.get(reverse("dasbor:transparansi"), {"bulan": "2026-13"}).status_code == 200


def test_the_public_page_shows_any_month_without_personal_data(client, cases):
    html = client.get(reverse("dasbor:transparansi"), {"bulan": "2026-10"}).content.decode()
    assert f'<p class="stat">{selectors.figures(OCTOBER).data["incoming"]}</p>' in html
    assert html.count("<path d=") == 25
    for value in personal_data(cases):
        assert value not in html


def test_the_old_transparency_address_redirects(client):
    response = client.get("/aspirasi/transparansi/?bulan=2026-10")
    assert response.status_code == 301 and response["Location"] == "/transparansi/?bulan=2026-10"


def test_the_pdf_opens_and_carries_the_months_figures_without_personal_data(cases):
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(report.build_pdf(OCTOBER))).pages)
    data = selectors.figures(OCTOBER).data
    assert "Oktober 2026" in text
    assert f"Kasus masuk\n{data['incoming']}\n" in text
    assert f"Dijawab\n{data['levels']['answered']}\n" in text
    for value in personal_data(cases):
        assert value not in text


def test_the_xlsx_opens_and_its_sums_match_the_figures(cases):
    workbook = load_workbook(io.BytesIO(report.build_xlsx(OCTOBER)))
    data = selectors.figures(OCTOBER).data
    channels = list(workbook["Per kanal"].iter_rows(min_row=2, values_only=True))
    assert sum(n for _name, n in channels) == data["incoming"]
    opd_rows = list(workbook["Per OPD"].iter_rows(min_row=2, values_only=True))
    assert sum(row[1] for row in opd_rows) == data["incoming"]
    assert sum(row[2] for row in opd_rows) == data["levels"]["answered"]
    raw = list(workbook.worksheets[-1].iter_rows(min_row=2, values_only=True))
    assert len(raw) == data["incoming"]
    everything = " ".join(
        str(c) for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True) for c in row
    )
    for value in personal_data(cases):
        assert value not in everything


def test_the_xlsx_case_sheet_marks_exactly_the_late_cases(cases):
    workbook = load_workbook(io.BytesIO(report.build_xlsx(OCTOBER)))
    start, end = OCTOBER.bounds()
    in_month = Kasus.objects.confirmed().filter(confirmed_at__gte=start, confirmed_at__lt=end)
    late = set(in_month.filter(late_q()).values_list("reference", flat=True))
    raw = list(workbook.worksheets[-1].iter_rows(min_row=2, values_only=True))
    assert late and {row[0] for row in raw if row[-1] is True} == late
    assert {row[-1] for row in raw} == {True, False}


def test_staff_download_a_months_report(client, cases):
    client.force_login(staff("pimpinan"))
    pdf = client.get(reverse("dasbor:laporan"), {"bulan": "2026-10", "format": "pdf"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    xlsx = client.get(reverse("dasbor:laporan"), {"bulan": "2026-10", "format": "xlsx"})
    assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")
    assert client.get(reverse("dasbor:laporan")).status_code == 200


def test_the_opd_league_table_sorts_by_the_chosen_column(client, cases):
    client.force_login(staff("pimpinan"))
    query = {"periode": "rentang", "dari": "2026-09-01", "sampai": "2026-11-30", "urut": "received"}
    rows = client.get(reverse("dasbor:dashboard"), query).context["opd_rows"]
    assert [r["received"] for r in rows] == sorted((r["received"] for r in rows), reverse=True)
    assert f"?opd={rows[0]['key']}" in client.get(reverse("dasbor:dashboard"), query).content.decode()


def test_the_map_is_shaded_by_the_on_time_share_until_populations_are_entered(client, cases):
    from portal.wilayah.models import Wilayah

    # The generated set enters one kecamatan's population.
    assert client.get(reverse("dasbor:transparansi")).context["measure"] == "per_10k"
    Wilayah.objects.update(penduduk=None)
    assert client.get(reverse("dasbor:transparansi")).context["measure"] == "on_time_pct"


def test_the_public_tables_download_as_csv_and_xlsx_without_personal_data(client, cases):
    page = client.get(reverse("dasbor:transparansi"), {"bulan": "2026-10"})
    assert "angka.xlsx?bulan=2026-10" in page.content.decode()
    xlsx = client.get(reverse("dasbor:transparansi_xlsx"), {"bulan": "2026-10"})
    workbook = load_workbook(io.BytesIO(xlsx.content))
    assert "Sepuluh kasus terbuka tertua" not in workbook.sheetnames
    channels = list(workbook["Per kanal"].iter_rows(min_row=2, values_only=True))
    assert sum(n for _name, n in channels) == selectors.figures(OCTOBER).data["incoming"]
    csv = client.get(reverse("dasbor:transparansi_csv"), {"bulan": "2026-10", "tabel": "3"}).content.decode()
    assert csv.startswith("OPD,Diterima")
    for value in personal_data(cases):
        assert value not in csv
    assert client.get(reverse("dasbor:transparansi_csv"), {"tabel": "99"}).status_code == 404
    assert client.get(reverse("dasbor:transparansi_csv"), {"tabel": "x"}).status_code == 404


def test_opd_staff_without_an_opd_see_no_figures_rather_than_the_regencys(client):
    client.force_login(staff("opd", opd=None))
    assert client.get(reverse("dasbor:dashboard")).status_code == 403


def test_the_public_page_links_each_public_tables_csv_without_computing_them(client, cases):
    titles = [title for title, _header, _rows in report.report_tables(OCTOBER, public=True)]
    assert report.public_table_titles() == titles
    response = client.get(reverse("dasbor:transparansi"), {"bulan": "2026-10"})
    assert response.context["downloads"] == titles


def test_the_public_page_runs_the_same_queries_whatever_the_number_of_cases(client, cases):
    def count() -> int:
        selectors.refresh(OCTOBER)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("dasbor:transparansi"), {"bulan": "2026-10"}).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    for status in ("diverifikasi", "didisposisikan", "ditutup"):
        kasus_at(status)
    assert count() == few
