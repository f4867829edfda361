from django.urls import path

from workshops import views

app_name = "workshops"

M = "w/<slug:ws>/matrices/<slug:m>/workshops/"
W = M + "<int:workshop_id>/"

urlpatterns = [
    path("w/<slug:ws>/workshops/new/", views.matrix_new, name="matrix_new"),
    path(M, views.workshop_list, name="list"),
    path(M + "new/", views.workshop_new, name="new"),
    path(W, views.workshop_page, name="workshop"),
    path(W + "live/", views.workshop_live, name="live"),
    path(W + "stream/", views.workshop_stream, name="stream"),
    path(W + "cells/<int:activity_id>/<int:role_id>/", views.proposal, name="proposal"),
    path(W + "settle/<int:activity_id>/", views.settle, name="settle"),
    path(W + "split/<int:activity_id>/", views.split, name="split"),
    path(W + "notes/<int:activity_id>/", views.note, name="note"),
    path(W + "invite/", views.invite, name="invite"),
    path(W + "summary/", views.summary, name="summary"),
    path(W + "summary.csv", views.summary_csv, name="summary_csv"),
    path(W + "<str:action>/", views.workshop_step, name="step"),
]
