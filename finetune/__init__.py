"""Fine-tuning: the verified training-data factory (`dataset`, `tasks`, `quality`), SFT/QLoRA and distillation
(`training`), and what serving the student needs (`serving`)."""
