"""What a prose line is: a heading, page furniture or narrative.

Shared by the budget walker's prose and the target forms' project sections,
which mark their lines the same way.
"""

from __future__ import annotations

import re

from . import vocabulary
from .records import BOILERPLATE, NARRATIVE, TITLE

# Words a short heading ends with (一、项目概述, 三、项目实施依据, 年度预算安排 …).
_HEADING_END = (
    "说明",
    "概述",
    "职能",
    "设置",
    "解释",
    "依据",
    "主体",
    "方案",
    "周期",
    "安排",
    "绩效目标",
    "情况",
    "预算",
)


def prose_kind(key: str) -> str:
    """TITLE for a short heading line, BOILERPLATE for page furniture, else NARRATIVE."""
    if not key.strip("…. ·") or key.startswith("[bookmark"):
        return BOILERPLATE
    if (
        len(key) <= 40
        and not re.search(r"[。；;，,]", key)
        and (vocabulary.HEADING_ORDINAL.match(key) or key.endswith(_HEADING_END))
    ):
        return TITLE
    return NARRATIVE
