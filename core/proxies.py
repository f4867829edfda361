"""Who the client is, believed from forwarded headers only when a trusted proxy sent them.

`TRUSTED_PROXIES` lists the reverse proxies' addresses or networks. A request from anyone
else loses its X-Forwarded-For/-Proto/-Host headers (so SECURE_PROXY_SSL_HEADER cannot be
spoofed) and its client is REMOTE_ADDR. A request from a trusted proxy names its client as
the right-most X-Forwarded-For entry that is not itself a trusted proxy: entries further
left were written by the client and prove nothing.
"""

import functools
import ipaddress

from django.conf import settings

_FORWARDED = ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST")


@functools.lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def _is_trusted(address: str, networks) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return any(ip in network for network in networks)


def client_ip(meta: dict, proxies) -> str:
    """The client's address for a request's META, which loses its forwarded headers unless
    REMOTE_ADDR is one of `proxies`."""
    remote = meta.get("REMOTE_ADDR", "")
    networks = _networks(tuple(proxies))
    if not networks or not _is_trusted(remote, networks):
        for header in _FORWARDED:
            meta.pop(header, None)
        return remote
    client = remote
    for entry in reversed(meta.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        entry = entry.strip()
        try:
            ipaddress.ip_address(entry)
        except ValueError:
            break  # not written by a proxy of ours: stop at the last address we believe
        client = entry
        if not _is_trusted(entry, networks):
            break
    return client


class TrustedProxyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.client_ip = client_ip(request.META, settings.TRUSTED_PROXIES)
        return self.get_response(request)


def request_client_ip(request) -> str:
    """The middleware's answer, or REMOTE_ADDR for a request that did not pass through it
    (a form bound to a hand-made request)."""
    ip = getattr(request, "client_ip", None)
    return ip if ip is not None else request.META.get("REMOTE_ADDR", "")
