"""PDF attachments are rewritten: the stored copy has no scripts, actions, attached files or metadata."""

import io

import pikepdf
import pytest
from django.urls import reverse

from aspirasi.files import FileRefused, clean_upload
from aspirasi.models import Lampiran
from portal.kasus import services
from tests.factories import OpdFactory, UserFactory, staff

from .factories import raw_pdf, submit, upload

ACTIVE_KEYS = {"/JavaScript", "/JS", "/Launch", "/OpenAction", "/AA", "/EmbeddedFiles", "/EF", "/Metadata", "/URI"}
ACTIVE_ACTIONS = {"/JavaScript", "/Launch", "/URI"}


def _names_in(obj, found: set[str]) -> None:
    """Every dictionary key and every action type in obj and the direct objects inside it."""
    if isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
        found.update(obj.keys())
        if "/S" in obj:
            found.add(str(obj["/S"]))
        children = list(obj.values())
    elif isinstance(obj, pikepdf.Array):
        children = list(obj)
    else:
        return
    for child in children:
        if isinstance(child, pikepdf.Object) and not child.is_indirect:
            _names_in(child, found)


def assert_inert(content: bytes) -> pikepdf.Pdf:
    """The stored copy parsed back: one page, and nothing in any object that runs, opens or tells who wrote it."""
    pdf = pikepdf.open(io.BytesIO(content))
    assert len(pdf.pages) == 1
    assert "/Info" not in pdf.trailer and "/Metadata" not in pdf.Root
    assert not pdf.attachments
    found: set[str] = set()
    _names_in(pdf.trailer, found)
    for obj in pdf.objects:
        _names_in(obj, found)
    assert not found & ACTIVE_KEYS
    assert not found & ACTIVE_ACTIONS
    return pdf


def hidden_in_object_streams(build) -> bytes:
    """A PDF whose dictionaries all sit in compressed object streams, so no name shows in the raw bytes."""
    pdf = pikepdf.new()
    pdf.add_blank_page()
    build(pdf)
    out = io.BytesIO()
    pdf.save(out, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return out.getvalue()


def stored(content: bytes) -> bytes:
    clean = clean_upload(upload("surat.pdf", content, "application/pdf"))
    assert clean.content_type == "application/pdf" and clean.name == "surat.pdf"
    return clean.content


def test_it_keeps_the_pages_of_an_ordinary_pdf():
    pdf = assert_inert(stored(raw_pdf()))
    assert b"Berita acara" in pdf.pages[0].Contents.read_bytes()


def test_it_strips_javascript_spelled_with_an_escaped_name():
    content = raw_pdf(
        catalog=b"/Names << /J#61vaScript << /Names [(a) 5 0 R] >> >>",
        objects=(b"<< /S /J#61vaScript /J#53 (app.alert\\(1\\)) >>",),
    )
    assert b"/JavaScript" not in content
    assert_inert(stored(content))


def test_it_strips_javascript_with_a_newline_after_js():
    content = raw_pdf(catalog=b"/OpenAction 5 0 R", objects=(b"<< /S /J#61vaScript /JS\n(app.alert\\(1\\)) >>",))
    assert_inert(stored(content))


def test_it_strips_javascript_inside_a_compressed_object_stream():
    def build(pdf):
        script = pdf.make_indirect(pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)")))
        pdf.pages[0].obj.AA = pikepdf.Dictionary(O=script)
        pdf.Root.Names = pikepdf.Dictionary(JavaScript=pikepdf.Dictionary(Names=pikepdf.Array(["a", script])))

    content = hidden_in_object_streams(build)
    assert b"JavaScript" not in content and b"app.alert" not in content
    assert_inert(stored(content))


def test_it_strips_a_launch_action_on_a_link():
    def build(pdf):
        launch = pikepdf.Dictionary(S=pikepdf.Name.Launch, F=pikepdf.String("cmd.exe"))
        link = pdf.make_indirect(
            pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=[0, 0, 50, 50], A=launch)
        )
        pdf.pages[0].obj.Annots = pikepdf.Array([link])

    content = hidden_in_object_streams(build)
    assert b"Launch" not in content
    pdf = assert_inert(stored(content))
    assert [str(a.Subtype) for a in pdf.pages[0].obj.Annots] == ["/Link"]


