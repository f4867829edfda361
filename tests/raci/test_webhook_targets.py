"""Webhooks reach only the public internet: when saved, before every send, and at connect time."""

import ipaddress
import re

import pytest
from django.urls import reverse

from core import errors
from notifications import notify, webhooks
from notifications.models import Webhook
from tests.factories import MembershipFactory
from tests.receivers import Receiver
from workspaces.models import Access

PUBLIC = [
    "8.8.8.8",
    "1.1.1.1",
    "93.184.216.34",
    "100.63.255.255",
    "100.128.0.0",
    "172.32.0.1",
    "192.0.0.9",
    "2606:4700:4700::1111",
    "2a00:1450:4001:82b::200e",
    "2620:4f:8000::1",
    "::ffff:8.8.8.8",  # IPv4-mapped: as public as the IPv4 inside
    "64:ff9b::808:808",  # NAT64 to 8.8.8.8
]
NOT_PUBLIC = [
    # IPv4: private, shared (carrier-grade NAT), loopback, link-local, multicast, reserved, documentation...
    "10.0.0.8",
    "172.16.0.1",
    "192.168.1.1",
    "127.0.0.1",
    "127.8.9.10",
    "0.0.0.0",
    "0.1.2.3",
    "100.64.0.1",
    "100.100.100.200",
    "100.127.255.255",
    "169.254.169.254",
    "192.0.0.1",
    "192.0.2.1",
    "192.88.99.1",
    "198.18.0.1",
    "198.51.100.7",
    "203.0.113.9",
    "224.0.0.1",
    "239.255.255.250",
    "233.252.0.1",
    "240.0.0.1",
    "255.255.255.255",
    # IPv6: loopback, unspecified, link-local, site-local, unique local, multicast, documentation, discard
    "::1",
    "::",
    "fe80::1",
    "fec0::1",
    "fc00::1",
    "fd12:3456::1",
    "ff02::1",
    "ff0e::1",
    "2001:db8::1",
    "100::1",
    "::8.8.8.8",
    # IPv6 carrying a non-public IPv4: mapped, NAT64, 6to4, Teredo
    "::ffff:127.0.0.1",
    "::ffff:10.0.0.1",
    "::ffff:100.100.100.200",
    "::ffff:224.0.0.1",
    "64:ff9b::7f00:1",
    "64:ff9b::a9fe:a9fe",
    "64:ff9b::6464:64c8",
    "64:ff9b:1::a00:1",
    "2002:7f00:1::1",
    "2002:a00:1::1",
    "2002:a9fe:a9fe::1",
    "2002:808:808::1",
    "2001:0:4136:e378:8000:63bf:3fff:fdd2",
    "2001:0:a00:1::1",
]


@pytest.mark.parametrize("text", PUBLIC)
def test_a_globally_routable_unicast_address_is_public(text):
    assert webhooks.is_public(ipaddress.ip_address(text))


@pytest.mark.parametrize("text", NOT_PUBLIC)
def test_an_address_off_the_public_internet_is_refused(text):
    assert not webhooks.is_public(ipaddress.ip_address(text))


@pytest.fixture
def resolver(monkeypatch, settings):
    """Names resolve to what the test says, whatever this machine's DNS answers."""
    settings.WEBHOOK_ALLOW_PRIVATE = False
    answers = {}

    def resolve(host, port):
        if host not in answers:
            raise OSError("no such name")
        return answers[host]

    monkeypatch.setattr(webhooks, "resolve", resolve)
    return answers


@pytest.mark.parametrize("text", NOT_PUBLIC[::3])
def test_the_form_refuses_a_name_resolving_off_the_public_internet(client, admin, resolver, text):
    resolver["hooks.example.com"] = ["8.8.8.8", text]  # one bad address among good ones is enough
    response = client.post(
        reverse("notifications:webhook", args=[admin.workspace.slug]),
        {"url": "https://hooks.example.com/x", "active": "on"},
    )
    assert response.status_code == 422 and webhooks.REFUSED in response.content.decode()
    assert not Webhook.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        "http://[::ffff:127.0.0.1]/",
        "http://[64:ff9b::a9fe:a9fe]/latest",
        "http://224.0.0.1/",
        "http://100.100.100.200/",
    ],
)
def test_the_form_refuses_an_address_literal_off_the_public_internet(client, admin, settings, url):
    settings.WEBHOOK_ALLOW_PRIVATE = False
    response = client.post(reverse("notifications:webhook", args=[admin.workspace.slug]), {"url": url, "active": "on"})
    assert response.status_code == 422 and not Webhook.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        "http://hooks.example.com:99999/x",
        "http://hooks.example.com:port/x",
        "http://a..b/x",
        "http://nowhere.example.com/x",
    ],
)
def test_a_malformed_or_unknown_address_is_refused_at_the_field(client, admin, resolver, url):
    resolver["hooks.example.com"] = ["8.8.8.8"]
    response = client.post(reverse("notifications:webhook", args=[admin.workspace.slug]), {"url": url, "active": "on"})
    assert response.status_code == 422 and not Webhook.objects.exists()


