from django.urls import path

from chat import views

app_name = "chat"

urlpatterns = [
    # What Slack and Teams post to: the workspace is named in the path, and only its own
    # secret can sign for it.
    path("chat/slack/<slug:ws>/", views.slack_command, name="slack"),
    path("chat/teams/<slug:ws>/", views.teams_message, name="teams"),
    path("w/<slug:ws>/settings/chat/", views.setup_page, name="setup"),
    # The matrix page's "most asked", when the cache did not have it.
    path("w/<slug:ws>/matrices/<slug:m>/most-asked/", views.most_asked, name="most_asked"),
    path("w/<slug:ws>/settings/chat/<slug:action>/", views.setup_action, name="setup_action"),
]
