from django.urls import path

from workspaces import sign_in_views, views

app_name = "workspaces"

urlpatterns = [
    path("w/new/", views.workspace_create, name="workspace_create"),
    path("w/<slug:ws>/settings/", views.workspace_settings, name="workspace_settings"),
    path("w/<slug:ws>/settings/secrets/<str:action>/replace/", views.secret_rotate, name="secret_rotate"),
    path("w/<slug:ws>/settings/phases/add/", views.phase_add, name="phase_add"),
    path("w/<slug:ws>/settings/phases/<str:key>/rename/", views.phase_rename, name="phase_rename"),
    path("w/<slug:ws>/settings/phases/<str:key>/move/", views.phase_move, name="phase_move"),
    path("w/<slug:ws>/settings/phases/<str:key>/relay/", views.phase_relay, name="phase_relay"),
    path("w/<slug:ws>/settings/phases/<str:key>/remove/", views.phase_remove, name="phase_remove"),
    path("w/<slug:ws>/settings/sign-in/", sign_in_views.sign_in_rules, name="sign_in_rules"),
    path("w/<slug:ws>/settings/sign-in/domains/", sign_in_views.domain_claim, name="domain_claim"),
    path(
        "w/<slug:ws>/settings/sign-in/domains/<int:domain_id>/release/",
        sign_in_views.domain_release,
        name="domain_release",
    ),
    path("w/<slug:ws>/settings/sign-in/groups/", sign_in_views.group_mapping_add, name="group_mapping_add"),
    path(
        "w/<slug:ws>/settings/sign-in/groups/<int:mapping_id>/remove/",
        sign_in_views.group_mapping_remove,
        name="group_mapping_remove",
    ),
    path("w/<slug:ws>/members/", views.members, name="members"),
    path("w/<slug:ws>/invitations/", views.invitation_create, name="invitation_create"),
    path("w/<slug:ws>/invitations/<int:invitation_id>/resend/", views.invitation_resend, name="invitation_resend"),
    path("w/<slug:ws>/invitations/<int:invitation_id>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    path("w/<slug:ws>/members/<int:member_id>/", views.member_update, name="member_update"),
    path("w/<slug:ws>/members/<int:member_id>/remove/", views.member_remove, name="member_remove"),
    path("w/<slug:ws>/roles/", views.roles, name="roles"),
    path("w/<slug:ws>/roles/add/", views.role_add, name="role_add"),
    path("w/<slug:ws>/roles/<int:role_id>/", views.role_edit, name="role_edit"),
    path("w/<slug:ws>/roles/<int:role_id>/holders/", views.role_holders, name="role_holders"),
    path("w/<slug:ws>/roles/<int:role_id>/holders/add/", views.role_holder_add, name="role_holder_add"),
    path("w/<slug:ws>/roles/<int:role_id>/delete/", views.role_delete, name="role_delete"),
]
