"""Request understanding in front of the planner: intents by meaning (an exemplar bank matched with the shipped
MiniLM), conversation and scope, and the parts of a request no tool can serve."""
