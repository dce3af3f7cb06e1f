from pkg.api import Model, Trainer, native_join

print(Model, Trainer, native_join("a", "b"))
