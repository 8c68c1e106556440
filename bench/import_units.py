"""Benchmark: import a province-sized unit tree (.xlsx) into a throw-away database.

    .venv/bin/python bench/import_units.py [--units 5000] [--keep]

SQLite by default (a temporary file); PostgreSQL when DATABASE_URL is postgres://…, in a
database named `bench_import` on that server that this script creates and drops. See README.md.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time

from _common import (
    database_remove,
    django_setup,
    is_postgres,
    migrate,
    postgres_database_create,
    sqlite_database_create,
)

EXPORT_TARGET_SECONDS = 10.0
TARGET_SECONDS = 30.0
BENCH_DB = "bench_import"

DISTRICTS = [
    (
        "QU-NK",
        "Quận ủy Ninh Kiều",
        "phường",
        ["An Hòa", "An Khánh", "Cái Khế", "Hưng Lợi", "Tân An"],
    ),
    ("QU-CR", "Quận ủy Cái Răng", "phường", ["Lê Bình", "Hưng Phú", "Ba Láng", "Thường Thạnh"]),
    ("QU-BT", "Quận ủy Bình Thủy", "phường", ["Bình Thủy", "Trà An", "Long Hòa", "Bùi Hữu Nghĩa"]),
    ("QU-OM", "Quận ủy Ô Môn", "phường", ["Châu Văn Liêm", "Thới Hòa", "Phước Thới", "Trường Lạc"]),
    ("QU-TN", "Quận ủy Thốt Nốt", "phường", ["Thốt Nốt", "Thới Thuận", "Trung Kiên", "Tân Lộc"]),
    ("HU-PD", "Huyện ủy Phong Điền", "xã", ["Nhơn Ái", "Giai Xuân", "Tân Thới", "Mỹ Khánh"]),
    ("HU-CD", "Huyện ủy Cờ Đỏ", "xã", ["Trung An", "Thạnh Phú", "Đông Hiệp", "Đông Thắng"]),
    ("HU-TL", "Huyện ủy Thới Lai", "xã", ["Định Môn", "Trường Thành", "Xuân Thắng", "Đông Bình"]),
    ("HU-VT", "Huyện ủy Vĩnh Thạnh", "xã", ["Thạnh Mỹ", "Thạnh Quới", "Vĩnh Bình", "Thạnh Lộc"]),
]
BLOCS = [
    ("DUK-CQ", "Đảng ủy Khối các cơ quan thành phố"),
    ("DUK-DN", "Đảng ủy Khối doanh nghiệp thành phố"),
]
AGENCIES = ["Sở Tài chính", "Sở Y tế", "Sở Giáo dục và Đào tạo", "Sở Nội vụ", "Sở Tư pháp"]
AGENCIES += ["Sở Công Thương", "Sở Xây dựng", "Kho bạc Nhà nước", "Cục Thuế", "Bảo hiểm xã hội"]
COMPANIES = ["Công ty Cấp thoát nước", "Công ty Điện lực", "Công ty Xổ số kiến thiết"]
COMPANIES += ["Công ty Cảng Cần Thơ", "Công ty Lương thực", "Công ty Công trình đô thị"]
CELLS = ["Chi bộ Văn phòng", "Chi bộ Tổ chức", "Chi bộ Kế toán", "Chi bộ Kỹ thuật"]
CELLS += ["Chi bộ Kinh doanh", "Chi bộ Thanh tra", "Chi bộ Phân xưởng", "Chi bộ Nghiệp vụ"]


def tree_rows(total: int, seed: int = 2025, prefix: str = "") -> list[dict[str, object]]:
    """`total` rows, parents first: a city committee, district and bloc committees with their
    propaganda boards, grassroots committees under them and cells under those."""
    rng = random.Random(seed)
    rows: list[dict[str, object]] = []

    def add(code, parent, name, kind, members=0, **extra):
        rows.append(
            {
                "code": prefix + code,
                "parent_code": prefix + parent if parent else "",
                "name": name,
                "kind": kind,
                "place_name": "Cần Thơ",
                "member_count": members,
                "official_count": rng.randint(0, 40),
                "is_active": "có",
                **extra,
            }
        )

    add("TU", "", "Thành ủy Cần Thơ", "tinh-uy", short_name="Thành ủy", symbol_code="TU")
    add("TU-BTG", "TU", "Ban Tuyên giáo Thành ủy", "ban-dang", symbol_code="BTGTU")
    uppers = [(code, name, unit, places) for code, name, unit, places in DISTRICTS]
    uppers += [(code, name, "", []) for code, name in BLOCS]
    for code, name, _, _ in uppers:
        add(code, "TU", name, "dang-uy-cap-tren-co-so", symbol_code=code)
        add(f"{code}-BTG", code, f"Ban Tuyên giáo {name}", "ban-dang")
    number = 0
    while len(rows) < total:
        code, name, unit, places = uppers[number % len(uppers)]
        number += 1
        child = f"{code}-{number:04d}"
        if places:
            place = places[number % len(places)]
            title, kind = f"Đảng bộ {unit} {place} (khu {number})", "dang-bo-co-so"
        elif code == "DUK-CQ":
            title, kind = f"Đảng bộ {rng.choice(AGENCIES)} (đơn vị {number})", "dang-bo-co-so"
        else:
            title, kind = f"Đảng bộ {rng.choice(COMPANIES)} (chi nhánh {number})", "dang-bo-co-so"
        if rng.random() < 0.15:  # a grassroots cell: members, no cells below
            title, kind = title.replace("Đảng bộ", "Chi bộ", 1), "chi-bo-co-so"
            add(child, code, title, kind, members=rng.randint(8, 45))
            continue
        add(child, code, title, kind)
        for cell in range(1, rng.randint(3, 12) + 1):
            if len(rows) >= total:
                break
            if places:
                cell_name = f"Chi bộ {'ấp' if unit == 'xã' else 'khu vực'} {cell}"
            else:
                cell_name = f"{rng.choice(CELLS)} số {cell}"
            add(f"{child}-{cell:02d}", child, cell_name, "chi-bo", members=rng.randint(5, 60))
    return rows[:total]


def is_leaf(rows: list[dict[str, object]], index: int) -> bool:
    following = rows[index + 1] if index + 1 < len(rows) else {}
    return following.get("parent_code") != rows[index]["code"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=5000, help="rows in the spreadsheet")
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    args = parser.parse_args()

    given = os.environ.get("DATABASE_URL", "")
    if is_postgres(given):
        database = postgres_database_create(given, BENCH_DB)
        where = f"PostgreSQL, database {BENCH_DB}"
    else:
        database = sqlite_database_create("bench-import-")
        where = f"SQLite, {database.directory}/bench.sqlite3"
    django_setup(database.url)
    from django.db.models import Sum

    from units.models import Unit
    from units.selectors import export_rows
    from units.services import unit_tree_import
    from units.tabular import read_spreadsheet, write_xlsx

    ok = True
    try:
        print(f"Database: {where}")
        migrate(say_time=False)

        rows = tree_rows(args.units)
        content = write_xlsx(rows)
        print(f"Spreadsheet: {len(rows):,} units, {len(content) / 1024:,.0f} KB .xlsx")

        started = time.perf_counter()
        parsed = read_spreadsheet("bench.xlsx", content)
        read_seconds = time.perf_counter() - started
        started = time.perf_counter()
        result = unit_tree_import(actor=None, rows=parsed.rows)
        import_seconds = time.perf_counter() - started
        total = read_seconds + import_seconds

        in_db = Unit.objects.count()
        children = Unit.objects.aggregate(total=Sum("numchild"))["total"]
        roots = Unit.objects.filter(depth=1).count()
        sound = result.ok and result.created == len(rows) == in_db == children + roots
        met = total < TARGET_SECONDS
        ok = sound and met
        print(f"  read spreadsheet  {read_seconds:7.2f} s")
        print(f"  unit_tree_import  {import_seconds:7.2f} s  (created {result.created:,})")
        print(f"  total             {total:7.2f} s  target < {TARGET_SECONDS:.0f} s: ", end="")
        print("MET" if met else "MISSED")
        if not sound:
            print(f"  WRONG RESULT: {in_db:,} units in the database, errors {result.errors[:3]}")

        # The way back: the whole tree as the .xlsx an administrator downloads.
        started = time.perf_counter()
        exported = write_xlsx(list(export_rows(Unit.objects.get(depth=1))))
        export_seconds = time.perf_counter() - started
        export_met = export_seconds < EXPORT_TARGET_SECONDS
        ok = ok and export_met
        print(
            f"  export .xlsx      {export_seconds:7.2f} s  ({len(exported) / 1024:,.0f} KB), ",
            end="",
        )
        print(f"target < {EXPORT_TARGET_SECONDS:.0f} s: {'MET' if export_met else 'MISSED'}")

        # Second run: the same tree under other codes, one bad row in the middle.
        bad_rows = tree_rows(args.units, prefix="X-")
        middle = next(i for i in range(len(bad_rows) // 2, len(bad_rows)) if is_leaf(bad_rows, i))
        bad_rows[middle] = {**bad_rows[middle], "member_count": "-3"}
        bad_line = middle + 2  # the header is line 1
        started = time.perf_counter()
        result = unit_tree_import(
            actor=None, rows=read_spreadsheet("bad.xlsx", write_xlsx(bad_rows)).rows
        )
        bad_seconds = time.perf_counter() - started
        unchanged = Unit.objects.count() == in_db
        named = [error.line for error in result.errors] == [bad_line]
        ok = ok and unchanged and named and result.created == 0
        print(f"One bad row (line {bad_line}) among {len(bad_rows):,}: {bad_seconds:.2f} s")
        for error in result.errors[:5]:
            print(f"  Dòng {error.line} ({error.code}): {error.message}")
        print(f"  imported nothing: {'yes' if unchanged and result.created == 0 else 'NO'}")
        print(f"  named only that row: {'yes' if named else 'NO'}")
    finally:
        database_remove(database, keep=args.keep)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
