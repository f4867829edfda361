from django.urls import path, register_converter

from launches import views
from launches.converters import QuarterConverter
from launches.views import live as live_views
from launches.views import relay as relay_views

register_converter(QuarterConverter, "quarter")

app_name = "launches"

W = "w/<slug:ws>/launches/"
C = W + "<slug:cycle>/"
L = C + "<int:launch_id>/"

urlpatterns = [
    path(W, views.cycles, name="cycles"),
    # "rubric", "avoid" and "feed" can never be a cycle's slug (those look like 2027-q1).
    path(W + "rubric/", views.rubric, name="rubric"),
    path(W + "rubric/handover-days/", relay_views.handover_days, name="handover_days"),
    path(W + "avoid/", views.avoid_dates, name="avoid_dates"),
    path(W + "avoid/<int:avoid_id>/remove/", views.avoid_date_remove, name="avoid_date_remove"),
    path(W + "feed/regenerate/", views.feed_regenerate, name="feed_regenerate"),
    path(W + "quarter/", views.quarter_now, name="quarter_now"),
    path(W + "board/", views.board_now, name="board_now"),
    path(W + "calendar/", views.calendar_now, name="calendar_now"),
    path(W + "quarter/<quarter:quarter>/", views.quarter, name="quarter"),
    path(W + "quarter/<quarter:quarter>/limits/", views.load_limits, name="load_limits"),
    path(W + "quarter/<quarter:quarter>/live/", live_views.quarter_live, name="quarter_live"),
    path(W + "quarter/<quarter:quarter>/pre-read/", views.preread_page, name="preread"),
    path(W + "quarter/<quarter:quarter>/pre-read.<slug:fmt>", views.preread_export, name="preread_export"),
    path(W + "quarter/<quarter:quarter>/slides.pptx", views.quarter_slides, name="quarter_slides"),
    path(C, views.cycle, name="cycle"),
    # The board's and the quarter page's live element: the poll, and the stream (served by
    # the stream process, which the proxy routes it to).
    path(C + "live/", live_views.board_live, name="live"),
    path(C + "stream/", live_views.cycle_stream, name="stream"),
    path(C + "add/", views.launch_add, name="launch_add"),
    path(C + "import/", views.launches_import, name="launches_import"),
    path(C + "calendar/", views.calendar, name="calendar"),
    path(C + "retrospective/", views.retrospective, name="retrospective"),
    path(L, views.launch, name="launch"),
    path(L + "edit/", views.launch_edit, name="launch_edit"),
    path(L + "move/", views.launch_move, name="launch_move"),
    path(L + "status/", views.launch_status, name="launch_status"),
    path(L + "outcome/", views.launch_outcome, name="launch_outcome"),
    path(L + "dependencies/", views.dependency_add, name="dependency_add"),
    path(L + "dependencies/<int:dependency_id>/remove/", views.dependency_remove, name="dependency_remove"),
    path(L + "score/", views.launch_score, name="launch_score"),
    path(L + "relay/advance/", relay_views.launch_advance, name="launch_advance"),
    path(L + "relay/driver/", relay_views.driver_set, name="driver_set"),
    path(L + "relay/handovers/<int:handover_id>/accept/", relay_views.handover_accept, name="handover_accept"),
    path(L + "relay/checkpoint/", relay_views.checkpoint_answer, name="checkpoint_answer"),
    path(L + "tier/", views.launch_tier, name="launch_tier"),
    path(L + "confirm/", views.tier_confirm, name="tier_confirm"),
    path(L + "items/<int:item_id>/", views.item_update, name="item_update"),
    path(L + "items/<int:item_id>/role/", views.item_role, name="item_role"),
    path(L + "items/<int:item_id>/from-template/", views.item_from_template, name="item_from_template"),
    path(L + "items/owners/", views.checklist_owners, name="checklist_owners"),
    path(L + "go/", views.go_decision, name="go_decision"),
    path(L + "channel/", views.launch_channel, name="launch_channel"),
]
