"""`manage.py send_reminders [--dry-run] [--date YYYY-MM-DD]`: the daily scan, run here."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from reports.reminders import digests_send, reminders_scan


class Command(BaseCommand):
    help = "Quét các hạn và gửi thư nhắc việc trong tiến trình này (không cần worker)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Chỉ đếm, không ghi, không gửi.")
        parser.add_argument("--date", help="Ngày quét, dạng YYYY-MM-DD (mặc định: hôm nay).")

    def handle(self, *args, **options):
        day = None
        if options["date"]:
            try:
                day = datetime.date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError("Ngày phải có dạng YYYY-MM-DD.") from exc
        result = reminders_scan(day=day, dry_run=options["dry_run"])
        if result.skipped:
            self.stdout.write("Một lần quét khác đang chạy; lần này bỏ qua.")
            return
        if options["dry_run"]:
            self.stdout.write(f"Ngày {result.day:%d/%m/%Y}: sẽ tạo {result.created} nhắc việc.")
            return
        sent = digests_send(result.digest_ids).get("sent", 0)
        self.stdout.write(
            f"Ngày {result.day:%d/%m/%Y}: tạo {result.created} nhắc việc, "
            f"hủy {result.cancelled} (việc đã xong), gửi {sent} thư."
        )
