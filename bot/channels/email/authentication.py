"""Is the From address genuine? A trusted Authentication-Results header, or our own DKIM check.

Pure functions of the parsed message, its raw bytes and the settings (the DNS lookup that DKIM
needs is passed in). The verdict is one of:

* `pass`            — DMARC passed at the trusted front server, or an aligned DKIM signature;
* `fail`            — DMARC (or our DKIM check) failed: the message must change nothing, and
                      nobody answers the From address, which is not the sender's;
* `unauthenticated` — checks are configured but this message carries no evidence either way:
                      commands that change something are refused, reading ones are answered
                      (their answer goes to the registered address, never to the forger);
* `off`             — neither check is configured: every message is taken as it says.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from email import policy
from email.message import Message
from email.parser import BytesHeaderParser
from email.utils import getaddresses

import dkim
from dkim.util import InvalidTagValueList, parse_tag_value

from bot.channels.email.results import Result, trusted_results
from bot.config import Settings

log = logging.getLogger(__name__)

PASS, FAIL, UNAUTHENTICATED, OFF = "pass", "fail", "unauthenticated", "off"

# dkimpy's TXT lookup: (name as bytes, timeout=…) -> the TXT record as bytes, or None.
DnsLookup = Callable[..., bytes | None]

_TRUE = frozenset({"1", "true", "yes", "on"})
# ccTLDs whose registrations sit one level down (gov.la, gouv.fr, gob.mx, co.uk, org.lb):
# there the organisational domain keeps three labels. A heuristic, not the Public Suffix List.
_SECOND_LEVEL = frozenset(
    {"ac", "co", "com", "edu", "gob", "gouv", "gov", "govt", "int", "mil", "net", "nic", "org"}
)


@dataclass(frozen=True)
class Verdict:
    status: str  # PASS | FAIL | UNAUTHENTICATED | OFF
    method: str = ""  # "dmarc" | "dkim" | ""
    detail: str = ""  # for the log: why

    @property
    def outcome(self) -> str:
        """What the inbox item records when the verdict refuses the message."""
        if self.status == FAIL:
            return f"refused: {self.method} fail"
        return "refused: unauthenticated"


def headers_of(raw: bytes) -> Message:
    """The message's header section, read without parsing its body: all the checks need."""
    return BytesHeaderParser(policy=policy.default).parsebytes(raw)


# ---- the From header -----------------------------------------------------------------------


def ambiguous_from(message: Message) -> bool:
    """Two From headers, or a From that does not name exactly one address.

    A message with no From at all is not ambiguous: it falls back to the envelope sender,
    which the checks below then cannot vouch for.
    """
    try:
        values = message.get_all("From") or []
        if len(values) > 1:
            return True
        # "Saysana, Vong <vong@…>" (Outlook's unquoted "Last, First"): a piece without "@" is
        # a name, not a second address
        addresses = [addr for _, addr in getaddresses([str(v) for v in values]) if "@" in addr]
    except Exception:  # a malformed header: the email package raises many kinds
        return True
    return len(values) == 1 and len(addresses) != 1


def domain_of(address: str) -> str:
    return address.rpartition("@")[2].strip().rstrip(".").lower()


def organisational_domain(domain: str) -> str:
    """The last two labels (three under a ccTLD's gov./org./co. level): a simple rule in
    place of the Public Suffix List, which relaxed DMARC alignment properly uses."""
    labels = domain.strip().rstrip(".").lower().split(".")
    keep = 3 if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL else 2
    return ".".join(labels[-keep:])


def aligned(signing_domain: str, from_domain: str) -> bool:
    """Relaxed alignment: both domains belong to the same organisational domain."""
    if not signing_domain or not from_domain:
        return False
    return organisational_domain(signing_domain) == organisational_domain(from_domain)


def dmarc_verdict(results: list[Result] | None, from_domain: str) -> Verdict:
    if results is None:
        return Verdict(UNAUTHENTICATED, "dmarc", "no Authentication-Results from our server")
    dmarc = [r for r in results if r.method == "dmarc"]
    if not dmarc:
        return Verdict(UNAUTHENTICATED, "dmarc", "our server gave no DMARC result")
    for result in dmarc:
        if result.result != "pass":
            return Verdict(FAIL, "dmarc", f"dmarc={result.result}")
        checked = result.properties.get("header.from", "").lower().rstrip(".")
        if checked and checked != from_domain:
            return Verdict(FAIL, "dmarc", f"dmarc passed for another domain: {checked}")
    return Verdict(PASS, "dmarc", "dmarc=pass")


# ---- DKIM, checked here ----------------------------------------------------------------------


def dkim_verdict(
    message: Message, raw: bytes, from_domain: str, dnsfunc: DnsLookup | None = None
) -> Verdict:
    """Pass when one DKIM signature verifies, signs From, is aligned with the From domain and
    covers the whole body (a signature with `l=` lets anyone append text: refused)."""
    signatures = [v for n, v in message.raw_items() if n.lower() == "dkim-signature"]
    if not signatures:
        return Verdict(UNAUTHENTICATED, "dkim", "no DKIM signature")
    lookup = dnsfunc or dns_txt
    problems: list[str] = []
    for index, value in enumerate(signatures):
        try:
            tags = parse_tag_value(" ".join(str(value).split()).encode())
        except (InvalidTagValueList, UnicodeError):
            problems.append(f"signature {index + 1}: unreadable")
            continue
        domain = tags.get(b"d", b"").decode("ascii", "replace").lower()
        signed = [h.strip().lower() for h in tags.get(b"h", b"").split(b":")]
        if b"l" in tags:
            problems.append(f"signature {index + 1}: l= (partial body)")
        elif not aligned(domain, from_domain):
            problems.append(f"signature {index + 1}: d={domain} not aligned with {from_domain}")
        elif b"from" not in signed:
            problems.append(f"signature {index + 1}: From not signed")
        elif _verifies(raw, index, lookup):
            return Verdict(PASS, "dkim", f"dkim pass d={domain}")
        else:
            problems.append(f"signature {index + 1}: does not verify")
    return Verdict(FAIL, "dkim", "; ".join(problems))


def _verifies(raw: bytes, index: int, dnsfunc: DnsLookup) -> bool:
    """Whether signature `index` verifies; a malformed one, or a failed lookup, does not
    (dkimpy itself answers False on a DNS timeout: a refusal, never a retry)."""
    try:
        return bool(dkim.DKIM(raw).verify(idx=index, dnsfunc=dnsfunc))
    except Exception as exc:  # dkimpy and the resolver raise many kinds on bad input
        log.info("DKIM signature %d unusable: %s", index + 1, type(exc).__name__)
        return False


def dns_txt(name: bytes, timeout: int = 5) -> bytes | None:
    """The real DNS lookup (dnspython through dkimpy); tests pass their own instead."""
    from dkim.dnsplug import get_txt

    return get_txt(name, timeout=timeout)  # type: ignore[no-any-return]


# ---- the verdict -----------------------------------------------------------------------------


def is_on(flag: str) -> bool:
    return str(flag).strip().lower() in _TRUE


def authenticate(
    message: Message,
    raw: bytes,
    from_address: str,
    settings: Settings,
    dnsfunc: DnsLookup | None = None,
) -> Verdict:
    """Whether `from_address` (the one address in From) is vouched for."""
    from_domain = domain_of(from_address)
    if settings.trusted_authserv_id.strip():
        return dmarc_verdict(trusted_results(message, settings.trusted_authserv_id), from_domain)
    if is_on(settings.verify_dkim):
        return dkim_verdict(message, raw, from_domain, dnsfunc)
    return Verdict(OFF)
