"""GB/T 9704 typesetting measured in the PDF (pdfplumber) and read back from the Word file (python-docx).

Three reports: the 孟州 sample (government set), the 示例市交通运输局 sample (department set: a date shorter than
the signature, a contact line), and a short body name with a long date and many telephone numbers.
"""

from __future__ import annotations

import io
import re
import zipfile

import docx
import pytest
from conftest import ROOT, SAMPLE_CSV
from pdfmeasure import TEXT_LEFT_MM, TEXT_RIGHT_MM, body_text, normalize, read_lines
from pypdf import PdfReader

from generator import load, render, validate
from generator.format import schema
from generator.readers.csv_long import read_values
from generator.render.typography.faces import narrow_advances, resolved_face
from generator.render.typography.layout import Setting, set_width, text_width, title_lines, typeset_body
from generator.render.typography.pdf import FANG, SERIF
from generator.workbook.csvfile import long_csv

DEPARTMENT_CSV = ROOT / "data_samples" / "shili-jiaotong-2023.csv"
CHAR_MM = 156 / 28  # one character of the 28-character line
LINE_MM = 28.95 * 25.4 / 72  # the 22-line pitch
PHONES = ["0391-12345678", "0371 6543219"]


def _render(path):
    data = load(path)
    outputs = render(data, validate(data), ["docx", "pdf"])
    return data, outputs["docx"], outputs["pdf"]


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    folder = tmp_path_factory.mktemp("typeset")
    values = read_values(DEPARTMENT_CSV)
    values.update(
        {
            "meta.body": "某县商务局",
            "meta.issue_date": "2024-12-25",
            # The first line would end after the first number's hyphen (0391-): a break LibreOffice takes after a
            # plain hyphen or Word's w:noBreakHyphen.
            "meta.contact": f"某县商务局办公室（县政府大楼）电话{PHONES[0]}，传真{PHONES[1]}，地址某县人民路1号",
        }
    )
    short = folder / "short.csv"
    short.write_bytes(long_csv(values))
    return {
        name: _render(path)
        for name, path in (("mengzhou", SAMPLE_CSV), ("department", DEPARTMENT_CSV), ("short", short))
    }


def _lines(pdf, size=16.0):
    return [line for line in read_lines(pdf, cells=False) if abs(line.size - size) < 0.3]


@pytest.mark.parametrize("name", ["mengzhou", "department"])
def test_every_paragraph_of_the_word_file_is_in_the_pdf(reports, name):
    _, word, pdf = reports[name]
    text = body_text(pdf)
    paragraphs = [normalize(p.text) for p in docx.Document(io.BytesIO(word)).paragraphs if p.text.strip()]
    missing = [p for p in paragraphs if p not in text]
    assert not missing, missing
    assert sum(len(p) for p in paragraphs) > (1800 if name == "mengzhou" else 700)  # characters checked


@pytest.mark.parametrize("name", ["mengzhou", "department"])
def test_a_full_body_line_holds_28_characters(reports, name):
    lines = _lines(reports[name][2])
    widths = [text_width(line.text) for line in lines]
    assert max(widths) == 28  # 28 characters, never 29 (a digit counts half)
    assert max(line.x1 for line in lines) <= TEXT_RIGHT_MM + 0.3  # nothing runs into the margin
    chinese = [line for line in lines if re.fullmatch(r"[^\x00-\x7f]+", line.text) and line.x0 < TEXT_LEFT_MM + 0.5]
    full = [line for line in chinese if line.x1 > TEXT_RIGHT_MM - 1]
    # Most full lines of Chinese text hold 28; a line holds 27 where 。，」 may not begin the next one.
    assert sum(len(line.text) == 28 for line in full) > len(full) / 2
    assert {len(line.text) for line in full} <= set(range(24, 29))


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("mengzhou", ["孟州市人民政府", "2023年政府信息公开工作年度报告"]),
        ("department", ["示例市交通运输局", "2023年政府信息公开工作年度报告"]),
    ],
)
def test_title_breaks_where_its_meaning_breaks(reports, name, expected):
    data, word, pdf = reports[name]
    lines = [line for line in _lines(pdf, size=22.0) if line.page == 1]
    assert (
        [line.text for line in lines]
        == expected
        == title_lines(f"{data.body}{data.year}年政府信息公开工作年度报告", data.body)
    )
    for line in lines:  # centred in the text block, a trapezoid: the shorter line above
        assert (line.x0 + line.x1) / 2 == pytest.approx((TEXT_LEFT_MM + TEXT_RIGHT_MM) / 2, abs=1)
    assert lines[0].x1 - lines[0].x0 < lines[1].x1 - lines[1].x0
    assert docx.Document(io.BytesIO(word)).paragraphs[0].text == "\n".join(expected)


