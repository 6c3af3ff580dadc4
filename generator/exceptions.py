"""Errors meaning "cannot run": unreadable input, broken template, unwritable output.

Findings about the figures are not exceptions; they are data (see findings.py).
Every message is Chinese and names the file (and sheet, cell, line or key) at fault.
"""

from __future__ import annotations

import errno
import sys


class GenerateReportError(Exception):
    """Base class: the command line prints the message on one line and exits 3."""


class InputError(GenerateReportError):
    """The data file cannot be read at all (missing, not a workbook, missing sheet, unknown key)."""


class TemplateError(GenerateReportError):
    """A template is missing, has a syntax error, uses an unknown name or tries to escape the sandbox."""


class OutputError(GenerateReportError):
    """A report cannot be written to the chosen folder."""


class InvalidDataError(GenerateReportError):
    """The data fails validation and rendering was not forced: the report is not produced (exit 1, not 3)."""

    def __init__(self, report: object) -> None:
        self.report = report
        super().__init__(
            "数据未通过校验，未生成报告：请先改正错误（或用 --force 强制生成，报告首行将注明未通过校验）。"
        )


# What the operating system said, in the words a clerk reads ("没有权限", not "Permission denied").
OS_REASONS = {
    "EACCES": "没有权限",
    "EPERM": "没有权限",
    "ENOSPC": "磁盘空间已满",
    "EDQUOT": "超出磁盘配额",
    "EROFS": "磁盘或文件夹是只读的",
    "ENOENT": "找不到该文件或文件夹",
    "ENOTDIR": "路径中有一项不是文件夹",
    "EISDIR": "这是一个文件夹，不是文件",
    "EEXIST": "已有同名的文件或文件夹",
    "ENAMETOOLONG": "文件名太长",
    "EBUSY": "文件正被其他程序占用",
    "ETXTBSY": "文件正被其他程序占用",
    "EMFILE": "打开的文件太多",
    "EIO": "读写设备出错",
    "EBADF": "输出已关闭",
    "EPIPE": "输出已关闭",
    "EINVAL": "文件名或路径不合法",
    "ELOOP": "符号链接层数太多（可能循环指向自身）",
    "EFBIG": "文件太大",
    "EXDEV": "不能跨磁盘移动文件",
    "ECONNREFUSED": "对方拒绝连接",
    "ECONNRESET": "连接被对方断开",
    "ECONNABORTED": "连接被中止",
    "ETIMEDOUT": "连接超时",
    "EHOSTUNREACH": "无法到达该网站的服务器",
    "ENETUNREACH": "网络不通",
}


def os_reason(err: OSError) -> str:
    """The operating system's reason for `err` in Chinese; the original wording when the error is unusual."""
    name = errno.errorcode.get(err.errno or -1, "")
    if getattr(err, "winerror", None) in (32, 33):  # ERROR_SHARING_VIOLATION, ERROR_LOCK_VIOLATION
        name = "EBUSY"
    return OS_REASONS.get(name) or str(err.strerror or err)


def pip_install(requirements: str) -> str:
    """The command that installs `requirements` here: Windows' Python is started as `py`, elsewhere `python3`."""
    return f"{'py' if sys.platform == 'win32' else 'python3'} -m pip install {requirements}"


# Why a file would not open, in a clerk's words: what a library raised is named by its kind of damage, never by
# its class ("BadZipFile") — these messages reach other units in the audit's notice.
DAMAGE_REASONS = {
    "BadZipFile": "文件已损坏或不完整",
    "PackageNotFoundError": "文件已损坏或不完整",  # python-docx: not a zip, or no document in it
    "KeyError": "缺少必需的组成部分",
    "EOFError": "文件不完整，可能没有下载或复制完",
    "error": "压缩的数据已损坏",  # zlib.error
    "NotImplementedError": "使用了不支持的压缩方式",
}


def damage_reason(err: BaseException) -> str:
    """Why a file is damaged, in Chinese, for "无法打开（…）"."""
    return DAMAGE_REASONS.get(type(err).__name__, "内容已损坏")
