"""Shared fixtures as pytest plugins, registered once by `pytest_plugins` in tests/conftest.py."""
