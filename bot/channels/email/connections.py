"""Open SMTP connections, counted in all and per client, with trusted front servers exempt."""

from __future__ import annotations

import ipaddress
import logging
from collections import Counter
from collections.abc import Iterable

log = logging.getLogger(__name__)

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class ConnectionCount:
    """Open SMTP connections, in all and per client address, held to their limits.

    A client in `front_servers` (our own front mail server, through which everyone else's mail
    comes) is held to the limit in all only: all its connections come from one address.
    """

    def __init__(
        self, max_total: int, max_per_client: int, front_servers: Iterable[Network] = ()
    ) -> None:
        self.max_total = max_total
        self.max_per_client = max_per_client
        self.front_servers = tuple(front_servers)
        self.total = 0
        self.per_client: Counter[str] = Counter()

    def admit(self, client: str) -> bool:
        if self.total >= self.max_total:
            return False
        if self.per_client[client] >= self.max_per_client and not self.is_front_server(client):
            return False
        self.total += 1
        self.per_client[client] += 1
        return True

    def release(self, client: str) -> None:
        self.total -= 1
        self.per_client[client] -= 1
        if self.per_client[client] <= 0:
            del self.per_client[client]

    def is_front_server(self, client: str) -> bool:
        """Is this peer address (as the socket gives it) one of the trusted front servers?"""
        if not self.front_servers:
            return False
        try:
            address = ipaddress.ip_address(client)
        except ValueError:  # not an IP address (a Unix socket): never a front server
            return False
        addresses: list[ipaddress.IPv4Address | ipaddress.IPv6Address] = [address]
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            addresses.append(address.ipv4_mapped)  # an IPv4 client of a dual-stack listener
        return any(a in network for a in addresses for network in self.front_servers)
