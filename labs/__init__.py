"""Labs: computational experiments on one protocol (chemistry, pharmacology/ADMET, toxicology, natural products),
property models, batch featurization, and the experiment orchestrator with its queue, workflows and lineage."""
