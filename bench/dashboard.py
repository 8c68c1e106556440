"""Benchmark: the leaders' dashboard over a province-scale tree and campaign, on PostgreSQL.

    .venv/bin/python bench/dashboard.py [--units 10000] [--members 300000] [--sessions 30000]
                                        [--runs 15] [--keep] [--top 5]

Builds, in a database of its own (`campaign_portal_bench` on the server of DATABASE_URL, default
postgres://postgres@127.0.0.1:5432), a province's tree with one campaign whose directives
cascade down to the cells, its study sessions and progress reports; then times the dashboard of
the province and of one bloc as their leaders see it, and `rollup()` alone. See README.md.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from _common import (
    database_remove,
    django_setup,
    load_average,
    migrate,
    postgres_database_create,
    server_line,
)

TARGET_MS = 300.0
BENCH_DB = "campaign_portal_bench"
BATCH = 2000

PROVINCE = ("TU", "Tỉnh ủy Đồng Tháp", "Tỉnh ủy", "TU", "Đồng Tháp")
# code, name, symbol, place, wards-or-communes (empty for a bloc)
UPPERS = [
    ("TP-CL", "Thành ủy Cao Lãnh", "TU", "Cao Lãnh", "phường"),
    ("TP-SD", "Thành ủy Sa Đéc", "TU", "Sa Đéc", "phường"),
    ("TP-HN", "Thành ủy Hồng Ngự", "TU", "Hồng Ngự", "phường"),
    ("HU-TH", "Huyện ủy Tam Nông", "HU", "Tam Nông", "xã"),
    ("HU-TB", "Huyện ủy Tân Hồng", "HU", "Tân Hồng", "xã"),
    ("HU-TN", "Huyện ủy Tháp Mười", "HU", "Tháp Mười", "xã"),
    ("HU-CL", "Huyện ủy Cao Lãnh", "HU", "Mỹ Thọ", "xã"),
    ("HU-TB2", "Huyện ủy Thanh Bình", "HU", "Thanh Bình", "xã"),
    ("HU-LV", "Huyện ủy Lấp Vò", "HU", "Lấp Vò", "xã"),
    ("HU-LVG", "Huyện ủy Lai Vung", "HU", "Lai Vung", "xã"),
    ("HU-CT", "Huyện ủy Châu Thành", "HU", "Cái Tàu Hạ", "xã"),
    ("HU-HN", "Huyện ủy Hồng Ngự", "HU", "Thường Thới", "xã"),
    ("DUK-CQ", "Đảng ủy Khối các cơ quan tỉnh", "ĐUK", "Cao Lãnh", ""),
    ("DUK-DN", "Đảng ủy Khối doanh nghiệp tỉnh", "ĐUKDN", "Cao Lãnh", ""),
    ("DU-QS", "Đảng ủy Quân sự tỉnh", "ĐUQS", "Cao Lãnh", ""),
]
PLACES = ["An Bình", "Mỹ Phú", "Hòa Thuận", "Tân Thuận", "Phú Mỹ", "Bình Thành", "Long Hậu"]
PLACES += ["Tân Phú", "Mỹ Hiệp", "Thanh Mỹ", "Phong Hòa", "Định Yên", "Hòa Long", "Tân Mỹ"]
AGENCIES = ["Sở Tài chính", "Sở Y tế", "Sở Giáo dục và Đào tạo", "Sở Nội vụ", "Sở Tư pháp"]
AGENCIES += ["Sở Công Thương", "Sở Xây dựng", "Kho bạc Nhà nước", "Thuế tỉnh", "Bảo hiểm xã hội"]
COMPANIES = ["Công ty Cấp nước", "Công ty Điện lực", "Công ty Xổ số kiến thiết", "Công ty Cảng"]
COMPANIES += ["Công ty Lương thực", "Công ty Công trình đô thị", "Công ty Dược", "Ngân hàng"]
CELLS = ["Văn phòng", "Tổ chức", "Kế toán", "Kỹ thuật", "Kinh doanh", "Thanh tra", "Nghiệp vụ"]
BODY = """I- MỤC ĐÍCH, YÊU CẦU
1. Cán bộ, đảng viên nắm vững nội dung cốt lõi của tác phẩm.
II- NỘI DUNG SINH HOẠT
1. Những nội dung cốt lõi của tác phẩm
III- TỔ CHỨC THỰC HIỆN
1. Các đơn vị tổ chức sinh hoạt và báo cáo kết quả đúng hạn.
"""


@dataclass
class Node:
    """A unit before it is written: what the generator decides, and what it then needs."""

    code: str
    name: str
    kind: str
    parent: Node | None
    members: int = 0
    symbol: str = ""
    short_name: str = ""
    place: str = ""
    children: list[Node] = field(default_factory=list)
    unit: object = None  # the Unit row, once built

    @property
    def depth(self) -> int:
        return 1 if self.parent is None else self.parent.depth + 1


def tree_nodes(total: int, members: int, rng: random.Random) -> list[Node]:
    """`total` units, parents first: the province with its propaganda department, district and
    bloc committees with theirs, grassroots organisations with cells, a few mass organisations
    and youth branches; `members` party members spread over the cells."""
    nodes: list[Node] = []

    def add(parent, code, name, kind, **extra) -> Node:
        node = Node(code=code, name=name, kind=kind, parent=parent, **extra)
        nodes.append(node)
        if parent is not None:
            parent.children.append(node)
        return node

    code, name, short, symbol, place = PROVINCE
    root = add(None, code, name, "tinh-uy", short_name=short, symbol=symbol, place=place)
    add(root, "TU-BTG", "Ban Tuyên giáo Tỉnh ủy", "ban-dang", symbol="BTGTU", place=place)
    uppers = []
    for code, name, symbol, place, local in UPPERS:
        upper = add(root, code, name, "dang-uy-cap-tren-co-so", symbol=symbol, place=place)
        add(upper, f"{code}-BTG", f"Ban Tuyên giáo {name}", "ban-dang", symbol=f"BTG{symbol}")
        uppers.append((upper, local))
    number = 0
    while len(nodes) < total:
        upper, local = uppers[number % len(uppers)]
        number += 1
        code = f"{upper.code}-{number:04d}"
        if local:
            title = f"Đảng bộ {local} {rng.choice(PLACES)} (khu {number})"
        elif upper.code == "DUK-DN":
            title = f"Đảng bộ {rng.choice(COMPANIES)} (chi nhánh {number})"
        else:
            title = f"Đảng bộ {rng.choice(AGENCIES)} (đơn vị {number})"
        if rng.random() < 0.15:  # a grassroots cell: members, no cells below
            title = title.replace("Đảng bộ", "Chi bộ", 1)
            add(upper, code, title, "chi-bo-co-so", members=rng.randint(8, 45), symbol="CB")
            continue
        grassroots = add(upper, code, title, "dang-bo-co-so", symbol="ĐU")
        for cell in range(1, rng.randint(3, 14) + 1):
            if len(nodes) >= total:
                break
            label = f"ấp {cell}" if local == "xã" else f"khu vực {cell}" if local else None
            label = label or f"{rng.choice(CELLS)} số {cell}"
            node = add(grassroots, f"{code}-{cell:02d}", f"Chi bộ {label}", "chi-bo", symbol="CB")
            node.members = rng.randint(5, 60)
            if rng.random() < 0.03 and len(nodes) < total:  # a youth branch the cell leads
                add(node, f"{node.code}-CD", f"Chi đoàn {label}", "doan-the")
        if rng.random() < 0.2 and len(nodes) < total:
            add(grassroots, f"{code}-CD", f"Công đoàn cơ sở {title[8:]}", "doan-the")
    nodes = nodes[:total]
    # Scale the members to the wanted total exactly, never below three in a cell.
    counted = [n for n in nodes if n.members]
    drawn = sum(n.members for n in counted)
    for node in counted:
        node.members = max(3, round(node.members * members / drawn))
    spare = members - sum(n.members for n in counted)
    while spare:
        node = rng.choice(counted)
        step = 1 if spare > 0 else -1
        if node.members + step >= 3:
            node.members += step
            spare -= step
    return nodes


def units_create(nodes: list[Node], official_count: Callable[[Node], int] | None = None) -> None:
    """Write the nodes' units, paths computed as units.services._apply_import does, one INSERT
    per batch; `official_count` draws a unit's officials (none without it)."""
    from units.models import Unit, UnitKind

    kinds = {k.code: k for k in UnitKind.objects.all()}
    rows = []
    for node in nodes:
        parent_path = node.parent.unit.path if node.parent else ""
        step = node.parent.children.index(node) + 1 if node.parent else 1
        node.unit = Unit(
            code=node.code,
            name=node.name,
            short_name=node.short_name,
            symbol_code=node.symbol,
            place_name=node.place or (node.parent.unit.place_name if node.parent else ""),
            kind=kinds[node.kind],
            member_count=node.members,
            official_count=official_count(node) if official_count else 0,
            path=Unit._get_path(parent_path, node.depth, step),
            depth=node.depth,
            numchild=len(node.children),
        )
        node.unit.refresh_search_name()
        rows.append(node.unit)
    Unit.objects.bulk_create(rows, batch_size=BATCH)


