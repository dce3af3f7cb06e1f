from pkg.a import thing

print(thing())
