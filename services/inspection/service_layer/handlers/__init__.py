"""One short function per command, grouped by use case: load, call the domain, commit. Events leave
through the outbox (the unit of work writes them in the same transaction)."""
