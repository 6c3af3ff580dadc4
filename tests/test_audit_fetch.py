"""Fetching reports from the web, against a local HTTP server these tests start: slow replies, 404, redirects,
a busy server, a compressed reply, a page in GBK — at most one request a second per host, and a cache."""

from __future__ import annotations

import contextlib
import gzip
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner
from synthetic import published_page, synthetic_values

from generator.audit.fetch import Fetcher, read_url_list
from generator.audit.hosts import refusal, resolve
from generator.cli.main import cli
from generator.exceptions import InputError

ROOT = Path(__file__).resolve().parent.parent
GBK_PAGE = ROOT / "tests" / "import_cases" / "word_html_gbk" / "report.html"  # a Word page saved in GBK
SLOW_SECONDS = 3.0


class Site:
    """What the server serves, and every request it received (path, monotonic time)."""

    def __init__(self) -> None:
        self.report = published_page(synthetic_values(31, 2023))
        self.requests: list[tuple[str, float]] = []
        self.flaky_calls = 0
        self.lock = threading.Lock()

    def hits(self, path: str) -> list[float]:
        return [at for p, at in self.requests if p == path]


def make_handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:  # quiet
            pass

        def reply(
            self, status: int, body: bytes = b"", content_type: str = "text/html; charset=utf-8", **headers: str
        ) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in headers.items():
                self.send_header(name.replace("_", "-"), value)
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            with site.lock:
                site.requests.append((self.path, time.monotonic()))
            if self.path == "/report.html":
                self.reply(200, site.report)
            elif self.path == "/gbk":  # no <meta charset> needed: the reply says gb2312 and the bytes are GBK
                self.reply(200, GBK_PAGE.read_bytes(), "text/html; charset=gb2312")
            elif self.path == "/moved":
                self.reply(302, Location="/report.html")
            elif self.path == "/loop":
                self.reply(301, Location="/loop")
            elif self.path == "/missing.html":
                self.reply(404, "找不到".encode())
            elif self.path == "/slow.html":
                time.sleep(SLOW_SECONDS)
                with contextlib.suppress(OSError):  # the client gave up long ago
                    self.reply(200, site.report)
            elif self.path == "/flaky.html":
                with site.lock:
                    site.flaky_calls += 1
                    calls = site.flaky_calls
                self.reply(503) if calls == 1 else self.reply(200, site.report)
            elif self.path == "/compressed.html":
                self.reply(200, gzip.compress(site.report), Content_Encoding="gzip")
            elif self.path == "/elsewhere":  # to another loopback machine: never followed
                self.reply(302, Location=f"http://127.0.0.2:{site.other_port}/report.html")
            elif self.path == "/drip.html":  # headers at once, then a byte every 2 s
                self.send_response(200)
                self.send_header("Content-Length", "100")
                self.end_headers()
                with contextlib.suppress(OSError):
                    for _ in range(100):
                        self.wfile.write(b"x")
                        self.wfile.flush()
                        time.sleep(2)
            elif self.path == "/short.html":  # declares 30,451 bytes, sends 20,300, hangs up
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", "30451")
                self.end_headers()
                self.wfile.write(site.report.ljust(30451)[:20300])
            elif self.path == "/annual.pdf":
                self.reply(200, b"%PDF-1.4 not really", "application/octet-stream")
            else:
                self.reply(404)

    return Handler


@pytest.fixture
def site():
    """A real HTTP server on 127.0.0.1 in a thread, for one test."""
    served = Site()
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(served))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    other = ThreadingHTTPServer(("127.0.0.2", 0), make_handler(served))  # a second machine on the loopback
    threading.Thread(target=other.serve_forever, daemon=True).start()
    served.base = f"http://127.0.0.1:{server.server_address[1]}"  # type: ignore[attr-defined]
    served.other_port = other.server_address[1]  # type: ignore[attr-defined]
    yield served
    for each in (server, other):
        each.shutdown()
        each.server_close()


def test_redirects_are_followed_and_a_gbk_page_is_kept_as_sent(site, tmp_path):
    fetcher = Fetcher(tmp_path / "cache", timeout=5, interval=0.05)
    moved, gbk, compressed = fetcher.fetch_all(
        [f"{site.base}/moved", f"{site.base}/gbk", f"{site.base}/compressed.html"]
    )
    assert moved.path is not None and moved.path.read_bytes() == site.report and moved.path.suffix == ".html"
    assert len(site.hits("/moved")) == 1 and site.hits("/report.html")[0] > site.hits("/moved")[0]
    assert gbk.path is not None and gbk.path.read_bytes() == GBK_PAGE.read_bytes()
    assert compressed.path is not None and compressed.path.read_bytes() == site.report
    meta = json.loads(moved.path.with_suffix(".json").read_text(encoding="utf-8"))
    assert meta["final_url"] == f"{site.base}/report.html"


