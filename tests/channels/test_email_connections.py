"""Which SMTP clients count as a trusted front server, whatever form the peer address takes."""

from __future__ import annotations

from ipaddress import ip_network

import pytest

from bot.channels.email.connections import ConnectionCount

FRONT = [ip_network("127.0.0.1"), ip_network("10.1.0.0/24"), ip_network("2001:db8::/64")]


@pytest.mark.parametrize(
    ("peer", "front"),
    [
        ("127.0.0.1", True),
        ("10.1.0.200", True),
        ("10.1.1.1", False),
        ("::ffff:10.1.0.7", True),  # an IPv4 client of a dual-stack listener
        ("2001:db8::25", True),
        ("2001:db8:1::25", False),
        ("127.0.0.2", False),
        ("", False),  # a Unix socket has no address
    ],
)
def test_a_front_server_is_known_by_its_address(peer: str, front: bool) -> None:
    assert ConnectionCount(100, 10, FRONT).is_front_server(peer) is front


def test_without_front_servers_everyone_is_held_to_the_limit_per_client() -> None:
    count = ConnectionCount(100, 2)
    assert [count.admit("127.0.0.1") for _ in range(3)] == [True, True, False]
    assert count.per_client == {"127.0.0.1": 2}
    count.release("127.0.0.1")
    assert count.admit("127.0.0.1") is True
    assert count.total == 2
