"""Packages only; everything else is in setup.cfg.

drkit, the embedded AWS emulator beside it (``drkit_emulator``, whose moto
comes with the ``local`` extra), and the Lambda code under assets/runtime (as
``drkit_runtime``): the stack imports its contract, so the stack and the
functions read one definition of every name they share. setup.cfg cannot add
a package from another folder to a ``find:`` list, hence this file.
"""

from setuptools import find_packages, setup

setup(
    packages=[
        *find_packages(include=["drkit", "drkit.*", "drkit_emulator", "drkit_emulator.*"]),
        "drkit_runtime",
    ],
    package_dir={"drkit_runtime": "assets/runtime/drkit_runtime"},
)
