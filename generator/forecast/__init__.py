"""Forecasting demand (issue 6): children looked after by age band × placement group
for the next three years, its backtest, scenarios, projected costs and the sufficiency gap.

* ``model``: the transition model (rates from the ``flows`` tables, simulation);
* ``trend``: the fallback, trend and population;
* ``run``: ``forecast(view)``, ``backtest(view)``, ``errors(frame)``;
* ``scenarios``: the commissioners' ``scenarios`` table as model levers;
* ``costs``: projected weeks of care and spend, baseline against each scenario;
* ``gap``: forecast demand against capacity, per year ahead;
* ``context``: the template names (``forecast``, ``backtest``, ``scenario``,
  ``projected_spend``, ``gap``).

Only aggregate tables are read: child-level data never reaches this package.
"""
from .run import METHODS, Forecast, backtest, errors, forecast  # noqa: F401
