from pkg.api import Model

print(Model)
