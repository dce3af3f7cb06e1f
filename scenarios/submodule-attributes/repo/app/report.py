import geo


def kilometers(meters: float) -> float:
    return meters / geo.units.metric.KILOMETER


def miles(meters: float) -> float:
    return meters / geo.units.imperial.MILE
