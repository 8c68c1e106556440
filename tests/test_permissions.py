"""Who may reach which page: every URL of the project, anonymous, outside scope, and inside it."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from tests.factories import kind
from units.models import Membership, Role, Unit, UnitImport, UnitNameRecord, User

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------------------- every URL


@dataclass(frozen=True)
class Route:
    name: str  # namespaced, e.g. "units:unit_detail"; "" for an unnamed pattern
    route: str
    kwargs: tuple[str, ...]

    def __str__(self) -> str:
        return self.name or self.route


SKIPPED_NAMESPACES = {"admin"}  # Django's admin checks is_staff itself
SKIPPED_PREFIXES = ("static/", "media/")


def _walk(patterns, namespace: str = "", route: str = "", kwargs=()) -> Iterator[Route]:
    for entry in patterns:
        here = route + str(entry.pattern)
        names = tuple(entry.pattern.regex.groupindex)
        if here.lstrip("^").startswith(SKIPPED_PREFIXES):
            continue
        if isinstance(entry, URLResolver):
            if entry.namespace in SKIPPED_NAMESPACES:
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, inner, here, kwargs + names)
        elif isinstance(entry, URLPattern):
            yield Route(f"{namespace}{entry.name}" if entry.name else "", here, kwargs + names)


ROUTES = list(_walk(get_resolver().url_patterns))
PUBLIC = {"login", "healthz"}
WITH_OBJECT = [r for r in ROUTES if r.kwargs]


def _outside_unit(w: SimpleNamespace) -> int:
    return w.tree.other_cell.pk


def _outside_membership(w: SimpleNamespace) -> int:
    return Membership.objects.get(user=w.users.outsider, unit=w.tree.other_grassroots).pk


def _outside_import(w: SimpleNamespace) -> int:
    return UnitImport.objects.create(
        created_by=w.users.outside_admin, file_name="doanh-nghiep.xlsx", content=b"x"
    ).pk


# Per URL name, per kwarg: an object of the other bloc's subtree. `pk` means a different model in
# different URLs, so every URL that takes an argument is listed here; a new one that is not
# makes test_every_url_argument_has_an_outside_object fail and says what to add.
OUTSIDE_OBJECTS: dict[str, dict[str, Callable[[SimpleNamespace], int]]] = {
    "units:unit_detail": {"pk": _outside_unit},
    "units:unit_edit": {"pk": _outside_unit},
    "units:unit_add_child": {"pk": _outside_unit},
    "units:unit_rename": {"pk": _outside_unit},
    "units:unit_move": {"pk": _outside_unit},
    "units:unit_export": {"pk": _outside_unit},
    "units:membership_add": {"pk": _outside_unit},
    "units:membership_end": {"pk": _outside_membership},
    "units:import_detail": {"pk": _outside_import},
}


def _outside_kwargs(route: Route, world: SimpleNamespace) -> dict[str, int]:
    getters = OUTSIDE_OBJECTS.get(route.name, {})
    missing = [k for k in route.kwargs if k not in getters]
    if missing:
        pytest.fail(
            f"URL {route} ({route.route}) takes {missing}: add to OUTSIDE_OBJECTS how to get "
            "an object of the other bloc's subtree for it, so its permissions are tested."
        )
    return {k: getters[k](world) for k in route.kwargs}


def _url(route: Route, world: SimpleNamespace) -> str:
    return reverse(route.name, kwargs=_outside_kwargs(route, world))


def _post_data(tree) -> dict[str, str]:
    """A valid submission for every form, so a missing gatekeeper would really write."""
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    return {
        "code": "XAM-NHAP",
        "name": "Tên do người ngoài đặt",
        "short_name": "",
        "symbol_code": "",
        "kind": str(kind("chi-bo").pk),
        "place_name": "Hà Nội",
        "member_count": "999",
        "official_count": "0",
        "youth_count": "0",
        "other_count": "0",
        "is_active": "on",
        "effective_date": tomorrow,
        "target_code": tree.bloc_btg.code,
        "username": "xam_nhap",
        "full_name": "Người Xâm Nhập",
        "email": "xam@example.vn",
        "password": "Mat-khau-rat-dai-2024",
        "role": Role.ADMIN,
        "position": "",
        "start_date": "",
        "end_date": timezone.localdate().isoformat(),
    }


def _snapshot() -> dict[str, list]:
    return {
        "units": list(
            Unit.objects.order_by("pk").values_list(
                "pk", "code", "name", "short_name", "symbol_code", "path", "depth", "numchild",
                "kind_id", "member_count", "is_active", "name_since",
            )
        ),
        "names": list(UnitNameRecord.objects.order_by("pk").values_list("pk", "unit_id", "name")),
        "memberships": list(
            Membership.objects.order_by("pk").values_list(
                "pk", "user_id", "unit_id", "role", "start_date", "end_date"
            )
        ),
        "users": list(User.objects.order_by("pk").values_list("pk", "username", "is_active")),
        "imports": list(UnitImport.objects.order_by("pk").values_list("pk", "status")),
    }  # fmt: skip


@pytest.fixture
def world(tree, users) -> SimpleNamespace:
    return SimpleNamespace(tree=tree, users=users)


def test_the_url_walk_finds_the_unit_pages_and_skips_the_admin():
    names = {r.name for r in ROUTES}
    assert {"home", "healthz", "login", "units:unit_detail", "units:membership_end"} <= names
    assert not any(r.route.startswith("admin/") for r in ROUTES)


def test_every_url_has_a_name():
    assert [r.route for r in ROUTES if not r.name] == []


@pytest.mark.parametrize("route", WITH_OBJECT, ids=str)
def test_every_url_argument_has_an_outside_object(route, world):
    kwargs = _outside_kwargs(route, world)
    assert set(kwargs) == set(route.kwargs)


def test_outside_objects_table_names_only_existing_urls():
    assert set(OUTSIDE_OBJECTS) - {r.name for r in ROUTES} == set()


@pytest.mark.parametrize("route", WITH_OBJECT, ids=str)
def test_outside_objects_are_real_pages_for_their_own_administrator(route, world, client_for):
    """The control for the 404s below: the same URL works for the other bloc's administrator."""
    response = client_for(world.users.outside_admin).get(_url(route, world))
    assert response.status_code == 200


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("route", [r for r in ROUTES if r.name not in PUBLIC], ids=str)
def test_anonymous_visitor_is_sent_to_the_login_page(route, method, world):
    url = _url(route, world) if route.kwargs else reverse(route.name)
    response = getattr(Client(), method)(url)
    assert response.status_code == 302
    target = urlsplit(response.url)
    assert target.path == reverse("login")
    assert parse_qs(target.query)["next"] == [url]


