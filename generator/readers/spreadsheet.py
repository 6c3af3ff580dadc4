"""openpyxl, imported without numpy: openpyxl loads numpy only to recognise numpy's number types, which this
tool never hands it, and numpy's import costs more than reading a workbook. A later `import numpy` (pandas, for
aggregate and diff) still works: the block is lifted as soon as openpyxl is in."""

from __future__ import annotations

import sys
from types import ModuleType


def openpyxl() -> ModuleType:
    if "openpyxl" not in sys.modules and "numpy" not in sys.modules:
        sys.modules["numpy"] = None  # type: ignore[assignment]  # makes `import numpy` fail inside openpyxl
        try:
            import openpyxl as module
        finally:
            del sys.modules["numpy"]
        return module
    import openpyxl as module

    return module
