"""Benchmark: 5,000 reorganisation operations from one file on a 100,000-unit tree, PostgreSQL.

    .venv/bin/python bench/reorganise.py [--units 100000] [--operations 5000] [--provinces 12]
                                         [--preview] [--profile] [--keep] [--seed 2025]

Builds, in a database of its own (`campaign_portal_bench_reorganise` on the server of
DATABASE_URL, default postgres://postgres@127.0.0.1:5432), a tree of provinces in the shape
they had before 1 July 2025 (districts, communes and their cells, bloc committees and their
grassroots organisations), a campaign whose directives reach most units with open obligations,
and secretaries; then applies a file of operations in the manner of the 2025 reorganisation
(hamlet cells merged, the propaganda and mass mobilisation departments merged, communes
merged into new ones directly under the province, district committees and bloc committees
closed, provinces merged) through `units.services.reorganise_rows`, the path of the uploaded
file, and times it. See README.md.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime
import os
import pstats
import random
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from _common import (  # noqa: E402 - found through the path set above
    database_remove,
    django_setup,
    load_average,
    migrate,
    postgres_database_create,
    server_line,
)
from dashboard import BATCH, BODY, Clock, Node, units_create  # noqa: E402 - the same builders

TARGET_SECONDS = 60.0
BENCH_DB = "campaign_portal_bench_reorganise"
DAYS_AGO = 30  # the operations' date: a month ago, inside the campaign

# Mekong delta provinces before 2025, and the provinces they were merged into (Nghị quyết
# 202/2025/QH15 of 12 June 2025; the party committees followed on 1 July 2025).
PROVINCES = [
    ("DT", "Đồng Tháp"),
    ("TG", "Tiền Giang"),
    ("AG", "An Giang"),
    ("KG", "Kiên Giang"),
    ("CT", "Cần Thơ"),
    ("ST", "Sóc Trăng"),
    ("HG", "Hậu Giang"),
    ("VL", "Vĩnh Long"),
    ("BT", "Bến Tre"),
    ("TV", "Trà Vinh"),
    ("CM", "Cà Mau"),
    ("BL", "Bạc Liêu"),
]
MERGED_PROVINCES = [
    ("DT2", "Đồng Tháp", ["DT", "TG"]),
    ("AG2", "An Giang", ["AG", "KG"]),
    ("CT2", "Cần Thơ", ["CT", "ST", "HG"]),
    ("VL2", "Vĩnh Long", ["VL", "BT", "TV"]),
    ("CM2", "Cà Mau", ["CM", "BL"]),
]
DISTRICTS = 13
PLACES = ["An Bình", "Mỹ Phú", "Hòa Thuận", "Tân Thuận", "Phú Mỹ", "Bình Thành", "Long Hậu"]
PLACES += ["Tân Phú", "Mỹ Hiệp", "Thanh Mỹ", "Phong Hòa", "Định Yên", "Hòa Long", "Tân Mỹ"]
AGENCIES = ["Sở Tài chính", "Sở Kế hoạch và Đầu tư", "Sở Y tế", "Sở Giáo dục và Đào tạo"]
AGENCIES += ["Sở Nội vụ", "Sở Lao động", "Sở Tư pháp", "Sở Công Thương", "Sở Xây dựng"]
AGENCIES += ["Sở Giao thông vận tải", "Sở Thông tin và Truyền thông", "Sở Khoa học"]
COMPANIES = ["Công ty Cấp nước", "Công ty Điện lực", "Công ty Xổ số kiến thiết", "Ngân hàng"]


# ---------------------------------------------------------------------------- the tree


def tree_nodes(total: int, provinces: int, rng: random.Random) -> list[Node]:
    """`total` units, parents first: the central committee, then each province with its two
    departments, district committees (each with its propaganda department) and their
    communes, and two bloc committees with their grassroots organisations; communes and
    grassroots committees hold cells, whose members are the tree's members."""
    nodes: list[Node] = []

    def add(parent, code, name, kind, **extra) -> Node:
        node = Node(code=code, name=name, kind=kind, parent=parent, **extra)
        nodes.append(node)
        if parent is not None:
            parent.children.append(node)
        return node

    root = add(None, "TW", "Ban Chấp hành Trung ương Đảng", "tinh-uy", symbol="TW")
    for index, (code, name) in enumerate(PROVINCES[:provinces]):
        quota = 1 + (total - 1) * (index + 1) // provinces
        province = add(root, code, f"Tỉnh ủy {name}", "tinh-uy", symbol="TU", place=name)
        add(province, f"{code}-BTG", f"Ban Tuyên giáo Tỉnh ủy {name}", "ban-dang", symbol="BTGTU")
        add(province, f"{code}-BDV", f"Ban Dân vận Tỉnh ủy {name}", "ban-dang", symbol="BDVTU")
        districts = []
        for d in range(1, DISTRICTS + 1):
            district = add(
                province,
                f"{code}-H{d:02d}",
                f"Huyện ủy {rng.choice(PLACES)} {d}",
                "dang-uy-cap-tren-co-so",
                symbol="HU",
            )
            add(
                district,
                f"{district.code}-BTG",
                f"Ban Tuyên giáo {district.name}",
                "ban-dang",
                symbol="BTGHU",
            )
            districts.append(district)
        blocs = [
            add(
                province,
                f"{code}-KCQ",
                "Đảng ủy Khối các cơ quan tỉnh",
                "dang-uy-cap-tren-co-so",
                symbol="ĐUK",
            ),
            add(
                province,
                f"{code}-KDN",
                "Đảng ủy Khối doanh nghiệp tỉnh",
                "dang-uy-cap-tren-co-so",
                symbol="ĐUKDN",
            ),
        ]
        number = 0
        while len(nodes) < quota:
            number += 1
            if rng.random() < 0.8:  # a commune with its hamlets' cells
                parent = districts[number % DISTRICTS]
                place = rng.choice(PLACES)
                unit = add(
                    parent,
                    f"{parent.code}-X{number:03d}",
                    f"Đảng bộ xã {place} {number}",
                    "dang-bo-co-so",
                    symbol="ĐU",
                )
                cells = rng.randint(8, 20)
                label = "ấp"
            else:
                parent = blocs[number % 2]
                names = AGENCIES if parent is blocs[0] else COMPANIES
                title = f"Đảng bộ {rng.choice(names)} (đơn vị {number})"
                if rng.random() < 0.15:
                    add(
                        parent,
                        f"{parent.code}-{number:03d}",
                        title.replace("Đảng bộ", "Chi bộ", 1),
                        "chi-bo-co-so",
                        members=rng.randint(8, 45),
                        symbol="CB",
                    )
                    continue
                unit = add(
                    parent, f"{parent.code}-{number:03d}", title, "dang-bo-co-so", symbol="ĐU"
                )
                cells, label = rng.randint(3, 12), "phòng"
            for cell in range(1, cells + 1):
                if len(nodes) >= quota:
                    break
                add(
                    unit,
                    f"{unit.code}-{cell:02d}",
                    f"Chi bộ {label} {cell}",
                    "chi-bo",
                    members=rng.randint(5, 60),
                    symbol="CB",
                )
    return nodes


