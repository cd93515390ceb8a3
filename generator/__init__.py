"""Sufficiency statement site generator.

The pipeline (see ARCHITECTURE.md):
(extract) -> load -> validate -> stats -> charts -> render -> redact -> build -> check
"""
__version__ = "0.1.0"

#: The numerical libraries' thread pools (OpenBLAS, OpenMP, MKL) kept to one thread, in the command's process
#: (``cli.main``) and in the build's workers: the arrays here are small, one thread sums in the same order on
#: any machine, and a process that runs one thread may fork the build's workers (``build._context``).
ONE_THREAD = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
