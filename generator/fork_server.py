"""Imported last of ``build.WORKER_MODULES`` by the process the build's workers are forked from (issue 14):
what each worker would otherwise do for itself in its first MkDocs run is done once, before it forks them
(measured: a worker's first MkDocs run of the example 0.71 -> 0.57 s CPU; this costs the server 0.15 s).

- The files of the installed themes MkDocs copies into a site (``build._THEME_FILES``; Material's folder
  holds some 14,000 icons MkDocs walks and filters), listed as MkDocs lists them.
- The code of the installed Material templates (``build._THEME_CODE``): ``main.html``, ``404.html``,
  ``sitemap.xml`` and every template they name (extends, includes, imports), each compiled as Jinja's
  loader compiles it, in an environment made as MkDocs makes its theme's. A template named only at run
  time (an icon, a language) and the project's own theme folder are left to the worker that needs them.

Both are the per-process caches a build fills anyway, checked on use (a template against its source's
checksum), so the workers' pages are what they would be without this. If anything here fails, the
workers simply do the work themselves.
"""
from __future__ import annotations

import contextlib


def warm() -> None:
    from types import SimpleNamespace

    import jinja2
    from jinja2 import meta
    from mkdocs.structure.files import Files
    from mkdocs.theme import Theme

    from .build import _theme_templates_compiled_once

    _theme_templates_compiled_once()
    theme = Theme(name="material")
    env = theme.get_env()
    Files([]).add_files_from_theme(env, SimpleNamespace(theme=theme, site_dir="", use_directory_urls=True))
    cache = env.bytecode_cache
    todo, seen = ["main.html", "404.html", "sitemap.xml"], set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            source, filename, _ = env.loader.get_source(env, name)
            tree = env.parse(source, name, filename)
            todo.extend(named for named in meta.find_referenced_templates(tree) if named)
            bucket = cache.get_bucket(env, name, filename, source)
            if bucket.code is None:
                bucket.code = env.compile(tree, name, filename)
                cache.set_bucket(bucket)
        except jinja2.TemplateError:
            continue


with contextlib.suppress(Exception):  # only a head start: the workers do the same work if it cannot be done here
    warm()
