"""The reorganisation pages as an administrator uses them: a form, a confirmation page listing
what will happen, then the change; refusals keep the data entered; other subtrees answer 404;
a closed unit shows its end, its successors and its history, and takes no new work."""

from __future__ import annotations

import datetime
import re
from html.parser import HTMLParser

import pytest
from django.contrib.messages import get_messages
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from campaigns import services as campaign_services
from campaigns.models import Directive, Milestone, Obligation
from tests.factories import MembershipFactory, UnitFactory, UserFactory, kind
from tests.plugins.directives import make_draft
from units import services
from units.models import Lineage, Membership, Reorganisation, Role, Unit, User
from units.services import Decision

pytestmark = pytest.mark.django_db

TODAY = "today"


def _today() -> datetime.date:
    return timezone.localdate()


def _url(name: str, unit: Unit) -> str:
    return reverse(f"units:{name}", args=[unit.pk])


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _reload(unit: Unit) -> Unit:
    return Unit.objects.get(pk=unit.pk)


def _decision(**extra) -> dict[str, str]:
    return {
        "effective_date": _today().isoformat(),
        "decision_number": "125-QĐ/ĐUK",
        "decision_date": (_today() - datetime.timedelta(days=5)).isoformat(),
        "decision_body": "Ban Thường vụ Đảng ủy Khối",
        "note": "",
        **extra,
    }


def _merge_data(tree, **extra) -> dict[str, object]:
    """grassroots_a merged with grassroots_b into a new unit."""
    return {
        "siblings": [str(tree.grassroots_b.pk)],
        "codes": "",
        "mode": "new",
        "into_code": tree.grassroots_a.code,
        "code": "DUK-AB",
        "name": "Đảng bộ Sở Tài chính – Ngoại vụ",
        "short_name": "",
        "symbol_code": "ĐU",
        "kind": str(kind("dang-bo-co-so").pk),
        "parent_code": "",
        **_decision(),
        **extra,
    }


def _select(text: str, name: str) -> str:
    found = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', text, re.S)
    assert found is not None, f"no select {name}"
    return found[1]


def _options(text: str, name: str) -> list[str]:
    return re.findall(r'<option value="([^"]*)"', _select(text, name))


def _selected(text: str, name: str) -> str:
    found = re.search(r'<option value="([^"]*)" selected', _select(text, name))
    assert found is not None, f"nothing selected in {name}"
    return found[1]