def test_failures_are_one_line_each(site, tmp_path):
    fetcher = Fetcher(tmp_path / "cache", timeout=0.5, retries=1, interval=0.05)
    missing, slow, loop, elsewhere = fetcher.fetch_all(
        [f"{site.base}/missing.html", f"{site.base}/slow.html", f"{site.base}/loop", "ftp://example.org/a.pdf"]
    )
    assert missing.problem == f"{site.base}/missing.html：服务器返回 404（找不到该网页）"
    assert slow.problem == f"{site.base}/slow.html：连接超时（0.5 秒内没有响应）（已重试 1 次）"
    assert len(site.hits("/slow.html")) == 2  # tried, then retried once
    assert len(site.hits("/missing.html")) == 1  # a 404 is not retried
    assert loop.problem.endswith("重定向超过 5 次")
    assert elsewhere.problem == "ftp://example.org/a.pdf：不是 http 或 https 网址"
    assert all(result.path is None and "\n" not in result.problem for result in (missing, slow, loop, elsewhere))


def test_connection_failures_and_addresses_without_a_scheme_are_said_in_chinese(tmp_path):
    with socket.socket() as probe:  # a port nothing listens on: bound, then closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    refused, bare = Fetcher(tmp_path / "cache", timeout=2, retries=0, interval=0.05).fetch_all(
        [f"http://127.0.0.1:{port}/report.html", "www.example.gov.cn/report.html"]
    )
    assert refused.problem == f"http://127.0.0.1:{port}/report.html：无法连接（对方拒绝连接）"
    assert bare.problem == "www.example.gov.cn/report.html：不是 http 或 https 网址，请在前面加上 http:// 或 https://"


def test_a_list_of_addresses_saved_in_gbk_is_read_and_a_missing_one_is_one_line(tmp_path):
    listing = tmp_path / "网址.txt"
    listing.write_bytes("# 各乡镇年度报告\nhttp://127.0.0.1/甲镇.html\n".encode("gbk"))  # Notepad's default
    assert read_url_list(listing) == ["http://127.0.0.1/甲镇.html"]
    with pytest.raises(InputError) as caught:
        read_url_list(tmp_path / "无.txt")
    assert str(caught.value) == f"无法读取网址列表 {tmp_path / '无.txt'}：找不到该文件或文件夹"


def test_a_busy_server_is_tried_again(site, tmp_path):
    (flaky,) = Fetcher(tmp_path / "cache", timeout=5, retries=2, interval=0.05).fetch_all([f"{site.base}/flaky.html"])
    assert flaky.path is not None and flaky.path.read_bytes() == site.report
    assert len(site.hits("/flaky.html")) == 2


def test_at_most_one_request_a_second_per_host_and_each_page_fetched_once(site, tmp_path):
    urls = [f"{site.base}/report.html", f"{site.base}/moved", f"{site.base}/annual.pdf", f"{site.base}/missing.html"]
    results = list(Fetcher(tmp_path / "cache").fetch_all(urls))  # the defaults: one request a second
    times = sorted(at for _, at in site.requests)
    assert len(times) == 5  # the redirect's second request waits its turn too
    assert all(later - earlier >= 0.99 for earlier, later in zip(times, times[1:], strict=False)), times
    assert results[2].path is not None and results[2].path.suffix == ".pdf"  # by the address, the type being vague
    again = list(Fetcher(tmp_path / "cache").fetch_all(urls))
    assert [r.from_cache for r in again] == [True, True, True, False]  # what failed is tried again
    assert len(site.requests) == 6


def test_audit_reads_a_list_of_addresses(site, tmp_path):
    listing = tmp_path / "网址.txt"
    listing.write_text(
        f"# 各单位年度报告\n{site.base}/report.html\n\n{site.base}/gbk\n{site.base}/missing.html\n{site.base}/report.html\n",
        encoding="utf-8",
    )
    assert read_url_list(listing) == [f"{site.base}/report.html", f"{site.base}/gbk", f"{site.base}/missing.html"]
    with contextlib.chdir(tmp_path):
        result = CliRunner().invoke(
            cli, ["audit", "--urls", "网址.txt", "-o", "out", "--format", "json"], prog_name="generate-report"
        )
    assert result.exit_code == 1, result.output
    reports = {r["source"]: r for r in json.loads(result.stdout)["reports"]}
    assert (reports[f"{site.base}/report.html"]["body"], reports[f"{site.base}/report.html"]["year"]) == (
        "示例县第31局",
        2023,
    )
    assert reports[f"{site.base}/gbk"]["body"] == "白河县教育体育局"
    assert reports[f"{site.base}/missing.html"]["status"] == "unfetched"
    assert f"无法获取：{site.base}/missing.html：服务器返回 404（找不到该网页）" in result.stderr
    assert (tmp_path / "out" / "审查报告.html").read_text(encoding="utf-8").count(f"{site.base}/missing.html") == 1
    assert len(list((tmp_path / "out" / "网页缓存").glob("*.html"))) == 2