def build(nodes: list[Node], rng: random.Random) -> dict:
    """Write the units, an administrator of the whole tree, secretaries, and one campaign's
    directives down to the cells with their open obligations."""
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction
    from django.utils import timezone

    from campaigns.documents.formatting import document_symbol
    from campaigns.models import (
        Campaign,
        Directive,
        DirectiveKind,
        DirectiveRecipient,
        Milestone,
        Obligation,
    )
    from units.models import Membership, Role, User

    clock = Clock()
    today = timezone.localdate()
    now = timezone.now()
    units_create(nodes)
    clock.step(f"{len(nodes):,} units")

    password = make_password(None)
    admin = User(username="bench_admin", full_name="Quản trị Trung ương", password=password)
    leads = [n for n in nodes if n.kind in ("dang-bo-co-so", "chi-bo-co-so") and rng.random() < 0.7]
    leads += [n for n in nodes if n.kind == "chi-bo" and rng.random() < 0.4]
    people = [admin] + [
        User(username=f"bithu{i:06d}", full_name=f"Bí thư {n.code}", password=password)
        for i, n in enumerate(leads, start=1)
    ]
    User.objects.bulk_create(people, batch_size=BATCH)
    roles = [Membership(user=admin, unit=nodes[0].unit, role=Role.ADMIN)]
    roles += [
        Membership(user=user, unit=node.unit, role=Role.SECRETARY, position="Bí thư")
        for user, node in zip(people[1:], leads, strict=True)
    ]
    Membership.objects.bulk_create(roles, batch_size=BATCH)
    clock.step(f"{len(roles):,} roles (an administrator, secretaries)")

    # The campaign: each province's propaganda department guides its districts and blocs, each
    # of those guides its communes or grassroots organisations, and 60 % of these send a plan
    # to their cells. Every recipient owes sessions and a report due after the operations'
    # day; committees owe a plan, done where they issued one.
    start = today - datetime.timedelta(days=120)
    campaign = Campaign.objects.create(
        owner=nodes[0].unit,
        title="Học tập, quán triệt Nghị quyết Đại hội",
        subject="Đợt sinh hoạt chính trị học tập, quán triệt Nghị quyết Đại hội.",
        start_date=start,
        end_date=today + datetime.timedelta(days=90),
    )
    hd, kh = DirectiveKind.objects.get(code="HD"), DirectiveKind.objects.get(code="KH")
    directives, milestones, recipients, obligations = [], [], [], []
    owed: dict[str, list[Obligation]] = {}

    def issue(issuer: Node, kind, to: list[Node], day: datetime.date) -> None:
        number = len(directives) + 1
        directive = Directive(
            campaign=campaign,
            kind=kind,
            issuer=issuer.unit,
            superior_body=issuer.parent.name if issuer.parent else "",
            issuing_body=issuer.name,
            issuer_name=issuer.name,
            symbol_code=issuer.symbol,
            number=number,
            symbol=document_symbol(number=number, type_code=kind.code, issuer_code=issuer.symbol),
            term_label="2020 – 2025",
            place=issuer.unit.place_name,
            issue_date=day,
            subject="Học tập, quán triệt Nghị quyết Đại hội",
            body=BODY,
            audience="Cán bộ, đảng viên",
            signer_position="Bí thư",
            signer_name=f"Người ký {issuer.code}",
            requires_implementing=kind == hd,
            requires_sessions=True,
            status=Directive.Status.ISSUED,
            issued_at=now - datetime.timedelta(days=(today - day).days),
        )
        directives.append(directive)
        report = Milestone(
            directive=directive,
            kind=Milestone.Kind.REPORT_DUE,
            title="Báo cáo kết quả",
            due_date=today + datetime.timedelta(days=45),
        )
        milestones.append(report)
        for node in to:
            recipient = DirectiveRecipient(
                directive=directive,
                unit=node.unit,
                unit_name=node.name,
                member_count=node.members,
            )
            recipients.append(recipient)
            kinds = [Obligation.Kind.SESSIONS, Obligation.Kind.REPORT]
            if directive.requires_implementing and node.kind != "chi-bo":
                kinds.append(Obligation.Kind.IMPLEMENTING)
            for obligation_kind in kinds:
                obligation = Obligation(
                    directive=directive,
                    recipient=recipient,
                    unit=node.unit,
                    kind=obligation_kind,
                    milestone=report if obligation_kind == Obligation.Kind.REPORT else None,
                    due_date=report.due_date,
                )
                obligations.append(obligation)
                owed.setdefault(node.code, []).append(obligation)

    def implemented(node: Node, day: datetime.date) -> None:
        for obligation in owed.get(node.code, []):
            if obligation.kind == Obligation.Kind.IMPLEMENTING:
                obligation.fulfilled_at = now - datetime.timedelta(days=(today - day).days)

    for province in nodes[0].children:
        organ = province.children[0]
        uppers = [n for n in province.children if n.kind == "dang-uy-cap-tren-co-so"]
        issue(organ, hd, uppers, start + datetime.timedelta(days=5))
        for upper in uppers:
            organs = [n for n in upper.children if n.kind == "ban-dang"]
            below = [n for n in upper.children if n.kind != "ban-dang"]
            issue(organs[0] if organs else upper, hd, below, start + datetime.timedelta(days=12))
            implemented(upper, start + datetime.timedelta(days=12))
            for grassroots in below:
                if grassroots.children and rng.random() < 0.6:
                    issue(grassroots, kh, grassroots.children, start + datetime.timedelta(days=20))
                    implemented(grassroots, start + datetime.timedelta(days=20))
    with transaction.atomic():
        Directive.objects.bulk_create(directives, batch_size=BATCH)
        Milestone.objects.bulk_create(milestones, batch_size=BATCH)
        DirectiveRecipient.objects.bulk_create(recipients, batch_size=BATCH)
        Obligation.objects.bulk_create(obligations, batch_size=BATCH)
    clock.step(
        f"{len(directives):,} directives, {len(recipients):,} recipients, "
        f"{len(obligations):,} obligations"
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    clock.step("VACUUM ANALYZE")
    print(f"  {'build total':<44} {clock.total:6.2f} s")
    return {"admin": admin, "root": nodes[0].unit, "campaign": campaign}


# ---------------------------------------------------------------------------- the file


def operations(nodes: list[Node], wanted: int, rng: random.Random, day: datetime.date) -> list:
    """The file's rows, as read from a spreadsheet (line, {column: text}), `wanted` operations:
    per province the departments merged, district departments closed, communes merged by two
    to four into new communes under the province (the few left moved there), district
    committees closed, the agencies' bloc split into the committees of the provincial
    government and of the party agencies with some grassroots moved across, the enterprises'
    bloc closed, grassroots committees merged and renamed; then provinces merged; hamlet cells
    merged into a neighbour fill the count, first in the file as villages merge first."""
    date = day.strftime("%d/%m/%Y")
    by_province: list[list[list[dict]]] = []

    def row(kind: str, old: str, number: str, body: str, **fields) -> dict[str, str]:
        return {
            "kind": kind,
            "effective_date": date,
            "decision_number": number,
            "decision_date": date,
            "decision_body": body,
            "old_codes": old,
            **{key: str(value) for key, value in fields.items()},
        }

    cells_by_province: list[list[tuple[Node, Node]]] = []
    for province in nodes[0].children:
        p, name = province.code, province.name.removeprefix("Tỉnh ủy ")
        body = f"Ban Thường vụ Tỉnh ủy {name}"
        decision = iter(range(1000, 100000))

        def op(kind, old, **fields):
            return [row(kind, old, f"{next(decision)}-QĐ/TU", body, **fields)]  # noqa: B023

        groups: list[list[dict]] = []
        btg, bdv = province.children[0], province.children[1]
        groups.append(
            op(
                "hợp nhất",
                f"{btg.code}; {bdv.code}",
                new_code=f"{p}-BTGDV",
                new_name=f"Ban Tuyên giáo và Dân vận Tỉnh ủy {name}",
                new_symbol="BTGDVTU",
                new_kind="ban-dang",
                new_parent_code=p,
            )
        )
        districts = [n for n in province.children if n.code.startswith(f"{p}-H")]
        groups += [op("giải thể", d.children[0].code, new_code=f"{p}-BTGDV") for d in districts]
        number = 0
        for district in districts:
            communes = [c for c in district.children if c.kind == "dang-bo-co-so"]
            rng.shuffle(communes)
            while len(communes) >= 2:
                size = min(len(communes), rng.choice([2, 3, 3, 4]))
                merged, communes = communes[:size], communes[size:]
                number += 1
                groups.append(
                    op(
                        "hợp nhất",
                        "; ".join(c.code for c in merged),
                        new_code=f"{p}-XA{number:03d}",
                        new_name=f"Đảng bộ xã {rng.choice(PLACES)} (mới {number})",
                        new_short_name=f"ĐB xã mới {number}",
                        new_symbol="ĐU",
                        new_kind="dang-bo-co-so",
                        new_parent_code=p,
                    )
                )
            groups += [op("chuyển", c.code, new_parent_code=p) for c in communes]
        groups += [op("giải thể", d.code) for d in districts]
        agencies, enterprises = (n for n in province.children if n.code.endswith(("KCQ", "KDN")))
        split = [
            row(
                "chia tách",
                agencies.code,
                f"{next(decision)}-QĐ/TU",
                body,
                new_code=f"{p}-UBND",
                new_name=f"Đảng ủy Ủy ban nhân dân tỉnh {name}",
                new_symbol="ĐU",
                new_kind="dang-uy-cap-tren-co-so",
            )
        ]
        split.append(
            {
                **split[0],
                "new_code": f"{p}-CQD",
                "new_name": f"Đảng ủy các cơ quan Đảng tỉnh {name}",
            }
        )
        groups.append(split)
        grassroots = [n for n in agencies.children if n.kind != "ban-dang"]
        rng.shuffle(grassroots)
        party_side = grassroots[: len(grassroots) // 4]
        groups += [op("chuyển", g.code, new_parent_code=f"{p}-CQD") for g in party_side]
        groups.append(op("giải thể", enterprises.code, new_code=f"{p}-UBND"))
        state_side = [g for g in grassroots[len(party_side) :] if g.kind == "dang-bo-co-so"]
        for first, second in list(zip(state_side[::2], state_side[1::2], strict=False))[:15]:
            groups.append(op("sáp nhập", first.code, new_code=second.code))
            groups.append(op("đổi tên", second.code, new_name=f"{second.name} (hợp nhất)"))
        by_province.append(groups)
        cells = []
        for unit in province.children:
            for grassroots_unit in unit.children:
                kids = [c for c in grassroots_unit.children if c.kind == "chi-bo"]
                cells += list(zip(kids[::2], kids[1::2], strict=False))
        rng.shuffle(cells)
        cells_by_province.append(cells)

    present = {n.code for n in nodes[0].children}
    provinces = [
        [
            row(
                "hợp nhất",
                "; ".join(old),
                f"{1000 + i}-QĐ/TW",
                "Bộ Chính trị",
                new_code=code,
                new_name=f"Tỉnh ủy {name}",
                new_symbol="TU",
                new_kind="tinh-uy",
            )
        ]
        for i, (code, name, old) in enumerate(MERGED_PROVINCES)
        if set(old) <= present
    ]
    fixed = sum(len(g) for g in by_province) + len(provinces)
    spare = max(0, wanted - fixed)
    cell_groups: list[list[list[dict]]] = []
    for index, cells in enumerate(cells_by_province):
        share = spare // len(cells_by_province) + (index < spare % len(cells_by_province))
        province = nodes[0].children[index]
        body = f"Ban Thường vụ {province.name}"
        cell_groups.append(
            [
                [row("sáp nhập", gone.code, f"{5000 + k}-QĐ/ĐU", body, new_code=kept.code)]
                for k, (gone, kept) in enumerate(cells[:share])
            ]
        )
    ordered = [g for groups in cell_groups for g in groups]
    ordered += [g for groups in by_province for g in groups] + provinces
    ordered = ordered[:wanted]
    rows = [r for group in ordered for r in group]
    return [(line, r) for line, r in enumerate(rows, start=2)], len(ordered)


# ---------------------------------------------------------------------------- the run


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process on this machine (Linux /proc), 0 if unreadable."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def backend_pid() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def tree_problems() -> str:
    """What treebeard's find_problems checks, in two queries (it takes minutes on 100,000
    units): each depth matches its path, each unit's parent exists, each numchild is right."""
    from django.db import connection

    from units.models import Unit

    table, step = Unit._meta.db_table, Unit.steplen
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*) FROM {table} u WHERE LENGTH(u.path) != u.depth * {step} "  # noqa: S608
            f"OR (u.depth > 1 AND NOT EXISTS (SELECT 1 FROM {table} p "
            f"WHERE p.path = SUBSTR(u.path, 1, LENGTH(u.path) - {step})))"
        )
        (bad_paths,) = cursor.fetchone()
        cursor.execute(
            f"SELECT COUNT(*) FROM {table} p LEFT JOIN (SELECT SUBSTR(path, 1, "  # noqa: S608
            f"LENGTH(path) - {step}) AS parent, COUNT(*) AS n FROM {table} WHERE depth > 1 "
            f"GROUP BY 1) c ON c.parent = p.path WHERE p.numchild != COALESCE(c.n, 0)"
        )
        (bad_counts,) = cursor.fetchone()
    return ", ".join(
        f"{n:,} {what}"
        for n, what in ((bad_paths, "bad paths"), (bad_counts, "wrong child counts"))
        if n
    )


