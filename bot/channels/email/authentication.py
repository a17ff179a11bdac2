"""Is the From address genuine? Authentication-Results we trust, or our own DKIM check.

Pure functions of the parsed message, its raw bytes and the settings (the DNS lookup that DKIM
needs is passed in). Whose Authentication-Results (RFC 8601) count:

* PORTAL_TRUSTED_AUTHSERV_ID set: the topmost header naming that authserv-id (our front server);
* else PORTAL_MAIL_PROVIDER=google: the topmost header naming `mx.google.com`;
* else PORTAL_MAIL_PROVIDER=microsoft: Exchange Online's `X-MS-Exchange-Organization-AuthAs`
  first (results.exchange_auth_as). `Anonymous`, mail from outside: the topmost
  Authentication-Results header of all, and only when it names no authserv-id, as Microsoft 365
  writes it at its edge (`Authentication-Results: spf=pass (sender IP is …) smtp.mailfrom=…;
  dkim=pass … header.d=…;dmarc=pass action=none header.from=…`); it adds its header on top, so
  anything below came from outside. `Internal`, sent by a mailbox of the tenant: pass, since the
  tenant lets a mailbox send only as its own addresses (or those it has SendAs rights on); such
  mail carries no header of Microsoft's edge, its topmost one is whatever the message brought.
  Anything else (no such header, `Partner`, `External`…): unauthenticated. This reading of
  Exchange's headers follows Microsoft's documentation; it was not tried on a real tenant.

The same rules then read those results, for a front server and a provider alike:

1. `dmarc=pass`, or Microsoft's `dmarc=bestguesspass` (no DMARC record, but it would pass), for
   the From domain: pass; for another domain (header.from): fail;
2. any other DMARC result (`fail`, `temperror`, `permerror`, `quarantine`…): fail; except
   `dmarc=none`, which says the From domain publishes no DMARC record, as no DMARC result does
   (Google then writes none at all);
3. no DMARC result: a `dkim=pass` in the same header whose signing domain (header.d, else the
   domain of header.i) is aligned with the From domain, relaxed, by the Public Suffix List, and
   whose signature in the message signs the whole body (no `l=`), passes, as our own DKIM check
   would; anything else is no evidence (unauthenticated).

The verdict is one of:

* `pass`            — as above, or (our own check) an aligned DKIM signature that verifies;
* `fail`            — DMARC (or our DKIM check) failed: the message must change nothing, and
                      nobody answers the From address, which is not the sender's;
* `unauthenticated` — checks are configured but this message carries no evidence either way:
                      commands that change something are refused, reading ones are answered
                      (their answer goes to the registered address, never to the forger);
* `off`             — nothing is configured: every message is taken as it says.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from email.message import Message
from email.parser import BytesHeaderParser
from email.utils import getaddresses

import dkim
from dkim.util import InvalidTagValueList, parse_tag_value
from publicsuffixlist import PublicSuffixList

from bot.channels.email.headers import POLICY
from bot.channels.email.results import (
    AUTH_AS,
    Result,
    exchange_auth_as,
    topmost_unnamed_results,
    trusted_results,
)
from bot.config import Settings

log = logging.getLogger(__name__)

PASS, FAIL, UNAUTHENTICATED, OFF = "pass", "fail", "unauthenticated", "off"

# dkimpy's TXT lookup: (name as bytes, timeout=…) -> the TXT record as bytes, or None.
DnsLookup = Callable[..., bytes | None]

_TRUE = frozenset({"1", "true", "yes", "on"})
# The authserv-id each provider writes; Microsoft 365 writes none (results.topmost_unnamed_results)
PROVIDER_AUTHSERV_IDS = {"google": "mx.google.com"}
DMARC_PASSES = frozenset({"pass", "bestguesspass"})


@dataclass(frozen=True)
class Verdict:
    status: str  # PASS | FAIL | UNAUTHENTICATED | OFF
    method: str = ""  # "dmarc" | "dkim" | "tenant" (Exchange Online's AuthAs) | ""
    detail: str = ""  # for the log: why

    @property
    def outcome(self) -> str:
        """What the inbox item records when the verdict refuses the message."""
        if self.status == FAIL:
            return f"refused: {self.method} fail"
        return "refused: unauthenticated"


def headers_of(raw: bytes) -> Message:
    """The message's header section, read without parsing its body: all the checks need."""
    return BytesHeaderParser(policy=POLICY).parsebytes(raw)


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


