"""Money helpers: Decimal yuan in the database, integer fen in bulk frames."""

from decimal import ROUND_HALF_UP, Decimal

FEN_PER_YUAN = 100
CENT = Decimal("0.01")


def yuan_to_fen(amount: Decimal) -> int:
    """Convert yuan to whole fen, rounding half away from zero as banks do."""
    return int((amount * FEN_PER_YUAN).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def fen_to_yuan(fen: int) -> Decimal:
    return (Decimal(fen) / FEN_PER_YUAN).quantize(CENT)
