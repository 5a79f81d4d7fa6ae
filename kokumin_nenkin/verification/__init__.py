"""Two-person verification (二重確認): the one mechanism every workflow uses.

A form is taken in as a pending `Entry` (with its 受付番号). It does nothing until a different
staff member with the verify permission re-keys its key fields blind and approves it; the
approval applies the change in one transaction, refusing if the record changed since intake.
Each workflow registers a kind (`registry.EntryKind`): how to validate, apply and show it.
"""
