"""The embedded local AWS: moto's server with drkit's extensions, and the runner that starts it.

Laid out like moto: one folder per AWS service holding that service's
extension (``models.py`` for the backend, ``responses.py`` for the request
handler, ``urls.py`` for the routes), the shared patch machinery in
:mod:`drkit_emulator.core`, the server in :mod:`drkit_emulator.server` and the
process runner :class:`drkit_emulator.runner.Emulator`. Installed with the
``local`` extra. Importing this package, the runner or the server does not
import moto; :func:`drkit_emulator.core.install` does. Of drkit, only
:mod:`drkit.errors` is imported here.
"""
