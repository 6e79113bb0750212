import os
import threading

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils import autoreload
from django.utils.translation import gettext as _

from portal.kasus.periodic import PeriodicRunner


class Command(BaseCommand):
    help = _(
        "Jalankan jadwal tugas berkala produksi (CELERY_BEAT_SCHEDULE) di proses ini: sapuan SLA, kedaluwarsa "
        "penahanan, pengingat, pengiriman ulang email, pembersihan. Dengan --runserver, server pengembangan "
        "berjalan di proses yang sama dan Ctrl-C menghentikan keduanya."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--runserver",
            metavar="ADDRPORT",
            help=_("Jalankan juga runserver di alamat ini (mis. 127.0.0.1:8000), jadwal berjalan di thread."),
        )
        parser.add_argument("--once", action="store_true", help=_("Jalankan setiap tugas sekali, lalu selesai."))

    def handle(self, *args, runserver: str | None, once: bool, **options):
        runner = PeriodicRunner(report=self._report)
        if once:
            runner.run_all()
            return
        stop = threading.Event()
        if runserver is None:
            self._announce(runner)
            try:
                runner.run(stop)
            except KeyboardInterrupt:
                pass
            return
        # With the autoreloader this command runs twice: a watcher that restarts a child on code changes,
        # and the child that serves. Only the child runs the schedule, so no task runs twice.
        thread = None
        if os.environ.get(autoreload.DJANGO_AUTORELOAD_ENV) == "true":
            self._announce(runner)
            thread = threading.Thread(target=runner.run, args=(stop,), name="periodic", daemon=True)
            thread.start()
        try:
            call_command("runserver", runserver)
        finally:
            stop.set()
            if thread is not None:
                thread.join(timeout=30)

    def _announce(self, runner: PeriodicRunner) -> None:
        self.stdout.write(_("Tugas berkala berjalan: %(names)s.") % {"names": ", ".join(runner.names)})

    def _report(self, name: str, result) -> None:
        self.stdout.write(f"[{name}] {result}")
