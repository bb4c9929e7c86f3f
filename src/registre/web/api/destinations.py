"""Where webhooks may be sent: public addresses only, unless REGISTRE_WEBHOOK_PRIVATE_ADDRESSES allows more.

A webhook URL names a host that Registre will POST to from inside the company's network. Without
this check, anyone who may manage webhooks could make Registre call the cloud's metadata service
(169.254.169.254), a database port on 127.0.0.1, or any internal service. So a destination that is,
or resolves to, a loopback, private, link-local, shared, reserved, multicast or unspecified address is
refused when the webhook is saved and again at each delivery, after DNS, on every address the name
resolves to (a name may resolve elsewhere later).
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class RefusedDestination(ValueError):
    """A webhook URL whose host is, or resolves to, an address that is not public."""


def is_public(address: IpAddress) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def resolved_addresses(host: str) -> list[IpAddress]:
    """The addresses of `host`: itself when it is an address, else what DNS answers (empty if nothing)."""
    try:
        return [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        pass
    try:
        answers = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        return []
    return [ipaddress.ip_address(str(answer[4][0]).split("%", 1)[0]) for answer in answers]


def private_addresses_allowed() -> bool:
    return bool(settings.REGISTRE_WEBHOOK_PRIVATE_ADDRESSES)


def check_destination(url: str) -> None:
    """RefusedDestination when `url`'s host is or resolves to an address that is not public (see the module)."""
    if private_addresses_allowed():
        return
    host = urlsplit(url).hostname or ""
    refused = [address for address in resolved_addresses(host) if not is_public(address)]
    if host.rstrip(".").lower() == "localhost" or refused:
        raise RefusedDestination(
            "a webhook URL must reach a public address: loopback, private and link-local addresses are refused "
            "(REGISTRE_WEBHOOK_PRIVATE_ADDRESSES=true allows them)"
        )
