class Circle:
    """A circle."""


def area(radius: float) -> float:
    return 3.14159 * radius * radius


class Square:
    """A square."""
