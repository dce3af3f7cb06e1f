from pkg.b import thing
