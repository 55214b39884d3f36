"""Issue 15 §7's upload-bomb limits, measured: `python -m bench.spreadsheets`.

For each kind of worst file that app/spreadsheets.py still ACCEPTS (just under one of its limits),
built by this process, a fresh Python process reads it the way an upload is read (`read_xlsx`: the zip checks, then
openpyxl) and reports the peak growth of its resident memory over the moment before. Target: under
100 MB each. A file over any limit is refused before openpyxl starts, so it costs less than these.

The peak is the process's VmHWM after resetting it (`echo 5 > /proc/self/clear_refs`), as in
bench/toolkit.py; where the reset is not allowed, a 2 ms sampler of VmRSS is used instead.
Writes bench/results/spreadsheets.json and .md.
"""

from __future__ import annotations

import io
import json
import random
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
TARGET_MB = 100
MARGIN = 64 * 1024  # how far under each limit the files stay
SST = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
SHEET_START = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
SHEET_END = b"</sheetData></worksheet>"


def _base_workbook() -> dict[str, bytes]:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["Name", "Number"])
    out = io.BytesIO()
    book.save(out)
    with zipfile.ZipFile(out) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


SST_TYPE = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"


def _set_shared_strings(members: dict[str, bytes], data: bytes) -> None:
    """Give the workbook a shared-strings part that openpyxl reads (listed in [Content_Types].xml)."""
    members["xl/sharedStrings.xml"] = data
    override = b'<Override PartName="/xl/sharedStrings.xml" ContentType="%s" /></Types>' % SST_TYPE
    members["[Content_Types].xml"] = members["[Content_Types].xml"].replace(b"</Types>", override)


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def _room(members: dict[str, bytes], replaced: str) -> int:
    from app.spreadsheets import MAX_UNZIPPED_BYTES

    others = sum(len(data) for name, data in members.items() if name != replaced)
    return MAX_UNZIPPED_BYTES - others - MARGIN


def _shared_strings(item) -> bytes:
    """Shared strings `item(n)` for n = 0, 1, … up to the number or the total allowed."""
    from app.spreadsheets import MAX_SHARED_STRINGS

    members = _base_workbook()
    room = _room(members, "xl/sharedStrings.xml")
    parts, size, n = [SST], len(SST) + 6, 0
    while size < room - 64 and n < MAX_SHARED_STRINGS:
        parts.append(item(n))
        size += len(parts[-1])
        n += 1
    parts.append(b"</sst>")
    _set_shared_strings(members, b"".join(parts))
    return _zip(members)


def many_shared_strings() -> bytes:
    """Distinct texts, as short as they can be: the most Python objects per byte."""
    return _shared_strings(lambda n: b"<si><t>%x</t></si>" % n)


def empty_shared_strings() -> bytes:
    """Empty strings: the most entries per byte (random white space between them keeps the ratio
    under the limit)."""
    rng = random.Random(15)
    return _shared_strings(lambda n: b"<si/>" + rng.choice(b" \t\r\n").to_bytes(1, "big"))


def one_huge_string() -> bytes:
    """One shared string as long as the total allows, at a compression ratio just under the limit."""
    from app.spreadsheets import MAX_COMPRESSION_RATIO

    members = _base_workbook()
    room = _room(members, "xl/sharedStrings.xml") - 200
    rng = random.Random(15)
    # Runs of one letter with a random byte between them: the run length sets the ratio.
    run = MAX_COMPRESSION_RATIO * 9 // 2
    text = bytearray()
    while len(text) < room:
        text += bytes([rng.randrange(97, 123)]) * run + bytes([rng.randrange(65, 91)])
    _set_shared_strings(members, SST + b"<si><t>" + bytes(text[:room]) + b"</t></si></sst>")
    return _zip(members)


def _cells(cell) -> bytes:
    """A sheet of cells `cell(n)` filling the total (rows of 500 cells, so the row cap does not stop it)."""
    members = _base_workbook()
    room = _room(members, "xl/worksheets/sheet1.xml")
    parts, size, row = [SHEET_START], len(SHEET_START) + len(SHEET_END), 1
    while True:
        item = b"<row>%s</row>" % b"".join(cell(row * 1000 + col) for col in range(500))
        if size + len(item) > room:
            break
        parts.append(item)
        size += len(item)
        row += 1
    parts.append(SHEET_END)
    members["xl/worksheets/sheet1.xml"] = b"".join(parts)
    return _zip(members)


def many_cells() -> bytes:
    """Distinct numbers, as short as a cell can hold them."""
    return _cells(lambda n: b"<c><v>%d</v></c>" % n)


