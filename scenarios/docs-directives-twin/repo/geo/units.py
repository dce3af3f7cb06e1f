METRE = 1.0


def to_feet(metres: float) -> float:
    return metres * 3.28084
