"""Benchmark: the staff home page of a central issuer whose directive went to 50,000 units.

    .venv/bin/python bench/home.py [--recipients 50000] [--runs 21] [--keep] [--top 5]

Builds, in a database of its own (`campaign_portal_bench_home` on the server of DATABASE_URL,
default postgres://postgres@127.0.0.1:5432), a central committee with 63 provincial committees
and `--recipients` grassroots organisations under them; its Propaganda Department's directive to
every grassroots organisation, with their obligations and the reports already sent, and a few
more directives; then times GET "/" as a staff member of the committee. See README.md.
"""

from __future__ import annotations

import argparse
import datetime
import math
import os
import random
import statistics
import sys
import time

from _common import (
    database_remove,
    django_setup,
    load_average,
    migrate,
    postgres_database_create,
    server_line,
)

TARGET_MS = 200.0
BENCH_DB = "campaign_portal_bench_home"
BATCH = 5000
PROVINCES = 63
BODY = """I- MỤC ĐÍCH, YÊU CẦU
1. Cán bộ, đảng viên nắm vững nội dung cốt lõi của tác phẩm.
II- TỔ CHỨC THỰC HIỆN
1. Các đơn vị tổ chức sinh hoạt và báo cáo kết quả đúng hạn.
"""


def step(started: float, what: str) -> float:
    now = time.perf_counter()
    print(f"  {what:<58} {now - started:6.2f} s")
    return now


