"""The demo world around the reference directive (Cần Thơ, 2024): units, users, memberships;
and its reorganisation on 1 July 2025, which the current campaign runs on.

Deterministic and idempotent: units are found by code, users by username, and nothing that
already exists is changed, so running the seed twice changes nothing.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from django.db import transaction

from .kinds import ensure_default_kinds
from .models import Membership, Role, Unit, UnitKind, User
from .services import (
    Decision,
    NewUnit,
    membership_create,
    membership_end,
    unit_close,
    unit_create,
    unit_merge,
    unit_split,
)

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

# The wards of quận Ninh Kiều that became phường Ninh Kiều on 1 July 2025 (the city's plan for
# its communes, announced by its Department of Home Affairs on 14/4/2025).
WARDS = [("QU-NK-TA", "Tân An"), ("QU-NK-TB", "Thới Bình"), ("QU-NK-XK", "Xuân Khánh")]

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
    """A demo login: its role in the world of 2024 and, when the reorganisation of 1 July 2025
    moved it, where it has worked since (`now_unit_code`, `now_position`)."""

    username: str
    full_name: str
    role: str
    unit_code: str
    position: str
    now_unit_code: str = ""
    now_position: str = ""

    @property
    def current_unit_code(self) -> str:
        return self.now_unit_code or self.unit_code

    @property
    def current_position(self) -> str:
        return self.now_position or self.position


DEMO_LOGINS = [
    DemoLogin("quantri", "Lê Minh Quang", Role.ADMIN, "TU-CT", "Chuyên viên Văn phòng Thành ủy"),
    DemoLogin(
        "tuyengiao",
        "Phạm Thị Thu Hà",
        Role.STAFF,
        "DUK-DCD",
        "Chuyên viên Ban Tuyên giáo Đảng ủy Khối",
        now_unit_code="DU-UBND",
        now_position="Chuyên viên Văn phòng Đảng ủy Ủy ban nhân dân thành phố",
    ),
    DemoLogin(
        "tuyengiao.thanhuy",
        "Đặng Thị Kim Ngân",
        Role.STAFF,
        "TU-CT",
        "Chuyên viên Ban Tuyên giáo Thành ủy",
        now_position="Chuyên viên Ban Tuyên giáo và Dân vận Thành ủy",
    ),
    DemoLogin(
        "lanhdao",
        "Trần Quốc Bảo",
        Role.LEADER,
        "DUK-DCD",
        "Phó Bí thư Thường trực Đảng ủy Khối",
        now_unit_code="DU-UBND",
        now_position="Phó Bí thư Thường trực Đảng ủy Ủy ban nhân dân thành phố",
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
        fields.setdefault("opened_on", None)  # the demo's tree of 2024 always existed
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
        ("TU-CT-BDV", "Ban Dân vận Thành ủy Cần Thơ", "Ban Dân vận Thành ủy", "BDVTU"),
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

    # A district of the city and three of its wards, which 1 July 2025 merges into one ward
    # directly under the city (seed_demo_reorganisation).
    district = seed.unit(
        "QU-NK",
        city,
        "dang-uy-cap-tren-co-so",
        "Quận ủy Ninh Kiều",
        short_name="Quận ủy Ninh Kiều",
        symbol_code="QU",
        place_name="Ninh Kiều",
    )
    for number, (code, ward) in enumerate(WARDS):
        rng = random.Random(100 + number)  # noqa: S311 - plausible demo counts, not security
        committee = seed.unit(
            code,
            district,
            "dang-bo-co-so",
            f"Đảng bộ phường {ward}",
            short_name=f"Đảng bộ phường {ward}",
            symbol_code="ĐU",
            place_name="Ninh Kiều",
        )
        for area in (1, 2):
            seed.unit(
                f"{code}-{area:02d}",
                committee,
                "chi-bo",
                f"Chi bộ khu vực {2 * number + area}",
                short_name=f"Chi bộ khu vực {2 * number + area}",
                symbol_code="CB",
                place_name="Ninh Kiều",
                member_count=rng.randint(15, 45),
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


# ---------------------------------------------------------------------------- 1 July 2025

# The demo's reorganisation, in the manner of the real one in Cần Thơ. The Central Committee's
# Kết luận 121-KL/TW (24/01/2025) on streamlining the political system closed the provincial
# bloc committees and gave the party agencies, Front and mass organisations of a province one
# party committee and its People's Committee another; provincial Propaganda and Mass
# Mobilisation Departments merged into one "Ban Tuyên giáo và Dân vận" (as Bắc Giang's
# Quyết định 983-QĐ/TU of 12/2/2025 did, from 1/3/2025). Nghị quyết 202/2025/QH15 (12/6/2025)
# merged Cần Thơ, Sóc Trăng and Hậu Giang into the city of Cần Thơ; the Politburo's decisions
# founding the merged party organisations took effect on 1/7/2025, the day the district level
# ended; the city's plan counted 110 party organisations under the Thành ủy, 103 of them of
# communes and wards, with those of the city's party agencies and of its People's Committee
# (Ban Chấp hành Đảng bộ thành phố, 9/6/2025). Nghị định 45/2025/NĐ-CP (28/2/2025) lists the
# departments a province keeps (Sở Tài chính, Sở Nông nghiệp và Môi trường, Sở Xây dựng, …):
# Kế hoạch và Đầu tư went into Tài chính, Nông nghiệp và Phát triển nông thôn and Tài nguyên
# và Môi trường became Nông nghiệp và Môi trường, and their party organisations merged. The
# demo dates all of it 1 July 2025; its decision numbers are made up in the form of the real
# ones ("Quyết định số …-QĐ/TU").
REORGANISED_ON = datetime.date(2025, 7, 1)
CITY_STANDING_BOARD = "Ban Thường vụ Thành ủy Cần Thơ"
MERGE_DEPARTMENTS = Decision(
    "1368-QĐ/TU",
    datetime.date(2025, 6, 27),
    CITY_STANDING_BOARD,
    "Hợp nhất Ban Tuyên giáo Thành ủy và Ban Dân vận Thành ủy.",
)
END_BLOC = Decision(
    "1370-QĐ/TU",
    datetime.date(2025, 6, 27),
    CITY_STANDING_BOARD,
    "Kết thúc hoạt động Đảng bộ Khối cơ quan Dân Chính Đảng thành phố; thành lập Đảng bộ các "
    "cơ quan Đảng thành phố và Đảng bộ Ủy ban nhân dân thành phố.",
)
FOUND_WARD = Decision(
    "1375-QĐ/TU",
    datetime.date(2025, 6, 28),
    CITY_STANDING_BOARD,
    "Thành lập Đảng bộ phường Ninh Kiều trực thuộc Thành ủy trên cơ sở hợp nhất Đảng bộ các "
    "phường Tân An, Thới Bình, Xuân Khánh.",
)
END_DISTRICT = Decision(
    "1380-QĐ/TU",
    datetime.date(2025, 6, 28),
    CITY_STANDING_BOARD,
    "Kết thúc hoạt động Đảng bộ quận Ninh Kiều.",
)
MERGE_AGENCIES = Decision(
    "02-QĐ/ĐU",
    datetime.date(2025, 7, 1),
    "Ban Thường vụ Đảng ủy Ủy ban nhân dân thành phố Cần Thơ",
    "Hợp nhất các đảng bộ sở theo việc sắp xếp các sở (Nghị định 45/2025/NĐ-CP).",
)
# The bloc's grassroots organisations that went to the committee of the party agencies: the
# Front, the mass organisations, the council's office, the party's school and newspaper; the
# departments and other bodies of the People's Committee went to its committee.
PARTY_SIDE = {
    "Văn phòng Đoàn đại biểu Quốc hội và Hội đồng nhân dân thành phố",
    "Cơ quan Ủy ban Mặt trận Tổ quốc Việt Nam thành phố",
    "Hội Liên hiệp Phụ nữ thành phố",
    "Cơ quan Thành đoàn Cần Thơ",
    "Liên đoàn Lao động thành phố",
    "Hội Nông dân thành phố",
    "Báo Cần Thơ",
    "Liên minh Hợp tác xã thành phố",
    "Hội Chữ thập đỏ thành phố",
    "Trường Chính trị thành phố",
    "Hội Văn học Nghệ thuật thành phố",
    "Liên hiệp các Hội Khoa học và Kỹ thuật thành phố",
}
# Departments merged (Nghị định 45/2025/NĐ-CP): the ones merged away, and the one that carries
# on or (code, name) of a new one. Two of the decree's five mergers, to keep the demo short.
DEPARTMENT_MERGERS: list[tuple[tuple[str, ...], str | tuple[str, str]]] = [
    (("Sở Kế hoạch và Đầu tư",), "Sở Tài chính"),
    (
        ("Sở Nông nghiệp và Phát triển nông thôn", "Sở Tài nguyên và Môi trường"),
        ("UB-NNMT", "Sở Nông nghiệp và Môi trường"),
    ),
]


def agency_code(agency: str) -> str:
    """The demo code of a grassroots organisation of the bloc ("Sở Tài chính" → "DUK-01")."""
    names = [name for name, _ in AGENCIES]
    return f"DUK-{names.index(agency) + 1:02d}"


@transaction.atomic
def seed_demo_reorganisation() -> int:
    """Reorganise the demo on 1 July 2025 through the reorganisation services, as the city's
    administrator would enter it; how many operations were recorded (0: done already).

    The Propaganda and Mass Mobilisation Departments merge; the bloc committee's organs and
    unions close and the bloc splits into the committees of the party agencies and of the
    People's Committee, which takes over its work and its people (new titles); departments
    merge, and their cells doing the same work; three wards merge into a ward directly under
    the city and their district ends. The 2024 campaign keeps its figures: what was done stays with who did it.
    """
    if Unit.objects.filter(code="DU-UBND").exists():
        return 0
    day = REORGANISED_ON
    kinds = {kind.code: kind for kind in UnitKind.objects.all()}
    units = {unit.code: unit for unit in Unit.objects.select_related("kind")}
    admin = User.objects.get(username="quantri")
    city, bloc = units["TU-CT"], units["DUK-DCD"]
    operations = 0

    unit_merge(
        actor=admin,
        predecessors=[units["TU-CT-BTG"], units["TU-CT-BDV"]],
        day=day,
        decision=MERGE_DEPARTMENTS,
        new=NewUnit(
            code="TU-CT-BTGDV",
            name="Ban Tuyên giáo và Dân vận Thành ủy Cần Thơ",
            kind=kinds["ban-dang"],
            parent=city,
            short_name="Ban Tuyên giáo và Dân vận Thành ủy",
            symbol_code="BTGDVTU",
            place_name="Cần Thơ",
        ),
    )
    operations += 1

    # The bloc's organs and unions end with it; its people are appointed anew below.
    for code in ("DUK-BTG", "DUK-BTC", "DUK-UBKT", "DUK-VP", "DUK-DK", "DUK-CCB"):
        unit_close(actor=admin, unit=units[code], day=day, decision=END_BLOC, carry_over=[])
        operations += 1
    party_side = {units[agency_code(name)].pk: 0 for name in PARTY_SIDE}
    unit_split(
        actor=admin,
        unit=Unit.objects.get(pk=bloc.pk),
        parts=[
            NewUnit(
                code="DU-CQD",
                name="Đảng ủy các cơ quan Đảng thành phố Cần Thơ",
                short_name="Đảng ủy các cơ quan Đảng thành phố",
                symbol_code="ĐU",
                kind=kinds["dang-uy-cac-co-quan-tinh"],
                parent=city,
                place_name="Cần Thơ",
            ),
            NewUnit(
                code="DU-UBND",
                name="Đảng ủy Ủy ban nhân dân thành phố Cần Thơ",
                short_name="Đảng ủy UBND thành phố",
                symbol_code="ĐU",
                kind=kinds["dang-uy-cac-co-quan-tinh"],
                parent=city,
                place_name="Cần Thơ",
            ),
        ],
        day=day,
        decision=END_BLOC,
        takes_over=1,
        children=party_side,
        carry_over=[],
    )
    operations += 1
    government = Unit.objects.get(code="DU-UBND")
    for login in DEMO_LOGINS:
        if login.now_position:
            _appoint(admin, login, day)

    for merged, successor in DEPARTMENT_MERGERS:
        predecessors = [Unit.objects.get(code=agency_code(name)) for name in merged]
        if isinstance(successor, str):
            department = Unit.objects.get(code=agency_code(successor))
            unit_merge(
                actor=admin,
                predecessors=predecessors,
                day=day,
                decision=MERGE_AGENCIES,
                into=department,
            )
        else:
            code, name = successor
            unit_merge(
                actor=admin,
                predecessors=predecessors,
                day=day,
                decision=MERGE_AGENCIES,
                new=NewUnit(
                    code=code,
                    name=f"Đảng bộ {name}",
                    kind=kinds["dang-bo-co-so"],
                    parent=government,
                    short_name=f"Đảng bộ {name}",
                    symbol_code="ĐU",
                    place_name="Cần Thơ",
                ),
            )
            department = Unit.objects.get(code=code)
        operations += 1 + _merge_namesake_cells(admin, department, day)

    unit_merge(
        actor=admin,
        predecessors=[Unit.objects.get(code=code) for code, _ in WARDS],
        day=day,
        decision=FOUND_WARD,
        new=NewUnit(
            code="P-NINH-KIEU",
            name="Đảng ủy phường Ninh Kiều",
            kind=kinds["dang-uy-xa-phuong"],
            parent=city,
            short_name="Đảng ủy phường Ninh Kiều",
            symbol_code="ĐU",
            place_name="Cần Thơ",
        ),
    )
    unit_close(actor=admin, unit=Unit.objects.get(code="QU-NK"), day=day, decision=END_DISTRICT)
    return operations + 2


def _merge_namesake_cells(admin: User, department: Unit, day: datetime.date) -> int:
    """The cells of merged departments that do the same work merge too (two "Chi bộ Văn
    phòng" become one, the first carrying on); how many mergers that took."""
    by_name: dict[str, list[Unit]] = {}
    for cell in Unit.objects.get_children(department).filter(closed_on__isnull=True):
        by_name.setdefault(cell.name, []).append(cell)
    namesakes = [cells for cells in by_name.values() if len(cells) > 1]
    for cells in namesakes:
        unit_merge(actor=admin, predecessors=cells, day=day, decision=MERGE_AGENCIES, into=cells[0])
    return len(namesakes)


def _appoint(admin: User, login: DemoLogin, day: datetime.date) -> None:
    """The login's new title from `day`, where the reorganisation placed it."""
    user = User.objects.get(username=login.username)
    unit = Unit.objects.get(code=login.current_unit_code)
    if login.current_unit_code == login.unit_code:  # same unit, new title: one role ends
        old = Membership.objects.active_on(day).get(user=user, unit=unit, role=login.role)
        membership_end(actor=admin, membership=old, end_date=day - datetime.timedelta(days=1))
    membership_create(
        actor=admin,
        unit=unit,
        user=user,
        role=login.role,
        position=login.now_position,
        start_date=day,
    )
