from django.urls import path

from sharing import views

app_name = "sharing"

W = "w/<slug:ws>/share/"
# The secret is the whole key: its path segment is redacted from every log (config.log_redaction).
S = "s/<str:share>/"

urlpatterns = [
    path(S, views.shared, name="shared"),
    path(S + "changes/", views.shared_changes, name="shared_changes"),
    path(S + "slides.pptx", views.shared_slides, name="shared_slides"),
    path(W, views.links, name="links"),
    path(W + "who/", views.policy, name="policy"),
    path(W + "<int:link_id>/revoke/", views.link_revoke, name="link_revoke"),
    path(W + "<int:link_id>/embedding/", views.link_origins, name="link_origins"),
]
