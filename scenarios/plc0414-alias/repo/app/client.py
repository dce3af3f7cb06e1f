from app.compat import thing

print(thing())
