"""Collect generate-report's wheel and every dependency's wheels into one folder that installs with no internet.

    python3 tools/make_offline_bundle.py -o 离线安装包/                                  # for this computer
    python3 tools/make_offline_bundle.py -o 离线安装包/ --platform win_amd64 --python 3.11  # for an office PC

The folder gets 安装.bat (Windows), 安装.sh (Linux) and 说明.txt; on the PC, 安装.bat runs
`py -3.11 -m pip install --no-index --find-links . generate-report`. Run this where PyPI can be reached.

For another platform pip downloads binary wheels only, and it evaluates environment markers for *this* computer
(click and tqdm need colorama on Windows alone): so the tool reads each wheel's requirements, evaluates their
markers for the target and asks pip again for what is missing, until nothing is.
"""

from __future__ import annotations

import argparse
import email.parser
import importlib.util
import platform
import re
import subprocess
import sys
import zipfile
from pathlib import Path

try:
    from packaging.markers import default_environment
    from packaging.requirements import Requirement
except ImportError:  # pip always carries it
    from pip._vendor.packaging.markers import default_environment  # type: ignore[no-redef]
    from pip._vendor.packaging.requirements import Requirement  # type: ignore[no-redef]

ROOT = Path(__file__).resolve().parent.parent
PROJECT = "generate-report"

# Environment markers of the platforms an office is likely to have, by the start of the wheel platform tag.
PLATFORM_MARKERS = {
    "win_amd64": {"sys_platform": "win32", "platform_system": "Windows", "os_name": "nt", "platform_machine": "AMD64"},
    "win32": {"sys_platform": "win32", "platform_system": "Windows", "os_name": "nt", "platform_machine": "x86"},
    "win_arm64": {"sys_platform": "win32", "platform_system": "Windows", "os_name": "nt", "platform_machine": "ARM64"},
    "manylinux": {"sys_platform": "linux", "platform_system": "Linux", "os_name": "posix"},
    "linux": {"sys_platform": "linux", "platform_system": "Linux", "os_name": "posix"},
    "macosx": {"sys_platform": "darwin", "platform_system": "Darwin", "os_name": "posix"},
}


def normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def target_environment(platforms: list[str], python: str | None) -> dict[str, str]:
    """The marker environment of the computer the bundle is for (this one, with what was named changed)."""
    env = dict(default_environment())
    if platforms:
        tag = platforms[0]
        prefix = next((p for p in PLATFORM_MARKERS if tag.startswith(p)), None)
        if prefix is None:
            sys.exit(f"错误：不认识的平台 {tag}；可用如 win_amd64、win32、manylinux2014_x86_64、macosx_11_0_arm64。")
        env.update(PLATFORM_MARKERS[prefix])
        if "platform_machine" not in PLATFORM_MARKERS[prefix]:
            env["platform_machine"] = tag.rsplit("_", 1)[-1] if not tag.endswith("x86_64") else "x86_64"
    if python:
        env["python_version"] = python
        env["python_full_version"] = f"{python}.0"
    return env


def pip(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "pip", *args], check=True)


def build_project_wheel(out: Path) -> Path:
    """The project's own wheel (pure Python: one for every platform)."""
    isolation = [] if importlib.util.find_spec("hatchling") is None else ["--no-build-isolation"]
    pip("wheel", "--no-deps", "-q", *isolation, "-w", str(out), str(ROOT))
    return max(out.glob("generate_report-*.whl"), key=lambda p: p.stat().st_mtime)


def wheel_requirements(wheel: Path) -> tuple[str, list[Requirement]]:
    """A wheel's distribution name and its Requires-Dist, read from its METADATA."""
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if re.fullmatch(r"[^/]+\.dist-info/METADATA", n))
        metadata = email.parser.BytesParser().parsebytes(archive.read(name))
    return normal(metadata["Name"]), [Requirement(r) for r in metadata.get_all("Requires-Dist") or []]


def missing_requirements(out: Path, env: dict[str, str]) -> list[str]:
    """Requirements that the target needs, reached from the project, with no wheel in the folder yet."""
    wheels = dict(wheel_requirements(w) for w in out.glob("*.whl"))
    seen: set[tuple[str, str]] = set()
    queue: list[tuple[str, str]] = [(normal(PROJECT), "")]
    missing: list[str] = []
    while queue:
        name, extra = queue.pop()
        if (name, extra) in seen:
            continue
        seen.add((name, extra))
        for req in wheels[name]:
            if req.marker is None or req.marker.evaluate({**env, "extra": extra}):
                wanted = normal(req.name)
                if wanted not in wheels:
                    missing.append(f"{req.name}{req.specifier}")
                else:
                    queue += [(wanted, "")] + [(wanted, e) for e in req.extras]
    return sorted(set(missing))


