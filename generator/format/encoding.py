"""Decoding the bytes of a text file the way Chinese offices save them: UTF-8 (BOM or not), UTF-16, GBK/GB18030."""

from __future__ import annotations

import codecs

from generator.exceptions import InputError


def decode_text(data: bytes, name: str, advice: str, declared: str | None = None) -> str:
    """UTF-16 by its BOM, else UTF-8 (strict, so GBK bytes fail it; a BOM is dropped), else the charset the file
    declares (a web page's <meta charset>), else GB18030 (a superset of GBK and GB2312).

    `advice` ends the error message: what to save the file as ("请另存为 UTF-8 或 GBK 编码的 CSV").
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as err:
            raise InputError(f"{name}：无法识别文件编码，{advice}。") from err
    candidates = ["utf-8-sig"]
    if declared:
        candidates.append("gb18030" if declared.lower().replace("-", "") in ("gb2312", "gbk") else declared)
    candidates.append("gb18030")
    for encoding in candidates:
        try:
            return data.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    raise InputError(f"{name}：无法识别文件编码，{advice}。")
