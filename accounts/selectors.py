"""Reads about accounts that other apps show."""

from collections.abc import Iterable

from allauth.mfa.models import Authenticator


def two_factor_on(*, user_ids: Iterable[int]) -> set[int]:
    """Which of these people sign in with a second factor (an authenticator app), in one query."""
    return set(
        Authenticator.objects.filter(user_id__in=list(user_ids), type=Authenticator.Type.TOTP).values_list(
            "user_id", flat=True
        )
    )
