from pkg.api import old_name

print(old_name())
