"""Pure statistical functions. Each docstring states its method and the
official definition it follows (DfE 'Children looked after in England')."""