def build(args, rng: random.Random) -> dict:
    """Write the tree, the staff member, the campaign, the directives with their recipients,
    obligations and reports (bulk_create: issuing 50,000 recipients through
    `directive_issue` would render a PDF and write row by row); return what the timings need."""
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
    from reports.models import ProgressReport
    from units.models import Membership, Role, Unit, UnitKind, User

    started = first = time.perf_counter()
    today = timezone.localdate()
    kinds = {k.code: k for k in UnitKind.objects.all()}

    def unit(code, name, kind, parent, step_no, members=0) -> Unit:
        row = Unit(
            code=code,
            name=name,
            kind=kinds[kind],
            member_count=members,
            path=Unit._get_path(
                parent.path if parent else "", (parent.depth + 1) if parent else 1, step_no
            ),
            depth=(parent.depth + 1) if parent else 1,
        )
        row.refresh_search_name()
        return row

    root = unit("TW", "Ban Chấp hành Trung ương", "tinh-uy", None, 1)
    root_btg = unit("TW-BTG", "Ban Tuyên giáo Trung ương", "ban-dang", root, 1)
    provinces = [
        unit(f"P{p:02d}", f"Tỉnh ủy số {p}", "tinh-uy", root, p + 1)
        for p in range(1, PROVINCES + 1)
    ]
    per_province = math.ceil(args.recipients / PROVINCES)
    grassroots: list[Unit] = []
    children = dict.fromkeys(range(PROVINCES), 0)
    for number in range(args.recipients):
        p = number % PROVINCES
        children[p] += 1
        cell = rng.random() < 0.15
        grassroots.append(
            unit(
                f"P{p + 1:02d}-{children[p]:05d}",
                f"{'Chi bộ' if cell else 'Đảng bộ'} cơ sở số {children[p]} tỉnh {p + 1}",
                "chi-bo-co-so" if cell else "dang-bo-co-so",
                provinces[p],
                children[p],
                members=rng.randint(8, 60) if cell else 0,
            )
        )
    root.numchild = 1 + PROVINCES
    for p, province in enumerate(provinces):
        province.numchild = children[p]
    Unit.objects.bulk_create([root, root_btg, *provinces, *grassroots], batch_size=BATCH)
    started = step(
        started, f"{2 + PROVINCES + len(grassroots):,} units (≤ {per_province:,} per province)"
    )

    staff = User.objects.create(
        username="bench_staff", full_name="Chuyên viên Ban Tuyên giáo", password=make_password(None)
    )
    Membership.objects.create(user=staff, unit=root, role=Role.STAFF, position="Chuyên viên")
    start = today - datetime.timedelta(days=90)
    campaign = Campaign.objects.create(
        owner=root_btg,
        title="Tác phẩm “Cây tre Việt Nam”",
        subject="Đợt sinh hoạt chính trị, tư tưởng về tác phẩm “Cây tre Việt Nam”.",
        start_date=start,
        end_date=today + datetime.timedelta(days=90),
    )
    hd = DirectiveKind.objects.get(code="HD")
    tz = timezone.get_current_timezone()
    directives: list[Directive] = []
    milestones: list[Milestone] = []
    recipients: list[DirectiveRecipient] = []
    obligations: list[Obligation] = []
    reports: list[ProgressReport] = []

    def moment(day: datetime.date) -> datetime.datetime:
        return datetime.datetime.combine(day, datetime.time(rng.randint(7, 17)), tz)

    def directive(number: int | None, day: datetime.date, subject: str) -> Directive:
        row = Directive(
            campaign=campaign,
            kind=hd,
            issuer=root_btg,
            superior_body=root.name,
            issuing_body="Ban Tuyên giáo",
            issuer_name=root_btg.name,
            symbol_code="BTGTW",
            number=number,
            symbol=document_symbol(number=number, type_code="HD", issuer_code="BTGTW")
            if number
            else "",
            term_label="2021 – 2026",
            place="Hà Nội",
            issue_date=day if number else None,
            subject=subject,
            body=BODY,
            signer_position="Trưởng ban",
            signer_name="Người ký",
            requires_implementing=True,
            status=Directive.Status.ISSUED if number else Directive.Status.DRAFT,
            issued_at=moment(day) if number else None,
        )
        directives.append(row)
        return row

    def send(row: Directive, units: list[Unit], done: tuple[float, float]) -> None:
        """Recipients, milestones and obligations as directive_issue leaves them; `done` is the
        share of implementing obligations and first reports already fulfilled."""
        past, future = (
            row.issue_date + datetime.timedelta(days=30),
            today + datetime.timedelta(days=45),
        )
        own = [
            Milestone(directive=row, kind=Milestone.Kind.REPORT_DUE, title="Sơ kết", due_date=past),
            Milestone(
                directive=row,
                kind=Milestone.Kind.STUDY_COMPLETED,
                title="Hoàn thành sinh hoạt",
                due_date=today + datetime.timedelta(days=20),
            ),
            Milestone(
                directive=row, kind=Milestone.Kind.REPORT_DUE, title="Tổng kết", due_date=future
            ),
        ]
        milestones.extend(own)
        for target in units:
            recipient = DirectiveRecipient(
                directive=row, unit=target, unit_name=target.name, member_count=target.member_count
            )
            recipients.append(recipient)
            planned = rng.random() < done[0]
            obligations.append(
                Obligation(
                    directive=row,
                    recipient=recipient,
                    unit_id=recipient.unit_id,
                    kind=Obligation.Kind.IMPLEMENTING,
                    due_date=row.issue_date + datetime.timedelta(days=15),
                    fulfilled_at=moment(row.issue_date + datetime.timedelta(days=10))
                    if planned
                    else None,
                )
            )
            obligations.append(
                Obligation(
                    directive=row,
                    recipient=recipient,
                    unit_id=recipient.unit_id,
                    kind=Obligation.Kind.SESSIONS,
                    due_date=own[1].due_date,
                )
            )
            for milestone in (own[0], own[2]):
                sent = milestone is own[0] and rng.random() < done[1]
                owed = Obligation(
                    directive=row,
                    recipient=recipient,
                    unit_id=recipient.unit_id,
                    kind=Obligation.Kind.REPORT,
                    milestone=milestone,
                    due_date=milestone.due_date,
                    fulfilled_at=moment(milestone.due_date - datetime.timedelta(days=2))
                    if sent
                    else None,
                )
                obligations.append(owed)
                if sent:
                    reports.append(
                        ProgressReport(
                            obligation=owed,
                            unit=target,
                            campaign=campaign,
                            status=ProgressReport.Status.SUBMITTED,
                            assessment="Đơn vị đã quán triệt, tổ chức sinh hoạt đầy đủ.",
                            first_submitted_at=owed.fulfilled_at,
                            submitted_at=owed.fulfilled_at,
                        )
                    )

    central = directive(12, start, "Triển khai đợt sinh hoạt chính trị, tư tưởng toàn Đảng")
    send(central, grassroots, (0.7, 0.55))
    for number, subject in enumerate(
        ["Hướng dẫn tuyên truyền kỷ niệm", "Hướng dẫn nghiên cứu, học tập chuyên đề"], start=13
    ):
        send(
            directive(number, start + datetime.timedelta(days=number), subject),
            provinces,
            (0.8, 0.6),
        )
    sample = rng.sample(grassroots, min(5000, len(grassroots)))
    send(
        directive(15, start + datetime.timedelta(days=20), "Hướng dẫn sơ kết ở cơ sở"),
        sample,
        (0.5, 0.3),
    )
    for subject in ("Dự thảo hướng dẫn tổng kết", "Dự thảo kế hoạch kiểm tra"):
        directive(None, today, subject)
    with transaction.atomic():
        # bulk_create takes each foreign key's id from the related row saved just before.
        Directive.objects.bulk_create(directives, batch_size=BATCH)
        Milestone.objects.bulk_create(milestones, batch_size=BATCH)
        DirectiveRecipient.objects.bulk_create(recipients, batch_size=BATCH)
        Obligation.objects.bulk_create(obligations, batch_size=BATCH)
        ProgressReport.objects.bulk_create(reports, batch_size=BATCH)
    started = step(
        started,
        f"{len(directives)} directives, {len(recipients):,} recipients, "
        f"{len(obligations):,} obligations, {len(reports):,} reports",
    )
    with connection.cursor() as cursor:  # fresh statistics, as autovacuum would give later
        cursor.execute("VACUUM ANALYZE")
    step(started, "VACUUM ANALYZE")
    print(f"  {'build total':<58} {time.perf_counter() - first:6.2f} s")
    return {"staff": staff, "central": central}


