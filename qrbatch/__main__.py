from qrbatch.cli import main

main(prog_name="qrbatch")
