"""Every form and query-string filter the URLconf exposes, fed boundary and malformed values (issue 8.11).

Pages are found by walking the URLconf, filled in with factory-made objects and
opened as each role; every <form> on them is parsed and submitted with one field
mutated at a time (huge integers, year 1 and 9999, empty, NUL, invalid UTF-8,
missing), then each value and 100,000 characters in every field at once, and
the whole form in a UTF-16 body and with the wrong method. No response may be
a server error, and a refusal may write nothing.
The random choices use a fixed seed, so a failure replays.
"""

import datetime as dt
import json
import random
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, quote_plus, urljoin, urlsplit

import pytest
from django.contrib import admin
from django.db import connection, transaction
from django.urls import NoReverseMatch, Resolver404, URLPattern, URLResolver, get_resolver, reverse

from aspirasi.models import Aspirasi, Lampiran
from aspirasi.services import confirm_token
from audiensi.models import Audiensi, PengaturanAudiensi
from audiensi.services import link_token
from portal.kasus import services as kasus_services
from portal.kasus.models import Kasus, OutboxEmail, Riwayat
from sarasehan.models import PendaftaranSarasehan, Sarasehan
from sarasehan.selectors import registration_token
from tests.aspirasi.factories import submit
from tests.audiensi.factories import open_availability, request_audiensi
from tests.factories import OpdFactory, UserFactory, kasus_at, staff
from tests.sarasehan.factories import register, sarasehan

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

SEED = 20261130
MUTATIONS_PER_FIELD = 2
ROLES = ("anon", "warga", "petugas", "protokol", "opd", "pimpinan", "admin")
WATCHED = (Kasus, Riwayat, Aspirasi, Audiensi, Sarasehan, PendaftaranSarasehan, OutboxEmail)
REFUSALS = {400, 403, 404, 405, 413}
# The admin's pages are found through its registry (one set per model) rather than its URL patterns.
SKIPPED_NAMESPACES = {"admin"}
# Signing out or removing two-factor sign-in would end the walk for the role, not test input handling.
SKIPPED_NAMES = {"account_logout", "admin:logout"}
SKIPPED_NAME_PREFIXES = ("mfa_",)
# allauth's links carrying emailed keys: no object here names them.
UNREACHABLE = {"account_confirm_email", "account_reset_password_from_key", "account_login_code_confirm"}

MISSING = object()
INVALID_UTF8 = b"\xff\xfe\xc3("
LONG = "x" * 100_000
MUTATIONS = {
    "huge_int": "9" * 30,
    "int32_overflow": "2147483648",
    "negative": "-1",
    "year_1": "0001-01-01",
    "year_9999": "9999-12-31T23:59",
    "empty": "",
    "nul": "a\x00b",
    "invalid_utf8": INVALID_UTF8,
    "missing": MISSING,
}
BRIEF = {"huge_int", "int32_overflow", "year_1", "nul", "invalid_utf8", "100,000 characters"}
TYPED = {
    "date": ["year_1", "year_9999"],
    "datetime-local": ["year_1", "year_9999"],
    "number": ["huge_int", "int32_overflow"],
}


@dataclass
class Form:
    page: str
    action: str
    method: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    types: dict[str, str] = field(default_factory=dict)


