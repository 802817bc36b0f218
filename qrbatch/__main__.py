from qrbatch.cli import entry

entry()
