"""`make lint`: no function in app/ over 60 lines or with cyclomatic complexity over 15 (radon).

Issue 14 set the limits. An exception must be listed here with its reason and in docs/decisions.md.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

from radon.complexity import cc_visit

MAX_LINES = 60
MAX_COMPLEXITY = 15
ROOT = Path(__file__).resolve().parents[1]
# "path:function": why it may stay over a limit (also in docs/decisions.md).
EXCEPTIONS: dict[str, str] = {}


def problems(root: Path = ROOT / "app") -> list[str]:
    found = []
    for path in sorted(root.rglob("*.py")):
        source = path.read_text()
        where = path.relative_to(ROOT)
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = node.end_lineno - node.lineno + 1
                if lines > MAX_LINES and f"{where}:{node.name}" not in EXCEPTIONS:
                    found.append(f"{where}:{node.lineno} {node.name} is {lines} lines (limit {MAX_LINES})")
        for block in cc_visit(source):
            name = getattr(block, "fullname", block.name)
            if block.complexity > MAX_COMPLEXITY and f"{where}:{block.name}" not in EXCEPTIONS:
                found.append(
                    f"{where}:{block.lineno} {name} has complexity {block.complexity} (limit {MAX_COMPLEXITY})"
                )
    return found


if __name__ == "__main__":
    found = problems()
    for line in found:
        print(line)
    if found:
        print(f"{len(found)} function(s) over the limits: split them, or list a justified exception.", file=sys.stderr)
        sys.exit(1)
    print(f"complexity: every function in app/ is within {MAX_LINES} lines and complexity {MAX_COMPLEXITY}")
