"""openpyxl, imported without numpy and Pillow: openpyxl loads numpy only to recognise numpy's number types, which
this tool never hands it, and Pillow only for pictures in a workbook, which the streaming reader skips; their imports
cost more than reading a workbook. A later `import numpy` (pandas, for aggregate and diff) or `import PIL` still
works: the block is lifted as soon as openpyxl is in."""

from __future__ import annotations

import sys
from types import ModuleType

NOT_NEEDED = ("numpy", "PIL")


def openpyxl() -> ModuleType:
    if "openpyxl" not in sys.modules:
        blocked = [name for name in NOT_NEEDED if name not in sys.modules]
        for name in blocked:
            sys.modules[name] = None  # type: ignore[assignment]  # makes `import numpy` fail inside openpyxl
        try:
            import openpyxl as module
        finally:
            for name in blocked:
                del sys.modules[name]
        return module
    import openpyxl as module

    return module
