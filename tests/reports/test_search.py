"""The search box: what it finds (tone and case aside), in what order, with which words marked,
for whom; how the index follows the documents; the same answers on SQLite and PostgreSQL; the
box on every page; and a page's queries, bounded."""

from __future__ import annotations

import datetime
import io
import random
import re
import unicodedata
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from campaigns import services as campaign_services
from campaigns.access import directives_visible_to, materials_visible_to
from campaigns.models import Directive, Obligation, StudyMaterial
from reports import services as report_services
from reports.access import reports_visible_to
from reports.models import ProgressReport
from reports.search import query as search_query
from reports.search.access import entries_visible_to
from reports.search.models import SearchEntry
from reports.search.query import PAGE_SIZE, search_page
from reports.search.text import (
    SIMILAR,
    WORD,
    excerpt,
    folded,
    highlight,
    parse_query,
    similarity,
    words,
)
from tests.factories import MembershipFactory, UserFactory
from tests.plugins.directives import make_draft
from tests.walk import imported_reference
from units.models import Role, User, fold_for_search

pytestmark = pytest.mark.django_db

Kind = SearchEntry.Kind
URL = reverse("reports:search")


@pytest.fixture(autouse=True)
def no_pdf(monkeypatch):
    """Issuing renders the PDF; the search never reads it."""
    monkeypatch.setattr(
        "campaigns.services.issuing.issued_pdf_and_box", lambda directive: (b"%PDF-1.7\n", None)
    )


# ---------------------------------------------------------------------------- the world


def _submit(obligation: Obligation, actor: User, text: str) -> ProgressReport:
    report = report_services.report_start(actor=actor, obligation=obligation)
    report_services.report_update(actor=actor, report=report, assessment=text)
    return report_services.report_submit(actor=actor, report=report)


def _owed(directive: Directive, unit) -> Obligation:
    return Obligation.objects.get(
        directive=directive, recipient__unit=unit, kind=Obligation.Kind.REPORT
    )


@pytest.fixture
def world(cascade, campaign, tree, users) -> SimpleNamespace:
    """The bloc's guidance (01-HD/BTGĐUK) and grassroots_a's plan (01-KH/ĐU) of the cascade,
    the reports sent under them, two drafts of the bloc, a study material; and the other bloc's
    own guidance and material, on the same subject."""
    guidance, plan = cascade.guidance, cascade.plan
    report = _submit(
        _owed(guidance, tree.grassroots_a),
        users.secretary,
        "Đảng bộ đã tổ chức hội nghị quán triệt cho toàn thể đảng viên.",
    )
    cell_report = _submit(
        _owed(plan, tree.cell_a1),
        users.cell_secretary,
        "Chi bộ sinh hoạt chuyên đề; đảng viên viết bài thu hoạch.",
    )
    corruption = make_draft(
        campaign,
        tree.bloc_btg,
        users.staff,
        subject="Tuyên truyền phòng, chống tham nhũng, tiêu cực năm 2024",
        body="I- MỤC ĐÍCH, YÊU CẦU\n1. Nâng cao nhận thức của cán bộ, đảng viên.",
        signer_name="Trần Thị Bích",
    )
    conference = make_draft(
        campaign,
        tree.bloc_btg,
        users.staff,
        subject="Tổ chức hội nghị báo cáo viên quý II",
        body="I- NỘI DUNG\n1. Thông tin chuyên đề phòng, chống tham nhũng, tiêu cực.",
        issue_date=datetime.date(2024, 5, 2),
    )
    book = campaign_services.material_add(
        actor=users.staff,
        campaign=campaign,
        title="Sách “Cây tre Việt Nam” (bản in năm 2024)",
        kind=StudyMaterial.Kind.BOOK,
        url="https://example.vn/cay-tre",
    )
    outside_staff = UserFactory(username="outside_staff", full_name="Trần Văn Khối")
    MembershipFactory(user=outside_staff, unit=tree.other_bloc, role=Role.STAFF)
    outside_campaign = campaign_services.campaign_create(
        actor=outside_staff,
        owner=tree.other_bloc,
        title="Cây tre Việt Nam ở doanh nghiệp",
        subject="Học tập tác phẩm “Cây tre Việt Nam”.",
        start_date=datetime.date(2024, 3, 1),
        end_date=datetime.date(2024, 12, 31),
    )
    outside_draft = make_draft(
        outside_campaign,
        tree.other_bloc,
        outside_staff,
        symbol_code="ĐUKDN",
        issuing_body="Đảng ủy Khối Doanh nghiệp",
        signer_name="Lê Văn Khác",
    )
    campaign_services.recipients_add(
        actor=outside_staff, directive=outside_draft, units=[tree.other_grassroots]
    )
    outside = campaign_services.directive_issue(actor=outside_staff, directive=outside_draft)
    outside_book = campaign_services.material_add(
        actor=outside_staff,
        campaign=outside_campaign,
        title="Sách “Cây tre Việt Nam” cho doanh nghiệp",
        kind=StudyMaterial.Kind.BOOK,
        url="https://example.vn/dn",
    )
    return SimpleNamespace(
        guidance=guidance,
        plan=plan,
        report=report,
        cell_report=cell_report,
        corruption=corruption,
        conference=conference,
        book=book,
        outside_staff=outside_staff,
        outside=outside,
        outside_book=outside_book,
    )


