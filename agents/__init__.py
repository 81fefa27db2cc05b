"""ECH0, the research agent: a LangGraph graph that plans, calls tools, and writes cited reports."""
