import geo
import geo.units.metric


def kilometers(meters: float) -> float:
    return meters / geo.units.metric.KILOMETER


def version() -> str:
    return geo.VERSION
