# any order works: pkg.b binds B0 before it imports pkg.reg
import pkg.reg

A = 1
