"""The run layer: job settings, one function per command, the stages that connect,
plans and finishes a run, drop folders, and the event subscribers that report it.

Front ends (``qrbatch.cli``, ``qrbatch.web``, ``qrbatch.dataframes``) call this layer
and nothing below it but the event types; it alone assembles the engine.
"""
