# The materialised-path node as the portal uses it: a model with path, depth and numchild.
from typing import Any, TypeVar

from django.db import models

_N = TypeVar("_N", bound=MP_Node)

class MP_NodeQuerySet(models.QuerySet[_N]):
    def __getattr__(self, name: str) -> Any: ...

class MP_NodeManager(models.Manager[_N]):
    def get_queryset(self) -> MP_NodeQuerySet[_N]: ...
    def add_root(self, **kwargs: Any) -> _N: ...
    def add_child(self, parent: _N, **kwargs: Any) -> _N: ...
    def __getattr__(self, name: str) -> Any: ...

class MP_Node(models.Model):
    path = models.CharField(max_length=255, unique=True)
    depth = models.PositiveIntegerField()
    numchild = models.PositiveIntegerField(default=0)
    steplen: int
    alphabet: str
    node_order_by: list[str]
    objects: MP_NodeManager[Any]
    class Meta:
        abstract = True

    def __getattr__(self, name: str) -> Any: ...
