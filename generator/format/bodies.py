"""A body's name as compared across years: the same body printed under another spelling pairs with itself.

Reports name one body several ways: with or without the higher regions ("淮安市洪泽区人民政府" / "洪泽区人民政府"),
as the government or its office that publishes the report ("某某县人民政府办公室"), in full- or half-width.
The key drops what varies and keeps what tells bodies apart.
"""

from __future__ import annotations

import re

from generator.format.cells import normalise_text
from generator.format.patterns import when_used

# A higher region printed before the body's own region: a province, an autonomous region, a city, a prefecture
# or league. It is dropped only when another place name follows, so that "孟州市人民政府" stays whole.
HIGHER_REGION = when_used(r"^[\u4e00-\u9fff]{2,8}?(?:省|自治区|市|自治州|州|地区|盟)(?=[\u4e00-\u9fff]{2,})")
PLACE = when_used(r"^[\u4e00-\u9fff]{1,10}?(?:市|区|县|旗|镇|乡|街道|自治县|实验区|新区|开发区)")
# The office of a government publishes the government's report: the two are one body here.
OFFICE = re.compile(r"(人民政府)办公(?:室|厅)$")


def body_key(name: str) -> str:
    """The name as compared across years: normalised widths and spaces, higher regions and a government office's
    "办公室" dropped ("淮安市洪泽区人民政府办公室" -> "洪泽区人民政府")."""
    key = OFFICE.sub(r"\1", normalise_text(name))
    while (higher := HIGHER_REGION().match(key)) and PLACE().match(key[higher.end() :]):
        key = key[higher.end() :]
    return key


def same_body(first: str, second: str) -> bool:
    """True unless both names are given and name different bodies."""
    return not (first and second) or body_key(first) == body_key(second)


def region(name: str) -> str:
    """The body's own region, the place its name begins with once higher regions are dropped
    ("淮安市洪泽区人民政府" -> "洪泽区", "孟州市人民政府" -> "孟州市"); "" when the name begins with none."""
    found = PLACE().match(body_key(name))
    return found.group() if found else ""