class FormParser(HTMLParser):
    """A small extractor of <form>s: action, method, and each field's first sensible value."""

    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.page = page
        self.forms: list[Form] = []
        self.form: Form | None = None
        self.select: str | None = None
        self.select_value: str | None = None
        self.textarea: str | None = None
        self.text = ""

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        self.query_string_links(a)
        if tag == "form":
            action = urljoin(self.page, a.get("action") or self.page)
            self.form = Form(self.page, action, a.get("method", "get").lower())
        elif self.form is None or not a.get("name"):
            return
        elif tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("checkbox", "radio") and any(n == a["name"] for n, _v in self.form.fields):
                return
            if kind not in ("file", "image", "reset"):
                value = a.get("value", "on" if kind in ("checkbox", "radio") else "")
                self.form.fields.append((a["name"], value or ("uji" if kind in ("text", "search") else value)))
                self.form.types[a["name"]] = kind
        elif tag == "button" and a.get("type", "submit") == "submit":
            self.form.fields.append((a["name"], a.get("value", "")))
        elif tag == "select":
            self.select, self.select_value = a["name"], None
        elif tag == "option" and self.select and self.select_value in (None, ""):
            self.select_value = a.get("value", "")
        elif tag == "textarea":
            self.textarea, self.text = a["name"], ""

    def query_string_links(self, a: dict) -> None:
        """Links and htmx requests carrying a query string are GET forms too."""
        if a.get("hx-get"):
            fields = [(a["name"], "1")] if a.get("name") else []
            self.forms.append(Form(self.page, urljoin(self.page, a["hx-get"]), "get", fields))
        elif "?" in a.get("href", ""):
            url = urljoin(self.page, a["href"])
            query = parse_qsl(urlsplit(url).query, keep_blank_values=True)
            self.forms.append(Form(self.page, url.split("?")[0], "get", query))

    def handle_data(self, data):
        if self.textarea:
            self.text += data

    def handle_endtag(self, tag):
        if self.form is None:
            return
        if tag == "select" and self.select:
            self.form.fields.append((self.select, self.select_value or ""))
            self.select = None
        elif tag == "textarea" and self.textarea:
            self.form.fields.append((self.textarea, self.text.strip() or "Uraian uji yang cukup panjang."))
            self.textarea = None
        elif tag == "form":
            self.forms.append(self.form)
            self.form = None


def encode(pairs: list[tuple[str, object]]) -> str:
    """An urlencoded body; bytes values are sent as they are, so invalid UTF-8 reaches the server."""
    parts = []
    for name, value in pairs:
        raw = value if isinstance(value, bytes) else str(value).encode()
        parts.append(f"{quote_plus(name)}={quote_plus(raw)}")
    return "&".join(parts)


