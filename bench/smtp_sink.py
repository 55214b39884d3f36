"""A local SMTP sink for the bulk-mail benchmark: accepts and counts every message, keeps the first
one (so the bare-smtplib baseline can send exactly the same message), and runs until killed.

python -m bench.smtp_sink PORT SAMPLE_FILE
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, sample: Path) -> None:
        self.sample = sample
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        if self.count == 0:
            self.sample.write_bytes(envelope.original_content or envelope.content)
        self.count += 1
        return "250 Message accepted for delivery"


def main() -> None:
    port, sample = int(sys.argv[1]), Path(sys.argv[2])
    controller = Controller(Sink(sample), hostname="127.0.0.1", port=port)
    controller.start()
    print("ready", flush=True)
    try:
        while True:
            time.sleep(3600)
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