@pytest.mark.parametrize("text", PUBLIC[:4] + PUBLIC[-2:])
def test_the_form_accepts_a_name_resolving_to_public_addresses(client, admin, resolver, text):
    resolver["hooks.example.com"] = [text]
    response = client.post(
        reverse("notifications:webhook", args=[admin.workspace.slug]),
        {"url": "https://hooks.example.com/x", "active": "on"},
    )
    assert response.status_code == 302 and Webhook.objects.get().url == "https://hooks.example.com/x"


@pytest.mark.parametrize("text", NOT_PUBLIC[::4])
def test_a_name_that_resolves_elsewhere_by_send_time_is_not_sent_to(db, resolver, text):
    ws = MembershipFactory(access=Access.ADMIN).workspace
    resolver["hooks.example.com"] = ["8.8.8.8"]
    notify.webhook_save(workspace=ws, url="https://hooks.example.com/x", active=True)
    resolver["hooks.example.com"] = ["8.8.8.8", text]
    status, error = webhooks.post("https://hooks.example.com/x", "secret", "k", "ping", {})
    assert status is None and webhooks.REFUSED in error


def test_a_connection_that_lands_inside_the_network_is_cut_before_anything_is_sent(db, resolver):
    """DNS rebinding: the check saw a public address, the connection reached 127.0.0.1."""
    receiver = Receiver()
    try:
        resolver["localhost"] = ["8.8.8.8"]
        status, error = webhooks.post(f"http://localhost:{receiver.server.server_port}/hook", "s", "k", "ping", {})
    finally:
        receiver.close()
    assert status is None and webhooks.REFUSED in error and receiver.requests == []


def test_webhook_allow_private_still_lets_a_local_receiver_through(db, settings):
    settings.WEBHOOK_ALLOW_PRIVATE = True
    receiver = Receiver()
    try:
        ws = MembershipFactory(access=Access.ADMIN).workspace
        notify.webhook_save(workspace=ws, url=receiver.url, active=True)
        status, error = webhooks.post(receiver.url, "s", "k", "ping", {})
    finally:
        receiver.close()
    assert (status, error) == (200, "") and len(receiver.requests) == 1


def test_a_redirect_is_still_refused(db, settings):
    settings.WEBHOOK_ALLOW_PRIVATE = True
    receiver = Receiver(status=302)
    try:
        status, error = webhooks.post(receiver.url, "s", "k", "ping", {})
    finally:
        receiver.close()
    assert status == 302 and "302" in error


def test_a_refused_save_keeps_the_previous_webhook(db, resolver):
    ws = MembershipFactory(access=Access.ADMIN).workspace
    resolver["hooks.example.com"] = ["8.8.8.8"]
    resolver["evil.example.com"] = ["100.100.100.200"]
    notify.webhook_save(workspace=ws, url="https://hooks.example.com/x", active=True)
    with pytest.raises(errors.InvalidInput):
        notify.webhook_save(workspace=ws, url="https://evil.example.com/x", active=True)
    assert Webhook.objects.get(workspace=ws).url == "https://hooks.example.com/x"


def test_the_form_says_one_thing_for_every_address_it_refuses(client, admin, resolver):
    """Whether a name does not resolve or resolves inside this server's network, the admin
    reads the same words: the form cannot be used to map the server's network by name."""
    resolver["inside.example.com"] = ["10.0.0.7"]
    resolver["half.example.com"] = ["8.8.8.8", "127.0.0.1"]
    urls = [
        "http://nowhere.example.com/x",
        "http://inside.example.com/x",
        "http://half.example.com/x",
        "http://127.0.0.1:6379/",
        "http://[::1]/",
        "http://hooks.example.com:99999/x",
        "ftp://hooks.example.com/x",
    ]
    messages = set()
    for url in urls:
        response = client.post(
            reverse("notifications:webhook", args=[admin.workspace.slug]), {"url": url, "active": "on"}
        )
        assert response.status_code == 422
        page = response.content.decode()
        messages.update(re.findall(r'<p class="error">(.*?)</p>', page))
    assert messages == {webhooks.REFUSED}
    assert not Webhook.objects.exists()
