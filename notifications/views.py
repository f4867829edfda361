"""A person's notifications (the bell, the list, their choices) and a workspace's webhook."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import errors
from core.responses import is_htmx, refusal_redirects_to, render_varied, show_on_form
from notifications import notify, selectors
from notifications.models import DigestSchedule, EmailMode, Notification, NotificationKind, Webhook
from workspaces.access import membership_for
from workspaces.context_processors import memberships_for
from workspaces.models import Access
from workspaces.sessions import refused_workspaces


@login_required
@require_GET
def notifications(request):
    unread_only = request.GET.get("show", "unread") != "all"
    memberships = memberships_for(request)
    workspace_id = None
    if request.GET.get("w"):
        workspace_id = next((m.workspace_id for m in memberships if m.workspace.slug == request.GET["w"]), None)
    page = Paginator(
        selectors.notifications_of(
            user=request.user, unread_only=unread_only, workspace_id=workspace_id, refused=refused_workspaces(request)
        ),
        30,
    ).get_page(request.GET.get("page"))
    # Back to this page after opening a notification must not show it unread from the cache:
    # like every signed-in page it is sent `Cache-Control: private, no-store`.
    return render_varied(
        request,
        "notifications/notifications.html",
        {
            "page": page,
            "unread_only": unread_only,
            "workspace_filter": request.GET.get("w", ""),
            "bell_unread": selectors.unread_count(user=request.user, refused=refused_workspaces(request)),
        },
    )


@login_required
@require_GET
def notification_badge(request):
    """The bell, polled by every page: the unread count without a reload."""
    return render_varied(
        request,
        "notifications/notifications.html#bell",
        {"bell_unread": selectors.unread_count(user=request.user, refused=refused_workspaces(request))},
    )


def _back(request) -> str:
    """The page the form was sent from: a path of this site, else the notifications list.
    Only a path: `redirect()` would take "foo" for the name of a URL pattern."""
    target = request.POST.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("notifications:notifications")


def _mark_read(request, notification_id):
    return notify.mark_read(user=request.user, notification_id=notification_id, refused=refused_workspaces(request))


@login_required
@require_POST
def notification_read(request, notification_id):
    n = _mark_read(request, notification_id)
    if is_htmx(request):
        return render_varied(
            request,
            "notifications/notifications.html#read-response",
            {"n": n, "bell_unread": selectors.unread_count(user=request.user, refused=refused_workspaces(request))},
        )
    return redirect(_back(request))


@login_required
@require_POST
def notification_open(request, notification_id):
    """Mark it read and go to what it is about."""
    n = _mark_read(request, notification_id)
    # Only the app's own paths: a notification never sends anyone off-site.
    return redirect(
        n.url if n.url.startswith("/") and not n.url.startswith("//") else reverse("notifications:notifications")
    )


@login_required
@require_POST
def notifications_read_all(request):
    count = notify.mark_all_read(user=request.user, refused=refused_workspaces(request))
    messages.success(request, f"Marked {count} notification{'s' if count != 1 else ''} read.")
    return redirect(_back(request))


class PreferencesForm(forms.Form):
    digest = forms.ChoiceField(choices=DigestSchedule.choices, label="Digest", widget=forms.RadioSelect)

    def __init__(self, *args, current: dict[str, notify.Choice], **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for kind, label in NotificationKind.choices:
            choice = current[kind]
            in_app = forms.BooleanField(required=False, initial=choice.in_app, label="In the app")
            email = forms.ChoiceField(choices=EmailMode.choices, initial=choice.email, label="E-mail")
            self.fields[f"{kind}-in_app"], self.fields[f"{kind}-email"] = in_app, email
            self.rows.append((kind, label))

    def bound_rows(self):
        return [(kind, label, self[f"{kind}-in_app"], self[f"{kind}-email"]) for kind, label in self.rows]

    def choices(self) -> dict[str, notify.Choice]:
        data = self.cleaned_data
        return {
            kind: notify.Choice(in_app=data[f"{kind}-in_app"], email=data[f"{kind}-email"]) for kind, _ in self.rows
        }


@login_required
@require_http_methods(["GET", "POST"])
def notification_settings(request):
    current, digest = notify.preferences_of(user=request.user)
    form = PreferencesForm(request.POST or None, current=current, initial={"digest": digest})
    if request.method == "POST" and form.is_valid():
        try:
            notify.preferences_save(user=request.user, choices=form.choices(), digest=form.cleaned_data["digest"])
        except errors.InvalidInput as error:
            show_on_form(form, error)
        else:
            messages.success(request, "Saved what you hear about and how.")
            return redirect("notifications:notification_settings")
    return render_varied(
        request,
        "notifications/notification_settings.html",
        {
            "form": form,
            "has_email": bool(request.user.email),
            "bell_unread": selectors.unread_count(user=request.user, refused=refused_workspaces(request)),
        },
        status=422 if form.errors else 200,
    )


class WebhookForm(forms.Form):
    url = forms.CharField(
        max_length=500,
        label="Payload URL",
        help_text="Every notification event of this workspace is POSTed here as JSON.",
    )
    active = forms.BooleanField(required=False, initial=True, label="Send events")


@login_required
@require_http_methods(["GET", "POST"])
def webhook(request, ws):
    # Its secret and its delivery log are for admins only.
    membership = membership_for(request, ws, needs=Access.ADMIN)
    workspace = membership.workspace
    hook = Webhook.objects.filter(workspace=workspace, kind=Webhook.Kind.JSON).first()
    form = WebhookForm(request.POST or None, initial={"url": hook.url, "active": hook.active} if hook else None)
    if request.method == "POST" and form.is_valid():
        try:
            notify.webhook_save(workspace=workspace, url=form.cleaned_data["url"], active=form.cleaned_data["active"])
        except errors.InvalidInput as error:
            form.add_error("url", error.message)
        else:
            messages.success(request, "Webhook saved." if hook else "Webhook added: send a test event to check it.")
            return redirect("notifications:webhook", ws)
    return render_varied(
        request,
        "notifications/webhook.html",
        {
            "membership": membership,
            "workspace": workspace,
            "hook": hook,
            "form": form,
            "deliveries": selectors.webhook_deliveries(workspace=workspace) if hook else [],
            "retries": settings.TASK_MAX_RETRIES,
            "confirm_remove": bool(hook) and request.GET.get("confirm") == "remove",
            "signing_previous": bool(hook and hook.previous_secret_at(timezone.now())),
        },
        status=422 if form.errors else 200,
    )


@login_required
@require_POST
def webhook_action(request, ws, action):
    membership = membership_for(request, ws, needs=Access.ADMIN)
    workspace = membership.workspace
    if action == "secret":
        notify.webhook_new_secret(workspace=workspace)
        messages.success(
            request,
            f"New secret made. For {settings.WEBHOOK_SECRET_OVERLAP_HOURS} hours every request is signed with both "
            "(the old one in X-Lockstep-Signature-Previous): switch the receiver to the new one by then.",
        )
    elif action == "ping":
        notify.webhook_ping(workspace=workspace, actor=request.user)
        messages.success(request, "Test event sent: its delivery is listed below.")
    elif action == "remove":
        if request.POST.get("confirm") != "remove":
            # Its secret and its delivery log go with it: asked once more, on the page.
            return redirect(reverse("notifications:webhook", args=[ws]) + "?confirm=remove")
        notify.webhook_remove(workspace=workspace)
        messages.success(request, "Webhook removed: events are no longer sent.")
    else:
        raise Http404("No such action")
    return redirect("notifications:webhook", ws)


@login_required
@require_POST
@refusal_redirects_to(lambda request, ws, **_: reverse("notifications:webhook", args=[ws]))
def webhook_redeliver(request, ws, delivery_id):
    membership = membership_for(request, ws, needs=Access.ADMIN)
    notify.webhook_redeliver(workspace=membership.workspace, delivery_id=delivery_id)
    messages.success(request, "Sending it again.")
    return redirect("notifications:webhook", ws)


# --- Slack and Teams destinations -------------------------------------------------------

WEEKDAYS = [
    (0, "Monday"),
    (1, "Tuesday"),
    (2, "Wednesday"),
    (3, "Thursday"),
    (4, "Friday"),
    (5, "Saturday"),
    (6, "Sunday"),
]


class DestinationForm(forms.Form):
    kind = forms.ChoiceField(choices=[("slack", "Slack"), ("teams", "Microsoft Teams")], label="Service")
    name = forms.CharField(max_length=80, label="Channel", help_text="As people know it, like #launches.")
    url = forms.CharField(
        max_length=500,
        label="Webhook address",
        help_text="Slack: an incoming webhook (https://hooks.slack.com/services/…). "
        "Teams: a Workflows webhook (“Post to a channel when a webhook request is received”).",
    )
    event_kinds = forms.TypedMultipleChoiceField(
        required=False, label="Kinds of event", help_text="None ticked: every kind."
    )
    matrices = forms.TypedMultipleChoiceField(
        required=False, coerce=int, label="Matrices", help_text="None ticked: every matrix."
    )
    tiers = forms.TypedMultipleChoiceField(
        required=False,
        coerce=int,
        choices=[(1, "Tier 1"), (2, "Tier 2"), (3, "Tier 3")],
        label="Launch tiers",
        help_text="None ticked: every tier.",
    )
    cycles = forms.TypedMultipleChoiceField(
        required=False, coerce=int, label="Launch cycles", help_text="None ticked: every cycle."
    )
    chosen_only = forms.BooleanField(required=False, label="Only the launches that pick this channel as their own")
    digest = forms.BooleanField(required=False, label="Post the weekly digest here")

    def __init__(self, *args, workspace, **kwargs):
        from notifications.destinations import ROUTABLE_KINDS
        from notifications.routing import choices_of

        super().__init__(*args, **kwargs)
        labels = dict(NotificationKind.choices)
        short = Notification.SHORT
        self.fields["event_kinds"].choices = [(k, short.get(k, labels[k])) for k in ROUTABLE_KINDS]
        matrices, cycles = choices_of("matrices", workspace), choices_of("cycles", workspace)
        self.fields["matrices"].choices = matrices
        self.fields["cycles"].choices = cycles
        # The workspace's own matrices and cycles: the service refuses a routing naming others.
        self.owned = {"matrices": {pk for pk, _ in matrices}, "cycles": {pk for pk, _ in cycles}}
        for name in ("event_kinds", "matrices", "tiers", "cycles"):
            self.fields[name].widget = forms.CheckboxSelectMultiple(choices=self.fields[name].choices)

    def routing_args(self) -> dict:
        """The routing chosen, with the workspace's own matrices and cycles it is checked against:
        the keywords `destination_add` and `destination_route` share."""
        from notifications.destinations import Routing

        data = self.cleaned_data
        return {
            "routing": Routing(
                event_kinds=tuple(data["event_kinds"]),
                matrices=tuple(data["matrices"]),
                tiers=tuple(data["tiers"]),
                cycles=tuple(data["cycles"]),
                chosen_only=data["chosen_only"],
                digest=data["digest"],
            ),
            **self.owned,
        }


class DigestScheduleForm(forms.Form):
    weekday = forms.TypedChoiceField(coerce=int, choices=WEEKDAYS, label="Day")
    hour = forms.TypedChoiceField(coerce=int, choices=[(h, f"{h:02d}:00") for h in range(24)], label="Hour")


def _channels_page(request, membership, form, schedule_form, *, status=200):
    workspace = membership.workspace
    destinations = selectors.destinations_of(workspace=workspace)
    return render_varied(
        request,
        "notifications/channels.html",
        {
            "membership": membership,
            "workspace": workspace,
            "form": form,
            "schedule_form": schedule_form,
            "destinations": destinations,
            "json_hook": Webhook.objects.filter(workspace=workspace, kind=Webhook.Kind.JSON).first(),
            "weekdays": dict(WEEKDAYS),
            "confirm_remove": request.GET.get("remove", ""),
            "coalesce_minutes": max(settings.CHAT_COALESCE_SECONDS // 60, 1),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def channels(request, ws):
    """The workspace's Slack and Teams channels: add one (a test message goes at once), see
    what each takes and its last deliveries. Admins only: the addresses are secrets."""
    from notifications import destinations as services

    membership = membership_for(request, ws, needs=Access.ADMIN)
    workspace = membership.workspace
    form = DestinationForm(request.POST or None, workspace=workspace)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            destination = services.destination_add(
                workspace=workspace,
                kind=data["kind"],
                name=data["name"],
                url=data["url"],
                **form.routing_args(),
            )
            services.destination_test(workspace=workspace, destination_id=destination.pk, actor=request.user)
        except errors.InvalidInput as error:
            show_on_form(form, error)
        else:
            messages.success(request, f"{destination} added: a test message was sent, its delivery is listed below.")
            return redirect(reverse("notifications:channels", args=[ws]) + f"#destination-{destination.pk}")
    schedule = selectors.channel_digest_schedule(workspace=workspace)
    schedule_form = DigestScheduleForm(initial={"weekday": schedule.weekday, "hour": schedule.hour})
    return _channels_page(request, membership, form, schedule_form, status=422 if form.errors else 200)


@login_required
@require_POST
def channels_digest(request, ws):
    from notifications import destinations as services

    membership = membership_for(request, ws, needs=Access.ADMIN)
    schedule_form = DigestScheduleForm(request.POST)
    if schedule_form.is_valid():
        services.digest_schedule_save(workspace=membership.workspace, **schedule_form.cleaned_data)
        messages.success(request, "The weekly digest's day and hour are saved.")
        return redirect("notifications:channels", ws)
    form = DestinationForm(workspace=membership.workspace)
    return _channels_page(request, membership, form, schedule_form, status=422)


@login_required
@require_POST
@refusal_redirects_to(lambda request, ws, **_: reverse("notifications:channels", args=[ws]))
def channel_action(request, ws, destination_id, action):
    from notifications import destinations as services

    membership = membership_for(request, ws, needs=Access.ADMIN)
    workspace = membership.workspace
    destination = services.destination_of(workspace=workspace, destination_id=destination_id)
    anchor = f"#destination-{destination.pk}"
    if action == "test":
        services.destination_test(workspace=workspace, destination_id=destination.pk, actor=request.user)
        messages.success(request, f"Test message sent to {destination}: its delivery is listed below.")
    elif action == "resume":
        services.destination_resume(workspace=workspace, destination_id=destination.pk)
        messages.success(request, f"{destination} is tried again: send a test message to check it.")
    elif action == "remove":
        if request.POST.get("confirm") != "remove":
            return redirect(reverse("notifications:channels", args=[ws]) + f"?remove={destination.pk}{anchor}")
        services.destination_remove(workspace=workspace, destination_id=destination.pk)
        messages.success(request, f"{destination} removed: nothing more is posted there.")
        return redirect("notifications:channels", ws)
    else:
        raise Http404("No such action")
    return redirect(reverse("notifications:channels", args=[ws]) + anchor)


class RoutingForm(DestinationForm):
    """What a channel takes, changed after it was added (its service and address stay)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("kind", "name", "url"):
            del self.fields[name]


@login_required
@require_http_methods(["GET", "POST"])
def channel_routing(request, ws, destination_id):
    from notifications import destinations as services

    membership = membership_for(request, ws, needs=Access.ADMIN)
    workspace = membership.workspace
    destination = services.destination_of(workspace=workspace, destination_id=destination_id)
    initial = {
        "event_kinds": destination.event_kinds,
        "matrices": destination.matrices,
        "tiers": destination.tiers,
        "cycles": destination.cycles,
        "chosen_only": destination.chosen_only,
        "digest": destination.digest,
    }
    form = RoutingForm(request.POST or None, workspace=workspace, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.destination_route(
                workspace=workspace,
                destination_id=destination.pk,
                **form.routing_args(),
            )
        except errors.InvalidInput as error:
            show_on_form(form, error)
        else:
            messages.success(request, f"{destination} now takes what you chose.")
            return redirect(reverse("notifications:channels", args=[ws]) + f"#destination-{destination.pk}")
    return render_varied(
        request,
        "notifications/channel_routing.html",
        {"membership": membership, "workspace": workspace, "destination": destination, "form": form},
        status=422 if form.errors else 200,
    )
