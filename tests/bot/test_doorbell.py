"""Doorbells between the processes of `portal run`: a ring from another process wakes the part."""

from __future__ import annotations

import asyncio
import subprocess
import sys

from bot.doorbell import Doorbell


async def rung(bell: Doorbell, within: float = 10.0) -> bool:
    try:
        await asyncio.wait_for(bell.wait(), within)
    except TimeoutError:
        return False
    return True


def test_a_ring_from_another_process_wakes_the_waiter() -> None:
    bell = Doorbell.make()
    ringer, listener = bell.fds()
    code = (
        "import sys; from bot.doorbell import Doorbell; "
        f"Doorbell.from_fds({ringer}, {listener}).set()"
    )
    subprocess.run([sys.executable, "-c", code], pass_fds=(ringer, listener), check=True)
    assert asyncio.run(rung(bell)) is True
    bell.close()


def test_clear_forgets_old_rings_and_ringing_a_full_bell_never_blocks() -> None:
    bell = Doorbell.make()
    for _ in range(100_000):  # far more than the socket buffer holds
        bell.set()
    bell.clear()
    assert asyncio.run(rung(bell, within=0.2)) is False
    bell.set()
    assert asyncio.run(rung(bell)) is True
    bell.close()
