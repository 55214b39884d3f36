"""Exit 0 when the PostgreSQL URL given answers within 3 seconds, 1 otherwise."""

import sys

import psycopg

url = sys.argv[1].replace("postgresql+psycopg://", "postgresql://")
try:
    psycopg.connect(url, connect_timeout=3).close()
except psycopg.Error as exc:
    print(f"PostgreSQL not reachable: {exc}".strip(), file=sys.stderr)
    sys.exit(1)