@pytest.mark.parametrize("route", [r for r in ROUTES if r.name in PUBLIC], ids=str)
def test_public_pages_answer_without_login(route):
    assert Client().get(reverse(route.name)).status_code == 200


@pytest.mark.parametrize("who", ["secretary", "staff", "leader", "admin"])
@pytest.mark.parametrize("route", WITH_OBJECT, ids=str)
def test_objects_outside_the_users_subtree_are_not_found_and_unchanged(
    route, who, world, client_for
):
    url = _url(route, world)
    client = client_for(getattr(world.users, who))
    before = _snapshot()

    assert client.get(url).status_code == 404
    assert client.post(url, _post_data(world.tree)).status_code == 404
    assert _snapshot() == before


# ---------------------------------------------------------------------------- inside the tree


def _object(spec: str | None, world: SimpleNamespace) -> dict[str, int]:
    """`"unit:grassroots_a"`, `"membership:secretary"`, `"import:admin"` → the URL's kwargs."""
    if spec is None:
        return {}
    what, name = spec.split(":")
    if what == "unit":
        return {"pk": getattr(world.tree, name).pk}
    user = getattr(world.users, name)
    if what == "membership":
        return {"pk": Membership.objects.get(user=user).pk}
    if what == "import":
        return {
            "pk": UnitImport.objects.create(created_by=user, file_name="a.csv", content=b"x").pk
        }
    raise AssertionError(spec)


MANAGE_PAGES = [
    "units:unit_edit",
    "units:unit_rename",
    "units:unit_move",
    "units:unit_add_child",
    "units:membership_add",
]

