from tooling.commands import main
