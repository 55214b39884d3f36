"""Builders that make valid objects with sensible defaults (callers commit), one module per feature
(`from tests.factories.groups import organisation`). Accounts are needed everywhere, so the package
itself offers `factories.user(...)` and the password it sets, `factories.PASSWORD`."""

from tests.factories.auth import PASSWORD, user

__all__ = ["PASSWORD", "user"]
