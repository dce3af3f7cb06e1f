from app import loader, report


def run() -> float:
    assert loader.loaded()
    return report.kilometers(2500.0)
