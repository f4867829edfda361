from django.urls import path

from .views import decisions, history, imports, matrix, workspaces

app_name = "raci"

M = "w/<slug:ws>/matrices/<slug:m>/"

urlpatterns = [
    path("w/new/", workspaces.workspace_create, name="workspace_create"),
    path("w/<slug:ws>/", workspaces.workspace_home, name="workspace"),
    path("w/<slug:ws>/settings/", workspaces.workspace_settings, name="workspace_settings"),
    path("w/<slug:ws>/members/", workspaces.members, name="members"),
    path("w/<slug:ws>/members/add/", workspaces.member_add, name="member_add"),
    path("w/<slug:ws>/members/<int:member_id>/", workspaces.member_update, name="member_update"),
    path("w/<slug:ws>/members/<int:member_id>/remove/", workspaces.member_remove, name="member_remove"),
    path("w/<slug:ws>/people/", workspaces.people, name="people"),
    path("w/<slug:ws>/roles/", workspaces.roles, name="roles"),
    path("w/<slug:ws>/roles/add/", workspaces.role_add, name="role_add"),
    path("w/<slug:ws>/roles/<int:role_id>/", workspaces.role_edit, name="role_edit"),
    path("w/<slug:ws>/roles/<int:role_id>/delete/", workspaces.role_delete, name="role_delete"),
    path("w/<slug:ws>/matrices/new/", matrix.matrix_new, name="matrix_new"),
    path(M, matrix.matrix_page, name="matrix"),
    path(M + "findings/", matrix.findings_panel, name="findings"),
    path(M + "changes/", matrix.matrix_changes, name="changes"),
    path(M + "history/", history.matrix_history, name="history"),
    path(M + "reviewed/", decisions.matrix_reviewed, name="matrix_reviewed"),
    path(M + "decisions/", decisions.decisions, name="decisions"),
    path(M + "decisions/<int:decision_id>/", decisions.decision_edit, name="decision_edit"),
    path(M + "decisions/<int:decision_id>/delete/", decisions.decision_delete, name="decision_delete"),
    path(M + "history/<int:seq>/restore/", history.history_restore, name="history_restore"),
    path(M + "export.<str:fmt>", imports.matrix_export, name="export"),
    path("w/<slug:ws>/imports/", imports.import_upload, name="import_upload"),
    path("w/<slug:ws>/imports/<int:import_id>/", imports.import_page, name="import"),
    path("w/<slug:ws>/imports/<int:import_id>/confirm/", imports.import_confirm_view, name="import_confirm"),
    path(M + "settings/", matrix.matrix_settings, name="matrix_settings"),
    path(M + "delete/", matrix.matrix_delete, name="matrix_delete"),
    path(M + "save-as-template/", matrix.matrix_save_template, name="matrix_save_template"),
    path(M + "cells/<int:activity_id>/<int:role_id>/", matrix.cell, name="cell"),
    path(M + "activities/", matrix.activity_add, name="activity_add"),
    path(M + "activities/<int:activity_id>/", matrix.activity_edit, name="activity_edit"),
    path(M + "activities/<int:activity_id>/<str:action>/", matrix.activity_action, name="activity_action"),
    path(M + "columns/", matrix.column_add, name="column_add"),
    path(M + "columns/<int:role_id>/", matrix.column_edit, name="column_edit"),
    path(M + "columns/<int:role_id>/<str:action>/", matrix.column_action, name="column_action"),
]
