"""The rollback journal's pages as ints (src/pager.c: writeJournalHdr, readJournalHdr,
pagerAddPageToRollbackJournal, pager_playback_one_page).

A transaction changes one page, so its journal is a header (page 0) and at most one record
(page 1).  The header holds the magic, nRec, the random checksum initializer (cksumInit) and
the database's original size in pages; the record holds a page number, the page's original
content and a checksum seeded with cksumInit.  Here cksumInit is the transaction's value (each
put's value is unique), so a record is valid only under the header it was written with, as
the checksum makes it.  0 is a zeroed page: a header with no magic (not hot, and playback
stops), a record with page number 0 (playback stops).

  header = 1 + nRec + 2 * (orig + (pages + 1) * (nonce - 1))
  record = 1 + key + keys * (data + (writes + 1) * (nonce - 1))
"""
from __future__ import annotations

from dataclasses import dataclass

from ...lang.expr import Expr, ExprLike, lift


@dataclass(frozen=True)
class JournalFormat:
    """The encoding for a configuration's keys, writes and pages."""
    keys: int
    writes: int
    pages: int

    @property
    def largest(self) -> int:
        """The largest int either page holds."""
        header = 2 + 2 * (self.pages + (self.pages + 1) * (self.writes - 1))
        record = self.keys * (1 + self.writes) * self.writes
        return max(header, record)

    def header(self, nrec: ExprLike, orig: ExprLike, nonce: ExprLike) -> Expr:
        return 1 + lift(nrec) + 2 * (lift(orig) + (self.pages + 1) * (lift(nonce) - 1))

    def header_fields(self, c: Expr) -> tuple[Expr, Expr, Expr]:
        """(nRec, original size, nonce) of a nonzero header.  One period of the encoding is
        added so that a zero page decodes without a negative dividend (the engines encode
        // and % for non-negative ones only)."""
        x = c - 1 + 2 * (self.pages + 1)
        return x % 2, (x // 2) % (self.pages + 1), x // (2 * (self.pages + 1))

    def record(self, key: ExprLike, data: ExprLike, nonce: ExprLike) -> Expr:
        return 1 + lift(key) + self.keys * (lift(data) + (self.writes + 1) * (lift(nonce) - 1))

    def record_fields(self, c: Expr) -> tuple[Expr, Expr, Expr]:
        """(page number, original content, nonce) of a nonzero record (one period added, as
        for a header)."""
        period = self.keys * (self.writes + 1)
        x = c - 1 + period
        return x % self.keys, (x // self.keys) % (self.writes + 1), x // period
