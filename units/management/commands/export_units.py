"""`manage.py export_units FILE [--root CODE]`: write the unit tree to .xlsx or .csv."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from units.models import Unit
from units.selectors import export_rows
from units.tabular import write_csv, write_xlsx


class Command(BaseCommand):
    help = "Xuất danh sách đơn vị ra tệp .xlsx hoặc .csv."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--root", help="Mã đơn vị gốc của nhánh cần xuất (mặc định: cả cây).")

    def handle(self, *args, file: Path, root: str | None, **options):
        roots = Unit.objects.filter(code=root) if root else Unit.objects.filter(depth=1)
        if not roots.exists():
            raise CommandError(f"Không có đơn vị mã {root}" if root else "Chưa có đơn vị nào.")
        rows = [row for unit in roots for row in export_rows(unit)]
        writer = write_csv if file.suffix.lower() == ".csv" else write_xlsx
        file.write_bytes(writer(rows))
        self.stdout.write(f"Đã xuất {len(rows)} đơn vị ra {file}.")
