"""Task templates: question × answer phrasings per task (properties, measured values, structure, reasoning, tool
use), registered by name; each template id is stable."""