def _hits(user: User, text: str, page: int = 1) -> list:
    found, _ = search_page(user, parse_query(text), page)
    return list(found.object_list)


def _found(user: User, text: str) -> list[tuple[str, int]]:
    return [(hit.entry.kind, hit.entry.object_id) for hit in _hits(user, text)]


def _key(document) -> tuple[str, int]:
    kind = {
        Directive: Kind.DIRECTIVE,
        ProgressReport: Kind.REPORT,
        StudyMaterial: Kind.MATERIAL,
    }[type(document)]
    return (kind, document.pk)


def _text(response) -> str:
    return unicodedata.normalize("NFC", response.content.decode())


# ---------------------------------------------------------------------------- words


def test_words_are_folded_without_tones_case_or_leading_zeros():
    assert words("Hướng dẫn số 32-HD/BTGĐUK") == ["huong", "dan", "so", "32", "hd", "btgduk"]
    assert words("ĐẢNG ỦY Khối") == ["dang", "uy", "khoi"]
    assert words("01-BC/ĐU, ngày 05/4/2024") == ["1", "bc", "du", "ngay", "5", "4", "2024"]
    assert words("ĐUK2") == ["duk", "2"]
    assert folded("Báo cáo") == " bao cao "


def test_the_fast_fold_gives_the_words_of_fold_for_search():
    """Indexing folds by a translation table; it must agree with units.models.fold_for_search
    (what the rest of the portal folds with), composed and decomposed alike."""

    def reference(text: str) -> list[str]:
        found = WORD.findall(fold_for_search(text))
        return [(w.lstrip("0") or "0") if w.startswith("0") else w for w in found]

    alphabet = [chr(code) for code in range(0x20, 0x3000)]
    rng = random.Random(13)  # noqa: S311 - a fixed sample of text, no secret
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(25))
        assert words(text) == reference(text)
        decomposed = unicodedata.normalize("NFD", text)
        assert words(decomposed) == reference(decomposed)


def test_similarity_is_pg_trgms():
    # SELECT similarity('32 hd', '32 hd btgduk') → 0.46153846 on PostgreSQL 15
    assert similarity("32 hd", " 32 hd btgduk ") == pytest.approx(6 / 13)
    assert similarity("", "32 hd") == 0.0


def test_a_query_too_short_or_without_words_is_said_so():
    assert parse_query("a").too_short
    assert parse_query("  ?? ").too_short
    assert not parse_query("32").too_short
    assert parse_query("32 HD").looks_like_symbol
    assert not parse_query("huong dan").looks_like_symbol