def test_long_body_names_break_between_their_levels():
    assert title_lines(
        "中国（上海）自由贸易试验区临港新片区管理委员会2023年政府信息公开工作年度报告",
        "中国（上海）自由贸易试验区临港新片区管理委员会",
    ) == [
        "中国（上海）自由贸易试验区",
        "临港新片区管理委员会",
        "2023年政府信息公开工作年度报告",
    ]
    assert title_lines("某局2023年政府信息公开工作年度报告", "某局") == ["某局2023年政府信息公开工作年度报告"]


@pytest.mark.parametrize("name", ["mengzhou", "department"])
def test_table_three_stays_on_one_page_and_no_label_word_is_split(reports, name):
    _, word, pdf = reports[name]
    t3 = docx.Document(io.BytesIO(word)).tables[1]
    designed = {line for row in t3.rows for cell in row.cells for line in cell.text.split("\n") if line}
    designed -= {"商业企业", "科研机构", "社会公益组织", "法律服务机构"}  # they wrap between words by themselves
    cells = [line for line in read_lines(pdf) if line.size < 12]  # table text: one line of one cell each
    t3_words = {"自然人", "商业", "企业", "社会", "公益", "组织", "法律", "服务", "机构"}
    holding = {line.page for line in cells if line.text == "（七）总计"}
    assert len(holding) == 1
    page = holding.pop()
    words = {line.text for line in cells if line.page == page}
    # Every line of every label, as the template broke it, is a whole line of the page: nothing wrapped
    # anywhere else, and every label of table 三 is on this one page, with the section's heading.
    assert {line for line in designed if not line.isdigit()} | t3_words <= words
    heading = normalize(schema.HEADINGS["t3"])
    assert any(normalize(line.text) == heading and line.page == page for line in read_lines(pdf, cells=False))
    assert {"自然人", "（三）", "不予公开", "（四）", "无法提供", "商业", "企业", "5.要求行政机关确认或"} <= words
    assert not words & {"自然", "不予公", "无法提", "开", "供", "人"}


def _signature_block(pdf, body, date):
    lines = _lines(pdf)
    signature = next(line for line in lines if line.text == body)
    dated = next(line for line in lines if line.text == date)
    return signature, dated


def test_signature_and_date_as_gbt9704_sets_them(reports):
    """The date no longer than the signature: signature two characters from the right, the date on the next
    line starting two characters right of the signature's first character."""
    signature, date = _signature_block(reports["department"][2], "示例市交通运输局", "2024年1月25日")
    assert TEXT_RIGHT_MM - signature.x1 == pytest.approx(2 * CHAR_MM, abs=0.4)
    assert date.x0 - signature.x0 == pytest.approx(2 * CHAR_MM, abs=0.4)
    assert date.top - signature.top == pytest.approx(LINE_MM, abs=0.3)


def test_a_date_longer_than_the_signature_moves_the_signature(reports):
    signature, date = _signature_block(reports["short"][2], "某县商务局", "2024年12月25日")
    assert date.x0 - signature.x0 == pytest.approx(2 * CHAR_MM, abs=0.4)
    # The date's digits measured in the face the PDF uses (render.typography.faces): two characters, to 0.4 mm.
    assert TEXT_RIGHT_MM - date.x1 == pytest.approx(2 * CHAR_MM, abs=0.4)
    assert date.top - signature.top == pytest.approx(LINE_MM, abs=0.3)


