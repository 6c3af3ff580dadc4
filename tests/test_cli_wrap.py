"""Help text is wrapped by the columns it takes on a console: a Chinese character takes two, a line breaks beside
Chinese characters or at spaces, never inside a file name, and never before a closing mark."""

from __future__ import annotations

import re

from click.formatting import wrap_text as click_wrap_text
from click.testing import CliRunner

from generator.cli.main import COMMANDS, cli
from generator.cli.wrap import NO_LINE_START, display_width, wrap_text

PARAGRAPH = (
    "逐份找出发布机关和年度，按全部规则核对；数据库中有同一单位上一年的报告时，加做两年衔接核对。结果写入输出文件夹"
    "（-o）：审查报告.html、审查结果.xlsx、审查通报.docx 和审查数据库 审查.sqlite。"
)


def test_a_chinese_paragraph_fits_its_columns_and_keeps_every_file_name_whole():
    for width in (30, 41, 60, 78):
        lines = wrap_text(PARAGRAPH, width, "  ", "  ").splitlines()
        assert len(lines) > 1
        assert all(display_width(line) <= width for line in lines), (width, lines)
        assert not any(line.strip()[0] in NO_LINE_START for line in lines)
        assert "".join(line.strip() for line in lines).replace(" ", "") == PARAGRAPH.replace(" ", "")
        for name in ("审查报告.html", "结果.xlsx", "通报.docx", ".sqlite", "（-o）"):
            assert any(name in line for line in lines), (width, name, lines)


def test_english_text_is_wrapped_exactly_as_click_wraps_it():
    text = (
        "Write the report for every body in the folder, one after another, and stop at nothing.\n\n"
        "\b\n  generate-report batch in -o out\n    generate-report batch in -o out -j 2\n\n"
        "  An indented paragraph that is long enough to be wrapped at least once at forty columns."
    )
    for width in (20, 40, 78):
        assert wrap_text(text, width, "  ", "  ") == click_wrap_text(text, width, "  ", "  ", preserve_paragraphs=True)


def test_every_help_page_fits_an_80_column_console():
    for name in ["", *COMMANDS]:
        command = [name, "--help"] if name else ["--help"]
        output = CliRunner().invoke(cli, command, prog_name="generate-report", terminal_width=80).output
        wide = [line for line in output.splitlines() if display_width(line) > 80]
        assert wide == [], (name, wide)
        assert not re.search(r"\.x\n\s*lsx|\.do\n\s*cx", output)