class SqlTally:
    """An execute wrapper: how many statements ran, and where the SQL time went by shape."""

    def __init__(self) -> None:
        self.count = 0
        self.seconds: Counter = Counter()
        self.calls: Counter = Counter()

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            shape = " ".join(sql.split()[:6])[:90]
            if shape.startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")):
                shape = shape.rsplit(" ", 1)[0]
            self.seconds[shape] += time.perf_counter() - started
            self.calls[shape] += 1

    def show(self, top: int) -> None:
        total = sum(self.seconds.values())
        print(f"  SQL: {self.count:,} statements, {total:.1f} s as the client sees it")
        for shape, seconds in self.seconds.most_common(top):
            print(f"    {seconds:7.2f} s {self.calls[shape]:8,} × {shape}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--operations", type=int, default=5_000)
    parser.add_argument("--provinces", type=int, default=12, choices=range(1, 13))
    parser.add_argument(
        "--preview", action="store_true", help="also time the preview (rolled back) first"
    )
    parser.add_argument("--profile", action="store_true", help="profile the run (cProfile)")
    parser.add_argument("--sql", type=int, default=8, help="statement shapes shown, by SQL time")
    parser.add_argument(
        "--server-side-binding",
        action="store_true",
        help="psycopg's server-side binding (prepared statements) for the run",
    )
    parser.add_argument(
        "--without-handover",
        action="store_true",
        help="diagnosis: run without the hand-over hooks (obligations, drafts, reminders stay)",
    )
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    args = parser.parse_args()

    database = postgres_database_create(os.environ.get("DATABASE_URL", ""), BENCH_DB)
    django_setup(database.url)
    if args.server_side_binding:  # psycopg then prepares a statement run five times or more
        from django.db import connections

        options = connections.databases["default"]["OPTIONS"]
        options.update(server_side_binding=True, prepare_threshold=5)
    from django.db import connection
    from django.utils import timezone

    from campaigns.models import Obligation
    from units import events
    from units.models import Reorganisation, ReorganisationBatch, Unit
    from units.services import reorganise_rows
    from units.services.reorganise import _handover_hooks

    if args.without_handover:
        _handover_hooks.clear()

    ok = True
    try:
        print(server_line(database))
        migrate()
        rng = random.Random(args.seed)
        print("Build:")
        nodes = tree_nodes(args.units, args.provinces, rng)
        world = build(nodes, rng)
        day = timezone.localdate() - datetime.timedelta(days=DAYS_AGO)
        rows, wanted = operations(nodes, args.operations, rng, day)
        kinds = Counter(r["kind"] for _, r in rows)
        print(
            f"File: {len(rows):,} rows, {wanted:,} operations ("
            + ", ".join(f"{kind} {n:,}" for kind, n in kinds.most_common())
            + ")"
        )
        batch = ReorganisationBatch.objects.create(
            created_by=world["admin"], scope=world["root"], file_name="bench.xlsx", content=b""
        )
        open_before = Unit.objects.filter(closed_on__isnull=True).count()

        def run(keep: bool):
            profiler = cProfile.Profile() if args.profile else None
            sql = SqlTally()
            # The event consumers run after the commit in a worker; here they would run
            # in-process once per recorded event. Count the dispatches and run them once after.
            hooks, events._hooks[:] = list(events._hooks), [lambda: dispatched.append(1)]
            dispatched: list[int] = []
            try:
                with connection.execute_wrapper(sql):
                    cpu = cpu_seconds(os.getpid()), cpu_seconds(backend_pid())
                    started = time.perf_counter()
                    if profiler:
                        profiler.enable()
                    result = reorganise_rows(
                        actor=world["admin"],
                        scope=world["root"],
                        rows=rows,
                        keep=keep,
                        batch=batch,
                    )
                    if profiler:
                        profiler.disable()
                    elapsed = time.perf_counter() - started
                    cpu = (
                        cpu_seconds(os.getpid()) - cpu[0],
                        cpu_seconds(backend_pid()) - cpu[1],
                    )
            finally:
                events._hooks[:] = hooks
            if dispatched:
                started = time.perf_counter()
                events._dispatch()
                print(
                    f"  after the commit: {len(dispatched):,} event dispatches; the consumers, "
                    f"run once: {time.perf_counter() - started:.2f} s"
                )
            if profiler:
                stats = pstats.Stats(profiler)
                stats.sort_stats("cumulative").print_stats(30)
                stats.sort_stats("tottime").print_stats(20)
            sql.show(args.sql)
            print(
                f"  CPU time: Python {cpu[0]:.1f} s, its PostgreSQL backend {cpu[1]:.1f} s "
                f"(wall {elapsed:.1f} s; the rest is waiting for a core)"
            )
            return result, elapsed, sql

        print(f"Timings (load average {load_average()}):")
        if args.preview:
            result, elapsed, queries = run(keep=False)
            print(
                f"  preview (rolled back) {elapsed:7.2f} s  {queries.count:,} queries, "
                f"{len(result.operations):,} operations, {len(result.errors)} errors"
            )
        result, elapsed, queries = run(keep=True)
        met = not result.errors and elapsed < TARGET_SECONDS
        per_op = elapsed / max(1, len(result.operations)) * 1000
        print(
            f"  apply                 {elapsed:7.2f} s  {queries.count:,} queries "
            f"({queries.count / max(1, len(result.operations)):.0f} an operation, "
            f"{per_op:.1f} ms an operation)"
        )
        for error in result.errors[:10]:
            print(f"    Dòng {error.line}: {error.message}")
        print(
            f"  target: {wanted:,} operations on a {len(nodes):,}-unit tree in < "
            f"{TARGET_SECONDS:.0f} s: {'MET' if met else 'MISSED'}"
        )
        ok = met
        counts = result.summary.get("counts", {})
        print("What it did: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
        recorded = Reorganisation.objects.filter(batch=batch).count()
        open_after = Unit.objects.filter(closed_on__isnull=True).count()
        stranded = Obligation.objects.filter(unit__closed_on__isnull=False, handed_over_on=None)
        print(
            f"Checks: {recorded:,} operations recorded; open units {open_before:,} → "
            f"{open_after:,}; open work left on a closed unit: "
            f"{stranded.filter(due_date__gte=day, fulfilled_at=None).count():,}"
        )
        problems = tree_problems()
        print(f"  tree sound (depths, parents, child counts): {problems or 'yes'}")
        ok = ok and not problems
    finally:
        database_remove(database, keep=args.keep)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