def test_highlights_escape_everything_but_the_marks():
    query = parse_query("cay tre")
    marked = highlight('<script>alert("x")</script> Cây tre & “Việt Nam”', query)
    assert marked == (
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; <mark>Cây</mark> <mark>tre</mark>"
        " &amp; “Việt Nam”"
    )
    hostile = parse_query("<img src=x onerror=alert(1)>")
    assert "<img" not in highlight("<img src=x onerror=alert(1)>", hostile)


def test_the_excerpt_is_cut_around_the_first_word_found():
    body = " ".join(["Mở đầu."] * 40) + " Cuối cùng: báo cáo kết quả đúng hạn. " + "Hết. " * 60
    cut = excerpt(body, parse_query("bao cao"))
    assert cut.startswith("… ")
    assert cut.endswith(" …")
    assert "<mark>báo</mark> <mark>cáo</mark> kết quả" in cut


# ---------------------------------------------------------------------------- finding


def test_words_without_tones_find_the_guidance_with_them(world, users, client_for):
    """The issue's example: "huong dan bao cao" finds "Hướng dẫn … Báo cáo kết quả …"."""
    response = client_for(users.staff).get(URL, {"q": "huong dan bao cao"})

    text = _text(response)
    assert response.status_code == 200
    assert world.guidance.symbol in text
    assert "<mark>Báo</mark> <mark>cáo</mark>" in text
    assert _found(users.staff, "HƯỚNG DẪN BÁO CÁO") == _found(users.staff, "huong dan bao cao")
    assert _found(users.staff, "Hướng dẫn báo cáo") == _found(users.staff, "huong dan bao cao")


def test_the_issuer_the_signer_and_the_unit_find_their_documents(world, users):
    assert _key(world.guidance) in _found(users.staff, "nguyen van san")
    assert _key(world.corruption) in _found(users.staff, "TRẦN THỊ BÍCH")
    assert _key(world.plan) in _found(users.staff, "dang bo so tai chinh")
    assert _key(world.report) in _found(users.staff, "so tai chinh quan triet")
    assert _key(world.book) in _found(users.staff, "cay tre ban in")


def test_a_report_is_found_by_its_number(world, users, client_for):
    symbol = world.report.symbol
    number, _, code = symbol.partition("-")

    assert world.report.number == int(number)
    for typed in (symbol, symbol.lower(), f"{int(number)}-{code}", f"{int(number)} bc du"):
        assert _found(users.staff, typed)[0] == _key(world.report), typed
    # Every unit numbers its own reports: the cell's report 1 is found as well.
    assert _found(users.staff, "1 BC")[:2] == [_key(world.cell_report), _key(world.report)]
    response = client_for(users.staff).get(URL, {"q": symbol})
    assert world.report.get_absolute_url() in _text(response)


def test_a_directive_is_found_by_its_symbol_first(world, users):
    found = _found(users.staff, world.guidance.symbol)

    # Reports under it name it in their title: after it.
    assert found[0] == _key(world.guidance)
    assert _key(world.report) in found[1:]


def test_a_symbol_slightly_wrong_finds_the_similar_ones(world, users, client_for):
    typed = world.guidance.symbol[:-1]  # "01-HD/BTGĐU": the K forgotten

    response = client_for(users.staff).get(URL, {"q": typed})

    assert _found(users.staff, typed)[0] == _key(world.guidance)
    assert "có số, ký hiệu gần giống" in _text(response)


def test_the_subject_ranks_above_the_body(world, users):
    found = _found(users.staff, "phong chong tham nhung")

    assert found.index(_key(world.corruption)) < found.index(_key(world.conference))


def test_a_page_lists_what_a_result_line_needs(world, users, client_for):
    text = _text(client_for(users.staff).get(URL, {"q": "cay tre"}))

    assert "Hướng dẫn" in text  # the kind
    assert "29/03/2024" in text  # the date
    assert "Ban Tuyên giáo Đảng ủy Khối" in text  # the issuer
    assert "Nguyễn Văn Sẵn" in text  # the signer
    assert world.guidance.get_absolute_url() in text
    assert world.book.campaign.get_absolute_url() in text  # a material opens on its campaign


