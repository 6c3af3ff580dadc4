"""`new-template`: copy a template set for another city or department, with a Chinese guide generated from the schema."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from generator.checks.quotes import META_NAMES
from generator.exceptions import OutputError
from generator.format import schema
from generator.format.filters import FILTER_HELP, FILTERS
from generator.jinja.names import CONTEXT_NAMES
from generator.jinja.sets import DOCX_TEMPLATE, HTML_TEMPLATE, MANIFEST, STYLE_SHEET, find_template_set

GUIDE = "模板说明.md"


def _rows(pairs: list[tuple[str, str]]) -> str:
    return "\n".join(f"| `{{{{ {name} }}}}` | {text} |" for name, text in pairs)


def guide_text(name: str, source: str, folder: Path) -> str:
    """The set's README: files, how to edit in Word, every variable and filter (from the schema and the code)."""
    fields = {f.key for f in schema.META_FIELDS}
    meta = [(f.key, f.label) for f in schema.META_FIELDS] + [(k, v) for k, v in META_NAMES.items() if k not in fields]
    figures = [(f.key, f"{f.label}（{f.kind.label}）") for f in schema.figures().values()]
    narrative = [
        (f.key, f"{f.label}：段落列表，用 {{%p for para in {f.key} %}} … {{%p endfor %}} 逐段输出")
        for f in schema.NARRATIVE_FIELDS
    ]
    others = list(CONTEXT_NAMES.items())
    filters = "\n".join(f"| `{key}` | {FILTER_HELP[key]} |" for key in FILTERS)
    return f"""# 模板“{name}”

本文件夹是 generate-report 的一套报告模板，由 `generate-report new-template {name} --from {source}` 生成。

## 文件

| 文件 | 用途 |
|---|---|
| `{DOCX_TEMPLATE}` | 报告的文字和结构：用 Word 或 WPS 打开编辑，另存时仍选 .docx。Word、网页、PDF 三种报告都由它生成 |
| `{HTML_TEMPLATE}` | 网页外框（Jinja2 语法）：网页标题、样式、草稿提示、跳转链接；正文由 `{DOCX_TEMPLATE}` 生成，一般不用改 |
| `{STYLE_SHEET}` | 网页样式，会内嵌进生成的网页；Word 中每个段落样式对应一个 CSS 类（如“Report Signature”对应 `.report-signature`） |
| `{MANIFEST}` | 名称、说明、机关类型；以及数据中某部分正文未填写时使用的“标准表述” |

只保留需要修改的文件即可：删掉的文件会自动使用内置的 default 模板。

## 检查与预览

    generate-report check-template {folder}
    generate-report 数据.xlsx --template {folder} -o 预览

`check-template` 列出每个问题所在的文件和位置（Word 的第几段、第几个表格第几行第几格；网页模板的第几行），
有问题时退出码为 1。生成报告前也会自动做同样的检查：模板有错就不生成任何文件。

## 在 Word 中编辑而不破坏标签

- `{{{{ … }}}}` 输出一个值，`{{%p if … %}}`、`{{%p for … %}}` 控制整段的显示与重复，必须单独占一段。
- 修改标签时，先删除整个标签，再一次性重新输入；不要只改其中几个字母，也不要给标签的一部分设置不同格式：
  Word 可能把标签拆到几段格式中（`check-template` 会提示“被 Word 拆分”）。
- 表格中按行重复必须写成 `{{%tr for … %}}` … `{{%tr endfor %}}`。
- 标签之外的文字（前言、落款、固定说明）可以随意修改、增删；也可以新加段落，并在其中引用数字，
  如 `本年度新收申请{{{{ t3.new_received.total }}}}件`。
- 在 Word 中做的修改同时出现在 Word、网页和 PDF 报告中：网页正文就是由生成的 Word 报告转换而来的。
  标题样式对应网页的各级标题（标题 1 为“一、”级，标题 2 为“（一）”级，标题 3 为下一级），项目符号和编号
  成为网页列表，加粗、换行照样保留；图片（如单位标志）嵌入网页，请在 Word 中右键图片“编辑替代文字”，
  读屏软件靠它说明图片内容。文本框、公式、图表、脚注、页眉页脚中的文字无法搬到网页上，
  `check-template` 会逐段指出（提示不影响生成）。
- 模板在沙箱中运行：只能使用下列变量和过滤器，不能调用程序内部的属性（如 `__class__`）。

## 正文中引用数字

数据的“正文”里可以直接引用数字，只写一次：`全年共受理申请{{{{ t3.new_received.total }}}}件`。
`{MANIFEST}` 的 `[standard_paragraphs]` 中的标准表述也用同样的写法。

## 可用的变量

### 基本信息

| 变量 | 含义 |
|---|---|
{_rows(meta)}

### 统计数字（{len(figures)} 个）

| 变量 | 含义 |
|---|---|
{_rows(figures)}

### 正文

| 变量 | 含义 |
|---|---|
{_rows(narrative)}

### 其他

| 变量 | 含义 |
|---|---|
{_rows(others)}

## 过滤器

写法：`{{{{ t2.art20_5.licensing.decisions|thousands }}}}`。

| 过滤器 | 作用 |
|---|---|
{filters}
"""


def name_problem(name: str) -> str | None:
    """Why `name` cannot name a template set (it becomes a folder name), or None."""
    if re.fullmatch(r"[\w\-]+", name):
        return None
    return f"模板名“{name}”只能包含字母、数字、汉字、下划线和连字符。"


def new_template(name: str, source: str | None = None, dest: Path | None = None, overwrite: bool = False) -> Path:
    """Copy the set `source` (default: default) to `dest` (default: ./templates/NAME) and write its guide;
    a folder that is not empty is written into only with `overwrite`."""
    if problem := name_problem(name):
        raise OutputError(problem)
    origin = find_template_set(source)
    dest = dest or Path("templates") / name
    if dest.exists() and any(dest.iterdir()) and not overwrite:
        raise OutputError(
            f"文件夹 {dest} 已存在且不为空：请换一个名称、用 -o 指定新文件夹，或加 --overwrite 覆盖其中的模板文件。"
        )
    dest.mkdir(parents=True, exist_ok=True)
    for file in (DOCX_TEMPLATE, HTML_TEMPLATE, STYLE_SHEET, MANIFEST):
        shutil.copyfile(origin.file(file), dest / file)
    manifest = dest / MANIFEST
    text = manifest.read_text(encoding="utf-8")
    text = re.sub(r'(?m)^name = ".*"$', f'name = "{name}"', text)
    text = re.sub(r'(?m)^display_name = ".*"$', f'display_name = "{name}"', text)
    manifest.write_text(text, encoding="utf-8")
    (dest / GUIDE).write_text(guide_text(name, origin.name, dest), encoding="utf-8")
    return dest