def test_the_date_is_measured_in_the_face_that_sets_it():
    """FandolFang's digits are half a character as 仿宋_GB2312's; Noto Serif CJK's are wider, so a date set in it
    starts further left. Where fontconfig has neither the face nor a stand-in, the face is taken as named."""
    fang = ("仿宋", "FangSong", FANG, SERIF)
    assert resolved_face("仿宋_GB2312", frozenset({FANG, SERIF})) == FANG
    assert resolved_face("仿宋_GB2312", frozenset({SERIF, *fang[:1]})) == "仿宋"
    assert resolved_face("仿宋_GB2312", frozenset({SERIF})) == SERIF
    assert resolved_face("仿宋_GB2312", frozenset()) == "仿宋_GB2312"
    compressed = {"size": 320.0, "pitch": 315.0}  # 16 pt less 0.25 pt: 28 characters in 156 mm
    official, fandol, noto = (
        set_width("2024年12月25日", Setting(narrow_advances(face), **compressed))
        for face in ("仿宋_GB2312", FANG, SERIF)
    )
    assert official == fandol == pytest.approx(3 + 8 * 155 / 315 + 5 * 0.22 * 320 / 315)
    assert noto - fandol > 0.3  # over 1.6 mm: more than the placement's tolerance


def test_contact_line_is_left_aligned_and_never_splits_a_number(reports):
    lines = _lines(reports["department"][2])
    contact = next(line for line in lines if line.text.startswith("联系方式："))
    assert contact.x0 == pytest.approx(TEXT_LEFT_MM + 2 * CHAR_MM, abs=0.4)  # 居左空二字, as a note (7.3.6)
    assert normalize(contact.text).endswith("电话0000-1234567")
    # A number that would fall across the end of a line moves whole to the next one.
    lines = _lines(reports["short"][2])
    first = next(i for i, line in enumerate(lines) if line.text.startswith("联系方式："))
    contact_lines = [normalize(line.text) for line in lines[first : first + 2]]
    for phone in PHONES:
        assert any(normalize(phone) in line for line in contact_lines), (phone, contact_lines)
    assert normalize(contact_lines[0]).endswith("电话")  # the number moved whole, not 0391- left behind
    # The Word file the PDF is made from, as published: a hyphen inside a number followed by a word joiner
    # (U+2060), a space made a no-break space; no w:noBreakHyphen, which LibreOffice breaks after.
    word = docx.Document(io.BytesIO(reports["short"][1]))
    paragraph = next(p for p in word.paragraphs if p.text.startswith("联系方式："))
    assert "<w:noBreakHyphen/>" not in paragraph._p.xml
    assert "0371\u00a06543219" in paragraph.text and "电话0391-\u206012345678" in paragraph.text


def test_fonts_keep_the_hierarchy(reports):
    lines = read_lines(reports["mengzhou"][2], cells=False)

    def fonts(text):
        return next(line.fonts for line in lines if line.text == text)

    run_in = next(line for line in lines if line.text.startswith("（一）主动公开："))  # one paragraph, two faces

    assert all("Bold" in f for f in fonts("孟州市人民政府"))  # 小标宋's stand-in: heavy
    assert all("Sans" in f for f in fonts("一、总体情况"))  # 黑体
    assert any("Kai" in f for f in run_in.fonts) and any("FandolFang" in f for f in run_in.fonts)  # 楷体, then 仿宋
    body = next(line for line in lines if line.size == 16 and line.text.startswith("本报告根据"))
    assert all(f.startswith("FandolFang") for f in body.fonts)  # a real 仿宋 where 仿宋_GB2312 is missing


