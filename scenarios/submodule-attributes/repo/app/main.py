from app import loader, report


def run() -> float:
    assert loader.loaded()
    assert round(report.miles(1609.344)) == 1
    return report.kilometers(2500.0)
