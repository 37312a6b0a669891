"""The public delegation of a DNS name: the name servers resolvers are sent to for it.

A lookup is a function ``name -> name servers`` (lower case, no trailing
dot; empty when the name is not delegated), raising :class:`DelegationUnknown`
when DNS cannot tell; tests hand in their own, since an emulator serves no DNS.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import dns.exception
import dns.resolver

#: ``name -> its public name servers`` (empty: not delegated).
NameServerLookup = Callable[[str], frozenset[str]]


class DelegationUnknown(Exception):
    """DNS gave no answer either way (no network, a timeout, every server failing)."""


def normalized(names: Iterable[str]) -> frozenset[str]:
    """Name servers compared as DNS compares them: case-insensitive, without the root dot."""
    return frozenset(n.lower().rstrip(".") for n in names)


def public_name_servers(name: str, *, lifetime_seconds: float = 10.0) -> frozenset[str]:
    """The ``NS`` records the system's resolver returns for ``name``.

    Raises:
        DelegationUnknown: The resolver could not answer.
    """
    try:
        answer = dns.resolver.resolve(name, "NS", lifetime=lifetime_seconds)
    except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
        return frozenset()
    except dns.exception.DNSException as err:
        raise DelegationUnknown(f"{type(err).__name__}: {err}") from err
    return normalized(str(record.target) for record in answer)
