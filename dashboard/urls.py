from django.urls import path

from dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("w/<slug:ws>/", views.workspace_home, name="workspace"),
]