def test_the_query_and_the_documents_are_escaped(world, campaign, tree, users, client_for):
    make_draft(
        campaign,
        tree.bloc_btg,
        users.staff,
        subject='<script>alert("x")</script> Kiểm tra cây tre',
        body="Nội dung <img src=x onerror=alert(1)> có cây tre.",
    )

    client = client_for(users.staff)
    text = _text(client.get(URL, {"q": 'cay tre"><script>'}))

    assert "<script>alert" not in text
    assert "<img src=x" not in text
    assert '"><script>' not in text
    assert "cay tre&quot;&gt;&lt;script&gt;" in text
    # "script" was asked for, so it is marked; everything around it stays text.
    assert "&lt;<mark>script</mark>&gt;alert(&quot;x&quot;)&lt;/<mark>script</mark>&gt;" in text
    assert "&lt;img src=x onerror=alert(1)&gt;" in text
    assert "<mark>cây</mark> <mark>tre</mark>" in text
    assert "&lt;b&gt;" in _text(client.get(URL, {"q": "<b>không có</b>"}))


def test_an_empty_or_too_short_query_asks_for_more(users, client_for):
    client = client_for(users.staff)

    assert "gõ không dấu cũng được" in _text(client.get(URL))
    assert "Từ cần tìm quá ngắn" in _text(client.get(URL, {"q": "a"}))
    assert "Từ cần tìm quá ngắn" in _text(client.get(URL, {"q": "%%"}))


def test_nothing_found_says_so(world, users, client_for):
    text = _text(client_for(users.staff).get(URL, {"q": "không có văn bản này"}))

    assert "Không tìm thấy văn bản, báo cáo hay tài liệu nào khớp" in text


def test_hits_are_paged_by_twenty_five(world, campaign, users, client_for):
    for number in range(PAGE_SIZE + 5):
        campaign_services.material_add(
            actor=users.staff,
            campaign=campaign,
            title=f"Bản tin nội bộ số {number + 1}",
            kind=StudyMaterial.Kind.BULLETIN,
            url="https://example.vn/ban-tin",
        )
    client = client_for(users.staff)

    assert len(_hits(users.staff, "ban tin noi bo")) == PAGE_SIZE
    assert len(_hits(users.staff, "ban tin noi bo", page=2)) == 5
    last = _text(client.get(URL, {"q": "ban tin noi bo", "page": 99}))
    assert "Trang 2/2" in last
    assert "Trang 1/2" in _text(client.get(URL, {"q": "ban tin noi bo", "page": "x"}))


# ---------------------------------------------------------------------------- for whom


NAMED = [
    "admin",
    "staff",
    "leader",
    "secretary",
    "cell_secretary",
    "outsider",
    "outside_admin",
    "nobody",
    "superuser",
]


def _user(world, users, who: str) -> User:
    return world.outside_staff if who == "outside_staff" else getattr(users, who)


def test_another_subtree_finds_nothing_of_ours(world, users, client_for):
    for text in ("cay tre viet nam", "huong dan bao cao", world.guidance.symbol, "tham nhung"):
        found = set(_found(users.outsider, text)) | set(_found(world.outside_staff, text))
        assert found <= {_key(world.outside), _key(world.outside_book)}, text
    response = client_for(world.outside_staff).get(URL, {"q": "cay tre viet nam"})
    assert world.guidance.symbol not in _text(response)
    assert world.outside.symbol in _text(response)


def test_ours_do_not_find_the_other_blocs(world, users):
    for who in ("staff", "leader", "admin", "secretary"):
        found = _found(getattr(users, who), "cay tre viet nam")
        assert _key(world.outside) not in found
        assert _key(world.outside_book) not in found


@pytest.mark.parametrize("who", [*NAMED, "outside_staff"])
def test_every_hit_opens_for_the_user_who_found_it(world, users, client_for, who):
    user = _user(world, users, who)
    client = client_for(user)
    for text in ("cay tre", "huong dan bao cao", "tham nhung", "bao cao", world.report.symbol):
        for hit in _hits(user, text):
            assert client.get(hit.url).status_code == 200, (who, text, hit.entry)


