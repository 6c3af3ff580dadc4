"""Fetching published reports from the web, politely: a timeout on every request and an overall deadline on each,
a few retries, at most one request a second to any one machine (redirects included), and an on-disk cache so a
page is fetched only once. A fetch stays where it was sent: redirects only within the same host, a private or
loopback machine only when the list names it, and a reply shorter than it declared is a failure, never cached.

Each address ends as a file in the cache (its type from the reply's Content-Type, else the address) or as one
Chinese line saying why it could not be fetched. Only http and https addresses are fetched.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

from generator.audit.hosts import Deadline, Resolved, refusal, resolve, same_host
from generator.exceptions import InputError, os_reason
from generator.format.encoding import decode_text

if TYPE_CHECKING:
    from email.message import Message

USER_AGENT = "generate-report/0.2 (annual report audit; Python-urllib)"
MAX_BYTES = 50 * 1024 * 1024  # a report's PDF is a few megabytes; anything this large is not one
MAX_REDIRECTS = 5
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
TYPES = {
    "text/html": ".html",
    "application/xhtml+xml": ".html",
    "application/pdf": ".pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "text/plain": ".txt",
    "text/markdown": ".md",
}
KNOWN_SUFFIXES = frozenset({".html", ".htm", ".shtml", ".xhtml", ".pdf", ".docx", ".txt", ".md"})
CACHE_SUFFIXES = KNOWN_SUFFIXES | frozenset(TYPES.values())


class FetchError(Exception):
    """An address that could not be fetched; the message is the Chinese reason."""


@dataclass(frozen=True)
class Fetched:
    """An address and the cached file holding its reply (`path`), or why it failed (`problem`)."""

    url: str
    path: Path | None = None
    problem: str = ""
    from_cache: bool = False


@dataclass
class HostClock:
    """One request at a time per host, the next starting at least `interval` seconds after the last one ended: the
    server sees them that far apart however slowly this machine sent the last one."""

    interval: float
    lock: threading.Lock = field(default_factory=threading.Lock)
    last: float = float("-inf")


def _opener() -> Any:
    """A urllib opener that follows no redirect (the fetcher follows them itself, so each hop is checked and waits
    its turn at its host) and whose connections go to the address that was checked and are watched by the request's
    deadline. (urllib is imported here, on the first fetch, not when the command starts: it costs a tenth of a
    second.)"""
    import http.client
    import urllib.request

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]  # noqa: ANN001, ANN201
            return None

    class Http(urllib.request.HTTPHandler):
        def http_open(self, req):  # type: ignore[no-untyped-def]  # noqa: ANN001, ANN202
            return self.do_open(_connection(http.client.HTTPConnection, req), req)

    class Https(urllib.request.HTTPSHandler):
        def https_open(self, req):  # type: ignore[no-untyped-def]  # noqa: ANN001, ANN202
            factory = _connection(http.client.HTTPSConnection, req)
            return self.do_open(factory, req, context=self._context, check_hostname=self._check_hostname)  # type: ignore[attr-defined]

    return urllib.request.build_opener(NoRedirect(), Http(), Https())


def _connection(base: Any, request: Any) -> Callable[..., Any]:
    """Makes `base` connections that connect to the addresses checked for `request` (not to what the name resolves
    to a moment later) and that its deadline can shut."""
    deadline: Deadline = request.deadline
    resolved: Resolved = request.resolved

    def make(host: str, **kwargs: Any) -> Any:
        connection = base(host, **kwargs)
        deadline.connection = connection
        create = connection._create_connection

        def pinned(address: tuple[str, int], *args: Any) -> Any:
            if not same_host(address[0], resolved.host):  # a proxy: it resolves the name itself
                return create(address, *args)
            failure: OSError | None = None
            for checked in resolved.addresses:
                try:
                    return create((checked, address[1]), *args)
                except OSError as err:
                    failure = err
            raise failure or OSError("no address")

        connection._create_connection = pinned
        return connection

    return make


def read_url_list(path: Path) -> list[str]:
    """One address a line; blank lines and lines starting with # are skipped."""
    try:
        data = path.read_bytes()
    except OSError as err:
        raise InputError(f"无法读取网址列表 {path}：{os_reason(err)}") from err
    text = decode_text(data, f"网址列表 {path}", "请另存为 UTF-8 编码的文字文件")  # Notepad's GBK too
    urls = [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    return list(dict.fromkeys(urls))


class Fetcher:
    """Fetches addresses into `cache` (a folder): `fetch_all(urls)` yields one `Fetched` per address, in order."""

    def __init__(
        self,
        cache: Path,
        timeout: float = 20.0,
        retries: int = 2,
        interval: float = 1.0,
        threads: int = 8,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.cache, self.timeout, self.retries, self.interval = cache, timeout, retries, interval
        self.threads, self.sleep = threads, sleep
        self.clocks: dict[str, HostClock] = {}
        self.named: set[str] = set()  # the hosts the list of addresses names: the only ones a fetch may reach
        self.clocks_lock = threading.Lock()
        self.opener = _opener()

    def fetch_all(self, urls: Iterable[str]) -> Iterator[Fetched]:
        urls = list(urls)
        if not urls:
            return
        self.named.update(_host(url) for url in urls)
        with ThreadPoolExecutor(max_workers=self.threads) as pool:
            yield from pool.map(self.fetch, urls)

    def fetch(self, url: str) -> Fetched:
        """The cached reply to `url`, fetching it first when the cache does not hold it."""
        cached = self._cached(url)
        if cached is not None:
            return Fetched(url, cached, from_cache=True)
        try:
            if urlsplit(url).scheme.lower() not in ("http", "https") or not urlsplit(url).hostname:
                hint = "，请在前面加上 http:// 或 https://" if "://" not in url else ""
                raise FetchError(f"不是 http 或 https 网址{hint}")
            self.named.add(_host(url))
            content, content_type, final = self._follow(url)
            return Fetched(url, self._store(url, final, content, content_type))
        except FetchError as err:
            return Fetched(url, problem=f"{url}：{err}")

    # --- the cache ----------------------------------------------------------------------------

    def _entry(self, url: str) -> Path:
        return self.cache / hashlib.sha256(url.encode("utf-8")).hexdigest()[:32]

    def _cached(self, url: str) -> Path | None:
        index = self._entry(url).with_suffix(".json")
        try:
            meta = json.loads(index.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        name = meta.get("file") if isinstance(meta, dict) else None
        entry = self._entry(url)
        # Only the file this address's own entry would have written: a name from a copied or edited index
        # ("../x", "/etc/x", another entry's file, a link to elsewhere) is not read as a report.
        if not isinstance(name, str) or name not in {entry.name + suffix for suffix in CACHE_SUFFIXES}:
            return None
        path = self.cache / name
        if meta.get("url") != url or path.is_symlink() or not path.is_file():
            return None
        return path

    def _store(self, url: str, final: str, content: bytes, content_type: str) -> Path:
        entry = self._entry(url)
        path = entry.with_suffix(_suffix(content_type, final, url))
        try:
            self.cache.mkdir(parents=True, exist_ok=True)
            _write(path, content)
            meta = {"url": url, "final_url": final, "content_type": content_type, "file": path.name}
            _write(entry.with_suffix(".json"), json.dumps(meta, ensure_ascii=False, indent=1).encode("utf-8"))
        except OSError as err:
            raise FetchError(f"无法写入网页缓存 {self.cache}（{err.strerror or err}）") from err
        return path

    # --- requests -----------------------------------------------------------------------------

    def _clock(self, machine: str) -> HostClock:
        with self.clocks_lock:
            return self.clocks.setdefault(machine, HostClock(self.interval))

    def _follow(self, url: str) -> tuple[bytes, str, str]:
        """The content and type at `url`, following redirects one polite request at a time."""
        host = _host(url)
        for _ in range(MAX_REDIRECTS + 1):
            status, headers, content = self._request(url)
            if status in (301, 302, 303, 307, 308):
                target = headers.get("Location")
                if not target:
                    raise FetchError(f"服务器返回重定向 {status}，但没有给出新地址")
                url = urljoin(url, target)
                if urlsplit(url).scheme.lower() not in ("http", "https"):
                    raise FetchError(f"重定向到了不是 http 或 https 的地址 {url}")
                if not same_host(_host(url), host):
                    raise FetchError(f"重定向到了其他网站的地址 {url}，为安全起见不跟随")
                continue
            return content, headers.get_content_type() if headers else "", url
        raise FetchError(f"重定向超过 {MAX_REDIRECTS} 次")

    def _request(self, url: str) -> tuple[int, Message, bytes]:
        """One address, retried after a timeout, a dropped connection or a busy server (5xx, 429)."""
        problem = ""
        for attempt in range(self.retries + 1):
            if attempt:
                self.sleep(self.interval * 2**attempt)
            try:
                return self._once(url)
            except _Retry as err:
                problem = str(err)
        tries = f"（已重试 {self.retries} 次）" if self.retries else ""
        raise FetchError(problem + tries)

    def _once(self, url: str) -> tuple[int, Message, bytes]:
        resolved = self._resolve(url)
        clock = self._clock(resolved.machine)
        with clock.lock:
            wait = clock.last + clock.interval - time.monotonic()
            if wait > 0:
                self.sleep(wait)
            deadline = Deadline(self.timeout)
            deadline.arm()
            try:
                return self._exchange(url, resolved, deadline)
            except _Retry as err:
                if deadline.expired:  # the deadline shut the connection: say so, not "connection dropped"
                    if deadline.received:
                        raise FetchError(self._too_slow()) from err
                    raise _Retry(f"连接超时（{self.timeout:g} 秒内没有响应）") from err
                raise
            finally:
                deadline.finish()
                clock.last = time.monotonic()

    def _resolve(self, url: str) -> Resolved:
        """The machine `url` leads to; refused when it is private or loopback and the list does not name it."""
        parts = urlsplit(url)
        host = _host(url)
        try:
            resolved = resolve(host, parts.port or (443 if parts.scheme.lower() == "https" else 80))
        except (OSError, UnicodeError) as err:
            raise _Retry(f"无法连接（{_connection_reason(err)}）") from err
        if reason := refusal(resolved, self.named):
            raise FetchError(reason)
        return resolved

    def _too_slow(self) -> str:
        return f"下载超时（{self.timeout:g} 秒内没有传完，另按每 100 KB 加 1 秒；服务器发送过慢）"

    def _exchange(self, url: str, resolved: Resolved, deadline: Deadline) -> tuple[int, Message, bytes]:
        """One request and its reply, under `deadline`."""
        import http.client
        import urllib.error
        import urllib.request

        try:
            request = urllib.request.Request(
                ascii_url(url), headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip"}
            )
            request.deadline, request.resolved = deadline, resolved  # type: ignore[attr-defined]  # read by _connection
            with self.opener.open(request, timeout=self.timeout) as reply:
                content = _read(reply, deadline)
                if deadline.expired:
                    raise FetchError(self._too_slow())
                _complete(reply.headers, len(content))
                return reply.status, reply.headers, _body(reply.headers, content)
        except urllib.error.HTTPError as err:
            if err.code in (301, 302, 303, 307, 308):
                return err.code, err.headers, b""
            if err.code in RETRY_STATUSES:
                raise _Retry(f"服务器返回 {err.code}（{_reason(err.code)}）") from err
            raise FetchError(f"服务器返回 {err.code}（{_reason(err.code)}）") from err
        except TimeoutError as err:
            raise _Retry(f"连接超时（{self.timeout:g} 秒内没有响应）") from err
        except urllib.error.URLError as err:
            if isinstance(err.reason, TimeoutError):
                raise _Retry(f"连接超时（{self.timeout:g} 秒内没有响应）") from err
            raise _Retry(f"无法连接（{_connection_reason(err.reason)}）") from err
        except (ConnectionError, OSError, http.client.IncompleteRead) as err:
            raise _Retry(f"连接中断（{_connection_reason(err)}）") from err
        except (ValueError, http.client.HTTPException) as err:  # an address or a reply HTTP cannot carry
            raise FetchError(f"无法请求（{type(err).__name__}：{err}）") from err


def ascii_url(url: str) -> str:
    """An address with Chinese in its path or query, as HTTP carries it (percent-encoded UTF-8, IDNA host)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").encode("idna").decode("ascii")
    netloc = host + (f":{parts.port}" if parts.port else "")
    if parts.username:
        netloc = f"{quote(parts.username)}{':' + quote(parts.password) if parts.password else ''}@{netloc}"
    safe = "/%:@!$&'()*+,;=?~"
    return urlunsplit((parts.scheme, netloc, quote(parts.path, safe), quote(parts.query, safe), ""))


class _Retry(Exception):
    """A failure worth another try."""


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def _read(reply: object, deadline: Deadline) -> bytes:
    """The reply's bytes, one socket read at a time (read1), so the deadline is looked at between reads."""
    chunks, size = [], 0
    while not deadline.expired and (chunk := reply.read1(65536)):  # type: ignore[attr-defined]
        size += len(chunk)
        deadline.received = size
        if size > MAX_BYTES:
            raise FetchError(f"内容超过 {MAX_BYTES // 1024 // 1024} MB，不像是一份年度报告")
        chunks.append(chunk)
    return b"".join(chunks)


def _complete(headers: Message, received: int) -> None:
    """A reply cut short of its declared length is a failure (worth another try), never a page."""
    declared = (headers.get("Content-Length") or "").strip()
    if declared.isdigit() and received < int(declared):
        raise _Retry(f"回复不完整（声明 {int(declared):,} 字节，只收到 {received:,} 字节）")


def _body(headers: Message, content: bytes) -> bytes:
    """The content as the page is, a compressed reply decompressed (never beyond MAX_BYTES)."""
    encoding = (headers.get("Content-Encoding") or "").lower()
    if encoding not in ("gzip", "x-gzip", "deflate"):
        return content
    try:
        decompressor = zlib.decompressobj(zlib.MAX_WBITS | 32 if encoding != "deflate" else zlib.MAX_WBITS)
        data = decompressor.decompress(content, MAX_BYTES + 1)
    except zlib.error as err:
        raise FetchError(f"压缩内容已损坏（{err}）") from err
    if len(data) > MAX_BYTES:
        raise FetchError(f"内容超过 {MAX_BYTES // 1024 // 1024} MB，不像是一份年度报告")
    return data


def _suffix(content_type: str, final: str, url: str) -> str:
    if content_type in TYPES:
        return TYPES[content_type]
    for address in (final, url):
        suffix = Path(urlsplit(address).path).suffix.lower()
        if suffix in KNOWN_SUFFIXES:
            return suffix
    return ".html"  # a page served without a usable type is most often HTML; the importer says if it is not


REASONS = {
    400: "请求有误",
    401: "需要登录",
    403: "禁止访问",
    404: "找不到该网页",
    410: "网页已删除",
    429: "请求过于频繁",
}


def _reason(code: int) -> str:
    return REASONS.get(code, "服务器出错" if code >= 500 else "请求未成功")


def _connection_reason(reason: object) -> str:
    """Why a connection failed, in Chinese: the name that does not resolve, or the operating system's reason."""
    import socket  # loaded with urllib already; not at start-up

    if isinstance(reason, socket.gaierror):
        return "找不到该网站：域名无法解析，请核对网址或网络"
    return os_reason(reason) if isinstance(reason, OSError) else str(reason)


def _write(path: Path, content: bytes) -> None:
    temp = path.with_name(f".{path.name}.tmp")
    temp.write_bytes(content)
    temp.replace(path)