class Clock:
    """Prints how long each build step took."""

    def __init__(self) -> None:
        self.started = self.last = time.perf_counter()

    def step(self, what: str) -> None:
        now = time.perf_counter()
        print(f"  {what:<44} {now - self.last:6.2f} s")
        self.last = now

    @property
    def total(self) -> float:
        return time.perf_counter() - self.started


# ---------------------------------------------------------------------------- the build


def build(args, rng: random.Random) -> dict:
    """Write the tree, users, campaign, directive cascade, sessions and reports; return the
    rows the timings need."""
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction
    from django.utils import timezone

    from campaigns.documents.formatting import document_symbol
    from campaigns.models import (
        Campaign,
        CommitteeTerm,
        Directive,
        DirectiveKind,
        DirectiveRecipient,
        DocumentCounter,
        Milestone,
        Obligation,
    )
    from campaigns.selectors import basis_line
    from reports.figures import Figures
    from reports.models import ProgressReport, PropagandaItem, StudySession
    from units.models import Membership, Role, User

    clock = Clock()
    today = timezone.localdate()
    tz = timezone.get_current_timezone()
    hd, kh = DirectiveKind.objects.get(code="HD"), DirectiveKind.objects.get(code="KH")

    def moment(day: datetime.date) -> datetime.datetime:
        """A working hour of that day, Vietnamese time."""
        return datetime.datetime.combine(
            day, datetime.time(rng.randint(7, 17), rng.randint(0, 59)), tz
        )

    nodes = tree_nodes(args.units, args.members, rng)
    units_create(nodes, lambda node: rng.randint(0, 40) if node.members else 0)
    clock.step(f"{len(nodes):,} units, {args.members:,} members")

    subtree_members: dict[str, int] = defaultdict(int)  # children come after their parent
    for node in reversed(nodes):
        subtree_members[node.code] += node.members
        if node.parent is not None:
            subtree_members[node.parent.code] += subtree_members[node.code]

    by_code = {n.code: n for n in nodes}
    root = nodes[0]
    root_btg = by_code["TU-BTG"]
    uppers = [n for n in root.children if n.kind == "dang-uy-cap-tren-co-so"]

    # Users: the two leaders timed, and a secretary for most committees and cells (the
    # overdue list names them).
    password = make_password(None)
    people = [
        User(username="bench_leader_province", full_name="Lãnh đạo Tỉnh ủy", password=password)
    ]
    people.append(
        User(username="bench_leader_bloc", full_name="Lãnh đạo Đảng ủy Khối", password=password)
    )
    secretaries = [
        n
        for n in nodes
        if n.kind in ("dang-bo-co-so", "chi-bo-co-so", "chi-bo") and rng.random() < 0.7
    ]
    for number, node in enumerate(secretaries, start=1):
        people.append(
            User(username=f"bithu{number:05d}", full_name=f"Bí thư {node.code}", password=password)
        )
    User.objects.bulk_create(people, batch_size=BATCH)
    bloc = by_code["DUK-CQ"]
    memberships = [
        Membership(user=people[0], unit=root.unit, role=Role.LEADER, position="Phó Bí thư"),
        Membership(user=people[1], unit=bloc.unit, role=Role.LEADER, position="Bí thư"),
    ]
    memberships += [
        Membership(user=user, unit=node.unit, role=Role.SECRETARY, position="Bí thư")
        for user, node in zip(people[2:], secretaries, strict=True)
    ]
    Membership.objects.bulk_create(memberships, batch_size=BATCH)
    clock.step(f"{len(people):,} users and their roles")

    # The campaign, and the term document numbers run in.
    start, end = today - datetime.timedelta(days=150), today + datetime.timedelta(days=60)
    campaign = Campaign.objects.create(
        owner=root_btg.unit,
        title="Tác phẩm “Cây tre Việt Nam”",
        subject="Đợt sinh hoạt chính trị, tư tưởng về tác phẩm “Cây tre Việt Nam”.",
        start_date=start,
        end_date=end,
    )
    term_start = start - datetime.timedelta(days=300)
    term = f"{term_start.year} – {term_start.year + 5}"
    CommitteeTerm.objects.create(unit=root.unit, label=term, start_date=term_start)

    # The cascade, level by level: province guidance → blocs; each bloc's propaganda
    # department's guidance → its grassroots organisations; each grassroots committee's plan →
    # its cells (a grassroots cell's plan goes to nobody: it studies itself).
    directives: list[Directive] = []
    recipients: list[DirectiveRecipient] = []
    milestones: list[Milestone] = []
    obligations: list[Obligation] = []
    implements: list[tuple[Directive, Directive]] = []  # (child, the directive it implements)
    answering: list[tuple[Directive, DirectiveRecipient]] = []  # (child, the row it answers)
    fulfils: list[tuple[Obligation, Directive]] = []
    owed: dict[str, dict[str, list[Obligation]]] = defaultdict(lambda: defaultdict(list))

    def committee_of(node: Node) -> Node:
        return node.parent if node.kind == "ban-dang" else node

    def issue(issuer: Node, kind, day: datetime.date, answers=None, shift: int = 0) -> Directive:
        """One issued directive with its milestones, recipients and obligations, as
        directive_implement + directive_issue leave them (without the PDF)."""
        committee = committee_of(issuer)
        organ = committee is not issuer
        parent_unit = committee.parent
        grassroots = issuer.unit.kind.is_grassroots
        number = rng.randint(5, 90)
        directive = Directive(
            campaign=campaign,
            kind=kind,
            issuer=issuer.unit,
            superior_body=committee.name if organ else (parent_unit.name if parent_unit else ""),
            issuing_body=(issuer.short_name or issuer.name) if organ else issuer.name,
            issuer_name=issuer.name,
            symbol_code=issuer.symbol,
            number=number,
            symbol=document_symbol(number=number, type_code=kind.code, issuer_code=issuer.symbol),
            term_label=term,
            place=issuer.unit.place_name or committee.unit.place_name,
            issue_date=day,
            subject="Triển khai đợt sinh hoạt chính trị, tư tưởng về tác phẩm “Cây tre Việt Nam”",
            basis=basis_line(answers[0], issuer_name=issuer.name, kind_name=kind.name)
            if answers
            else "",
            body=BODY,
            audience="Cán bộ, đảng viên",
            recipient_lines=f"- {answers[0].issuer_name} (b/c),\n- Các chi bộ trực thuộc,\n- Lưu."
            if answers
            else "",
            signing_authority="" if organ else ("T/M CHI BỘ" if issuer.members else "T/M ĐẢNG ỦY"),
            signer_position="Trưởng ban" if organ else "Bí thư",
            signer_name=f"Người ký {issuer.code}",
            requires_implementing=not grassroots,
            requires_sessions=True,
            status=Directive.Status.ISSUED,
            issued_at=moment(day),
        )
        directives.append(directive)
        if answers:
            implements.append((directive, answers[0]))
            answering.append((directive, answers[1]))
        # Each level reports a few days before the level above, to have time to add up.
        plan = [
            (Milestone.Kind.BRIEFING, "Hội nghị quán triệt", start + datetime.timedelta(days=20)),
            (
                Milestone.Kind.REPORT_DUE,
                "Báo cáo sơ kết",
                today - datetime.timedelta(days=25 + shift),
            ),
            (
                Milestone.Kind.STUDY_COMPLETED,
                "Hoàn thành sinh hoạt",
                today + datetime.timedelta(days=20),
            ),
            (
                Milestone.Kind.REPORT_DUE,
                "Báo cáo tổng kết",
                today + datetime.timedelta(days=45 - shift),
            ),
        ]
        own = [Milestone(directive=directive, kind=k, title=t, due_date=d) for k, t, d in plan]
        milestones.extend(own)
        first = min(m.due_date for m in own)
        study = max(m.due_date for m in own if m.kind == Milestone.Kind.STUDY_COMPLETED)
        sent = (
            [c for c in committee.children if c.kind != "ban-dang"]
            if not grassroots or issuer.children
            else []
        )
        for child in sent:
            recipient = DirectiveRecipient(
                directive=directive,
                unit=child.unit,
                unit_name=child.name,
                member_count=child.members if child.unit.kind.counts_members else 0,
            )
            recipients.append(recipient)
            mine = owed[child.code]
            if directive.requires_implementing and child.unit.kind.issues_documents:
                obligation = Obligation(
                    directive=directive,
                    recipient=recipient,
                    unit_id=recipient.unit_id,
                    kind=Obligation.Kind.IMPLEMENTING,
                    due_date=first,
                )
                mine["implementing"].append(obligation)
                obligations.append(obligation)
            obligation = Obligation(
                directive=directive,
                recipient=recipient,
                unit_id=recipient.unit_id,
                kind=Obligation.Kind.SESSIONS,
                due_date=study,
            )
            mine["sessions"].append(obligation)
            obligations.append(obligation)
            for milestone in own:
                if milestone.kind == Milestone.Kind.REPORT_DUE:
                    obligation = Obligation(
                        directive=directive,
                        recipient=recipient,
                        unit_id=recipient.unit_id,
                        kind=Obligation.Kind.REPORT,
                        milestone=milestone,
                        due_date=milestone.due_date,
                    )
                    mine["report"].append(obligation)
                    obligations.append(obligation)
            mine["recipient"].append(recipient)
        return directive

    def answer(issuer: Node, receiver: Node, kind, day, shift) -> Directive:
        """The receiver's implementing directive (issued by `issuer`, the receiver or its
        organ), fulfilling its implementing obligation."""
        recipient = owed[receiver.code]["recipient"][0]
        directive = issue(issuer, kind, day, answers=(recipient.directive, recipient), shift=shift)
        fulfils.extend(
            (obligation, directive) for obligation in owed[receiver.code]["implementing"]
        )
        return directive

    province = issue(root_btg, hd, start + datetime.timedelta(days=5))
    grassroots_issuing = []
    for upper in uppers:
        organ = next(c for c in upper.children if c.kind == "ban-dang")
        guidance = answer(
            organ, upper, hd, province.issue_date + datetime.timedelta(days=rng.randint(3, 12)), 5
        )
        grassroots_issuing.extend(
            (unit, guidance)
            for unit in upper.children
            if unit.kind in ("dang-bo-co-so", "chi-bo-co-so") and rng.random() < 0.88
        )
    for unit, guidance in grassroots_issuing:
        day = guidance.issue_date + datetime.timedelta(days=rng.randint(3, 25))
        answer(unit, unit, kh, day, 10)

    with transaction.atomic():
        # bulk_create takes each foreign key's id from the related row saved just before.
        Directive.objects.bulk_create(directives, batch_size=BATCH)
        Milestone.objects.bulk_create(milestones, batch_size=BATCH)
        DirectiveRecipient.objects.bulk_create(recipients, batch_size=BATCH)
        for directive, recipient in answering:
            directive.responds_to = recipient
        Directive.objects.bulk_update(
            [directive for directive, _ in answering], ["responds_to"], batch_size=BATCH
        )
        Directive.implements.through.objects.bulk_create(
            [
                Directive.implements.through(from_directive=child, to_directive=parent)
                for child, parent in implements
            ],
            batch_size=BATCH,
        )
        DocumentCounter.objects.bulk_create(
            [
                DocumentCounter(issuer=d.issuer, kind=d.kind, term_label=term, last_number=d.number)
                for d in directives
            ],
            batch_size=BATCH,
        )
        for obligation, directive in fulfils:
            obligation.fulfilled_at = directive.issued_at
            obligation.fulfilled_by = directive
        Obligation.objects.bulk_create(obligations, batch_size=BATCH)
    clock.step(
        f"{len(directives):,} directives, {len(recipients):,} recipients, "
        f"{len(obligations):,} obligations"
    )

    # Study sessions: a conference in each committee that received the campaign, then the
    # rest in the cells, at least one in most expected cells.
    expected = [by_code[code] for code, mine in owed.items() if mine["sessions"]]
    committees = [n for n in expected if not n.unit.kind.counts_members and n.kind != "doan-the"]
    cells = [n for n in expected if n.unit.kind.counts_members]
    organised = [n for n in cells if rng.random() < 0.85]
    held = [(n, StudySession.Form.CONFERENCE) for n in committees if rng.random() < 0.9]
    held += [(n, StudySession.Form.REGULAR) for n in organised]
    forms = [StudySession.Form.REGULAR, StudySession.Form.THEMATIC, StudySession.Form.ONLINE]
    forms += [StudySession.Form.COMBINED]
    held += [
        (n, rng.choice(forms)) for n in rng.choices(organised, k=max(0, args.sessions - len(held)))
    ]
    held = held[: args.sessions]
    sessions = []
    days = (today - start).days
    for node, form in held:
        members = node.members if node.unit.kind.counts_members else subtree_members[node.code]
        sessions.append(
            StudySession(
                campaign=campaign,
                unit=node.unit,
                held_on=start + datetime.timedelta(days=rng.randint(10, days)),
                form=form,
                topic="Tác phẩm “Cây tre Việt Nam”",
                member_count=members,
                members_present=round(members * rng.uniform(0.6, 1.0)),
                officials_present=rng.randint(0, 10),
                reflections=rng.randint(0, node.members),
            )
        )
    StudySession.objects.bulk_create(sessions, batch_size=BATCH)
    clock.step(f"{len(sessions):,} study sessions")

    propaganda_units = [n for n in nodes if n.kind in ("ban-dang", "dang-bo-co-so", "chi-bo-co-so")]
    items = [
        PropagandaItem(
            campaign=campaign,
            unit=node.unit,
            published_on=start + datetime.timedelta(days=rng.randint(10, days)),
            kind=rng.choice(PropagandaItem.Kind.values),
            channel=rng.choice(PropagandaItem.Channel.values),
            title=f"Tin sinh hoạt chuyên đề ở {node.name}",
        )
        for node in rng.choices(propaganda_units, k=args.propaganda)
    ]
    PropagandaItem.objects.bulk_create(items, batch_size=BATCH)
    clock.step(f"{len(items):,} propaganda items")

    # Progress reports: half the units owing a report that is due sent it (most on time, some
    # late; some already accepted); a few have drafts of the report not yet due.
    best: dict[int, int] = {}
    for session in sessions:
        best[session.unit_id] = max(best.get(session.unit_id, 0), session.members_present)
    reports, fulfilled = [], []
    for code, mine in owed.items():
        node = by_code[code]
        for obligation in mine["report"]:
            due = obligation.due_date
            if due < today and rng.random() < 0.5:
                late = rng.random() < 0.3
                day = (
                    due + datetime.timedelta(days=rng.randint(1, (today - due).days))
                    if late
                    else due - datetime.timedelta(days=rng.randint(0, 10))
                )
                sent = moment(day)
                accepted = rng.random() < 0.3
                figures = Figures(
                    expected_units=1,
                    organised_units=int(node.unit.pk in best),
                    members=obligation.recipient.member_count,
                    participants=min(best.get(node.unit.pk, 0), obligation.recipient.member_count),
                ).as_dict()
                reports.append(
                    ProgressReport(
                        obligation=obligation,
                        unit=node.unit,
                        campaign=campaign,
                        status=ProgressReport.Status.ACCEPTED
                        if accepted
                        else ProgressReport.Status.SUBMITTED,
                        assessment="Đơn vị đã quán triệt, tổ chức sinh hoạt đầy đủ.",
                        figures=figures,
                        first_submitted_at=sent,
                        submitted_at=sent,
                        reviewed_at=sent + datetime.timedelta(days=2) if accepted else None,
                    )
                )
                obligation.fulfilled_at = sent
                fulfilled.append(obligation)
            elif due >= today and rng.random() < 0.1:
                reports.append(
                    ProgressReport(obligation=obligation, unit=node.unit, campaign=campaign)
                )
    ProgressReport.objects.bulk_create(reports, batch_size=BATCH)
    Obligation.objects.bulk_update(fulfilled, ["fulfilled_at"], batch_size=BATCH)
    clock.step(f"{len(reports):,} progress reports")

    with connection.cursor() as cursor:  # fresh statistics, as autovacuum would give later
        cursor.execute("VACUUM ANALYZE")
    clock.step("VACUUM ANALYZE")
    return {
        "campaign": campaign,
        "root": root.unit,
        "bloc": bloc.unit,
        "root_leader": people[0],
        "bloc_leader": people[1],
        "build_seconds": clock.total,
    }