@pytest.mark.parametrize("who", [*NAMED, "outside_staff"])
def test_the_index_sees_what_the_gatekeepers_see(world, campaign, tree, users, who):
    """entries_visible_to reads the units the index copies; for every document and user it
    must answer as directives_visible_to, reports_visible_to and materials_visible_to."""
    imported_reference(
        users.secretary,
        [tree.grassroots_a],
        campaign,
        issuer_name="Ban Tuyên giáo Thành ủy Cần Thơ",
    )
    user = _user(world, users, who)
    by_gatekeepers = {
        *((Kind.DIRECTIVE, pk) for pk in directives_visible_to(user).values_list("pk", flat=True)),
        *((Kind.REPORT, pk) for pk in reports_visible_to(user).values_list("pk", flat=True)),
        *((Kind.MATERIAL, pk) for pk in materials_visible_to(user).values_list("pk", flat=True)),
    }
    by_index = set(entries_visible_to(user).values_list("kind", "object_id"))

    assert by_index == by_gatekeepers
    assert SearchEntry.objects.count() == (
        Directive.objects.count() + ProgressReport.objects.count() + StudyMaterial.objects.count()
    )


def test_drafts_are_found_as_the_directive_pages_show_them(world, users, client_for):
    """The issuer's side sees its drafts; the units they are addressed to do not yet."""
    for who in NAMED:
        user = getattr(users, who)
        found = _key(world.corruption) in _found(user, "tham nhung")
        opens = client_for(user).get(world.corruption.get_absolute_url()).status_code == 200
        assert found == opens, who
    assert _key(world.corruption) in _found(users.staff, "tham nhung")
    assert _key(world.corruption) not in _found(users.secretary, "tham nhung")


def test_a_hit_the_gatekeepers_refuse_is_not_shown(world, users, caplog):
    """Should the index's copy of who sees what go stale, the page still shows only what the
    user may open."""
    SearchEntry.objects.filter(kind=Kind.DIRECTIVE, object_id=world.corruption.pk).update(
        unit=users.secretary.memberships.get().unit, sent=True
    )

    assert _key(world.corruption) not in _found(users.secretary, "tham nhung")
    assert "the gatekeepers refused 1 hit" in caplog.text


# ---------------------------------------------------------------------------- kept in step


def test_a_draft_changed_or_deleted_is_found_as_it_is(world, users):
    campaign_services.directive_update(
        actor=users.staff, directive=world.conference, subject="Hội nghị tập huấn chuyển đổi số"
    )
    assert _key(world.conference) in _found(users.staff, "chuyen doi so")
    assert _key(world.conference) not in _found(users.staff, "bao cao vien quy ii")

    campaign_services.directive_delete(actor=users.staff, directive=world.conference)
    assert not SearchEntry.objects.filter(object_id=world.conference.pk, kind=Kind.DIRECTIVE)
    assert _key(world.conference) not in _found(users.staff, "chuyen doi so")


def test_issuing_numbers_the_entry_and_its_recipients_find_it(world, tree, users):
    assert _key(world.corruption) not in _found(users.secretary, "tham nhung")
    campaign_services.recipients_add(
        actor=users.staff, directive=world.corruption, units=[tree.grassroots_a]
    )

    issued = campaign_services.directive_issue(actor=users.staff, directive=world.corruption)

    entry = SearchEntry.objects.get(kind=Kind.DIRECTIVE, object_id=issued.pk)
    assert (entry.symbol, entry.status) == (issued.symbol, "Đã ban hành")
    assert _found(users.secretary, issued.symbol)[0] == _key(issued)
    assert _key(issued) in _found(users.secretary, "tham nhung")


def test_a_replaced_directive_says_so(world, users):
    """Issuing the replacement retires the old one with QuerySet.update(), no signal: the
    replacement's own save re-indexes it."""
    replacement = campaign_services.directive_replace(actor=users.staff, directive=world.guidance)
    campaign_services.directive_issue(actor=users.staff, directive=replacement)

    entry = SearchEntry.objects.get(kind=Kind.DIRECTIVE, object_id=world.guidance.pk)
    assert entry.status == "Đã được thay thế"


