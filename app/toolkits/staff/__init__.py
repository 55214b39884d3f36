"""Staff pages under /staff/toolkits, one module per area (as indico's management controllers).
Every endpoint is named staff_*; importing the modules registers their routes on the blueprint."""

from app.toolkits.staff import builder, definitions, questions, responses, results, translations  # noqa: F401