@functools.cache
def _public_suffixes() -> PublicSuffixList:
    return PublicSuffixList()  # the list publicsuffixlist ships: no download


def organisational_domain(domain: str) -> str:
    """The domain one label below its public suffix (mofa.go.jp under go.jp), by the Public
    Suffix List, as relaxed DMARC alignment uses it; a name that is a public suffix itself, or
    no name under one (localhost), stays as it is."""
    name = domain.strip().rstrip(".").lower()
    return _public_suffixes().privatesuffix(name) or name


def aligned(signing_domain: str, from_domain: str) -> bool:
    """Relaxed alignment: both domains belong to the same organisational domain."""
    if not signing_domain or not from_domain:
        return False
    return organisational_domain(signing_domain) == organisational_domain(from_domain)


def exchange_verdict(message: Message, from_domain: str) -> Verdict:
    """Microsoft 365: by how Exchange Online says the message reached the tenant (docstring)."""
    auth_as = exchange_auth_as(message)
    if auth_as == "anonymous":
        return dmarc_verdict(topmost_unnamed_results(message), from_domain, message)
    if auth_as == "internal":
        return Verdict(PASS, "tenant", f"{AUTH_AS}: Internal (sent from the tenant)")
    return Verdict(UNAUTHENTICATED, "tenant", f"{AUTH_AS}: {auth_as or 'not one'}")


def dmarc_verdict(
    results: list[Result] | None, from_domain: str, message: Message | None = None
) -> Verdict:
    """The rules of the module docstring, on the results we trust (None: there were none)."""
    if results is None:
        return Verdict(UNAUTHENTICATED, "dmarc", "no Authentication-Results we trust")
    dmarc = [r for r in results if r.method == "dmarc" and r.result != "none"]
    for result in dmarc:
        if result.result not in DMARC_PASSES:
            return Verdict(FAIL, "dmarc", f"dmarc={result.result}")
        checked = result.properties.get("header.from", "").lower().rstrip(".")
        if checked and checked != from_domain:
            return Verdict(FAIL, "dmarc", f"dmarc passed for another domain: {checked}")
    if dmarc:
        return Verdict(PASS, "dmarc", f"dmarc={dmarc[0].result}")
    for result in results:
        if result.method != "dkim" or result.result != "pass":
            continue
        signer = result.properties.get("header.d") or domain_of(
            result.properties.get("header.i", "")
        )
        signer = signer.lower().rstrip(".")
        if aligned(signer, from_domain) and not _partial_body(message, signer):
            return Verdict(PASS, "dkim", f"no DMARC result; dkim=pass header.d={signer}")
    return Verdict(UNAUTHENTICATED, "dmarc", "no DMARC result, no aligned DKIM pass")


def _partial_body(message: Message | None, signer: str) -> bool:
    """Whether a DKIM signature of `signer` in the message signs only part of the body (`l=`):
    anyone may then append text below what was signed."""
    for name, value in message.raw_items() if message is not None else ():
        if name.lower() != "dkim-signature":
            continue
        try:
            tags = parse_tag_value(" ".join(str(value).split()).encode())
        except (InvalidTagValueList, UnicodeError):
            continue
        if tags.get(b"d", b"").decode("ascii", "replace").lower() == signer and b"l" in tags:
            return True
    return False


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
    provider = settings.mail_provider.strip().lower()
    authserv_id = settings.trusted_authserv_id.strip() or PROVIDER_AUTHSERV_IDS.get(provider, "")
    if authserv_id:
        return dmarc_verdict(trusted_results(message, authserv_id), from_domain, message)
    if provider == "microsoft":
        return exchange_verdict(message, from_domain)
    if is_on(settings.verify_dkim):
        return dkim_verdict(message, raw, from_domain, dnsfunc)
    return Verdict(OFF)