# ---------------------------------------------------------------------------- the timings


def timed(call, runs: int):
    """(median, min, max) wall time in ms over `runs` after one warm-up, and the queries of the
    last run."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call()
    times = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            call()
            times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), min(times), max(times), list(queries.captured_queries)


def show(label: str, result, target: float | None = None) -> None:
    median, low, high, queries = result
    sql = sum(float(q["time"]) for q in queries) * 1000
    verdict = ""
    if target is not None:
        verdict = f"  target < {target:.0f} ms: {'MET' if median < target else 'MISSED'}"
    print(
        f"  {label:<30} median {median:6.1f} ms (min {low:6.1f}, max {high:6.1f}), "
        f"last run {len(queries):2d} queries, {sql:5.1f} ms SQL{verdict}"
    )


def show_top(queries, top: int) -> None:
    ranked = sorted(queries, key=lambda q: float(q["time"]), reverse=True)[:top]
    for query in ranked:
        sql = " ".join(query["sql"].split())
        print(f"      {float(query['time']) * 1000:7.1f} ms  {sql[:150]}…")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=10_000)
    parser.add_argument("--members", type=int, default=300_000)
    parser.add_argument("--sessions", type=int, default=30_000)
    parser.add_argument("--propaganda", type=int, default=5_000)
    parser.add_argument("--runs", type=int, default=15, help="timed runs after one warm-up")
    parser.add_argument("--top", type=int, default=5, help="slowest queries shown per page")
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    args = parser.parse_args()

    database = postgres_database_create(os.environ.get("DATABASE_URL", ""), BENCH_DB)
    django_setup(database.url)
    from django.conf import settings
    from django.test import Client
    from django.urls import reverse

    from reports.figures import rollup
    from reports.selectors import campaigns_of_unit, overdue_units, report_milestones

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]  # django.test.Client's host
    ok = True
    try:
        print(server_line(database))
        migrate()
        print("Build:")
        world = build(args, random.Random(args.seed))
        print(f"  {'build total':<44} {world['build_seconds']:6.2f} s")

        campaign, root, bloc = world["campaign"], world["root"], world["bloc"]
        total = rollup(campaign, root).total
        print(
            f"Campaign over the province: {total.organised_units:,}/{total.expected_units:,} "
            f"units organised, {total.participants:,}/{total.members:,} members took part, "
            f"{total.sessions:,} sessions; reports {total.reports_on_time:,} on time, "
            f"{total.reports_late:,} late, {total.reports_missing:,} missing, "
            f"{total.reports_pending:,} not yet due"
        )
        load = load_average()
        print(f"Timings: median of {args.runs} runs after one warm-up (load average {load})")
        for label, user, unit, target in (
            (f"dashboard, province ({root.code})", world["root_leader"], root, TARGET_MS),
            (f"dashboard, bloc ({bloc.code})", world["bloc_leader"], bloc, None),
        ):
            client = Client()
            client.force_login(user)
            url = reverse("reports:dashboard", args=[unit.pk])
            response = client.get(url)
            if response.status_code != 200:
                print(f"  {label}: status {response.status_code}")
                ok = False
                continue
            result = timed(lambda url=url, client=client: client.get(url), args.runs)
            show(label, result, target)
            show_top(result[3], args.top)
            if target is not None and result[0] >= target:
                ok = False
        for label, unit in (
            (f"rollup(), province ({root.code})", root),
            (f"rollup(), bloc ({bloc.code})", bloc),
        ):
            result = timed(lambda unit=unit: rollup(campaign, unit), args.runs)
            show(label, result)
        # What the province's page spends its time on, piece by piece (the rest of the GET is
        # the template, the session and the middleware).
        leader = world["root_leader"]
        pieces = [
            ("campaigns_of_unit()", lambda: list(campaigns_of_unit(leader, root)[:50])),
            (
                f"report_milestones() ({len(report_milestones(campaign, root)):,})",
                lambda: report_milestones(campaign, root),
            ),
            ("overdue_units()", lambda: overdue_units(campaign, root)),
        ]
        print("Pieces of the province dashboard:")
        for label, call in pieces:
            show(label, timed(call, args.runs))
    finally:
        database_remove(database, keep=args.keep)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
