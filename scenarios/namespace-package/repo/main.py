from acme.tools.fmt import Formatter

print(Formatter().format("  ok  "))
