"""The graph nodes, one function each: plan, act (one branch per step), reflect, synthesize, record."""
