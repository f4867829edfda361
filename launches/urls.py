from django.urls import path

from . import views

app_name = "launches"

C = "w/<slug:ws>/launches/<slug:cycle>/"
L = C + "<int:launch_id>/"

urlpatterns = [
    path("w/<slug:ws>/launches/", views.cycles, name="cycles"),
    # "rubric" can never be a cycle's slug (those look like 2027-q1).
    path("w/<slug:ws>/launches/rubric/", views.rubric, name="rubric"),
    path(C, views.cycle, name="cycle"),
    path(C + "add/", views.launch_add, name="launch_add"),
    path(L, views.launch, name="launch"),
    path(L + "score/", views.launch_score, name="launch_score"),
    path(L + "tier/", views.launch_tier, name="launch_tier"),
    path(L + "confirm/", views.tier_confirm, name="tier_confirm"),
    path(L + "items/<int:item_id>/", views.item_update, name="item_update"),
    path(L + "go/", views.go_decision, name="go_decision"),
]
