from tooling.csvplugin import CsvPlugin
