"""`manage.py import_units FILE`: import a unit-tree spreadsheet, all or nothing."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from units.services import unit_tree_import
from units.tabular import read_spreadsheet


class Command(BaseCommand):
    help = "Nhập danh sách đơn vị từ tệp .xlsx hoặc .csv (mỗi dòng một đơn vị, kèm mã đơn vị cấp trên)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        if not file.is_file():
            raise CommandError(f"Không tìm thấy tệp {file}")
        try:
            parsed = read_spreadsheet(file.name, file.read_bytes())
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc

        def progress(done: int, total: int) -> None:
            self.stderr.write(f"\r{done}/{total} dòng", ending="")

        result = unit_tree_import(actor=None, rows=parsed.rows, progress=progress)
        self.stderr.write("")
        if not result.ok:
            for error in result.errors:
                self.stderr.write(
                    f"Dòng {error.line} ({error.code or 'không mã'}): {error.message}"
                )
            raise CommandError(f"Không nhập dòng nào: tệp có {len(result.errors)} dòng lỗi.")
        self.stdout.write(
            f"Đã nhập: thêm {result.created} đơn vị, cập nhật {result.updated} đơn vị."
        )
