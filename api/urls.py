from django.urls import path

from api import views

app_name = "api_tokens"

urlpatterns = [
    path("account/tokens/", views.token_list, name="tokens"),
    path("account/tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
    path("w/<slug:ws>/settings/api-tokens/", views.workspace_tokens, name="workspace_tokens"),
    path(
        "w/<slug:ws>/settings/api-tokens/<int:token_id>/revoke/",
        views.workspace_token_revoke,
        name="workspace_token_revoke",
    ),
]
