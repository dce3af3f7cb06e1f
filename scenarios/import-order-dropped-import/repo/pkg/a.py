# pkg.reg must load here, before pkg.b: it needs B0 from pkg.b, which pkg.b binds only after
# its own `from pkg.reg import R`
import pkg.reg

A = 1
