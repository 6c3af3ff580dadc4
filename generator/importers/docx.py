"""Lines of a .docx report (python-docx): body paragraphs in order, each table row as its cells joined by tabs.

A merged cell is read once, as on a web page: the cells a vertical merge continues into are skipped, a
horizontal merge is one cell already.
"""

from __future__ import annotations

import contextlib
import zipfile
from pathlib import Path
from typing import Any

from generator.exceptions import InputError, damage_reason
from generator.format.archive import ArchiveProblem, check_sizes
from generator.importers.base import Line


def _local(tag: Any) -> str:
    return str(tag).rsplit("}", 1)[-1]


def _paragraph_text(element: Any) -> str:
    from docx.text.paragraph import Paragraph

    parent: Any = None  # the text needs no parent part
    return str(Paragraph(element, parent).text)


def _continues_merge(tc: Any) -> bool:
    tc_pr = tc.tcPr
    merge = tc_pr.vMerge if tc_pr is not None else None
    return merge is not None and merge.val != "restart"


def _cell_text(tc: Any) -> str:
    texts = [_paragraph_text(p) for p in tc.iterchildren() if _local(p.tag) == "p"]
    return " ".join(" ".join(t.split()) for t in texts if t.strip())


class _Reader:
    def __init__(self) -> None:
        self.lines: list[Line] = []
        self.paragraphs = 0
        self.tables = 0

    def block(self, element: Any) -> None:
        tag = _local(element.tag)
        if tag == "p":
            self.paragraphs += 1
            for part in _paragraph_text(element).replace("\t", " ").split("\n"):
                if part.strip():
                    self.lines.append(Line(part, f"Word 第 {self.paragraphs} 段"))
        elif tag == "tbl":
            self.table(element)
        elif tag in ("sdt", "sdtContent", "customXml"):  # content controls wrap ordinary blocks
            for child in element.iterchildren():
                self.block(child)

    def table(self, tbl: Any) -> None:
        self.tables += 1
        for r, tr in enumerate(tbl.tr_lst, 1):
            cells = [_cell_text(tc) for tc in tr.tc_lst if not _continues_merge(tc)]
            if any(cells):
                self.lines.append(Line("\t".join(cells), f"Word 第 {self.tables} 个表格第 {r} 行"))


def read_docx(path: Path) -> list[Line]:
    from docx import Document
    from docx.opc.exceptions import PackageNotFoundError

    try:
        with contextlib.suppress(zipfile.BadZipFile), zipfile.ZipFile(path) as archive:  # python-docx names those
            check_sizes(archive)  # a zip bomb is refused before python-docx inflates it
        document = Document(str(path))
    except ArchiveProblem as err:
        raise InputError(f"{path.name}：{err}，不像是一份年度报告，已拒绝。") from err
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as err:
        raise InputError(f"{path.name}：不是有效的 Word 文档（.docx），无法打开（{damage_reason(err)}）。") from err
    reader = _Reader()
    for element in document.element.body.iterchildren():
        reader.block(element)
    return reader.lines
