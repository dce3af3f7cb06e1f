def add_raw(a: int, b: int) -> int:
    return a + b


def mul_raw(a: int, b: int) -> int:
    return a * b


def sub_raw(a: int, b: int) -> int:
    return a - b
