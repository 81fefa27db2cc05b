"""Training: the one config model of `ech0 finetune`, SFT with trl + peft (LoRA/QLoRA), sequence- and logit-level
distillation, continual learning, the CPU demo on the shipped SmolLM2."""
