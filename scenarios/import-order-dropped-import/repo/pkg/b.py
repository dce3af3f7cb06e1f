from pkg.reg import R

B0 = 0
B = R + B0