class _FormReader(HTMLParser):
    """The values a browser would post from the page's form that has a `step` button."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[list[tuple[str, str]]] = []
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append([])
        elif tag == "input" and self.forms and a.get("name") and a.get("type") != "submit":
            if a.get("type") in {"checkbox", "radio"} and "checked" not in a:
                return
            self.forms[-1].append((a["name"], a.get("value", "")))
        elif tag == "select" and self.forms:
            self._select = a.get("name")
        elif tag == "option" and self._select and "selected" in a:
            self.forms[-1].append((self._select, a.get("value", "")))

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def _posted(text: str, **changes: str) -> dict[str, list[str]]:
    reader = _FormReader()
    reader.feed(text)
    (form,) = [
        f
        for f in reader.forms
        if any(name == "siblings" or name.startswith(("parts-", "takes_over")) for name, _ in f)
    ]
    data: dict[str, list[str]] = {}
    for name, value in form:
        data.setdefault(name, []).append(value)
    return data | {k: [v] for k, v in changes.items()}


def _membership(user: User, unit: Unit) -> Membership:
    return Membership.objects.get(user=user, unit=unit)


def issue_current(tree, users) -> Directive:
    """A campaign running now: the bloc's guidance reached both grassroots organisations ten
    days ago, its report due in a month, nothing done yet (open work to hand over)."""
    today = _today()
    campaign = campaign_services.campaign_create(
        actor=users.staff,
        owner=tree.bloc,
        title="Học tập Nghị quyết Đại hội",
        subject="Đợt học tập, quán triệt Nghị quyết Đại hội.",
        start_date=today - datetime.timedelta(days=60),
        end_date=today + datetime.timedelta(days=90),
    )
    draft = make_draft(
        campaign, tree.bloc_btg, users.staff, issue_date=today - datetime.timedelta(days=10)
    )
    campaign_services.milestones_replace(
        actor=users.staff,
        directive=draft,
        milestones=[
            campaign_services.MilestoneData(
                kind=Milestone.Kind.REPORT_DUE,
                title="Báo cáo kết quả",
                due_date=today + datetime.timedelta(days=30),
            )
        ],
    )
    campaign_services.recipients_add(
        actor=users.staff, directive=draft, units=[tree.grassroots_a, tree.grassroots_b]
    )
    return campaign_services.directive_issue(actor=users.staff, directive=draft)


@pytest.fixture
def current(tree, users) -> Directive:
    return issue_current(tree, users)


@pytest.fixture
def secretary_b(tree) -> User:
    user = UserFactory(username="secretary_b", full_name="Lê Thị Ngoại Vụ")
    MembershipFactory(user=user, unit=tree.grassroots_b, role=Role.SECRETARY)
    return user


# ---------------------------------------------------------------------------- merge


def test_merge_form_offers_the_open_siblings_and_a_new_unit(tree, users, client_for):
    services.unit_close(
        actor=users.admin, unit=tree.bloc_btg, day=_today(), decision=Decision(number="1-QĐ")
    )

    response = client_for(users.admin).get(_url("unit_merge", tree.grassroots_a))

    assert response.status_code == 200
    assert "Hợp nhất đơn vị: Đảng bộ Sở Tài chính" in response.text
    assert f"{tree.grassroots_b.name} ({tree.grassroots_b.code})" in response.text
    assert tree.bloc_btg.name not in response.text  # closed: no longer a choice
    assert "Thành lập đơn vị mới" in response.text
    assert 'name="decision_number"' in response.text


def test_merge_review_lists_what_will_happen_and_changes_nothing(
    tree, users, secretary_b, current, client_for
):
    response = client_for(users.admin).post(
        _url("unit_merge", tree.grassroots_a), {**_merge_data(tree), "step": "review"}
    )

    assert response.status_code == 200
    text = response.text
    assert "Xác nhận: hợp nhất đơn vị" in text
    assert "Quyết định số 125-QĐ/ĐUK" in text
    ending = re.search(r'<ul class="ending-units">(.*?)</ul>', text, re.S)
    assert ending is not None
    assert tree.grassroots_a.name in ending[1]
    assert tree.grassroots_b.name in ending[1]
    assert "Đảng bộ Sở Tài chính – Ngoại vụ (đơn vị mới)" in text
    for cell in (tree.cell_a1, tree.cell_a2):
        assert cell.name in text
    # Each person with a role, carried to the new unit by default, their role pre-selected.
    for user in (users.secretary, secretary_b):
        pk = Membership.objects.get(user=user).pk
        assert _options(text, f"carry_{pk}") == ["", "new"]  # "Không chuyển", the new unit
        assert _selected(text, f"carry_{pk}") == "new"
        assert _selected(text, f"role_{pk}") == Role.SECRETARY
    # The member count of the new unit, summed and editable.
    assert re.search(r'name="member_count" value="12"', text)
    # The open obligations that will pass: as many as applying hands over.
    shown = int(re.search(r'data-count="obligations">(\d+)<', text)[1])
    open_now = Obligation.objects.filter(
        unit__in=[tree.grassroots_a, tree.grassroots_b], handed_over_on__isnull=True
    ).count()
    assert 0 < shown <= open_now
    # Nothing is done yet, and the first page's data rides along hidden.
    assert not Unit.objects.filter(code="DUK-AB").exists()
    assert _reload(tree.grassroots_a).closed_on is None
    assert not Reorganisation.objects.exists()
    assert re.search(r'type="hidden" name="code" value="DUK-AB"', text)
    assert re.search(rf'type="hidden" name="siblings" value="{tree.grassroots_b.pk}"', text)
    assert 'value="apply"' in text
    assert 'value="edit"' in text
    assert "csrfmiddlewaretoken" in text


def test_merge_applies_the_carry_over_chosen(tree, users, secretary_b, current, client_for):
    client = client_for(users.admin)
    review = client.post(
        _url("unit_merge", tree.grassroots_a), {**_merge_data(tree), "step": "review"}
    )
    shown = int(re.search(r'data-count="obligations">(\d+)<', review.text)[1])
    a_role = _membership(users.secretary, tree.grassroots_a)
    b_role = _membership(secretary_b, tree.grassroots_b)

    response = client.post(
        _url("unit_merge", tree.grassroots_a),
        {
            **_merge_data(tree),
            "step": "apply",
            f"carry_{a_role.pk}": "new",
            f"role_{a_role.pk}": Role.SECRETARY,
            f"position_{a_role.pk}": "Bí thư Đảng ủy",
            f"carry_{b_role.pk}": "",
            f"role_{b_role.pk}": Role.SECRETARY,
            f"position_{b_role.pk}": "",
            "member_count": "40",
        },
        follow=True,
    )

    new = Unit.objects.get(code="DUK-AB")
    assert response.redirect_chain[-1][0] == new.get_absolute_url()
    assert (
        "Đã hợp nhất “Đảng bộ Sở Tài chính”, “Chi bộ Sở Ngoại vụ” vào "
        "“Đảng bộ Sở Tài chính – Ngoại vụ” theo Quyết định số 125-QĐ/ĐUK"
    ) in _messages(response)[0]
    assert new.member_count == 40
    assert _reload(tree.grassroots_a).closed_on == _reload(tree.grassroots_b).closed_on == _today()
    carried = Membership.objects.get(unit=new)
    assert (carried.user, carried.role, carried.position) == (
        users.secretary,
        Role.SECRETARY,
        "Bí thư Đảng ủy",
    )
    assert not Membership.objects.filter(user=secretary_b, end_date__isnull=True).exists()
    assert Obligation.objects.filter(unit=new, handed_over_on=_today()).count() == shown
    operation = Reorganisation.objects.get()
    assert (operation.recorded_by, operation.decision_body) == (
        users.admin,
        "Ban Thường vụ Đảng ủy Khối",
    )


def test_the_confirmation_page_posts_back_what_the_first_page_held(
    tree, users, secretary_b, client_for
):
    """What a browser sends from the confirmation page (the first page's data hidden, the
    choices as pre-filled) applies the operation as reviewed."""
    client = client_for(users.admin)
    url = _url("unit_merge", tree.grassroots_a)
    review = client.post(url, {**_merge_data(tree), "step": "review"})

    response = client.post(url, _posted(review.text, step="apply"))

    assert response.status_code == 302
    new = Unit.objects.get(code="DUK-AB")
    assert (new.name, new.symbol_code, new.member_count) == (
        "Đảng bộ Sở Tài chính – Ngoại vụ",
        "ĐU",
        12,
    )
    assert set(Membership.objects.filter(unit=new).values_list("user__username", "role")) == {
        ("secretary", Role.SECRETARY),
        ("secretary_b", Role.SECRETARY),
    }
    operation = Reorganisation.objects.get()
    assert operation.decision_date == _today() - datetime.timedelta(days=5)


def test_merge_into_one_of_them_by_code(tree, users, client_for):
    response = client_for(users.admin).post(
        _url("unit_merge", tree.grassroots_b),
        {
            **_merge_data(tree, siblings=[], codes=tree.grassroots_a.code),
            "mode": "into",
            "into_code": tree.grassroots_a.code,
            "step": "apply",
        },
    )

    assert response.status_code == 302
    assert response.url == tree.grassroots_a.get_absolute_url()
    assert _reload(tree.grassroots_b).closed_on == _today()
    assert _reload(tree.grassroots_a).closed_on is None
    assert not Unit.objects.filter(code="DUK-AB").exists()


def test_merge_form_refusals_keep_the_data_entered(tree, users, client_for):
    response = client_for(users.admin).post(
        _url("unit_merge", tree.grassroots_a),
        {
            **_merge_data(tree, code=tree.grassroots_b.code, codes="KHONG-CO"),
            "effective_date": (_today() + datetime.timedelta(days=2)).isoformat(),
            "decision_number": "",
            "step": "review",
        },
    )

    assert response.status_code == 200
    text = response.text
    assert "Mã “DUK-B” đã có đơn vị dùng: hãy chọn mã khác." in text
    assert "Không có đơn vị mã “KHONG-CO” trong phạm vi bạn quản lý." in text
    assert "Ngày có hiệu lực không được sau hôm nay" in text
    assert "Xác nhận: hợp nhất" not in text
    assert 'value="Đảng bộ Sở Tài chính – Ngoại vụ"' in text
    assert not Reorganisation.objects.exists()


def test_a_refusal_of_the_service_shows_the_form_again_with_its_reason(tree, users, client_for):
    # The new unit under a cell of one of the merged units: only the service can tell.
    response = client_for(users.admin).post(
        _url("unit_merge", tree.grassroots_a),
        {**_merge_data(tree, parent_code=tree.cell_a1.code), "step": "review"},
    )

    assert response.status_code == 200
    assert "Không thể hợp nhất Đảng bộ Sở Tài chính vào đơn vị trực thuộc của nó." in response.text
    assert 'value="DUK-AB"' in response.text
    assert not Unit.objects.filter(code="DUK-AB").exists()  # the rehearsal left nothing


def test_a_unit_closed_between_review_and_apply_is_refused_with_the_data_kept(
    tree, users, client_for
):
    client = client_for(users.admin)
    services.unit_close(
        actor=users.superuser,
        unit=tree.grassroots_b,
        day=_today(),
        decision=Decision(number="9-QĐ/TU"),
    )

    response = client.post(
        _url("unit_merge", tree.grassroots_a), {**_merge_data(tree), "step": "apply"}
    )

    assert response.status_code == 200
    # The sibling is no longer a choice: the form says so, with the rest of the data kept.
    assert (
        "Một đơn vị đã chọn không còn hoạt động hoặc không còn cùng cấp: hãy chọn lại."
        in response.text
    )
    assert 'value="DUK-AB"' in response.text
    assert _reload(tree.grassroots_a).closed_on is None


def test_back_from_the_confirmation_shows_the_form_with_the_data(tree, users, client_for):
    response = client_for(users.admin).post(
        _url("unit_merge", tree.grassroots_a), {**_merge_data(tree), "step": "edit"}
    )

    assert response.status_code == 200
    assert 'value="DUK-AB"' in response.text
    assert "Xem trước" in response.text
    assert not Reorganisation.objects.exists()


# ---------------------------------------------------------------------------- split


def _split_data(**extra) -> dict[str, object]:
    rows = [
        ("DUK-A-X", "Đảng bộ Sở Tài chính", ""),
        ("DUK-A-Y", "Đảng bộ Kho bạc Nhà nước", "10"),
        ("", "", ""),
        ("", "", ""),
    ]
    data: dict[str, object] = {
        "parts-TOTAL_FORMS": "4",
        "parts-INITIAL_FORMS": "0",
        "parts-MIN_NUM_FORMS": "0",
        "parts-MAX_NUM_FORMS": "4",
        "takes_over": "1",
        **_decision(),
    }
    for i, (code, name, members) in enumerate(rows):
        data |= {
            f"parts-{i}-code": code,
            f"parts-{i}-name": name,
            f"parts-{i}-short_name": "",
            f"parts-{i}-kind": str(kind("dang-bo-co-so").pk),
            f"parts-{i}-member_count": members,
        }
    return data | extra


def test_split_review_then_apply(tree, users, client_for):
    client = client_for(users.admin)
    url = _url("unit_split", tree.grassroots_a)
    assert client.get(url).status_code == 200
    data = _split_data(**{f"child_{tree.cell_a1.pk}": "0"})

    review = client.post(url, {**data, "step": "review"})

    assert "Xác nhận: chia tách đơn vị" in review.text
    moving = re.search(
        r'<table class="table table-sm moving-children">(.*?)</table>', review.text, re.S
    )
    assert moving is not None
    assert re.search(r"Chi bộ Văn phòng</td>\s*<td>Đảng bộ Sở Tài chính<", moving[1])
    assert re.search(r"Chi bộ Thanh tra</td>\s*<td>Đảng bộ Kho bạc Nhà nước<", moving[1])
    role = Membership.objects.get(user=users.secretary).pk
    assert _options(review.text, f"carry_{role}") == ["", "part-0", "part-1"]
    assert _selected(review.text, f"carry_{role}") == "part-1"  # the part taking over

    response = client.post(url, _posted(review.text, step="apply"))

    assert response.status_code == 302
    assert response.url == tree.grassroots_a.get_absolute_url()
    x, y = Unit.objects.get(code="DUK-A-X"), Unit.objects.get(code="DUK-A-Y")
    assert _reload(tree.cell_a1).path.startswith(x.path)
    assert _reload(tree.cell_a2).path.startswith(y.path)
    assert Lineage.objects.get(predecessor=tree.grassroots_a, takes_over_work=True).successor == y


def test_split_refuses_one_part_and_a_blank_row_taking_over(tree, users, client_for):
    url = _url("unit_split", tree.grassroots_a)
    one_part = _split_data(**{"parts-1-code": "", "parts-1-name": "", "parts-1-member_count": ""})

    response = client_for(users.admin).post(
        url, {**one_part, "decision_number": "", "step": "review"}
    )

    # Both the table of parts and the decision say what is wrong, at once.
    assert "Chia tách cần ít nhất hai đơn vị mới." in response.text
    assert "Trường này là bắt buộc." in response.text
    assert 'value="DUK-A-X"' in response.text

    response = client_for(users.admin).post(url, {**_split_data(takes_over="3"), "step": "review"})

    assert "Hãy chọn một đơn vị mới đã ghi ở bảng trên." in response.text
    assert not Unit.objects.filter(code="DUK-A-X").exists()


# ---------------------------------------------------------------------------- close


def test_close_carries_nobody_unless_chosen(tree, users, client_for):
    client = client_for(users.admin)
    url = _url("unit_close", tree.grassroots_a)
    data = {"takes_over_code": "", **_decision()}

    review = client.post(url, {**data, "step": "review"})

    assert "Xác nhận: giải thể đơn vị" in review.text
    assert tree.bloc.name in review.text  # takes over by default: the parent
    role = _membership(users.secretary, tree.grassroots_a)
    assert _options(review.text, f"carry_{role.pk}") == ["", str(tree.bloc.pk)]
    assert _selected(review.text, f"carry_{role.pk}") == ""

    response = client.post(url, {**data, "step": "apply", f"carry_{role.pk}": ""}, follow=True)

    assert "Đã giải thể “Đảng bộ Sở Tài chính”" in _messages(response)[0]
    assert _reload(tree.grassroots_a).closed_on == _today()
    assert not Membership.objects.filter(user=users.secretary, end_date__isnull=True).exists()
    # The banner of the closed unit, on the page it redirects to.
    assert "Đơn vị không còn hoạt động từ ngày" in response.text


def test_close_refuses_a_unit_of_its_own_subtree_taking_over(tree, users, client_for):
    response = client_for(users.admin).post(
        _url("unit_close", tree.grassroots_a),
        {"takes_over_code": tree.cell_a1.code, **_decision(), "step": "review"},
    )

    assert "Đơn vị tiếp nhận không thể là đơn vị giải thể hay đơn vị trực thuộc của nó." in (
        response.text
    )


# ---------------------------------------------------------------------------- rename, move


def test_rename_under_a_decision_enters_the_history(tree, users, client_for):
    response = client_for(users.admin).post(
        _url("unit_rename", tree.bloc_btg),
        {
            "name": "Ban Tuyên giáo và Dân vận Đảng ủy Khối",
            "short_name": "",
            "symbol_code": "BTGDVĐUK",
            "effective_date": _today().isoformat(),
            "decision_number": "03-QĐ/ĐUK",
            "decision_date": "",
            "decision_body": "",
        },
        follow=True,
    )

    operation = Reorganisation.objects.get()
    assert (operation.kind, operation.decision_number) == (Reorganisation.Kind.RENAME, "03-QĐ/ĐUK")
    history = re.search(r"reorganisation-history(.*?)</table>", response.text, re.S)
    assert history is not None
    assert "Đổi tên" in history[1]
    assert "Quyết định số 03-QĐ/ĐUK" in history[1]


def test_rename_without_a_decision_records_no_operation(tree, users, client_for):
    client_for(users.admin).post(
        _url("unit_rename", tree.bloc_btg),
        {
            "name": "Ban Tuyên giáo và Dân vận Đảng ủy Khối",
            "short_name": "",
            "symbol_code": "",
            "effective_date": _today().isoformat(),
        },
    )

    assert _reload(tree.bloc_btg).name == "Ban Tuyên giáo và Dân vận Đảng ủy Khối"
    assert not Reorganisation.objects.exists()


def test_move_under_a_decision_from_a_date(tree, users, client_for):
    day = _today() - datetime.timedelta(days=7)
    client_for(users.admin).post(
        _url("unit_move", tree.cell_a2),
        {
            "target_code": tree.grassroots_b.code,
            "effective_date": day.isoformat(),
            "decision_number": "7-QĐ/ĐUK",
        },
    )

    assert _reload(tree.cell_a2).path.startswith(_reload(tree.grassroots_b).path)
    assert tree.cell_a2.path_history.get().valid_until == day - datetime.timedelta(days=1)
    operation = Reorganisation.objects.get()
    assert (operation.kind, operation.effective_date) == (Reorganisation.Kind.MOVE, day)


def test_move_refuses_a_closed_target_and_a_decision_without_number(tree, users, client_for):
    services.unit_close(
        actor=users.admin, unit=tree.grassroots_b, day=_today(), decision=Decision(number="1")
    )

    response = client_for(users.admin).post(
        _url("unit_move", tree.cell_a2),
        {"target_code": tree.grassroots_b.code, "decision_body": "Ban Thường vụ"},
    )

    assert "Chi bộ Sở Ngoại vụ đã không còn hoạt động từ ngày" in response.text
    assert "Ghi số quyết định, hoặc để trống cả ngày và cơ quan quyết định." in response.text


# ---------------------------------------------------------------------------- access


@pytest.mark.parametrize("page", ["unit_merge", "unit_split", "unit_close"])
def test_an_administrator_of_another_subtree_gets_404(page, tree, users, client_for):
    client = client_for(users.outside_admin)
    url = _url(page, tree.grassroots_a)

    assert client.get(url).status_code == 404
    assert client.post(url, {**_merge_data(tree), "step": "apply"}).status_code == 404
    assert _reload(tree.grassroots_a).closed_on is None


@pytest.mark.parametrize("page", ["unit_merge", "unit_split", "unit_close"])
def test_those_who_only_see_the_unit_get_404(page, tree, users, client_for):
    for who in (users.leader, users.staff, users.secretary):
        assert client_for(who).get(_url(page, tree.grassroots_a)).status_code == 404


def test_a_closed_units_former_secretary_gets_404_unless_carried_over(
    tree, users, secretary_b, client_for
):
    services.unit_merge(
        actor=users.admin,
        predecessors=[tree.grassroots_a, tree.grassroots_b],
        day=_today(),
        decision=Decision(number="125-QĐ/ĐUK"),
        into=tree.grassroots_a,
        carry_over=[],
    )

    assert client_for(secretary_b).get(tree.grassroots_b.get_absolute_url()).status_code == 404
    assert (
        client_for(secretary_b).get(_url("reorganisation_list", tree.grassroots_b)).status_code
        == 404
    )
    # The leader above still reads it.
    assert client_for(users.leader).get(tree.grassroots_b.get_absolute_url()).status_code == 200


# ---------------------------------------------------------------------------- closed units


@pytest.fixture
def merged(tree, users) -> Unit:
    """grassroots_a and grassroots_b merged into a new unit today."""
    services.unit_merge(
        actor=users.admin,
        predecessors=[tree.grassroots_a, tree.grassroots_b],
        day=_today(),
        decision=Decision(number="125-QĐ/ĐUK", body="Ban Thường vụ Đảng ủy Khối"),
        new=services.NewUnit(
            code="DUK-AB", name="Đảng bộ Sở Tài chính – Ngoại vụ", kind=kind("dang-bo-co-so")
        ),
    )
    return Unit.objects.get(code="DUK-AB")


def test_a_closed_unit_shows_its_end_its_successor_and_no_actions(tree, users, merged, client_for):
    response = client_for(users.admin).get(tree.grassroots_b.get_absolute_url())

    text = response.text
    banner = re.search(r'class="alert alert-secondary closed-banner"(.*?)</div>', text, re.S)
    assert banner is not None
    assert (
        f"Đơn vị không còn hoạt động từ ngày {_today():%d/%m/%Y} "
        "(Quyết định số 125-QĐ/ĐUK của Ban Thường vụ Đảng ủy Khối)"
    ) in " ".join(banner[1].split())
    assert f'href="{merged.get_absolute_url()}"' in banner[1]
    for action in ("unit_edit", "unit_merge", "unit_split", "unit_close", "membership_add"):
        assert _url(action, tree.grassroots_b) not in text
    assert "Hợp nhất, sáp nhập" in text  # its history


def test_the_successor_lists_its_predecessors(tree, users, merged, client_for):
    response = client_for(users.leader).get(merged.get_absolute_url())

    block = re.search(r'class="card mb-3 predecessors"(.*?)</ul>', response.text, re.S)
    assert block is not None
    for old in (tree.grassroots_a, tree.grassroots_b):
        assert f'<a href="{old.get_absolute_url()}">{old.name}</a>' in block[1]
    # The closed units are history: not rows of the current tree, not counted twice.
    rows = re.search(r"<tbody>(.*?)</tbody>", response.text, re.S)
    assert rows is not None
    assert tree.grassroots_b.name not in rows[1]
    assert tree.cell_a1.name in rows[1]


@pytest.mark.parametrize(
    "page",
    [
        "unit_edit",
        "unit_rename",
        "unit_move",
        "unit_add_child",
        "membership_add",
        "unit_merge",
        "unit_split",
        "unit_close",
    ],
)
def test_changes_to_a_closed_unit_are_refused_with_the_reason(
    page, tree, users, merged, client_for
):
    client = client_for(users.admin)

    response = client.post(_url(page, tree.grassroots_b), {**_merge_data(tree), "step": "apply"})

    assert response.status_code == 302
    assert response.url == tree.grassroots_b.get_absolute_url()
    assert _messages(response) == [
        f"Chi bộ Sở Ngoại vụ đã không còn hoạt động từ ngày {_today():%d/%m/%Y}: "
        "không thể thay đổi đơn vị này."
    ]


def test_the_unit_list_marks_closed_units_and_filters_by_status(tree, users, merged, client_for):
    client = client_for(users.admin)
    url = reverse("units:unit_list")

    closed = client.get(url, {"status": "closed"}).text
    still = client.get(url, {"status": "open", "q": "Sở"}).text

    assert tree.grassroots_a.name in closed
    assert tree.grassroots_b.name in closed
    assert f"Không còn hoạt động từ {_today():%d/%m/%Y}" in closed
    assert tree.cell_a1.name not in closed
    assert merged.name in still
    assert tree.grassroots_b.name not in still


def test_closed_units_are_no_merge_choice(tree, users, merged, client_for):
    response = client_for(users.admin).post(
        _url("unit_merge", merged),
        {**_merge_data(tree, siblings=[], codes=tree.grassroots_b.code), "step": "review"},
    )

    assert "Chi bộ Sở Ngoại vụ đã không còn hoạt động từ ngày" in response.text


def test_the_operations_list_of_a_subtree(tree, users, merged, client_for):
    services.record_simple_operation(
        kind=Reorganisation.Kind.RENAME,
        actor=users.admin,
        unit=tree.bloc_btg,
        day=_today(),
        decision=Decision(number="03-QĐ/ĐUK"),
    )

    bloc = client_for(users.leader).get(_url("reorganisation_list", tree.bloc)).text
    new = client_for(users.leader).get(_url("reorganisation_list", merged)).text

    assert "Quyết định số 125-QĐ/ĐUK" in bloc
    assert "Quyết định số 03-QĐ/ĐUK" in bloc
    assert "Quyết định số 125-QĐ/ĐUK" in new
    assert "03-QĐ/ĐUK" not in new
    merger = re.search(r"<ul class=\"list-unstyled mb-0\">(.*?)</ul>", new, re.S)
    assert merger is not None
    assert re.search(
        rf">{tree.grassroots_b.name}</a>\s*→\s*<a href=\"{merged.get_absolute_url()}\">", merger[1]
    )


# ---------------------------------------------------------------------------- query counts


def _many_people_and_children(tree, count: int) -> None:
    for i in range(count):
        UnitFactory(parent=tree.grassroots_b, code=f"DUK-B-{i}", name=f"Tổ đảng số {i}")
        user = UserFactory(username=f"dv{i}")
        MembershipFactory(user=user, unit=tree.grassroots_b, role=Role.STAFF)


def _queries(run) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        result = run()
    return len(captured), result


def _rolled_back(run) -> None:
    try:
        with transaction.atomic():
            run()
            raise _Undo
    except _Undo:
        pass


class _Undo(Exception):
    pass


@pytest.mark.parametrize("count", [2, 25])
def test_the_confirmation_page_reads_a_fixed_number_of_times_besides_the_rehearsal(
    count, tree, users, client_for
):
    """The confirmation runs the operation once and undoes it, to count what it hands over;
    the page itself adds a fixed number of reads, whatever the people and child units."""
    _many_people_and_children(tree, count)
    client = client_for(users.admin)
    client.get(reverse("home"))  # the session and the first-visit reads out of the way
    data = _merge_data(tree)

    page, response = _queries(
        lambda: client.post(_url("unit_merge", tree.grassroots_a), {**data, "step": "review"})
    )
    operation, _ = _queries(
        lambda: _rolled_back(
            lambda: services.unit_merge(
                actor=User.objects.get(pk=users.admin.pk),
                predecessors=[_reload(tree.grassroots_a), _reload(tree.grassroots_b)],
                day=_today(),
                decision=Decision(number="1"),
                new=services.NewUnit(code="DUK-AB", name="Mới", kind=kind("dang-bo-co-so")),
                carry_over=[],
            )
        )
    )

    assert response.text.count('<option value="new" selected') == count + 1  # one per person
    assert page - operation <= 30


@pytest.mark.parametrize("count", [2, 25])
def test_pages_of_reorganised_units_query_a_fixed_number_of_times(
    count, tree, users, client_for, django_assert_max_num_queries
):
    """Unit page of a successor with many predecessors; the operations list."""
    parent = tree.bloc
    olds = [
        UnitFactory(
            parent=parent, code=f"OLD-{i}", name=f"Chi bộ cũ {i}", kind=kind("chi-bo-co-so")
        )
        for i in range(count)
    ]
    for old in olds:
        services.unit_merge(
            actor=users.admin,
            predecessors=[old, tree.grassroots_b],
            day=_today(),
            decision=Decision(number=f"{old.pk}-QĐ/ĐUK"),
            into=tree.grassroots_b,
        )
    client = client_for(users.leader)

    with django_assert_max_num_queries(12):
        detail = client.get(tree.grassroots_b.get_absolute_url())
    with django_assert_max_num_queries(10):
        listing = client.get(_url("reorganisation_list", tree.bloc))

    assert detail.text.count("Chi bộ cũ") >= count
    assert listing.text.count("Chi bộ cũ") >= min(count, 20)
