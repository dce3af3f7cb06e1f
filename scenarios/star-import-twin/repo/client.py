from lib.api import VERSION, make

print(VERSION, make()())
