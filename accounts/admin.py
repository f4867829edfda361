from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accounts.models import SignInEvent


def sign_in_first(request, extra_context=None):
    """The admin site signs in through the product's sign-in page, so that its throttle and
    two-factor step guard the admin too; there is no second password form to guess at."""
    if request.user.is_authenticated:
        raise PermissionDenied("Only the site's admins can use the admin.")
    return redirect_to_login(request.GET.get("next") or reverse("admin:index"), login_url=reverse("account_login"))


admin.site.login = sign_in_first  # type: ignore[method-assign]


@admin.register(SignInEvent)
class SignInEventAdmin(admin.ModelAdmin):
    """Read-only: the record of who came in, who failed, and who signed out elsewhere."""

    list_display = ["at", "kind", "username", "user", "ip", "detail"]
    list_filter = ["kind", "at"]
    search_fields = ["username", "ip"]
    date_hierarchy = "at"
    list_select_related = ["user"]
    readonly_fields = [f.name for f in SignInEvent._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