def test_it_strips_an_open_action_that_opens_a_web_address():
    content = raw_pdf(catalog=b"/OpenAction << /S /URI /URI (https://contoh.invalid/phish) >>")
    assert_inert(stored(content))


def test_it_strips_embedded_files_and_file_attachment_annotations():
    def build(pdf):
        pdf.attachments["surat.exe"] = pikepdf.AttachedFileSpec(pdf, b"MZ\x90\x00")
        pin = pdf.make_indirect(
            pikepdf.Dictionary(
                Type=pikepdf.Name.Annot,
                Subtype=pikepdf.Name.FileAttachment,
                Rect=[0, 0, 20, 20],
                FS=pdf.Root.Names.EmbeddedFiles.Names[1],
            )
        )
        pdf.pages[0].obj.Annots = pikepdf.Array([pin])

    pdf = assert_inert(stored(hidden_in_object_streams(build)))
    assert len(pdf.pages[0].obj.get("/Annots", [])) == 0


def test_it_removes_document_information_and_xmp_metadata():
    def build(pdf):
        pdf.docinfo["/Author"] = "Budi Santoso"
        pdf.docinfo["/Creator"] = "HP Budi"
        pdf.docinfo["/Telepon"] = "081234567890"
        with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
            meta["dc:creator"] = ["budi.santoso@example.org"]

    content = hidden_in_object_streams(build)
    clean = stored(content)
    assert_inert(clean)
    for secret in (b"Budi", b"081234567890", b"budi.santoso"):
        assert secret not in clean


def _encrypted() -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    out = io.BytesIO()
    pdf.save(out, encryption=pikepdf.Encryption(user="rahasia", owner="rahasia"))
    return out.getvalue()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"%PDF-1.7\nbukan isi pdf sama sekali\n%%EOF\n", "rusak"),
        (raw_pdf().replace(b"/Count 1", b"/Count 0").replace(b"/Kids [3 0 R]", b"/Kids []"), "rusak"),
        (_encrypted(), "kata sandi"),
    ],
    ids=["unparseable", "no-pages", "password"],
)
def test_it_refuses_a_pdf_it_cannot_rewrite(content, expected):
    with pytest.raises(FileRefused, match=expected):
        clean_upload(upload("surat.pdf", content, "application/pdf"))


@pytest.mark.django_db
def test_the_opd_answer_goes_through_the_same_rewriting(client):
    opd = OpdFactory()
    kasus = submit(reporter=UserFactory()).kasus
    petugas = staff("petugas")
    services.kasus_verify(kasus_id=kasus.pk, actor=petugas)
    services.kasus_dispose(kasus_id=kasus.pk, actor=petugas, opd=opd)
    officer = staff("opd", opd=opd)
    services.kasus_start(kasus_id=kasus.pk, actor=officer)
    client.force_login(officer)
    hostile = raw_pdf(catalog=b"/OpenAction << /S /J#61vaScript /JS (app.alert\\(1\\)) >>")
    response = client.post(
        reverse("aspirasi:answer", args=[kasus.reference]),
        {"jawablampiran-answer": "Sudah diperbaiki.", "jawablampiran-lampiran": [upload("bukti.pdf", hostile)]},
    )
    assert response.status_code == 302
    answer = Lampiran.objects.get(kasus=kasus, role="answer")
    with answer.file.open("rb") as fh:
        assert_inert(fh.read())


def test_it_refuses_a_pdf_with_more_objects_than_it_will_check(settings):
    settings.ASPIRASI_MAX_PDF_OBJECTS = 10
    content = raw_pdf(objects=tuple(b"<< /N %d >>" % n for n in range(10)))
    with pytest.raises(FileRefused, match="terlalu rumit"):
        clean_upload(upload("surat.pdf", content, "application/pdf"))
    settings.ASPIRASI_MAX_PDF_OBJECTS = 20
    assert_inert(stored(content))
