from pkg.registry import REGISTRY, register
