"""`manage.py seed_demo`: build the demo world and print how to log in."""

from django.core.management.base import BaseCommand
from django.test.utils import override_settings
from django.utils import timezone

from campaigns.demo import (
    CAMPAIGN_TITLE,
    CURRENT_TITLE,
    current_demo,
    seed_current_campaign,
    seed_demo_campaign,
    sign_demo_directives,
)
from campaigns.models import Campaign
from reports.demo import seed_current_activity, seed_demo_activity
from reports.search.index import rebuild_search
from units.demo import DEMO_LOGINS, DEMO_PASSWORD, seed_demo_reorganisation, seed_demo_world
from units.models import Role


class Command(BaseCommand):
    help = (
        "Tạo dữ liệu mẫu (Thành ủy Cần Thơ: năm 2024 và sau sắp xếp tổ chức 01/7/2025) và in "
        "tài khoản đăng nhập."
    )

    def handle(self, *args, **options):
        # The demo's past happened to nobody's mailbox: its notifications stay in the bell
        # (unread, for a first login to find) and no e-mail goes out while it is built.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            self._seed()
        self._print_logins()

    def _seed(self) -> None:
        units, users = seed_demo_world()
        self.stdout.write(
            f"Dữ liệu mẫu: thêm {units} đơn vị, {users} người dùng (chạy lại không đổi gì)."
        )
        if seed_demo_campaign():
            self.stdout.write(
                "Đợt sinh hoạt mẫu: Hướng dẫn 52-HD/BTGTU, Hướng dẫn 32-HD/BTGĐUK "
                "và kế hoạch thực hiện của hai đảng bộ cơ sở."
            )
        if seed_demo_activity(Campaign.objects.get(title=CAMPAIGN_TITLE)):
            self.stdout.write("Buổi sinh hoạt và báo cáo mẫu của các chi bộ hai đảng bộ đó.")
        # The 2024 campaign ran on the old tree; 1 July 2025 reorganised it (units.demo).
        if operations := seed_demo_reorganisation():
            self.stdout.write(
                f"Sắp xếp tổ chức từ 01/7/2025: {operations} việc hợp nhất, chia tách, kết thúc "
                "hoạt động (Đảng ủy Khối → Đảng ủy các cơ quan Đảng và Đảng ủy UBND thành phố; "
                "Ban Tuyên giáo và Dân vận Thành ủy; phường Ninh Kiều)."
            )
        # The 2024 campaign is history; this one runs from today, so a first login has work due.
        today = timezone.localdate()
        if seed_current_campaign(today):
            self.stdout.write(f"Đợt đang diễn ra: {CURRENT_TITLE}.")
        current = current_demo(today)
        if current and seed_current_activity(
            current.campaign, current.guidance, current.plans, today
        ):
            self.stdout.write(
                "Việc đang dở: báo cáo bị trả lại chờ bithu.chibo sửa, hạn quá và sắp đến."
            )
        if signed := sign_demo_directives():
            self.stdout.write(f"Ký số {signed} văn bản đã ban hành bằng khóa mẫu (DEMO).")
        # The demo dates its past with bulk updates, which the search index does not see.
        rebuild_search()

    def _print_logins(self) -> None:
        self.stdout.write("")
        self.stdout.write("Đăng nhập tại http://127.0.0.1:8000/ với mật khẩu " + DEMO_PASSWORD)
        width = max(len(login.username) for login in DEMO_LOGINS)
        for login in DEMO_LOGINS:
            self.stdout.write(
                f"  {login.username:<{width}}  {Role(login.role).label} – {login.current_position}"
            )