def test_a_report_is_indexed_when_started_and_numbered_when_sent(world, tree, users):
    obligation = _owed(world.plan, tree.cell_a2)
    cell_secretary = UserFactory(username="cell_a2_secretary")
    MembershipFactory(user=cell_secretary, unit=tree.cell_a2, role=Role.SECRETARY)
    report = report_services.report_start(actor=cell_secretary, obligation=obligation)
    report_services.report_update(
        actor=cell_secretary, report=report, assessment="Chi bộ Thanh tra học tập nghiêm túc."
    )
    assert _key(report) in _found(users.staff, "thanh tra hoc tap nghiem tuc")

    sent = report_services.report_submit(actor=cell_secretary, report=report)

    assert sent.symbol
    assert _found(users.staff, sent.symbol)[0] == _key(sent)


def test_materials_follow_their_campaign(world, campaign, users):
    campaign_services.campaign_update(
        actor=users.staff, campaign=campaign, title="Đợt học tập Cây tre"
    )
    entry = SearchEntry.objects.get(kind=Kind.MATERIAL, object_id=world.book.pk)
    assert entry.issuer == "Đợt học tập Cây tre"

    campaign_services.material_delete(actor=users.staff, material=world.book)
    assert _key(world.book) not in _found(users.staff, "cay tre ban in")


def test_rebuild_search_writes_what_the_signals_wrote(world, tree, users, campaign):
    imported_reference(
        users.secretary,
        [tree.grassroots_a],
        campaign,
        issuer_name="Ban Tuyên giáo Thành ủy Cần Thơ",
    )
    columns = [f.attname for f in SearchEntry._meta.concrete_fields if f.name != "id"]
    kept = sorted(SearchEntry.objects.values_list(*columns))

    out = io.StringIO()
    call_command("rebuild_search", stdout=out)

    assert "Đã lập chỉ mục" in out.getvalue()

    assert sorted(SearchEntry.objects.values_list(*columns)) == kept


# ---------------------------------------------------------------------------- both databases


def _titles(user: User, text: str) -> list[str]:
    return [
        f"{h.entry.label} {h.entry.symbol}".strip()
        if h.entry.symbol
        else f"{h.entry.label}: {h.entry.title}"
        for h in _hits(user, text)
    ]


# The same queries, the same answers, in the same order, whatever the database: this table runs
# on SQLite by default and on PostgreSQL with CI=true.
QUERY_SET = [
    (
        # All four words in the title first ("Báo cáo kết quả thực hiện Hướng dẫn …", "Hướng
        # dẫn: … báo cáo viên"), newest first; then two of them ("Hướng dẫn: Triển khai …").
        "huong dan bao cao",
        [
            "Báo cáo 01-BC/ĐU",
            "Hướng dẫn: Tổ chức hội nghị báo cáo viên quý II",
            "Hướng dẫn 01-HD/BTGĐUK",
            "Kế hoạch 01-KH/ĐU",
        ],
    ),
    # The symbol itself; the report answering it names it in its title; the plan in its body.
    ("01-HD/BTGĐUK", ["Hướng dẫn 01-HD/BTGĐUK", "Báo cáo 01-BC/ĐU", "Kế hoạch 01-KH/ĐU"]),
    ("1 kh du", ["Kế hoạch 01-KH/ĐU", "Báo cáo 01-BC/CB"]),
    ("01-KH/Đ", ["Kế hoạch 01-KH/ĐU"]),  # nothing holds "d": the similar symbol
    (
        "phong chong tham nhung tieu cuc",
        [
            "Hướng dẫn: Tuyên truyền phòng, chống tham nhũng, tiêu cực năm 2024",
            "Hướng dẫn: Tổ chức hội nghị báo cáo viên quý II",
        ],
    ),
    (
        "Nguyễn Văn Sẵn",
        ["Hướng dẫn: Tổ chức hội nghị báo cáo viên quý II", "Hướng dẫn 01-HD/BTGĐUK"],
    ),
    ("sach cay tre", ["Sách, tác phẩm: Sách “Cây tre Việt Nam” (bản in năm 2024)"]),
    ("bai thu hoach", ["Báo cáo 01-BC/CB"]),
    ("khong co van ban nay", []),
]


