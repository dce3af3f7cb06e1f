from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")
__all__ = ["CsvExporter"]


@dataclass(frozen=True)
class CsvExporter:
    suffix: str = ".csv"


if __name__ == "__main__":
    print(CsvExporter())
