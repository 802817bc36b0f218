"""Everything that talks to Alibaba Cloud CAMS; aiohttp stays inside this package.

Import the module you need (``qrbatch.cams.client``, ``.credentials``, ``.errors``,
``.models``, ``.signer``): this package imports none of them, so reading credentials
or error codes never loads aiohttp.
"""