def patterns(resolver=None, namespace: str = ""):
    """(name, kwarg names) of every named URL, walking nested includes."""
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            inner = ":".join(filter(None, [namespace, entry.namespace])) if entry.namespace else namespace
            if entry.namespace not in SKIPPED_NAMESPACES:
                yield from patterns(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            yield name, sorted(entry.pattern.regex.groupindex)


def skipped(name: str) -> bool:
    base = name.rsplit(":", 1)[-1]
    return name in SKIPPED_NAMES or base.startswith(SKIPPED_NAME_PREFIXES)


@pytest.fixture
def world(django_user_model):
    """One of each object a URL can name, and a user per role."""
    opd = OpdFactory()
    warga = UserFactory()
    users = {
        "warga": warga,
        "petugas": staff("petugas"),
        "protokol": staff("protokol"),
        "opd": staff("opd", opd=opd),
        "pimpinan": staff("pimpinan"),
        "admin": staff("admin", is_staff=True, is_superuser=True),
    }
    fresh = kasus_at("baru", reporter=warga)
    routed = kasus_at("didisposisikan", opd=opd, reporter=warga)
    answered = kasus_at("dijawab", opd=opd, reporter=warga)
    tl = kasus_services.tindak_lanjut_add(
        kasus_id=routed.pk, actor=users["petugas"], description="Tambal jalan", opd=opd, due_date=dt.date(2030, 1, 1)
    )
    guest = submit(reporter_name="Tamu", reporter_email="tamu@example.org").aspirasi
    with_photo = submit(reporter=warga, photos=1).kasus
    lampiran = Lampiran.objects.filter(kasus=with_photo).first() or Lampiran.objects.first()
    pejabat = open_availability()
    audiensi = request_audiensi(pejabat, user=warga)
    event = sarasehan(actor=users["protokol"], kecamatan=routed.kecamatan)
    reg = register(event)
    by_name = {
        "kasus:mine_detail": {"reference": routed.reference},
        "kasus:track_detail": {"token": answered.tracking_token},
        "kasus:detail": {"reference": fresh.reference},
        "kasus:tindak_lanjut_done": {"reference": routed.reference, "pk": tl.pk},
        "kasus:action": {"reference": fresh.reference, "slug": "verifikasi"},
        "aspirasi:confirm": {"token": confirm_token(guest)},
        "aspirasi:lampiran": {"pk": lampiran.pk},
        "aspirasi:lampiran_token": {"pk": lampiran.pk, "token": with_photo.tracking_token},
        "aspirasi:add_info": {"token": answered.tracking_token},
        "aspirasi:accept": {"token": answered.tracking_token},
        "aspirasi:dispute": {"token": answered.tracking_token},
        "aspirasi:answer": {"reference": routed.reference},
        "aspirasi:reroute": {"reference": routed.reference},
        "audiensi:mine_detail": {"pk": audiensi.pk},
        "audiensi:mine_ics": {"pk": audiensi.pk},
        "audiensi:link": {"token": link_token(audiensi, "jadwal-ulang")},
        "audiensi:availability": {"slug": pejabat.slug},
        "audiensi:feed": {"slug": pejabat.slug, "token": PengaturanAudiensi.objects.get(pejabat=pejabat).feed_token},
        "audiensi:staff_detail": {"pk": audiensi.pk},
        "audiensi:staff_action": {"pk": audiensi.pk, "action": "konfirmasi"},
        "sarasehan:registration": {"token": registration_token(reg)},
        "sarasehan:registration_cancel": {"token": registration_token(reg)},
    }
    by_slug_namespace = {"sarasehan": event.slug}
    # Cases further along show the OPD's and the resident's forms.
    extra = [reverse("kasus:detail", args=[k.reference]) for k in (routed, answered)]
    extra.append(reverse("kasus:mine_detail", args=[answered.reference]))
    # Query strings views read that no page writes: the door's QR code link and a preset kecamatan.
    extra.append(reverse("sarasehan:checkin", args=[event.slug]) + "?kode=" + reg.code)
    extra.append(reverse("aspirasi:submit") + "?kecamatan=1")
    extra.append(reverse("admin:index"))
    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        extra += [reverse("admin:{}_{}_changelist".format(*info)), reverse("admin:{}_{}_add".format(*info))]
        if first := model.objects.order_by("pk").first():
            extra.append(reverse("admin:{}_{}_change".format(*info), args=[first.pk]))
    return users, by_name, by_slug_namespace, extra


def urls_to_visit(by_name: dict, by_slug_namespace: dict, extra: list[str]) -> tuple[list[str], list[str]]:
    urls, unmapped = list(extra), []
    for name, kwargs in patterns():
        if skipped(name) or name in UNREACHABLE:
            continue
        values = dict(by_name.get(name, {}))
        if "slug" in kwargs and "slug" not in values:
            values["slug"] = by_slug_namespace.get(name.split(":")[0], "")
        try:
            urls.append(reverse(name, kwargs={k: values[k] for k in kwargs}))
        except (KeyError, NoReverseMatch):
            unmapped.append(name)
    return sorted(set(urls)), unmapped


class Fuzzer:
    def __init__(self, client):
        self.client = client
        self.client.raise_request_exception = False
        self.requests = 0
        self.server_errors: list[str] = []
        self.writes_on_refusal: list[str] = []
        self.count_sql = "SELECT " + ", ".join(f"(SELECT count(*) FROM {m._meta.db_table})" for m in WATCHED)

    def counts(self) -> tuple:
        with connection.cursor() as cursor:
            cursor.execute(self.count_sql)
            return cursor.fetchone()

    def send(self, method: str, url: str, pairs: list, *, label: str, charset: str = "utf-8"):
        before = self.counts() if method != "GET" else None
        body = encode(pairs)
        if method == "GET":
            response = self.client.get(f"{urlsplit(url).path}?{body or urlsplit(url).query}")
        else:
            content_type = "application/x-www-form-urlencoded"
            if charset != "utf-8":
                content_type += f"; charset={charset}"
            response = self.client.generic(method, urlsplit(url).path, body.encode(charset), content_type)
        self.requests += 1
        where = f"{method} {url} [{label}] -> {response.status_code}"
        if response.status_code >= 500:
            self.server_errors.append(where)
        refused = response.status_code in REFUSALS or (method == "POST" and response.status_code == 200)
        if before is not None and refused and self.counts() != before:
            self.writes_on_refusal.append(where)
        return response

    @staticmethod
    def mutations_for(form: Form, route: str, name: str) -> list[str]:
        kinds = list(TYPED.get(form.types.get(name, ""), []))
        pool = [k for k in MUTATIONS if k not in kinds]
        # Seeded per route and field, not per run order: tokens in URLs differ from run to run.
        rng = random.Random(f"{SEED}|{route}|{form.method}|{name}")
        return kinds + rng.sample(pool, MUTATIONS_PER_FIELD)

    def fuzz(self, form: Form, route: str, *, brief: bool = False) -> None:
        """Every value below; `brief`: only the whole-form values that found faults in Django's admin."""
        method = "GET" if form.method == "get" else "POST"
        names = [] if brief else list(dict.fromkeys(n for n, _v in form.fields if n != "csrfmiddlewaretoken"))
        # One field at a time: a refusal of one field cannot hide another field's handling.
        for name in names:
            for kind in self.mutations_for(form, route, name):
                value = MUTATIONS[kind]
                pairs = [(n, value if n == name else v) for n, v in form.fields if not (n == name and value is MISSING)]
                self.send(method, form.action, pairs, label=f"{name}={kind}")
        # Then each value in every field people type in at once: a form validates all its fields.
        # Hidden fields (which form of the page, the CSRF token) keep their value, so the form is reached.
        hidden = {n for n, t in form.types.items() if t == "hidden"}
        for kind, value in [*MUTATIONS.items(), ("100,000 characters", LONG)]:
            if brief and kind not in BRIEF:
                continue
            pairs = [] if value is MISSING else [(n, v if n in hidden else value) for n, v in form.fields]
            self.send(method, form.action, pairs, label=f"every field={kind}")
        if not brief:
            self.send("PUT" if method == "POST" else "POST", form.action, form.fields, label="wrong method")
        if method == "POST":
            self.send(method, form.action, form.fields, label="utf-16 body", charset="utf-16")


def test_no_form_or_filter_answers_bad_input_with_a_server_error(client, world, capsys, record_property):
    users, by_name, by_slug_namespace, extra = world
    urls, unmapped = urls_to_visit(by_name, by_slug_namespace, extra)
    # A new URL with arguments needs an object here, or the fuzz test would silently skip it.
    assert not unmapped, f"URLs without test objects: {unmapped}"
    fuzzer = Fuzzer(client)
    seen, forms_tried, pages = set(), 0, 0
    for role in ROLES:
        client.logout()
        if role != "anon":
            client.force_login(users[role])
        forms = []
        for url in urls:
            if url.startswith("/admin/") and role != "admin":
                continue  # who may open the admin at all is tested in tests/akun/test_admin_access.py
            response = fuzzer.send("GET", url, [], label=f"page as {role}")
            pages += 1
            if "?" in url:
                forms.append(Form(url, url.split("?")[0], "get", parse_qsl(urlsplit(url).query)))
            if response.status_code == 200 and "html" in response.get("Content-Type", ""):
                parser = FormParser(url)
                parser.feed(response.content.decode())
                forms += parser.forms
        for form in forms:
            resolved = urlsplit(form.action)
            key = (form.method, resolved.path, tuple(sorted(n for n, _v in form.fields)))
            if resolved.netloc not in ("", "testserver") or key in seen:
                continue
            try:
                match = get_resolver().resolve(resolved.path)
            except Resolver404:
                continue  # no view behind it: nothing to fuzz
            route = f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name
            if skipped(route or ""):
                continue
            seen.add(key)
            forms_tried += 1
            # Each form meets the same objects: what an accepted submission changed is rolled back.
            with transaction.atomic():
                # The admin's many forms (each list filter link is one) get fewer values, to keep within time.
                fuzzer.fuzz(form, route, brief=match.namespace == "admin")
                transaction.set_rollback(True)
    summary = {
        "seed": SEED,
        "pages": pages,
        "forms": forms_tried,
        "requests": fuzzer.requests,
        "server_errors": len(fuzzer.server_errors),
        "writes_on_refusal": len(fuzzer.writes_on_refusal),
    }
    # Shown in every run's output (and kept in the JUnit report) as the figures of record.
    with capsys.disabled():
        print("\nfuzz summary:", json.dumps(summary))
    record_property("fuzz_summary", json.dumps(summary))
    assert not fuzzer.server_errors, "\n".join(fuzzer.server_errors[:50])
    assert not fuzzer.writes_on_refusal, "\n".join(fuzzer.writes_on_refusal[:50])
    assert forms_tried >= 150  # the walk still finds the forms
