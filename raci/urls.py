from django.urls import path

from raci.views import cells, decisions, editing, fixes, history, imports, live, matrices, matrix, people, structure
from raci.views import deck as deck_views

app_name = "raci"

M = "w/<slug:ws>/matrices/<slug:m>/"

urlpatterns = [
    path("w/<slug:ws>/people/", people.people, name="people"),
    path("w/<slug:ws>/people/marks/", people.workload_marks, name="workload_marks"),
    path("w/<slug:ws>/matrices/new/", matrices.matrix_new, name="matrix_new"),
    path("w/<slug:ws>/settings/default-matrix/", matrices.default_matrix, name="default_matrix"),
    path(M, matrix.matrix_page, name="matrix"),
    path(M + "findings/", matrix.findings_panel, name="findings"),
    path(M + "finding/", fixes.finding, name="finding"),
    path(M + "finding/fix/", fixes.fix_apply, name="fix_apply"),
    path(M + "finding/accept/", fixes.finding_accept, name="finding_accept"),
    path(M + "finding/withdraw/", fixes.finding_withdraw, name="finding_withdraw"),
    path(M + "columns/<int:role_id>/handover/", fixes.role_handover, name="role_handover"),
    path(M + "history/group/<int:group>/undo/", fixes.group_undo, name="group_undo"),
    path(M + "template/", fixes.template_compare, name="template_compare"),
    path(M + "template/rows/<int:activity_id>/reset/", fixes.template_row_reset, name="template_row_reset"),
    path(M + "template/updates/take/", fixes.template_update_take, name="template_update_take"),
    path(M + "template/updates/dismiss/", fixes.template_updates_dismiss, name="template_updates_dismiss"),
    path(M + "changes/", live.matrix_changes, name="changes"),
    path(M + "history/", history.matrix_history, name="history"),
    path(M + "reviewed/", decisions.matrix_reviewed, name="matrix_reviewed"),
    path(M + "decisions/", decisions.decisions, name="decisions"),
    path(M + "decisions/<int:decision_id>/", decisions.decision_edit, name="decision_edit"),
    path(M + "decisions/<int:decision_id>/delete/", decisions.decision_delete, name="decision_delete"),
    path(M + "history/<int:seq>/restore/", history.history_restore, name="history_restore"),
    path(M + "export.<str:fmt>", imports.matrix_export, name="export"),
    path(M + "slides.pptx", deck_views.matrix_slides, name="slides"),
    path("w/<slug:ws>/imports/", imports.import_upload, name="import_upload"),
    path("w/<slug:ws>/imports/<int:import_id>/", imports.import_page, name="import"),
    path("w/<slug:ws>/imports/<int:import_id>/confirm/", imports.import_confirm_view, name="import_confirm"),
    path(M + "settings/", matrices.matrix_settings, name="matrix_settings"),
    path(M + "holders/", matrices.matrix_holders, name="matrix_holders"),
    path(M + "delete/", matrices.matrix_delete, name="matrix_delete"),
    path(M + "save-as-template/", matrices.matrix_save_template, name="matrix_save_template"),
    path(M + "cells/<int:activity_id>/<int:role_id>/", cells.cell, name="cell"),
    path(M + "undo/", editing.undo, name="undo"),
    path(M + "redo/", editing.redo, name="redo"),
    path(M + "paste/", editing.paste, name="paste"),
    path(M + "activities/", structure.activity_add, name="activity_add"),
    path(M + "activities/<int:activity_id>/", structure.activity_edit, name="activity_edit"),
    path(M + "activities/<int:activity_id>/split/", fixes.activity_split, name="activity_split"),
    path(M + "activities/<int:activity_id>/<str:action>/", structure.activity_action, name="activity_action"),
    path(M + "columns/", structure.column_add, name="column_add"),
    path(M + "columns/<int:role_id>/", structure.column_edit, name="column_edit"),
    path(M + "columns/<int:role_id>/<str:action>/", structure.column_action, name="column_action"),
]