def test_a_redirect_to_another_machine_is_refused_with_its_address(site, tmp_path):
    (elsewhere,) = Fetcher(tmp_path / "cache", timeout=5, interval=0.05).fetch_all([f"{site.base}/elsewhere"])
    target = f"http://127.0.0.2:{site.other_port}/report.html"
    assert elsewhere.problem == f"{site.base}/elsewhere：重定向到了其他网站的地址 {target}，为安全起见不跟随"
    assert elsewhere.path is None and site.hits("/report.html") == []  # the other machine was never asked


def test_private_machines_are_reached_only_when_the_list_names_them():
    for address in ("169.254.169.254", "10.0.0.1", "127.0.0.2", "192.168.1.1", "::1"):
        assert refusal(resolve(address, 80), set()) == (
            f"{address} 指向内网、本机或链路本地地址 {address}，网址列表没有列出该网站，不予访问"
        )
        assert refusal(resolve(address, 80), {address}) == ""
    assert refusal(resolve("202.96.0.1", 80), set()) == ""  # a public address needs no naming


def test_a_server_dripping_bytes_cannot_hold_a_fetch_past_its_deadline(site, tmp_path):
    started = time.monotonic()
    (drip,) = Fetcher(tmp_path / "cache", timeout=5, retries=2, interval=0.05).fetch_all([f"{site.base}/drip.html"])
    elapsed = time.monotonic() - started
    assert 4.9 < elapsed < 7, elapsed
    assert drip.problem == (f"{site.base}/drip.html：下载超时（5 秒内没有传完，另按每 100 KB 加 1 秒；服务器发送过慢）")
    assert len(site.hits("/drip.html")) == 1  # not tried again: a slow sender stays slow
    assert not (tmp_path / "cache").exists() or not list((tmp_path / "cache").iterdir())


def test_a_reply_shorter_than_declared_is_a_failure_never_cached_nor_audited(site, tmp_path):
    (short,) = Fetcher(tmp_path / "cache", timeout=5, retries=1, interval=0.05).fetch_all([f"{site.base}/short.html"])
    assert short.problem == f"{site.base}/short.html：回复不完整（声明 30,451 字节，只收到 20,300 字节）（已重试 1 次）"
    assert short.path is None and len(site.hits("/short.html")) == 2
    assert not (tmp_path / "cache").exists() or not list((tmp_path / "cache").iterdir())
    (tmp_path / "网址.txt").write_text(f"{site.base}/short.html\n", encoding="utf-8")
    with contextlib.chdir(tmp_path):
        result = CliRunner().invoke(
            cli, ["audit", "--urls", "网址.txt", "-o", "out", "--format", "json"], prog_name="generate-report"
        )
    (report,) = json.loads(result.stdout)["reports"]
    assert report["status"] == "unfetched" and not report.get("findings"), report
    assert not list((tmp_path / "out" / "网页缓存").glob("*.html"))


def test_the_cache_index_names_only_a_file_of_its_own_entry(site, tmp_path):
    url = f"{site.base}/report.html"
    (first,) = Fetcher(tmp_path / "cache", timeout=5, interval=0.05).fetch_all([url])
    assert first.path is not None
    index = first.path.with_suffix(".json")
    secret = tmp_path / "secret.html"
    secret.write_text("内部文件", encoding="utf-8")
    link = first.path.with_name(first.path.stem + ".htm")
    link.symlink_to(secret)
    for name in ("../secret.html", str(secret), link.name):
        meta = json.loads(index.read_text(encoding="utf-8"))
        index.write_text(json.dumps({**meta, "file": name}), encoding="utf-8")
        (again,) = Fetcher(tmp_path / "cache", timeout=5, interval=0.05).fetch_all([url])
        assert not again.from_cache and again.path is not None and again.path.read_bytes() == site.report, name
    assert len(site.hits("/report.html")) == 4


def test_one_rate_limit_per_machine_however_its_name_is_spelt(site, tmp_path):
    port = site.base.rsplit(":", 1)[1]
    urls = [
        f"http://localhost:{port}/report.html",
        f"http://127.0.0.1:{port}/gbk",
        f"http://0x7f000001:{port}/compressed.html",
    ]
    results = list(Fetcher(tmp_path / "cache").fetch_all(urls))  # one request a second, to one machine
    assert all(result.path is not None for result in results), [r.problem for r in results]
    times = sorted(at for _, at in site.requests)
    assert len(times) == 3
    assert all(later - earlier >= 0.99 for earlier, later in zip(times, times[1:], strict=False)), times
