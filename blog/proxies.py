"""Who sent a request, seen through the proxies the blog trusts (BROADSHEET_TRUSTED_PROXIES).

Every place that reads a reader's IP address (comments, their screening, admin login
throttling) asks `client_ip(request)`, never REMOTE_ADDR: behind a proxy, REMOTE_ADDR is the
proxy, the same for every reader.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=8)
def _networks(proxies):
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def _address(value):
    """An IP address from a header or REMOTE_ADDR, IPv4 addresses written as IPv6 made plain;
    None for anything else."""
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        return None
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped or address


def client_ip(request):
    """The reader's IP address as a string, or None when the request carries none.

    A request from a trusted proxy names its client in X-Forwarded-For, where each proxy
    appends the address it received the request from. Read from the right, addresses of our
    own proxies are skipped; the first other address is the reader. What lies left of it was
    written by the reader or by proxies we know nothing about, and may be invented.
    """
    peer = _address(request.META.get("REMOTE_ADDR", ""))
    if peer is None:
        return None
    trusted = _networks(tuple(settings.BROADSHEET_TRUSTED_PROXIES))
    if not any(peer in network for network in trusted):
        return str(peer)
    for hop in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        address = _address(hop)
        if address is None:
            break  # not what a proxy of ours writes: believe nothing from here leftwards
        peer = address
        if not any(address in network for network in trusted):
            break
    return str(peer)
