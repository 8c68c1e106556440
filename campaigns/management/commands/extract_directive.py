"""`manage.py extract_directive FILE`: print what the importer reads from a directive, as JSON."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from campaigns.documents.extract import (
    DirectiveImportError,
    extract_directive_text,
    read_directive_file,
)


class Command(BaseCommand):
    help = (
        "Đọc một văn bản chỉ đạo (.docx, .txt, .md hoặc .pdf có lớp chữ) và in các trường trích "
        "xuất được (số, ký hiệu, ngày, căn cứ, thời hạn, nơi nhận, người ký…) dưới dạng JSON."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        if not file.is_file():
            raise CommandError(f"Không tìm thấy tệp {file}.")
        try:
            result = extract_directive_text(read_directive_file(file))
        except DirectiveImportError as exc:
            raise CommandError(f"{file.name}: {exc.message}") from exc
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
