"""factory-boy factories; units are created through treebeard so paths stay consistent."""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from units.kinds import ensure_default_kinds
from units.models import Membership, Role, Unit, UnitKind, User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Faker("name", locale="vi_VN")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.vn")

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):
        obj.set_password(extracted or "Mat-khau-2024")
        if create:
            obj.save(update_fields=["password"])


def kind(code: str) -> UnitKind:
    """One of the default kinds (re-created if a transactional test flushed them)."""
    found = UnitKind.objects.filter(code=code).first()
    if found is None:
        ensure_default_kinds(UnitKind)
        found = UnitKind.objects.get(code=code)
    return found


class UnitFactory(factory.django.DjangoModelFactory):
    """`UnitFactory(parent=some_unit, ...)`; without a parent it makes a root."""

    class Meta:
        model = Unit

    code = factory.Sequence(lambda n: f"U{n:05d}")
    name = factory.Sequence(lambda n: f"Chi bộ số {n}")
    kind = factory.LazyFunction(lambda: kind("chi-bo"))
    place_name = "Cần Thơ"
    member_count = 20

    @classmethod
    def _create(cls, model_class, *args, parent: Unit | None = None, **kwargs):
        instance = model_class(**kwargs)
        if parent is None:
            return Unit.objects.add_root(instance=instance)
        parent.refresh_from_db(fields=["path", "depth", "numchild"])
        return Unit.objects.add_child(parent, instance=instance)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    unit = factory.SubFactory(UnitFactory)
    role = Role.SECRETARY
    start_date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))
