"""allauth's backend (Django's model backend underneath), with the signed-in user loaded by a
prepared query.

Every request loads its user; through the ORM that costs about a millisecond of query
building, as much as a whole cheap view. The query and the checks are Django's own.
"""

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth import get_user_model

from core.prepared import Prepared

User = get_user_model()
# Timestamps stay deferred: raw rows skip the converters that SQLite's datetimes need.
_FIELDS = [f.attname for f in User._meta.concrete_fields if f.get_internal_type() != "DateTimeField"]
_USER = Prepared(lambda pk: User._default_manager.filter(pk=pk).values_list(*_FIELDS), pk=-2_000_000_030)


class UserBackend(AuthenticationBackend):
    """Sessions store this backend's path: sessions from before allauth keep working."""

    def get_user(self, user_id):
        try:
            pk = User._meta.pk.to_python(user_id)
        except Exception:
            return None
        rows = _USER.rows(pk=pk)
        if not rows:
            return None
        user = User.from_db("default", _FIELDS, rows[0])
        return user if self.user_can_authenticate(user) else None
