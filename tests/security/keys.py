"""A real RSA key pair for DKIM tests, made here (no openssl, no network)."""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass

_SMALL_PRIMES = (3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73)


@dataclass(frozen=True)
class KeyPair:
    private_pem: bytes  # PKCS#1, as dkim.sign takes it
    dns_record: bytes  # the TXT record of selector._domainkey.domain


def _probably_prime(n: int, rounds: int = 32) -> bool:
    if any(n % p == 0 for p in _SMALL_PRIMES):
        return n in _SMALL_PRIMES
    d, s = n - 1, 0
    while d % 2 == 0:
        d, s = d // 2, s + 1
    for _ in range(rounds):
        x = pow(2 + secrets.randbelow(n - 4), d, n)
        if x in (1, n - 1):
            continue
        for _ in range(s - 1):
            x = pow(x, 2, n)
            if x == n - 1:
                break
        else:
            return False
    return True


def _prime(bits: int) -> int:
    while True:
        candidate = secrets.randbits(bits) | (0b11 << (bits - 2)) | 1  # top two bits set
        if _probably_prime(candidate):
            return candidate


def _der_length(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(raw)]) + raw


def _integer(value: int) -> bytes:
    raw = value.to_bytes(value.bit_length() // 8 + 1, "big")  # a leading zero keeps it positive
    return b"\x02" + _der_length(len(raw)) + raw


def _sequence(*parts: bytes) -> bytes:
    body = b"".join(parts)
    return b"\x30" + _der_length(len(body)) + body


def rsa_key_pair(bits: int = 1024) -> KeyPair:
    e = 65537
    while True:
        p, q = _prime(bits // 2), _prime(bits // 2)
        phi = (p - 1) * (q - 1)
        if p != q and phi % e != 0:
            break
    n, d = p * q, pow(e, -1, phi)
    private = _sequence(*map(_integer, (0, n, e, d, p, q, d % (p - 1), d % (q - 1), pow(q, -1, p))))
    lines = base64.encodebytes(private).replace(b"\n", b"")
    body = b"\n".join(lines[i : i + 64] for i in range(0, len(lines), 64))
    pem = b"-----BEGIN RSA PRIVATE KEY-----\n" + body + b"\n-----END RSA PRIVATE KEY-----\n"
    public = base64.b64encode(_sequence(_integer(n), _integer(e)))
    return KeyPair(pem, b"v=DKIM1; k=rsa; p=" + public)
