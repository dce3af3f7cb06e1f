from shop import registry


@registry.register
class CsvExporter:
    suffix = ".csv"
