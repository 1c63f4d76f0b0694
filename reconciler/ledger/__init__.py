"""The audit ledger on disk: an append-only, hash-chained JSON Lines file (DESIGN.md §8).

Records, hashing and chain verification are pure and live in `reconciler.core.ledger_records`
and `reconciler.core.ledger_verify`; this package adds the file, the lock, the actor and the clock.
"""

from reconciler.ledger.ledger import (
    DEFAULT_DIR,
    DEFAULT_NAME,
    Ledger,
    LedgerSink,
    NullLedger,
    current_trace_id,
    default_ledger_path,
)
from reconciler.ledger.reading import RecordFilter, records, verify_file

__all__ = [
    "DEFAULT_DIR",
    "DEFAULT_NAME",
    "Ledger",
    "LedgerSink",
    "NullLedger",
    "RecordFilter",
    "current_trace_id",
    "default_ledger_path",
    "records",
    "verify_file",
]
