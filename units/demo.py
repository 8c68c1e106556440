"""The demo world around the reference directive (Cần Thơ, 2024): units, users, memberships.

Deterministic and idempotent: units are found by code, users by username, and nothing that
already exists is changed, so running the seed twice changes nothing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from django.db import transaction

from .kinds import ensure_default_kinds
from .models import Membership, Role, Unit, UnitKind, User
from .services import membership_create, unit_create

DEMO_PASSWORD = "Demo@2024"  # noqa: S105 - printed for the demo; never used outside seed_demo

# Grassroots organisations under the bloc committee: (name of the agency, has its own cells).
AGENCIES: list[tuple[str, bool]] = [
    ("Sở Tài chính", True),
    ("Sở Tư pháp", True),
    ("Sở Nội vụ", True),
    ("Sở Kế hoạch và Đầu tư", True),
    ("Sở Xây dựng", True),
    ("Sở Giao thông vận tải", True),
    ("Sở Công Thương", True),
    ("Sở Nông nghiệp và Phát triển nông thôn", True),
    ("Sở Tài nguyên và Môi trường", True),
    ("Sở Thông tin và Truyền thông", True),
    ("Sở Lao động – Thương binh và Xã hội", True),
    ("Sở Văn hóa, Thể thao và Du lịch", True),
    ("Sở Khoa học và Công nghệ", True),
    ("Sở Giáo dục và Đào tạo", True),
    ("Sở Y tế", True),
    ("Sở Ngoại vụ", False),
    ("Thanh tra thành phố", False),
    ("Văn phòng Ủy ban nhân dân thành phố", True),
    ("Văn phòng Đoàn đại biểu Quốc hội và Hội đồng nhân dân thành phố", True),
    ("Cơ quan Ủy ban Mặt trận Tổ quốc Việt Nam thành phố", True),
    ("Hội Liên hiệp Phụ nữ thành phố", False),
    ("Cơ quan Thành đoàn Cần Thơ", False),
    ("Liên đoàn Lao động thành phố", True),
    ("Hội Nông dân thành phố", False),
    ("Ban Quản lý các khu chế xuất và công nghiệp", True),
    ("Đài Phát thanh và Truyền hình thành phố", True),
    ("Báo Cần Thơ", True),
    ("Liên minh Hợp tác xã thành phố", False),
    ("Hội Chữ thập đỏ thành phố", False),
    ("Ban Dân tộc thành phố", False),
    ("Quỹ Đầu tư phát triển thành phố", False),
    ("Trường Chính trị thành phố", True),
    ("Hội Văn học Nghệ thuật thành phố", False),
    ("Liên hiệp các Hội Khoa học và Kỹ thuật thành phố", False),
]

CELL_NAMES = [
    "Văn phòng",
    "Thanh tra",
    "Phòng Tổ chức cán bộ",
    "Phòng Kế hoạch – Tài chính",
    "Phòng Nghiệp vụ",
    "Phòng Tổng hợp",
    "Trung tâm Dịch vụ",
]


@dataclass(frozen=True)
class DemoLogin:
    username: str
    full_name: str
    role: str
    unit_code: str
    position: str


DEMO_LOGINS = [
    DemoLogin("quantri", "Lê Minh Quang", Role.ADMIN, "TU-CT", "Chuyên viên Văn phòng Thành ủy"),
    DemoLogin(
        "tuyengiao",
        "Phạm Thị Thu Hà",
        Role.STAFF,
        "DUK-DCD",
        "Chuyên viên Ban Tuyên giáo Đảng ủy Khối",
    ),
    DemoLogin(
        "tuyengiao.thanhuy",
        "Đặng Thị Kim Ngân",
        Role.STAFF,
        "TU-CT",
        "Chuyên viên Ban Tuyên giáo Thành ủy",
    ),
    DemoLogin(
        "lanhdao", "Trần Quốc Bảo", Role.LEADER, "DUK-DCD", "Phó Bí thư Thường trực Đảng ủy Khối"
    ),
    DemoLogin("bithu", "Võ Thị Mỹ Linh", Role.SECRETARY, "DUK-01", "Bí thư Đảng ủy Sở Tài chính"),
    DemoLogin(
        "bithu.chibo",
        "Lâm Hoàng Phúc",
        Role.SECRETARY,
        "DUK-01-01",
        "Bí thư Chi bộ Văn phòng Sở Tài chính",
    ),
]


class _Seeder:
    def __init__(self) -> None:
        ensure_default_kinds(UnitKind)
        self.kinds = {kind.code: kind for kind in UnitKind.objects.all()}
        self.units = {unit.code: unit for unit in Unit.objects.all()}
        self.created = 0

    def unit(self, code: str, parent: Unit | None, kind: str, name: str, **fields) -> Unit:
        if code in self.units:
            return self.units[code]
        unit = unit_create(
            actor=None, parent=parent, kind=self.kinds[kind], code=code, name=name, **fields
        )
        self.units[code] = unit
        self.created += 1
        return unit


@transaction.atomic
def seed_demo_world() -> tuple[int, int]:
    """Build the demo tree and users; return how many units and users were created."""
    seed = _Seeder()
    city = seed.unit(
        "TU-CT",
        None,
        "tinh-uy",
        "Thành ủy Cần Thơ",
        short_name="Thành ủy",
        symbol_code="TU",
        place_name="Cần Thơ",
    )
    for code, name, short, symbol in [
        ("TU-CT-BTG", "Ban Tuyên giáo Thành ủy Cần Thơ", "Ban Tuyên giáo Thành ủy", "BTGTU"),
        ("TU-CT-UBKT", "Ủy ban Kiểm tra Thành ủy Cần Thơ", "Ủy ban Kiểm tra Thành ủy", "UBKTTU"),
        ("TU-CT-VP", "Văn phòng Thành ủy Cần Thơ", "Văn phòng Thành ủy", "VPTU"),
    ]:
        seed.unit(
            code,
            city,
            "ban-dang",
            name,
            short_name=short,
            symbol_code=symbol,
            place_name="Cần Thơ",
            official_count=25,
        )
    bloc = seed.unit(
        "DUK-DCD",
        city,
        "dang-uy-cap-tren-co-so",
        "Đảng ủy Khối cơ quan Dân Chính Đảng thành phố Cần Thơ",
        short_name="Đảng ủy Khối",
        symbol_code="ĐUK",
        place_name="Cần Thơ",
    )
    for code, kind, name, short, symbol in [
        ("DUK-BTG", "ban-dang", "Ban Tuyên giáo Đảng ủy Khối", "Ban Tuyên giáo", "BTGĐUK"),
        ("DUK-BTC", "ban-dang", "Ban Tổ chức Đảng ủy Khối", "Ban Tổ chức", "BTCĐUK"),
        ("DUK-UBKT", "ban-dang", "Ủy ban Kiểm tra Đảng ủy Khối", "Ủy ban Kiểm tra", "UBKTĐUK"),
        ("DUK-VP", "ban-dang", "Văn phòng Đảng ủy Khối", "Văn phòng", "VPĐUK"),
        ("DUK-DK", "doan-the", "Đoàn Khối", "Đoàn Khối", "ĐK"),
        ("DUK-CCB", "doan-the", "Hội Cựu chiến binh Khối", "Hội Cựu chiến binh Khối", "CCBK"),
    ]:
        seed.unit(
            code,
            bloc,
            kind,
            name,
            short_name=short,
            symbol_code=symbol,
            place_name="Cần Thơ",
            official_count=6 if kind == "ban-dang" else 0,
        )
    for number, (agency, has_cells) in enumerate(AGENCIES, start=1):
        rng = random.Random(number)  # noqa: S311 - plausible demo counts, not security
        code = f"DUK-{number:02d}"
        if not has_cells:
            seed.unit(
                code,
                bloc,
                "chi-bo-co-so",
                f"Chi bộ {agency}",
                short_name=f"Chi bộ {agency}",
                symbol_code="CB",
                place_name="Cần Thơ",
                member_count=rng.randint(9, 35),
                official_count=rng.randint(15, 60),
                youth_count=rng.randint(5, 25),
            )
            continue
        grassroots = seed.unit(
            code,
            bloc,
            "dang-bo-co-so",
            f"Đảng bộ {agency}",
            short_name=f"Đảng bộ {agency}",
            symbol_code="ĐU",
            place_name="Cần Thơ",
            official_count=rng.randint(80, 400),
        )
        for cell_number, cell in enumerate(CELL_NAMES[: rng.randint(3, 7)], start=1):
            seed.unit(
                f"{code}-{cell_number:02d}",
                grassroots,
                "chi-bo",
                f"Chi bộ {cell}",
                short_name=f"Chi bộ {cell}",
                symbol_code="CB",
                place_name="Cần Thơ",
                member_count=rng.randint(5, 40),
                youth_count=rng.randint(0, 15),
            )

    users_created = 0
    for login in DEMO_LOGINS:
        user = User.objects.filter(username=login.username).first()
        if user is None:
            user = User(
                username=login.username,
                full_name=login.full_name,
                email=f"{login.username}@example.vn",
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
            users_created += 1
        unit = seed.units[login.unit_code]
        if not Membership.objects.filter(user=user, unit=unit, role=login.role).exists():
            membership_create(
                actor=None, unit=unit, user=user, role=login.role, position=login.position
            )
    return seed.created, users_created
