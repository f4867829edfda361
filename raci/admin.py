from django import forms
from django.contrib import admin

from raci import services
from raci.models import (
    Activity,
    ChangeEvent,
    Column,
    Matrix,
    Template,
    TemplateActivity,
    TemplateRole,
)
from raci.rules import VALUES
from workspaces.models import Membership, Role, RoleHolder, Workspace


class TemplateActivityForm(forms.ModelForm):
    class Meta:
        model = TemplateActivity
        fields = "__all__"  # noqa: DJ007  (the site admin edits every field of a template row)

    def clean_letters(self):
        letters = self.cleaned_data["letters"] or {}
        if not isinstance(letters, dict):
            raise forms.ValidationError('Write the letters as {"PM": "C", "PMM": "AR"}.')
        bad = {k: v for k, v in letters.items() if v not in VALUES}
        if bad:
            raise forms.ValidationError(f"Not RACI values: {bad}. Use R, A, AR, C or I.")
        return {str(k).upper(): v for k, v in letters.items()}


class TemplateRoleInline(admin.TabularInline):
    model = TemplateRole
    extra = 0


class TemplateActivityInline(admin.StackedInline):
    model = TemplateActivity
    form = TemplateActivityForm
    extra = 0
    readonly_fields = ("where_letters_come_from",)

    @admin.display(description="Where the letters come from")
    def where_letters_come_from(self, obj):
        # Plain text, one line per letter; the admin escapes it.
        lines = [obj.source] if obj and obj.sources else ["No sources recorded."]
        if obj and obj.our_default:
            lines.append(f"Our default — to discuss: {obj.our_default}")
        return "\n".join(lines)


@admin.register(Template)
class TemplateAdmin(admin.ModelAdmin):
    list_display = ("name", "stage", "workspace", "is_default", "our_default_rows")
    list_filter = ("stage", "is_default")
    search_fields = ("name", "slug")
    inlines = [TemplateRoleInline, TemplateActivityInline]
    readonly_fields = ("version",)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # A changed template gets a new version: matrices made from it say what changed.
        services.template_snapshot(template=form.instance)

    @admin.display(description="Rows with our default letters")
    def our_default_rows(self, obj):
        return obj.activities.exclude(our_default="").count()


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ("user",)


@admin.register(Workspace)
class WorkspaceAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "created_at")
    search_fields = ("name", "slug")
    inlines = [MembershipInline]


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "workspace")
    list_filter = ("workspace",)


@admin.register(Matrix)
class MatrixAdmin(admin.ModelAdmin):
    list_display = ("name", "workspace", "owner", "updated_at")
    list_filter = ("workspace",)
    readonly_fields = ("last_seq",)


@admin.register(ChangeEvent)
class ChangeEventAdmin(admin.ModelAdmin):
    list_display = ("matrix", "seq", "kind", "target", "actor", "at")
    list_filter = ("kind",)

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


admin.site.register([RoleHolder, Column, Activity])
admin.site.site_header = "Lockstep administration"
