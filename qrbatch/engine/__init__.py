"""The engine: one executor running actions (create, update, delete) as strategies over
the pacer and account registry, the journal, retries and the event bus.

Only ``qrbatch.run`` assembles it; front ends see its events, never its internals.
"""
