"""Single sign-on through the sign-in library's OpenID Connect provider.

The first SSO sign-in creates the account from the claims (name, address); an account that
already has the address is never taken over by it: the library's sign-up refuses the address
(without saying whose it is) and the person signs in with their password, or a mailed link,
and connects the provider on their account page. Every SSO sign-in then applies the claims
to the person's memberships (`workspaces.sign_in.sign_in_apply`) and records when.
"""

from __future__ import annotations

from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.contrib import messages

from workspaces import sign_in
from workspaces.claims import Action

# The user model's own limits: a provider's long name must not fail the sign-in.
FIRST_NAME_MAX = 150
LAST_NAME_MAX = 150


class SsoAdapter(DefaultSocialAccountAdapter):
    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        user.first_name = "".join(c for c in (user.first_name or "") if c.isprintable())[:FIRST_NAME_MAX]
        user.last_name = "".join(c for c in (user.last_name or "") if c.isprintable())[:LAST_NAME_MAX]
        return user

    def can_authenticate_by_email(self, login, email) -> bool:
        # Never: an address proves nothing about who holds the account that has it.
        return False


def claims_of(sociallogin) -> dict:
    """The sign-in's claims: the ID token's, with the userinfo endpoint's over them."""
    data = sociallogin.account.extra_data or {}
    if not isinstance(data, dict):
        return {}
    id_token = data.get("id_token")
    userinfo = data.get("userinfo")
    id_token = id_token if isinstance(id_token, dict) else {}
    userinfo = userinfo if isinstance(userinfo, dict) else {}
    if not id_token and not userinfo:
        return data  # stored before the library kept the two apart
    return {**id_token, **userinfo}


def _said(applied: sign_in.Applied) -> str:
    name, access = applied.workspace.name, applied.outcome.access
    match applied.outcome.action:
        case Action.JOIN:
            return f"You joined {name} as {'an' if access[0] in 'aeiou' else 'a'} {access}."
        case Action.SET:
            return f"Your access to {name} follows your groups: {access}."
        case Action.SUSPEND:
            return f"Your access to {name} is suspended: your groups include none it maps."
    return ""


def sso_signed_in(sender, request, user, sociallogin=None, **kwargs) -> None:
    """After any sign-in: an SSO one applies its claims and is recorded."""
    if sociallogin is None:
        return
    addresses = list(sociallogin.email_addresses or [])
    first = addresses[0] if addresses else None
    applied = sign_in.sign_in_apply(
        user=user,
        address=first.email if first else "",
        address_verified=bool(first and first.verified),
        claim_values=claims_of(sociallogin),
        provider=sociallogin.account.provider or "",
    )
    for each in applied:
        if each.changed and (text := _said(each)):
            messages.info(request, text)
