"""scipy's bundled HiGHS bindings (the linear-programming solver of the suppression's audit), loaded on
their own.

``from scipy.optimize._highspy import _core`` first runs ``scipy.optimize``'s package code, which imports
the whole of scipy.optimize (linalg, fft, spatial, special and the parsing of their docstrings): about
0.2 s of CPU in every process that audits, for a solver that is one compiled extension module (issue 14).
``core`` is that extension module loaded from its file, with only ``scipy`` itself imported first (it
loads the extensions' shared libraries), and registered under its own name, so a later import of
``scipy.optimize`` (``linprog``, the independent audit's ``milp``) finds it and does not load it twice.
It is the very module ``scipy.optimize._highspy._core`` names: the same solver, the same answers.
``core`` is None when this scipy has no such bindings (the callers then use ``linprog``).
"""
from __future__ import annotations

import importlib.machinery
import importlib.util
import sys
from pathlib import Path

NAME = "scipy.optimize._highspy._core"


def _load():
    if NAME in sys.modules:
        return sys.modules[NAME]
    try:
        import scipy
    except ImportError:  # pragma: no cover - scipy is a dependency
        return None
    folder = Path(scipy.__file__).parent / "optimize" / "_highspy"
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        path = folder / f"_core{suffix}"
        if path.is_file():
            break
    else:  # pragma: no cover - a scipy without HiGHS bindings, or laid out otherwise
        try:
            from scipy.optimize._highspy import _core
        except ImportError:
            return None
        return _core
    spec = importlib.util.spec_from_file_location(NAME, path,
                                                  loader=importlib.machinery.ExtensionFileLoader(NAME, str(path)))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    sys.modules[NAME] = module
    return module


core = _load()