def collect(out: Path, platforms: list[str], python: str | None) -> Path:
    """The project's wheel and, for the target, every dependency's wheel in `out`."""
    out.mkdir(parents=True, exist_ok=True)
    project = build_project_wheel(out)
    target = [f"--platform={p}" for p in platforms]
    if python:
        target += [f"--python-version={python}", "--implementation=cp"]
    env = target_environment(platforms, python)
    wanted = [str(project)]
    for _ in range(5):
        pip("download", "-q", "--only-binary=:all:", "-d", str(out), *target, *wanted)
        missing = missing_requirements(out, env)
        if not missing:
            return project
        print(f"目标平台另需：{'、'.join(missing)}", file=sys.stderr)
        wanted += missing
    sys.exit(f"错误：仍缺少 {'、'.join(missing)} 的安装文件。")


INSTALL_BAT = """@echo off
rem 离线安装 generate-report：本文件夹中已有全部安装文件，不需要联网。
cd /d "%~dp0"
py {py_flag}-m pip install --no-index --find-links . generate-report
if errorlevel 1 (
  echo.
  echo 安装未成功。请确认本机已安装 Python {python}（安装时勾选 Add python.exe to PATH），再双击本文件。
  pause
  exit /b 1
)
echo.
echo 安装完成。在 PowerShell 中运行 generate-report --help 查看用法；提示找不到时用 py -m generator 代替。
pause
"""

INSTALL_SH = """#!/bin/sh
# 离线安装 generate-report：本文件夹中已有全部安装文件，不需要联网。
# 默认装进 python3（建议先激活一个虚拟环境）；另指定 Python：PYTHON=/path/to/python sh 安装.sh
set -e
cd "$(dirname "$0")"
"${{PYTHON:-python3}}" -m pip install --no-index --find-links . generate-report "$@"
echo "安装完成。运行 generate-report --help 查看用法。"
"""

README_TXT = """generate-report 离线安装包（{platform}，Python {python}）

本文件夹中是 generate-report {version} 及其全部依赖的安装文件（{count} 个 .whl），安装时不需要联网。

Windows：
1. 先在这台电脑上安装 Python {python}（从 python.org 下载的安装程序可一并拷来；安装第一页勾选
   “Add python.exe to PATH”）。
2. 把整个文件夹拷到电脑上（U 盘、内网共享均可），双击“安装.bat”。
3. 安装完成后，在 PowerShell 中运行：generate-report 数据.xlsx -o 输出文件夹
   提示找不到 generate-report 时，用 py -m generator 代替，参数相同。

Linux：在本文件夹中运行 sh 安装.sh（建议先建立并激活虚拟环境：python3 -m venv .venv && . .venv/bin/activate）。

本安装包只适用于上面写明的系统和 Python 版本；其他版本请重新生成：
python3 tools/make_offline_bundle.py -o 离线安装包 --platform win_amd64 --python 3.12
"""


def write_scripts(out: Path, project: Path, platforms: list[str], python: str | None) -> None:
    version = python or ".".join(platform.python_version_tuple()[:2])
    # cmd.exe reads a .bat in the console's code page: GBK on a Chinese Windows; lines end in CRLF.
    bat = INSTALL_BAT.format(py_flag=f"-{version} ", python=version).replace("\n", "\r\n")
    (out / "安装.bat").write_bytes(bat.encode("gbk"))
    sh = out / "安装.sh"
    sh.write_text(INSTALL_SH.format(), encoding="utf-8", newline="\n")
    sh.chmod(0o755)
    text = README_TXT.format(
        platform=platforms[0] if platforms else platform.system() + " " + platform.machine(),
        python=version,
        version=project.name.split("-")[1],
        count=len(list(out.glob("*.whl"))),
    )
    # With a BOM Notepad on every Windows version opens it as UTF-8.
    (out / "说明.txt").write_text(text.replace("\n", "\r\n"), encoding="utf-8-sig", newline="")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="生成离线安装包：本工具及全部依赖的安装文件，外加安装脚本。")
    parser.add_argument("-o", "--output", type=Path, required=True, help="安装包文件夹，如 离线安装包/")
    parser.add_argument(
        "--platform", action="append", default=[], help="目标平台的 wheel 标签，如 win_amd64（默认本机）；可写多次"
    )
    parser.add_argument("--python", help="目标电脑的 Python 版本，如 3.11（默认本机的版本）")
    args = parser.parse_args(argv)
    if args.python and not re.fullmatch(r"3\.\d{1,2}", args.python):
        parser.error(f"--python 应写成 3.11 这样的版本号，而不是 {args.python}")
    project = collect(args.output, args.platform, args.python)
    write_scripts(args.output, project, args.platform, args.python)
    wheels = sorted(args.output.glob("*.whl"))
    size = sum(w.stat().st_size for w in wheels) / 1e6
    print(f"已生成离线安装包：{args.output}（{len(wheels)} 个安装文件，共 {size:.1f} MB）")


if __name__ == "__main__":
    main()
