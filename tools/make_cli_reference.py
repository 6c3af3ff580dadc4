"""Write docs/命令参考.md from the tool's own --help, so that the reference and the tool cannot drift.

python3 tools/make_cli_reference.py           # rewrite the file
python3 tools/make_cli_reference.py --check   # exit 1 when the file differs from the --help output (CI)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from click.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from generator.cli.main import COMMANDS, cli  # noqa: E402

REFERENCE = ROOT / "docs" / "命令参考.md"
HEADER = """# generate-report 命令参考

本文件由 `python3 tools/make_cli_reference.py` 根据各命令的 `--help` 生成，测试会核对两者一致；请勿手工修改。
"""


def help_text(*command: str) -> str:
    result = CliRunner().invoke(cli, [*command, "--help"], prog_name="generate-report", terminal_width=100)
    if result.exit_code != 0:
        raise SystemExit(f"generate-report {' '.join(command)} --help failed: {result.output}")
    return result.output.rstrip() + "\n"


def reference() -> str:
    parts = [HEADER, "## generate-report\n", f"```text\n{help_text()}```\n"]
    for name in COMMANDS:
        parts += [f"## generate-report {name}\n", f"```text\n{help_text(name)}```\n"]
    return "\n".join(parts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only compare; exit 1 when the file is out of date")
    args = parser.parse_args()
    wanted = reference()
    if args.check:
        current = REFERENCE.read_text(encoding="utf-8") if REFERENCE.exists() else ""
        if current != wanted:
            print(f"{REFERENCE.relative_to(ROOT)} 与 --help 不一致：请运行 python3 tools/make_cli_reference.py")
            return 1
        return 0
    REFERENCE.write_text(wanted, encoding="utf-8")
    print(f"已写入 {REFERENCE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
