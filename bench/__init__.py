"""Tools that measure the assistant: benchmark, load test, latency, scale-out cluster, catalogue benchmark,
synthetic catalogue, cross-validation report. The product never imports them."""
