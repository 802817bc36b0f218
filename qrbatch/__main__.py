from qrbatch.cli.commands import entry

entry()
