"""Where an address leads: the machine a host name resolves to (one rate limit per machine, however the name is
spelt), whether that machine is private, loopback or link-local, and an overall deadline per request.

A page is fetched only from hosts the list of addresses names; a private machine only when the list names it.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any

BYTES_PER_SECOND = 100 * 1024  # a page's deadline grows by a second per 100 KB received, so a large PDF still arrives


@dataclass(frozen=True)
class Resolved:
    """A host name and the addresses it resolves to (first one first, as the connection will try them)."""

    host: str
    addresses: tuple[str, ...]

    @property
    def machine(self) -> str:
        """The key of the host's rate limit: its first IPv4 address, else its first (localhost, 127.0.0.1 and
        0x7f000001 are one machine)."""
        return next((a for a in self.addresses if ":" not in a), self.addresses[0])

    def internal(self) -> str:
        """The first private, loopback, link-local or otherwise non-public address, or "" when there is none."""
        return next((a for a in self.addresses if is_internal(a)), "")


def resolve(host: str, port: int) -> Resolved:
    """The addresses of `host`; socket.gaierror when the name does not resolve."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return Resolved(host, tuple(dict.fromkeys(str(info[4][0]).split("%")[0] for info in infos)))


def refusal(resolved: Resolved, named: set[str]) -> str:
    """Why the machine must not be reached ("" when it may): private or loopback, and the list does not name it."""
    internal = resolved.internal()
    if internal and not any(same_host(resolved.host, host) for host in named):
        return f"{resolved.host} 指向内网、本机或链路本地地址 {internal}，网址列表没有列出该网站，不予访问"
    return ""


def is_internal(address: str) -> bool:
    """True for an address no public web server has: private, loopback, link-local, reserved, unspecified."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_reserved
        or ip.is_multicast
        or ip.is_unspecified
        or ip in ipaddress.ip_network("100.64.0.0/10")  # carrier-grade NAT: an operator's internal network
    )


def same_host(first: str, second: str) -> bool:
    """True when two host names are one name (case and a trailing dot aside)."""
    return first.lower().rstrip(".") == second.lower().rstrip(".")


@dataclass
class Deadline:
    """One request's overall deadline: `seconds` from its start plus a second per 100 KB received. When it passes,
    the connection is shut, so a server sending a byte every few seconds cannot hold the request any longer."""

    seconds: float
    start: float = field(default_factory=time.monotonic)
    received: int = 0
    expired: bool = False
    done: bool = False
    connection: Any = None  # the http.client connection, set when it is made
    timer: threading.Timer | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def remaining(self) -> float:
        return self.start + self.seconds + self.received / BYTES_PER_SECOND - time.monotonic()

    def arm(self) -> None:
        """Start watching, when the request starts."""
        with self.lock:
            self._schedule(max(self.remaining(), 0.0))

    def finish(self) -> None:
        """Stop watching: the request is over."""
        with self.lock:
            self.done = True
            if self.timer is not None:
                self.timer.cancel()

    def _schedule(self, delay: float) -> None:
        self.timer = threading.Timer(delay, self._check)
        self.timer.daemon = True
        self.timer.start()

    def _check(self) -> None:
        with self.lock:
            if self.done:
                return
            left = self.remaining()
            if left > 0:  # bytes arrived meanwhile: the deadline moved
                self._schedule(left)
                return
            self.expired = True
            sock = getattr(self.connection, "sock", None)
            if sock is not None:
                with suppress(OSError, TypeError):  # the socket itself, not an SSL wrapper's unwrap-and-shut
                    socket.socket.shutdown(sock, socket.SHUT_RDWR)
