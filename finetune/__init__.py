"""Fine-tuning: the training-data factory and LLM distillation (see the open issues; nothing here yet)."""