@pytest.mark.parametrize(("text", "expected"), QUERY_SET, ids=[q for q, _ in QUERY_SET])
def test_the_query_set_finds_the_same_on_every_database(world, users, text, expected):
    assert _titles(users.staff, text) == expected


@pytest.mark.postgres
def test_postgresql_indexes_find_what_the_portable_matching_finds(world, users, monkeypatch):
    """On PostgreSQL the tsvector (GIN) and the trigram index answer; the LIKE matching and the
    Python similarity that SQLite uses must give the very same hits in the same order."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, folded, document::text FROM reports_searchentry")
        for pk, words_stored, vector in cursor.fetchall():
            lexemes = set(re.findall(r"'([^']*)'", vector))
            assert lexemes == set(words_stored.split()), pk
        cursor.execute(
            "SELECT folded_symbol, similarity(folded_symbol, %s) FROM reports_searchentry",
            ["1 hd btgdu"],
        )
        for symbol, measured in cursor.fetchall():
            assert similarity(symbol, "1 hd btgdu") == pytest.approx(measured, abs=1e-6)
        # Exactly at the threshold (3 trigrams shared of 10): `%` keeps it, as SQLite does.
        cursor.execute("SELECT 'ab' %% 'ab cdefgh'", [])
        assert cursor.fetchone()[0] is True
        assert similarity("ab", "ab cdefgh") == SIMILAR
    queries = [text for text, _ in QUERY_SET] + ["01-BC/ĐU", "1-HD/BTG", "cay tre", "dang uy"]
    with_indexes = {text: _titles(users.staff, text) for text in queries}

    monkeypatch.setattr(search_query, "_on_postgres", lambda: False)
    like_only = {text: _titles(users.staff, text) for text in queries}

    assert like_only == with_indexes


# ---------------------------------------------------------------------------- the box, the cost


@pytest.mark.parametrize(
    "page",
    ["home", "campaigns:campaign_list", "units:unit_list", "reports:notification_list"],
)
def test_every_page_has_the_search_box(users, client_for, page):
    text = _text(client_for(users.leader).get(reverse(page)))

    form = re.search(r'<form[^>]*role="search"[^>]*action="([^"]+)"', text)
    assert form is not None
    assert form.group(1) == URL
    assert '<label class="visually-hidden" for="nav-search">' in text
    assert re.search(r'<input[^>]*type="search"[^>]*id="nav-search"[^>]*name="q"', text)


def test_the_login_page_has_no_search_box(client):
    assert 'id="nav-search"' not in _text(client.get(reverse("login")))


def test_the_box_keeps_what_was_typed(world, users, client_for):
    text = _text(client_for(users.staff).get(URL, {"q": "cây tre"}))

    assert re.search(r'id="nav-search"\s+name="q"\s+value="cây tre"', text)


def test_a_search_runs_a_bounded_number_of_queries(
    world, campaign, users, client_for, django_assert_max_num_queries
):
    """Session, user, grants, the bell; the hits and their count; the page's entries; the
    gatekeepers' check of each kind shown: however many documents match."""
    client = client_for(users.staff)
    with django_assert_max_num_queries(10):
        client.get(URL, {"q": "cay tre"})
    for number in range(40):
        campaign_services.material_add(
            actor=users.staff,
            campaign=campaign,
            title=f"Tài liệu cây tre số {number}",
            kind=StudyMaterial.Kind.OTHER,
            url="https://example.vn/t",
        )
    with django_assert_max_num_queries(10):
        response = client.get(URL, {"q": "cay tre"})
    assert _text(response).count("<mark>cây</mark>") >= PAGE_SIZE
