"""`manage.py rebuild_search`: write the search index anew from every directive, report and
study material (after a bulk import, or whenever it may have fallen behind)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from reports.search.index import rebuild_search


class Command(BaseCommand):
    help = "Lập lại chỉ mục tìm kiếm từ toàn bộ văn bản, báo cáo và tài liệu sinh hoạt."

    def handle(self, *args, **options):
        with transaction.atomic():  # searches see the old index until the new one is complete
            counts = rebuild_search()
        self.stdout.write(
            f"Đã lập chỉ mục: {counts['directive']} văn bản, {counts['report']} báo cáo, "
            f"{counts['material']} tài liệu."
        )