@pytest.mark.parametrize("name", ["mengzhou", "department"])
def test_pdf_is_tagged_for_screen_readers(reports, name):
    root = PdfReader(io.BytesIO(reports[name][2])).trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert str(root.get("/Lang", "")).lower().startswith("zh")


def test_word_properties_follow_the_report(reports):
    data, word, _ = reports["department"]
    document = docx.Document(io.BytesIO(word))
    props = document.core_properties
    assert props.title == "示例市交通运输局2023年政府信息公开工作年度报告"
    assert props.subject == "2023年政府信息公开工作年度报告"
    assert props.author == "示例市交通运输局"
    assert props.created.date().isoformat() == props.modified.date().isoformat() == "2024-01-25"  # issue date
    with zipfile.ZipFile(io.BytesIO(word)) as archive:
        app = archive.read("docProps/app.xml").decode("utf-8")
        assert not [n for n in archive.namelist() if "thumbnail" in n]
    assert "<Application>generate-report</Application>" in app
    undated = docx.Document(io.BytesIO(reports["mengzhou"][1])).core_properties
    assert undated.created.date().isoformat() == "2024-01-01"  # no issue date: the day after the period


def test_words_agree_with_headings_and_tables(reports):
    """The preface names the sections as their headings say them; a figure is written as its table writes it."""
    mengzhou = [p.text for p in docx.Document(io.BytesIO(reports["mengzhou"][1])).paragraphs]
    preface = next(p for p in mengzhou if p.startswith("本报告根据"))
    sections = "、".join(h.split("、", 1)[1] for h in schema.HEADINGS.values())
    assert f"包括{sections}六个部分" in preface and "行政复议、行政诉讼情况" in preface
    department = docx.Document(io.BytesIO(reports["department"][1]))
    text = "\n".join(p.text for p in department.paragraphs)
    assert "年度政府信息公开工作年度报告" not in text
    assert "行政许可决定1260件" in text and "1,260" not in text
    table_two = [cell.text for row in department.tables[0].rows for cell in row.cells]
    assert "1260" in table_two
    manifest = (ROOT / "templates" / "default" / "manifest.toml").read_text(encoding="utf-8")
    assert "|thousands" not in manifest  # the standard paragraphs quote figures as the tables print them


def test_only_the_signature_block_is_touched(reports):
    """typeset_body leaves a body without those styles byte for byte, and edits paragraphs in place."""
    with zipfile.ZipFile(io.BytesIO(reports["short"][1])) as archive:
        body = archive.read("word/document.xml")
    plain = re.sub(rb'<w:pStyle w:val="Report(Signature|Date|Contact)"/>', b"", body)
    assert typeset_body(plain) == plain
    assert b"<w:p xmlns" not in body  # the edited paragraphs carry no copies of the root's declarations
    assert typeset_body(body, 32, -5) == body  # already set (三号, -0.25 pt spacing as styles.xml says): the same again


def test_a_signature_without_indent_or_alignment_gets_them_in_schema_order(reports):
    """Word refuses paragraph properties out of ECMA-376's order: w:ind after w:spacing, w:jc before w:rPr."""
    with zipfile.ZipFile(io.BytesIO(reports["short"][1])) as archive:
        body = archive.read("word/document.xml")
    bare = re.sub(rb'(<w:pStyle w:val="Report(?:Signature|Date)"/>)', rb'\1<w:spacing w:before="0"/><w:rPr/>', body)
    bare = re.sub(rb"<w:ind [^>]*/>|<w:jc [^>]*/>", b"", bare)
    for style in (b"ReportSignature", b"ReportDate"):
        paragraph = re.search(rb'<w:pPr><w:pStyle w:val="' + style + rb'"/>.*?</w:pPr>', typeset_body(bare)).group()
        order = re.findall(rb"<w:(\w+)", paragraph)[1:]
        assert order[:5] == [b"pStyle", b"spacing", b"ind", b"jc", b"rPr"], order
        assert b'w:left="' in paragraph and b'w:firstLine="0"' in paragraph and b'<w:jc w:val="left"/>' in paragraph