def timed(call, runs: int) -> tuple[list[float], list]:
    """Wall times in ms of `runs` calls after one warm-up, and the queries of the last."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call()
    times = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            call()
            times.append((time.perf_counter() - started) * 1000)
    return times, list(queries.captured_queries)


def p95(times: list[float]) -> float:
    """The nearest-rank 95th percentile."""
    ranked = sorted(times)
    return ranked[max(0, math.ceil(0.95 * len(ranked)) - 1)]


def show(label: str, times: list[float], queries: list, target: float | None = None) -> None:
    sql = sum(float(q["time"]) for q in queries) * 1000
    verdict = ""
    if target is not None:
        verdict = f"  target < {target:.0f} ms: {'MET' if statistics.median(times) < target else 'MISSED'}"
    print(
        f"  {label:<34} median {statistics.median(times):6.1f} ms, p95 {p95(times):6.1f} ms "
        f"(min {min(times):6.1f}), last run {len(queries):2d} queries, {sql:5.1f} ms SQL{verdict}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=21, help="timed runs after one warm-up")
    parser.add_argument("--top", type=int, default=5, help="slowest queries shown")
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    args = parser.parse_args()

    database = postgres_database_create(os.environ.get("DATABASE_URL", ""), BENCH_DB)
    django_setup(database.url)
    from django.conf import settings
    from django.db.models import Count, Q
    from django.test import Client

    from campaigns.models import DirectiveRecipient, Obligation
    from campaigns.selectors import directives_issued_for

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]  # django.test.Client's host
    ok = True
    try:
        print(server_line(database))
        migrate()
        print("Build:")
        world = build(args, random.Random(args.seed))
        staff, central = world["staff"], world["central"]

        client = Client()
        client.force_login(staff)
        response = client.get("/")
        shown = next(d for d in directives_issued_for(staff) if d.pk == central.pk)
        if response.status_code != 200 or central.display_title not in response.text:
            print(f"  GET / as staff: status {response.status_code}, central directive not listed")
            return 1
        print(
            f"Central directive as listed: {shown.recipient_total:,} recipients, plans "
            f"{shown.plans_done:,}/{shown.plans_due:,}, reports {shown.reports_done:,}/"
            f"{shown.reports_due:,}"
        )
        print(f"Timings: {args.runs} runs after one warm-up (load average {load_average()})")
        times, queries = timed(lambda: client.get("/"), args.runs)
        show('GET "/" as staff', times, queries, TARGET_MS)
        ok = statistics.median(times) < TARGET_MS
        for query in sorted(queries, key=lambda q: float(q["time"]), reverse=True)[: args.top]:
            sql = " ".join(query["sql"].split())
            print(f"      {float(query['time']) * 1000:7.1f} ms  {sql[:140]}…")

        # The figures two ways: correlated subqueries per figure (what the selector does), and
        # one grouped query per table over the page's directives (the alternative).
        print("The figures of the home page's ten directives:")
        show(
            "directives_issued_for()[:10]",
            *timed(lambda: list(directives_issued_for(staff)[:10]), args.runs),
        )

        def grouped() -> None:
            page = list(
                directives_issued_for(staff).values_list("pk", flat=True)[:10]
            )  # the same page, figures left to the two queries below
            done = Q(fulfilled_at__isnull=False)
            list(
                DirectiveRecipient.objects.filter(directive__in=page)
                .values("directive")
                .annotate(n=Count("pk"))
                .order_by()
            )
            list(
                Obligation.objects.filter(directive__in=page)
                .values("directive")
                .annotate(
                    plans_due=Count("pk", filter=Q(kind="implementing")),
                    plans_done=Count("pk", filter=Q(kind="implementing") & done),
                    reports_due=Count("pk", filter=Q(kind="report")),
                    reports_done=Count("pk", filter=Q(kind="report") & done),
                )
                .order_by()
            )

        show("page + two grouped queries", *timed(grouped, args.runs))

    finally:
        database_remove(database, keep=args.keep)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
