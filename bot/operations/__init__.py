"""The operator's tools: backups, restore, status, health, metrics and the doctor's checks."""
