# Local type stubs for django-treebeard 7, which ships none: only what the portal uses is typed;
# the rest is Any through __getattr__.
