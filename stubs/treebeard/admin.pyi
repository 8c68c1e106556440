from typing import Any

from django.contrib import admin

class TreeAdmin(admin.ModelAdmin[Any]):
    def __getattr__(self, name: str) -> Any: ...
