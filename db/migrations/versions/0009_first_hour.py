"""what the first hour needs: agreement subjects in the full-text index, publication date kinds (issue 20).

A placeholder until the branch that owns it fills it in: the chain stays linear while branches work.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
