"""`--format pdf`: the Word report converted by LibreOffice, A4 pages in clean fonts, a clear line without it."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT, SAMPLE_XLSX
from pypdf import PdfReader

from generator import load, render, validate
from generator.cli.main import cli
from generator.format import schema
from generator.jinja.sets import load_template_set
from generator.render.typography import pdf as pdf_module
from generator.render.typography.pdf import (
    FONT_FALLBACKS,
    PdfConversionError,
    docx_to_pdf,
    fontconfig_aliases,
    has_chinese_font,
)

sys.path.insert(0, str(ROOT / "tools"))
from build_docx_template import build_template  # noqa: E402

A4_POINTS = (595.3, 841.9)
MISSING_LINE = (
    "错误：生成 PDF 需要 LibreOffice，但找不到 soffice 命令：Debian/Ubuntu 请运行 apt-get install "
    "libreoffice-writer-nogui fonts-noto-cjk fonts-arphic-ukai；Windows 请安装 LibreOffice 并把它的 program 文件夹加入 PATH。"
)


def invoke(*args: object):
    return CliRunner().invoke(cli, [str(a) for a in args], prog_name="generate-report")


@pytest.fixture(scope="module")
def cli_pdf(tmp_path_factory) -> tuple[Path, str]:
    """The sample through the command line with --format pdf: the folder written and what was printed."""
    assert shutil.which("soffice"), "LibreOffice (soffice) is required: bash tools/install-test-deps.sh"
    outdir = tmp_path_factory.mktemp("pdf-cli")
    result = invoke(SAMPLE_XLSX, "--format", "pdf", "-o", outdir)
    assert result.exit_code == 0, result.output
    return outdir, result.output


def embedded_fonts(reader: PdfReader) -> set[str]:
    names = set()
    for page in reader.pages:
        for font in (page.get("/Resources", {}).get("/Font") or {}).values():
            names.add(str(font.get_object()["/BaseFont"]).split("+", 1)[-1])
    return names


def test_cli_writes_only_the_pdf(cli_pdf):
    outdir, output = cli_pdf
    assert sorted(p.name for p in outdir.glob("[!.]*")) == ["mengzhou-2023.pdf"]
    assert f"已生成：{outdir / 'mengzhou-2023.pdf'}" in output


def test_pdf_is_a4_with_headings_and_figures(cli_pdf):
    outdir, _ = cli_pdf
    reader = PdfReader(outdir / "mengzhou-2023.pdf")
    assert 4 <= len(reader.pages) <= 8, len(reader.pages)
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(width - A4_POINTS[0]) < 1 and abs(height - A4_POINTS[1]) < 1
    text = re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))
    assert "孟州市人民政府2023年政府信息公开工作年度报告" in text
    for heading in schema.HEADINGS.values():
        assert re.sub(r"\s+", "", heading) in text, heading
    for figure in ("3017", "28414", "4351.7195", "245720", "146", "148"):
        assert figure in text, figure


def test_missing_official_fonts_fall_back_to_free_faces(cli_pdf):
    """Without 仿宋_GB2312 etc. the PDF sets the body in a real 仿宋 (FandolFang, installed by the test set-up),
    the title in Noto Serif CJK, 黑体 headings in Noto Sans CJK and 楷体 ones in AR PL UKai, never a Latin-only
    face (tofu) or whatever CJK face LibreOffice finds first."""
    installed = subprocess.run(["fc-list", ":family=仿宋_GB2312"], capture_output=True, text=True).stdout.strip()
    if installed:
        pytest.skip("仿宋_GB2312 is installed here: no fallback happens")  # never on CI, which has Noto only
    outdir, _ = cli_pdf
    fonts = embedded_fonts(PdfReader(outdir / "mengzhou-2023.pdf"))
    assert any(name.startswith("NotoSerifCJK") for name in fonts), fonts
    assert any(name.startswith("NotoSansCJK") for name in fonts), fonts
    assert any(name.startswith("UKai") for name in fonts), fonts
    assert any(name.startswith("FandolFang") for name in fonts), fonts
    assert all(name.startswith(("NotoSerifCJK", "NotoSansCJK", "UKai", "FandolFang")) for name in fonts), fonts


def test_library_renders_pdf_alone_and_with_docx():
    data = load(SAMPLE_XLSX)
    outputs = render(data, validate(data), ["docx", "pdf"])
    assert list(outputs) == ["docx", "pdf"]
    assert outputs["pdf"].startswith(b"%PDF-")
    assert outputs["docx"].startswith(b"PK")
    assert len(PdfReader(io.BytesIO(outputs["pdf"])).pages) >= 4


def test_default_formats_do_not_need_libreoffice(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    data = load(SAMPLE_XLSX)
    assert list(render(data, validate(data))) == ["docx", "html"]


def test_missing_soffice_exits_3_with_one_clear_line(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    result = invoke(SAMPLE_XLSX, "--format", "html,pdf", "-o", tmp_path / "out")
    assert result.exit_code == 3
    assert result.stderr.splitlines()[-1] == MISSING_LINE
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())  # not even the HTML


def fake_soffice(folder: Path, body: str) -> str:
    script = folder / "soffice"
    script.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    script.chmod(0o755)
    return str(script)


def test_conversion_failure_names_libreoffices_error(tmp_path):
    # LibreOffice reports an unreadable document on stdout and still exits 0.
    program = fake_soffice(tmp_path, 'echo "Error: source file could not be loaded"')
    with pytest.raises(PdfConversionError) as caught:
        docx_to_pdf(b"not a docx", soffice=program)
    assert (
        str(caught.value)
        == "LibreOffice 未能把 Word 报告转换为 PDF（退出码 0：Error: source file could not be loaded）。"
    )


def test_conversion_timeout_gives_up(tmp_path):
    program = fake_soffice(tmp_path, "exec sleep 30")
    with pytest.raises(PdfConversionError, match=r"^LibreOffice 转换 PDF 超过 1 秒仍未完成，已放弃。$"):
        docx_to_pdf(b"", timeout=1, soffice=program)


def test_fontconfig_file_includes_the_system_config_then_maps_every_official_font():
    root = ET.fromstring(fontconfig_aliases("/etc/fonts/fonts.conf").split("\n", 2)[2])
    assert root[0].tag == "include" and root[0].text == "/etc/fonts/fonts.conf"
    aliases = {a.find("family").text: [f.text for f in a.find("accept")] for a in root.iter("alias")}
    for family in ("仿宋_GB2312", "方正小标宋简体", "黑体", "楷体_GB2312", "宋体"):
        assert aliases[family] == list(FONT_FALLBACKS[family])
        assert aliases[family][-1] in ("Noto Serif CJK SC", "Noto Sans CJK SC")
    assert aliases["黑体"][-1] == "Noto Sans CJK SC" and aliases["仿宋_GB2312"][-1] == "Noto Serif CJK SC"


def test_no_chinese_font_at_all_is_refused_with_the_package_to_install(monkeypatch, tmp_path):
    monkeypatch.setattr(pdf_module, "has_chinese_font", lambda: False)
    result = invoke(SAMPLE_XLSX, "--format", "pdf", "-o", tmp_path / "out")
    assert result.exit_code == 3
    assert result.stderr.splitlines()[-1] == (
        "错误：本机没有中文字体，PDF 中的汉字会显示为方框：Debian/Ubuntu 请运行 apt-get install fonts-noto-cjk，"
        "或安装仿宋_GB2312、方正小标宋简体等公文字体。"
    )
    assert not (tmp_path / "out").exists()


def test_chinese_fonts_are_found_through_fontconfig(monkeypatch, tmp_path):
    assert has_chinese_font() is True  # fonts-noto-cjk, installed by tools/install-test-deps.sh
    empty = tmp_path / "empty.conf"
    empty.write_text('<?xml version="1.0"?>\n<fontconfig><dir>' + str(tmp_path) + "</dir></fontconfig>\n")
    monkeypatch.setenv("FONTCONFIG_FILE", str(empty))
    assert has_chinese_font() is False
    monkeypatch.setenv("PATH", str(tmp_path))
    assert has_chinese_font() is None  # no fontconfig to ask (Windows): LibreOffice substitutes by itself


def test_an_older_sets_character_grid_is_published_as_a_line_grid_with_character_spacing(tmp_path):
    """LibreOffice gives each character two cells of a grid narrower than the font: a set made before (its
    report.docx with Word's "lines and characters" grid) publishes a Word file with the line grid and the grid's
    text condensed by Word's pitch, rounded down (-0.25 pt: 28 a line), in the schema's order."""
    folder = shutil.copytree(ROOT / "templates" / "default", tmp_path / "older")
    build_template("default").save(str(folder / "report.docx"))  # as the build wrote it before
    with zipfile.ZipFile(folder / "report.docx") as archive:
        assert 'w:type="linesAndChars"' in archive.read("word/document.xml").decode("utf-8")
    data = load(SAMPLE_XLSX)
    word = render(data, validate(data), ["docx"], load_template_set(folder))["docx"]
    with zipfile.ZipFile(io.BytesIO(word)) as archive:
        document = archive.read("word/document.xml").decode("utf-8")
        styles = archive.read("word/styles.xml").decode("utf-8")
    grid = re.search(r"<w:docGrid[^>]*/>", document).group(0)
    assert 'w:type="lines"' in grid and "charSpace" not in grid and 'w:linePitch="579"' in grid
    defaults = re.search(r"<w:rPrDefault>.*?</w:rPrDefault>", styles, re.DOTALL).group(0)
    assert '<w:spacing w:val="-5"/><w:sz w:val="32"/>' in defaults  # after the fonts, before the size
    title = re.search(r'<w:style [^>]*w:styleId="Title".*?</w:style>', styles, re.DOTALL).group(0)
    assert re.search(
        r'<w:rFonts [^>]*/>(<w:b [^>]*/>)?<w:spacing w:val="0"/><w:sz ', title
    )  # off the grid: not condensed


def test_the_titles_stand_in_is_bold_only_where_the_real_face_is_missing():
    rule = '<test name="family"><string>方正小标宋简体</string></test><edit name="weight"'
    assert rule in fontconfig_aliases("/etc/fonts/fonts.conf", installed=frozenset({"Noto Serif CJK SC"}))
    assert rule not in fontconfig_aliases("/etc/fonts/fonts.conf", installed=frozenset({"方正小标宋简体"}))
