from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/badge/", views.notification_badge, name="notification_badge"),
    path("notifications/read-all/", views.notifications_read_all, name="notifications_read_all"),
    path("notifications/settings/", views.notification_settings, name="notification_settings"),
    path("notifications/<int:notification_id>/read/", views.notification_read, name="notification_read"),
    path("notifications/<int:notification_id>/open/", views.notification_open, name="notification_open"),
    path("w/<slug:ws>/webhook/", views.webhook, name="webhook"),
    path(
        "w/<slug:ws>/webhook/deliveries/<int:delivery_id>/redeliver/", views.webhook_redeliver, name="webhook_redeliver"
    ),
    path("w/<slug:ws>/webhook/<str:action>/", views.webhook_action, name="webhook_action"),
    path("w/<slug:ws>/channels/", views.channels, name="channels"),
    path("w/<slug:ws>/channels/digest/", views.channels_digest, name="channels_digest"),
    path("w/<slug:ws>/channels/<int:destination_id>/routing/", views.channel_routing, name="channel_routing"),
    path("w/<slug:ws>/channels/<int:destination_id>/<str:action>/", views.channel_action, name="channel_action"),
]