ACCESS_TABLE = [
    # The bloc's administrator maintains every unit below the bloc; other roles only see them.
    *[("admin", page, "unit:grassroots_a", 200) for page in MANAGE_PAGES],
    *[("admin", page, "unit:bloc", 200) for page in MANAGE_PAGES],
    *[
        (who, page, "unit:grassroots_a", 404)
        for who in ("staff", "leader", "secretary", "cell_secretary")
        for page in MANAGE_PAGES
    ],
    *[
        (who, "units:unit_detail", "unit:grassroots_a", 200)
        for who in ("admin", "staff", "leader", "secretary")
    ],
    ("secretary", "units:unit_detail", "unit:cell_a1", 200),
    ("secretary", "units:unit_detail", "unit:bloc", 404),
    ("secretary", "units:unit_detail", "unit:grassroots_b", 404),
    ("cell_secretary", "units:unit_detail", "unit:cell_a1", 200),
    ("cell_secretary", "units:unit_detail", "unit:cell_a2", 404),
    ("cell_secretary", "units:unit_detail", "unit:grassroots_a", 404),
    ("leader", "units:unit_detail", "unit:bloc", 200),
    ("admin", "units:unit_detail", "unit:city", 404),
    ("admin", "units:unit_detail", "unit:city_btg", 404),
    ("outsider", "units:unit_detail", "unit:other_cell", 200),
    ("outsider", "units:unit_detail", "unit:bloc", 404),
    ("nobody", "units:unit_detail", "unit:bloc", 404),
    ("superuser", "units:unit_detail", "unit:other_cell", 200),
    ("superuser", "units:unit_edit", "unit:city", 200),
    ("leader", "units:unit_export", "unit:bloc", 200),
    ("secretary", "units:unit_export", "unit:grassroots_a", 200),
    ("cell_secretary", "units:unit_export", "unit:grassroots_a", 404),
    ("admin", "units:membership_end", "membership:secretary", 200),
    ("admin", "units:membership_end", "membership:cell_secretary", 200),
    *[
        (who, "units:membership_end", "membership:cell_secretary", 404)
        for who in ("staff", "leader", "secretary", "cell_secretary")
    ],
    ("admin", "units:import_form", None, 200),
    *[(who, "units:import_form", None, 404) for who in ("staff", "leader", "secretary")],
    ("admin", "units:import_detail", "import:admin", 200),
    ("superuser", "units:import_detail", "import:admin", 200),
    ("staff", "units:import_detail", "import:admin", 404),
    *[(who, "units:unit_list", None, 200) for who in ("admin", "leader", "nobody")],
    *[(who, "home", None, 200) for who in ("admin", "staff", "leader", "secretary", "nobody")],
]


@pytest.mark.parametrize(("who", "page", "obj", "status"), ACCESS_TABLE)
def test_access_table(who, page, obj, status, world, client_for):
    url = reverse(page, kwargs=_object(obj, world))
    assert client_for(getattr(world.users, who)).get(url).status_code == status


# ---------------------------------------------------------------------------- lists and search


def test_search_never_finds_units_outside_the_users_subtree(tree, users, client_for):
    response = client_for(users.admin).get(reverse("units:unit_list"), {"q": "Nhà máy"})

    assert response.status_code == 200
    assert tree.other_cell.name not in response.text
    assert "Không tìm thấy đơn vị nào trong phạm vi của bạn." in response.text


def test_search_by_an_outside_code_finds_nothing(tree, users, client_for):
    response = client_for(users.staff).get(reverse("units:unit_list"), {"q": tree.other_cell.code})

    assert tree.other_cell.name not in response.text


def test_search_finds_the_same_unit_for_a_user_whose_subtree_holds_it(tree, users, client_for):
    response = client_for(users.outsider).get(reverse("units:unit_list"), {"q": "Nhà máy"})

    assert tree.other_cell.name in response.text


def test_unit_list_starts_at_the_users_own_unit(tree, users, client_for):
    response = client_for(users.leader).get(reverse("units:unit_list"))

    assert tree.bloc.name in response.text
    for outside in (tree.city, tree.other_bloc, tree.city_btg):
        assert outside.name not in response.text


def test_unit_page_breadcrumbs_leave_out_ancestors_above_the_users_scope(tree, users, client_for):
    response = client_for(users.secretary).get(tree.cell_a1.get_absolute_url())

    assert tree.grassroots_a.name in response.text
    assert tree.bloc.display_short_name not in response.text
    assert tree.city.name not in response.text


def test_leader_home_lists_only_units_of_the_own_subtree(tree, users, client_for):
    response = client_for(users.leader).get(reverse("home"))

    assert tree.grassroots_a.name in response.text
    assert tree.other_bloc.name not in response.text
    assert tree.other_cell.name not in response.text
