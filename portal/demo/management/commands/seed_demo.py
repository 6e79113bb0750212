import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.test import override_settings
from django.utils.translation import gettext as _

from portal.demo import bulk
from portal.demo import data as demo_data


class Command(BaseCommand):
    help = _(
        "Isi data demo: satu akun per peran (dengan autentikasi dua langkah), warga, kasus contoh, lalu data demo "
        "setiap aplikasi. Aman dijalankan berulang."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--cases",
            type=int,
            default=0,
            metavar="N",
            help=_("Tambahkan N kasus massal (bulk insert) untuk uji beban, di luar kasus contoh."),
        )
        parser.add_argument(
            "--totp-code",
            action="store_true",
            help=_("Tampilkan kode TOTP 6 digit saat ini untuk setiap akun petugas demo (hanya lingkungan bawaan)."),
        )
        parser.add_argument("--seed", type=int, default=None, help=_("Benih acak untuk --cases (hasil berulang)."))

    def handle(self, *args: Any, cases: int, totp_code: bool, seed: int | None, **options: Any) -> None:
        embedded = demo_data.is_embedded_default()
        if totp_code:
            self._print_codes(embedded)
            return
        if cases < 0:
            raise CommandError(_("--cases harus 0 atau lebih."))

        accounts = demo_data.ensure_accounts(embedded=embedded)
        made = sum(a.created for a in accounts.values())
        self.stdout.write(_("Akun demo: %(new)d baru, %(total)d total.") % {"new": made, "total": len(accounts)})
        created = demo_data.seed_cases(accounts)
        self.stdout.write(_("Kasus contoh: %(n)d baru.") % {"n": created})
        late = demo_data.ensure_late_case(accounts)
        if late is not None:
            self.stdout.write(
                _("Kasus %(ref)s terlambat dan menunggu eskalasi oleh sapuan SLA.") % {"ref": late.reference}
            )
        if cases:
            started = time.monotonic()
            bulk.bulk_cases(cases, seed=seed, progress=self._progress(cases))
            self.stdout.write(
                _("Kasus massal: %(n)d dibuat dalam %(s).1f detik.") % {"n": cases, "s": time.monotonic() - started}
            )
        # Demo data notifies nobody: the apps' emails stay in memory instead of reaching the console or SMTP.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            for app in demo_data.run_app_demos(self.stdout):
                self.stdout.write(_("Data demo %(app)s selesai.") % {"app": app})
        self._print_accounts(accounts, embedded)

    def _progress(self, total: int) -> Callable[[int], None]:
        def report(done: int) -> None:
            if done == total or done % 50_000 == 0:
                self.stdout.write(_("  %(done)d/%(total)d kasus massal") % {"done": done, "total": total})

        return report

    def _print_accounts(self, accounts: dict[str, demo_data.DemoAccount], embedded: bool) -> None:
        if not embedded:
            self.stdout.write(
                _(
                    "Kata sandi dan kunci TOTP akun demo dibuat acak dan tidak ditampilkan di luar lingkungan bawaan "
                    "(DEBUG dengan SQLite). Setiap pengguna harus menyetel ulang kata sandinya lewat "
                    "/akun/password/reset/; untuk akun petugas, administrator menghapus autentikator lamanya di "
                    "admin agar pengguna mendaftarkan aplikasi autentikatornya sendiri."
                )
            )
            return
        rows = [(_("peran"), _("email"), _("kata sandi"), _("kunci TOTP"))]
        rows += [(a.role, a.user.email, a.password or "", a.totp_secret or "-") for a in accounts.values()]
        widths = [max(len(r[i]) for r in rows) for i in range(4)]
        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING(_("Akun demo (hanya untuk lingkungan bawaan)")))
        for n, row in enumerate(rows):
            line = "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip()
            self.stdout.write(self.style.MIGRATE_LABEL(line) if n == 0 else line)
        self.stdout.write("")
        self.stdout.write(
            _(
                "Masuk di %(url)s/akun/login/. Akun petugas memakai autentikasi dua langkah: tambahkan kunci TOTP ke "
                "aplikasi autentikator (Aegis, FreeOTP, Google Authenticator), atau tampilkan kode saat ini dengan "
                "`DEBUG=1 .venv/bin/python manage.py seed_demo --totp-code`."
            )
            % {"url": settings.SITE_URL.rstrip("/")}
        )

    def _print_codes(self, embedded: bool) -> None:
        if not embedded:
            raise CommandError(_("Kode TOTP hanya ditampilkan di lingkungan bawaan (DEBUG dengan SQLite)."))
        rows = demo_data.current_totp_codes()
        if not rows:
            raise CommandError(_("Belum ada akun demo. Jalankan dulu: manage.py seed_demo"))
        for role, email, code in rows:
            self.stdout.write(f"{role:<10} {email:<32} {code}")
        self.stdout.write(
            _("Kode berlaku %(s)d detik lagi; setiap kode hanya dapat dipakai sekali.")
            % {"s": demo_data.totp_seconds_left()}
        )
