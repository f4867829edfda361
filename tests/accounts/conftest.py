"""Fixtures of the accounts tests: the people (tests/members.py)."""

from tests.members import admin, anonymous, editor, members_workspace, outsider, viewer  # noqa: F401
