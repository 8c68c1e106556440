"""Benchmark: a province's deadline reminders sent by a real Celery worker, on PostgreSQL.

    .venv/bin/python bench/reminders.py [--units 10000] [--concurrency 2] [--keep] [--profile 300]

Builds, in a database of its own (`campaign_portal_bench_reminders` on the server of
DATABASE_URL, default postgres://postgres@127.0.0.1:5432), a province's tree whose directives
all fall due in three days, with a secretary (and an e-mail address) on every unit that owes
something; then times `scan_reminders.delay()` through Redis (BENCH_REDIS_URL, default
redis://127.0.0.1:6379/13) to a `celery worker` subprocess until every digest is sent, and the
same work in-process as `manage.py send_reminders` does it. See README.md.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime
import os
import pstats
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

TARGET_SECONDS = 60.0
BENCH_DB = "campaign_portal_bench_reminders"
DEFAULT_BROKER = "redis://127.0.0.1:6379/13"
ROOT = Path(__file__).resolve().parent.parent
BATCH = 2000
DUE_IN_DAYS = 3
REPORTED_SHARE = 0.2  # units that already sent the report: reminded of their sessions only
MESSAGE_END = b"\n" + b"-" * 79 + b"\n"  # what the file-based backend writes after a message
BODY = """I- MỤC ĐÍCH, YÊU CẦU
1. Cán bộ, đảng viên nắm vững nội dung cốt lõi của tác phẩm.
II- TỔ CHỨC THỰC HIỆN
1. Các đơn vị tổ chức sinh hoạt và báo cáo kết quả đúng hạn.
"""

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
from dashboard import (  # noqa: E402 - the same province as the dashboard bench
    tree_nodes,
    units_create,
)


def build(units: int, rng: random.Random) -> dict[str, int]:
    """The tree, one secretary per unit that receives a directive, and a cascade of directives
    whose milestones (sessions held, report sent) all fall due in DUE_IN_DAYS days."""
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

    today = timezone.localdate()
    due = today + datetime.timedelta(days=DUE_IN_DAYS)
    issued_at = timezone.now() - datetime.timedelta(days=20)
    hd, kh = DirectiveKind.objects.get(code="HD"), DirectiveKind.objects.get(code="KH")

    nodes = tree_nodes(units, 300_000, rng)
    units_create(nodes)

    root = nodes[0]
    root_btg = next(n for n in root.children if n.kind == "ban-dang")
    campaign = Campaign.objects.create(
        owner=root_btg.unit,
        title="Tác phẩm “Cây tre Việt Nam”",
        subject="Đợt sinh hoạt chính trị, tư tưởng về tác phẩm “Cây tre Việt Nam”.",
        start_date=today - datetime.timedelta(days=60),
        end_date=today + datetime.timedelta(days=60),
    )
    term = f"{today.year - 1} – {today.year + 4}"

    # The cascade: the province's guidance to the upper committees, theirs (by their
    # propaganda departments) to their grassroots organisations, each grassroots committee's
    # plan to its cells. Every directive: sessions held and report sent by `due`.
    directives, milestones, recipients, obligations = [], [], [], []
    issuers: set[str] = set()

    def issue(issuer, committee, kind, grassroots: bool) -> None:
        sent = [c for c in committee.children if c.kind != "ban-dang"]
        if not sent:
            return
        number = len(directives) + 1
        directive = Directive(
            campaign=campaign,
            kind=kind,
            issuer=issuer.unit,
            superior_body=committee.parent.name if committee.parent else "",
            issuing_body=issuer.name,
            issuer_name=issuer.name,
            symbol_code=issuer.symbol or "CB",
            number=number,
            symbol=document_symbol(
                number=number, type_code=kind.code, issuer_code=issuer.symbol or "CB"
            ),
            term_label=term,
            place=committee.unit.place_name,
            issue_date=issued_at.date(),
            subject="Triển khai đợt sinh hoạt chính trị, tư tưởng về tác phẩm “Cây tre Việt Nam”",
            body=BODY,
            signer_position="Bí thư",
            signer_name=f"Người ký {issuer.code}",
            requires_implementing=not grassroots,
            requires_sessions=True,
            status=Directive.Status.ISSUED,
            issued_at=issued_at,
        )
        directives.append(directive)
        issuers.add(committee.code)
        study = Milestone(
            directive=directive,
            kind=Milestone.Kind.STUDY_COMPLETED,
            title="Sinh hoạt",
            due_date=due,
        )
        report = Milestone(
            directive=directive, kind=Milestone.Kind.REPORT_DUE, title="Báo cáo", due_date=due
        )
        milestones.extend([study, report])
        for child in sent:
            recipient = DirectiveRecipient(
                directive=directive, unit=child.unit, unit_name=child.name
            )
            recipients.append(recipient)
            if directive.requires_implementing and child.unit.kind.issues_documents:
                obligations.append(
                    Obligation(
                        directive=directive,
                        recipient=recipient,
                        unit_id=recipient.unit_id,
                        kind=Obligation.Kind.IMPLEMENTING,
                        due_date=due,
                        fulfilled_at=None,  # set below for the committees that issued theirs
                    )
                )
            obligations.append(
                Obligation(
                    directive=directive,
                    recipient=recipient,
                    unit_id=recipient.unit_id,
                    kind=Obligation.Kind.SESSIONS,
                    due_date=due,
                )
            )
            obligations.append(
                Obligation(
                    directive=directive,
                    recipient=recipient,
                    unit_id=recipient.unit_id,
                    kind=Obligation.Kind.REPORT,
                    milestone=report,
                    due_date=due,
                    fulfilled_at=issued_at if rng.random() < REPORTED_SHARE else None,
                )
            )

    issue(root_btg, root, hd, grassroots=False)
    for upper in (n for n in root.children if n.kind == "dang-uy-cap-tren-co-so"):
        organ = next((c for c in upper.children if c.kind == "ban-dang"), upper)
        issue(organ, upper, hd, grassroots=False)
        for grassroots in upper.children:
            if grassroots.kind == "dang-bo-co-so":
                issue(grassroots, grassroots, kh, grassroots=True)
    for obligation in obligations:  # a committee that issued its own directive has answered
        if (
            obligation.kind == Obligation.Kind.IMPLEMENTING
            and obligation.recipient.unit.code in issuers
        ):
            obligation.fulfilled_at = issued_at

    # One secretary, with an e-mail address, on every unit that received a directive.
    password = make_password(None)
    receiving = {r.unit.pk: r.unit for r in recipients}
    people = [
        User(
            username=f"bithu{number:05d}",
            full_name=f"Bí thư {unit.code}",
            email=f"bithu{number:05d}@example.vn",
            password=password,
        )
        for number, unit in enumerate(receiving.values(), start=1)
    ]
    with transaction.atomic():
        Directive.objects.bulk_create(directives, batch_size=BATCH)
        Milestone.objects.bulk_create(milestones, batch_size=BATCH)
        DirectiveRecipient.objects.bulk_create(recipients, batch_size=BATCH)
        Obligation.objects.bulk_create(obligations, batch_size=BATCH)
        User.objects.bulk_create(people, batch_size=BATCH)
        Membership.objects.bulk_create(
            [
                Membership(
                    user=user,
                    unit=unit,
                    role=Role.SECRETARY,
                    position="Bí thư",
                    start_date=today - datetime.timedelta(days=30),
                )
                for user, unit in zip(people, receiving.values(), strict=True)
            ],
            batch_size=BATCH,
        )
    with connection.cursor() as cursor:  # fresh statistics, as autovacuum would give later
        cursor.execute("VACUUM ANALYZE")
    return {
        "units": len(nodes),
        "directives": len(directives),
        "recipients": len(recipients),
        "obligations": len(obligations),
        "open": sum(o.fulfilled_at is None for o in obligations),
        "users": len(people),
    }


def _outbox(directory: Path) -> Counter[str]:
    """How many messages the file-based backend wrote to each address."""
    import email
    import email.policy

    sent: Counter[str] = Counter()
    for path in directory.iterdir():
        for chunk in path.read_bytes().split(MESSAGE_END):
            if chunk.strip():
                message = email.message_from_bytes(chunk, policy=email.policy.default)
                sent.update(a.addr_spec for a in message["To"].addresses)
    return sent


def _clear_reminders() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE reports_notification, reports_reminder, reports_digest RESTART IDENTITY"
        )


def _counts() -> tuple[int, int, int]:
    from reports.models import Digest, Reminder

    return (
        Reminder.objects.count(),
        Digest.objects.count(),
        Digest.objects.filter(status=Digest.Status.SENT).count(),
    )


def run_worker(args, bench_url: str, broker: str, work_dir: Path) -> tuple[bool, float]:
    """Time scan_reminders.delay() → every digest sent, by a `celery worker` subprocess."""
    import redis

    from reports.tasks import scan_reminders

    redis.Redis.from_url(broker).flushdb()
    outbox = work_dir / "worker-outbox"
    outbox.mkdir()
    log = work_dir / "worker.log"
    env = {
        **os.environ,
        "DATABASE_URL": bench_url,
        "CELERY_BROKER_URL": broker,
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(outbox),
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    pool = "--pool=solo" if args.concurrency == 1 else f"--concurrency={args.concurrency}"
    command = [sys.executable, "-m", "celery", "-A", args.worker_app, "worker", pool]
    command += ["--without-heartbeat", "--without-gossip", "--without-mingle", "--loglevel=info"]
    with log.open("w") as out:
        worker = subprocess.Popen(  # noqa: S603 - fixed arguments, this interpreter
            command,
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while " ready." not in log.read_text(errors="replace"):
            if worker.poll() is not None or time.monotonic() > deadline:
                print(log.read_text(errors="replace")[-3000:])
                return False, 0.0
            time.sleep(0.1)
        started = time.perf_counter()
        scan_reminders.delay()
        scanned = None
        deadline = time.monotonic() + args.timeout
        while True:
            reminders, digests, sent = _counts()
            if scanned is None and digests:  # the scan commits its reminders and digests at once
                scanned = time.perf_counter() - started
            if digests and sent == digests:
                break
            if worker.poll() is not None or time.monotonic() > deadline:
                print(f"  worker gave up: {sent:,}/{digests:,} digests sent")
                print(log.read_text(errors="replace")[-3000:])
                return False, time.perf_counter() - started
            time.sleep(0.1)
        elapsed = time.perf_counter() - started
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    mailed = _outbox(outbox)
    once = sum(mailed.values()) == len(mailed) == digests
    met = elapsed < TARGET_SECONDS
    print(f"  reminders {reminders:,}, digests {digests:,}, e-mails {sum(mailed.values()):,}")
    print(f"  scan committed after     {scanned:7.2f} s")
    print(f"  all digests sent after   {elapsed:7.2f} s  ({digests / elapsed:,.0f} digests/s)")
    print(f"  target < {TARGET_SECONDS:.0f} s: {'MET' if met else 'MISSED'}")
    print(f"  one e-mail per address: {'yes' if once else 'NO'}")
    return once and met, elapsed


def run_in_process(work_dir: Path) -> None:
    """The same work as `manage.py send_reminders`: the scan, then every digest in one batch."""
    from django.test.utils import override_settings

    from reports.reminders import digests_send, reminders_scan

    outbox = work_dir / "inprocess-outbox"
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(outbox),
    ):
        started = time.perf_counter()
        result = reminders_scan()
        scanned = time.perf_counter() - started
        outcomes = Counter(digests_send(result.digest_ids))
        elapsed = time.perf_counter() - started
    print(f"  reminders {result.created:,}, digests {len(result.digest_ids):,}, {dict(outcomes)}")
    print(f"  reminders_scan()         {scanned:7.2f} s")
    print(
        f"  digests_send() × {len(result.digest_ids):,}  {elapsed - scanned:7.2f} s  "
        f"({(elapsed - scanned) / max(1, len(result.digest_ids)) * 1000:.1f} ms each)"
    )
    print(f"  total                    {elapsed:7.2f} s")


def profile_digests(count: int, work_dir: Path) -> None:
    """Where a batch's time goes: queries per digest, SQL time, and the top functions."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, override_settings

    from reports.models import Digest
    from reports.reminders import digests_send, reminders_scan

    _clear_reminders()
    reminders_scan()
    ids = list(Digest.objects.order_by("pk").values_list("pk", flat=True)[:count])
    profiler = cProfile.Profile()
    with (
        override_settings(
            EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
            EMAIL_FILE_PATH=str(work_dir / "profile-outbox"),
        ),
        CaptureQueriesContext(connection) as queries,
    ):
        started = time.perf_counter()
        profiler.enable()
        digests_send(ids)  # as one worker task sends a batch
        profiler.disable()
        elapsed = time.perf_counter() - started
    sql = sum(float(q["time"]) for q in queries.captured_queries)
    print(
        f"  {len(ids)} digests: {elapsed / len(ids) * 1000:.1f} ms each, "
        f"{len(queries.captured_queries) / len(ids):.1f} queries each, "
        f"{sql / len(ids) * 1000:.1f} ms of it in SQL (as the client sees it)"
    )
    kinds = Counter(" ".join(q["sql"].split()[:3]) for q in queries.captured_queries)
    for kind, n in kinds.most_common(8):
        print(f"    {n / len(ids):4.1f} × {kind}…")
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(12)
    stats.sort_stats("tottime").print_stats(15)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=10_000)
    parser.add_argument(
        "--concurrency", type=int, default=os.cpu_count() or 1, help="worker processes"
    )
    parser.add_argument(
        "--worker-app",
        default="campaign_portal",
        help="the worker's Celery app module (another one on PYTHONPATH can try a change)",
    )
    parser.add_argument("--timeout", type=float, default=300, help="seconds to wait for a run")
    parser.add_argument(
        "--no-in-process", action="store_true", help="skip the in-process comparison"
    )
    parser.add_argument(
        "--profile", type=int, default=0, help="profile one batch of this many digests"
    )
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    args = parser.parse_args()

    database = postgres_database_create(os.environ.get("DATABASE_URL", ""), BENCH_DB)
    bench_url = database.url
    broker = os.environ.get("BENCH_REDIS_URL", DEFAULT_BROKER)
    os.environ["CELERY_BROKER_URL"] = broker  # this process sends through Redis, not eagerly
    django_setup(
        bench_url,
        # As in production (and the worker inherits it): DEBUG would log every query.
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="bench-only-not-a-secret",  # noqa: S106 - a bench's throw-away key
        DJANGO_ALLOWED_HOSTS="localhost",
    )

    work_dir = Path(tempfile.mkdtemp(prefix="bench-reminders-"))
    ok = True
    try:
        print(server_line(database))
        print(f"Broker: {broker}; worker: {args.concurrency} process(es)")
        migrate()
        started = time.perf_counter()
        built = build(args.units, random.Random(args.seed))
        print(
            f"Build: {time.perf_counter() - started:.1f} s — {built['units']:,} units, "
            f"{built['directives']:,} directives, {built['recipients']:,} recipients, "
            f"{built['obligations']:,} obligations ({built['open']:,} open, due in "
            f"{DUE_IN_DAYS} days), {built['users']:,} secretaries with e-mail"
        )
        print(f"Worker: scan_reminders.delay() until every digest is sent (load {load_average()})")
        worker_ok, _ = run_worker(args, bench_url, broker, work_dir)
        ok = ok and worker_ok
        if not args.no_in_process:
            _clear_reminders()
            print("In-process: reminders_scan() + digests_send() (manage.py send_reminders)")
            run_in_process(work_dir)
        if args.profile:
            print(f"Profile of digests_send() over {args.profile} digests:")
            profile_digests(args.profile, work_dir)
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)
        database_remove(database, keep=args.keep)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