def empty_cells() -> bytes:
    """Empty cells: the most cells per byte (random white space keeps the ratio under the limit)."""
    rng = random.Random(15)
    return _cells(lambda n: b"<c/>" + rng.choice(b" \t\r\n").to_bytes(1, "big"))


def many_members() -> bytes:
    """As many parts as allowed, each of them tiny."""
    from app.spreadsheets import MAX_ZIP_MEMBERS

    members = _base_workbook()
    for index in range(MAX_ZIP_MEMBERS - len(members)):
        members[f"xl/media/part{index}.xml"] = b"<x/>"
    return _zip(members)


FILES = {
    "distinct shared strings": many_shared_strings,
    "empty shared strings": empty_shared_strings,
    "one huge shared string": one_huge_string,
    "distinct numbers in cells": many_cells,
    "empty cells": empty_cells,
    "most parts": many_members,
}


def _status(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    raise KeyError(field)


def measure(kind: str, path: Path) -> dict:
    """In this fresh process: read the file built by the parent as an upload is read, and report the
    peak RSS growth over the moment before (the upload's bytes already in memory, as in a worker)."""
    import gc

    from app.spreadsheets import MAX_UNZIPPED_BYTES, check_zip, read_xlsx

    content = path.read_bytes()
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        infos = archive.infolist()
        unzipped = sum(i.file_size for i in infos)
        ratio = max(i.file_size / max(i.compress_size, 1) for i in infos)
        parts = len(infos)
    assert unzipped <= MAX_UNZIPPED_BYTES
    check_zip(content)  # accepted: this is the worst file that is still read
    gc.collect()
    before = _status("VmRSS")
    peak = [before]
    try:
        Path("/proc/self/clear_refs").write_text("5")
        sampler = None
    except OSError:
        done = threading.Event()

        def sample():
            while not done.is_set():
                peak[0] = max(peak[0], _status("VmRSS"))
                time.sleep(0.002)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
    started, cpu = time.perf_counter(), time.process_time()
    rows = read_xlsx(content, 5051)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    if sampler is None:
        peak[0] = _status("VmHWM")
    else:
        done.set()
        sampler.join()
    growth = (peak[0] - before) / 1024 / 1024
    return {
        "file": kind,
        "upload_kb": round(len(content) / 1024),
        "unzipped_mb": round(unzipped / 1024 / 1024, 1),
        "parts": parts,
        "max_ratio": round(ratio),
        "rows": len(rows),
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu, 2),
        "peak_growth_mb": round(growth, 1),
        "ok": growth < TARGET_MB,
    }


def markdown(results: list[dict]) -> list[str]:
    from app.spreadsheets import MAX_COMPRESSION_RATIO, MAX_UNZIPPED_BYTES, MAX_ZIP_MEMBERS

    lines = [
        f"Limits: {MAX_UNZIPPED_BYTES // 1024 // 1024} MB unzipped in all, {MAX_ZIP_MEMBERS} parts, "
        f"{MAX_COMPRESSION_RATIO}× per part. Target: peak RSS growth < {TARGET_MB} MB while the worst accepted file "
        "is read.",
        "",
        "| worst accepted file | upload | unzipped | parts | ratio | rows read | time (CPU) | peak RSS growth |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        verdict = "met" if r["ok"] else "NOT met"
        lines.append(
            f"| {r['file']} | {r['upload_kb']:,} KB | {r['unzipped_mb']} MB | {r['parts']} | {r['max_ratio']}× | "
            f"{r['rows']:,} | {r['seconds']} s ({r['cpu_seconds']} s) | {r['peak_growth_mb']} MB ({verdict}) |"
        )
    return lines


def main() -> int:
    if len(sys.argv) == 4 and sys.argv[1] == "--one":
        print(json.dumps(measure(sys.argv[2], Path(sys.argv[3]))))
        return 0
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-spreadsheets-") as folder:
        for kind, build in FILES.items():
            print(f"== {kind}", file=sys.stderr)
            path = Path(folder) / "upload.xlsx"
            path.write_bytes(build())
            child = subprocess.run(
                [sys.executable, "-m", "bench.spreadsheets", "--one", kind, str(path)],
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=True,
            )
            results.append(json.loads(child.stdout.strip().splitlines()[-1]))
    text = "\n".join(markdown(results))
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "spreadsheets.json").write_text(json.dumps(results, indent=2))
    (RESULTS / "spreadsheets.md").write_text(text + "\n")
    print(text)
    return 0 if all(r["ok"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
